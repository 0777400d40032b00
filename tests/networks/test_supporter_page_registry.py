"""The supporter's page is built from the section registry: each section says where its block
sits, its anchor, menu label and template fragment; adding a scope is one entry."""

import pytest
from django.template.loader import get_template
from django.utils.functional import Promise

from networks import sections
from networks.models import Scope
from networks.sections import SECTIONS, page_sections
from networks.selectors import SupporterView
from networks.views import page_menu


def test_every_section_has_a_block_an_anchor_and_a_lazy_label_in_one_page_order():
    for section in SECTIONS.values():
        assert section.anchor and section.template, section.scope
        assert isinstance(section.label, Promise), section.scope  # translated when rendered
        get_template(section.template)  # the fragment exists and compiles
    orders = [section.page_order for section in SECTIONS.values()]
    anchors = [section.anchor for section in SECTIONS.values()]
    assert len(set(orders)) == len(orders)
    assert len(set(anchors)) == len(anchors)


@pytest.mark.django_db
def test_the_menu_follows_the_page_order_not_the_declaration_order(contact):
    view = SupporterView(contact=contact, scopes=frozenset(Scope))
    view.summary = object()  # the week's block shows only with a summary

    assert [s.scope for s in page_sections(view)][:2] == [Scope.HELP_TASKS, Scope.MILESTONES]
    assert [anchor for anchor, _label in page_menu(view)][:2] == [
        "section-help_tasks",
        "milestones",
    ]
    view.summary = None
    assert Scope.CHECKIN_SUMMARY not in [s.scope for s in page_sections(view)]


@pytest.mark.django_db
def test_a_new_section_needs_only_its_entry_to_reach_the_menu(contact, monkeypatch):
    monkeypatch.setattr(sections, "SECTIONS", dict(SECTIONS))
    sections.register_section(
        Scope.MILESTONES,
        select=lambda view, day: None,
        serialize=lambda view: {},
        anchor="first",
        label="First",
        page_order=0,
        template="networks/sections/milestones.html",
    )
    view = SupporterView(contact=contact, scopes=frozenset({Scope.MILESTONES}))

    assert page_menu(view)[0] == ("first", "First")
