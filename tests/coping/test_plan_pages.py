"""The coping plan pages: who reaches them, the editor, versions, compare, restore, print."""

import re
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.forms import BooleanField
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from coping.models import CopingPlanVersion, Strategy
from coping.services import current_version, plan_save
from tests.factories import EmergencyAccessFactory, PatientFactory, member

pytestmark = pytest.mark.django_db

READ_PAGES = ["plan", "plan_versions", "plan_compare", "plan_print", "plan_wallet_card"]


def _url(name: str, patient, *args: object) -> str:
    return reverse(f"coping:{name}", args=[patient.pk, *args])


def _plan(**sections) -> dict:
    crisis = {"steps": ["Breathe", "Call Sam"], "people": [{"name": "Sam", "phone": "555-0101"}]}
    return {"crisis_plan": crisis, **sections}


def _save(patient, actor, summary="Saved", **sections):
    return plan_save(
        patient=patient, content=_plan(**sections), actor=actor, change_summary=summary
    )


def form_data(response) -> dict[str, str]:
    """What the browser would post back from the editor page, unchanged."""
    editor = response.context["editor"]
    data: dict[str, str] = {}

    def add(form) -> None:
        for field in form:
            value = field.value()
            if isinstance(field.field, BooleanField):
                if value:
                    data[field.html_name] = "on"
                continue
            if isinstance(value, time):
                value = value.strftime("%H:%M")
            data[field.html_name] = "" if value is None else str(value)

    add(editor.crisis)
    for formset in [editor.crisis_people, *(s.formset for s in editor.sections)]:
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    add(editor.summary)
    return data


def _edit(client, patient, change: dict[str, str], summary: str = "Updated the plan"):
    data = form_data(client.get(_url("plan_edit", patient)))
    data.update(change_summary=summary, **change)
    return client.post(_url("plan_edit", patient), data)


@pytest.fixture
def colleague(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Robin Mbeki")


# --- Who reaches the pages -------------------------------------------------------------------


def test_person_in_recovery_writes_their_own_first_plan(client, patient, person):
    client.force_login(person)
    empty = client.get(_url("plan", patient))
    assert empty.status_code == 200
    assert b'data-testid="plan-empty"' in empty.content

    response = _edit(
        client,
        patient,
        {
            "crisis-steps": "Go for a walk\n\n  Call my sister  \n",
            "warning_signs-0-text": "Skipping meals",
            "warning_signs-0-shareable": "on",
            "triggers-0-category": "places",
            "triggers-0-description": "Walking past my old bar",
            "triggers-0-intensity": "4",
            "triggers-0-how_i_manage": "Take the bus instead",
            "routine-0-start": "07:00",
            "routine-0-end": "07:30",
            "routine-0-activity": "Walk the dog",
        },
        summary="Our first plan",
    )

    assert response.status_code == 302
    assert response["Location"] == _url("plan", patient)
    version = current_version(patient)
    assert (version.number, version.author, version.change_summary) == (1, person, "Our first plan")
    content = version.content
    assert content["crisis_plan"]["steps"] == ["Go for a walk", "Call my sister"]
    assert [(w["text"], w["shareable"]) for w in content["warning_signs"]] == [
        ("Skipping meals", True)
    ]
    assert content["triggers"][0]["intensity"] == 4
    assert content["routine"][0]["start"] == "07:00"
    page = client.get(_url("plan", patient))
    assert "Coping plan saved as version 1." in page.content.decode()
    assert "shared with my network" in page.content.decode()


def test_care_team_clinician_edits_and_item_ids_are_kept(client, patient, person, team_clinician):
    first = _save(patient, person, warning_signs=[{"text": "Not sleeping"}])
    sign_id = first.content["warning_signs"][0]["id"]
    client.force_login(team_clinician)

    response = _edit(client, patient, {"warning_signs-0-text": "Sleeping less than 5 hours"})

    assert response.status_code == 302
    version = current_version(patient)
    assert (version.number, version.author) == (2, team_clinician)
    assert version.content["warning_signs"] == [
        {"id": sign_id, "text": "Sleeping less than 5 hours", "shareable": False}
    ]


def test_a_clinician_with_emergency_access_can_edit(client, patient, colleague):
    EmergencyAccessFactory(patient=patient, user=colleague)
    client.force_login(colleague)

    response = _edit(client, patient, {"reasons-0-text": "Staying alive for my family"})

    assert response.status_code == 302
    assert current_version(patient).author == colleague


def test_plan_is_shown_inside_the_chart_for_staff(client, patient, team_clinician):
    _save(patient, team_clinician, reasons=[{"text": "My kids"}])
    client.force_login(team_clinician)

    html = client.get(_url("plan", patient)).content.decode()

    assert 'data-testid="chart-header"' in html
    assert re.search(r'class="nav-link active" aria-current="page" href="[^"]+">Coping plan', html)


def test_clinic_admin_reads_every_page_but_cannot_edit_or_restore(client, clinic, patient, person):
    _save(patient, person)
    _save(patient, person)
    client.force_login(member(Role.ADMIN, clinic))

    for name in READ_PAGES:
        assert client.get(_url(name, patient), {"a": 1, "b": 2}).status_code == 200, name
    assert client.get(_url("plan_edit", patient)).status_code == 404
    assert client.post(_url("plan_edit", patient), {}).status_code == 404
    assert client.post(_url("plan_restore", patient, 1)).status_code == 404
    assert CopingPlanVersion.objects.count() == 2


@pytest.fixture(params=["colleague", "supporter", "other_clinician", "other_admin", "other_person"])
def outsider(request, clinic, other_clinic):
    """Everyone who must not learn the plan exists."""
    if request.param == "colleague":  # same clinic, not on the care team
        return member(Role.CLINICIAN, clinic)
    if request.param == "supporter":
        return member(Role.SUPPORTER, clinic)
    if request.param == "other_person":  # another person in recovery of the same clinic
        other = member(Role.PATIENT, clinic)
        PatientFactory(clinic=clinic, user=other)
        return other
    role = Role.CLINICIAN if request.param == "other_clinician" else Role.ADMIN
    return member(role, other_clinic)


def test_outsiders_get_404_on_every_plan_url(client, patient, person, outsider):
    _save(patient, person)
    client.force_login(outsider)

    for name in [*READ_PAGES, "plan_edit"]:
        assert client.get(_url(name, patient), {"a": 1, "b": 1}).status_code == 404, name
    assert client.post(_url("plan_edit", patient), {}).status_code == 404
    assert client.post(_url("plan_restore", patient, 1)).status_code == 404
    assert CopingPlanVersion.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, patient):
    response = client.get(_url("plan", patient))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_page_view_is_audited(client, patient, team_clinician):
    client.force_login(team_clinician)

    for name in READ_PAGES:
        client.get(_url(name, patient))

    events = AuditEvent.objects.filter(action=Action.VIEW, patient=patient)
    assert sorted(e.details["page"] for e in events) == sorted(
        ["plan", "plan_versions", "plan_compare", "plan_print", "plan_wallet_card"]
    )


# --- The plan page ---------------------------------------------------------------------------


def test_plan_page_shows_sections_in_order_with_badges_and_crisis_numbers(client, patient, person):
    _save(
        patient,
        person,
        summary="Added reasons",
        triggers=[
            {
                "category": "emotions",
                "description": "Feeling lonely",
                "intensity": 4,
                "how_i_manage": "Text my sponsor",
            }
        ],
        warning_signs=[{"text": "Skipping meetings", "shareable": True}],
        strategies=[
            {"category": "physical_activity", "text": "Ten-minute walk"},
            {"category": "stress_management", "text": "Box breathing"},
        ],
        routine=[{"start": "07:00", "activity": "Breakfast"}],
        reasons=[{"text": "My daughter"}],
        people=[{"name": "Kim", "relationship": "sponsor", "phone": "555-0199"}],
    )
    client.force_login(person)

    html = client.get(_url("plan", patient)).content.decode()

    order = [
        html.index(f'data-testid="section-{name}"')
        for name in [
            "crisis_plan",
            "triggers",
            "warning_signs",
            "strategies",
            "routine",
            "reasons",
            "people",
        ]
    ]
    assert order == sorted(order)
    assert html.index("Stress management") < html.index("Physical activity")  # category order
    assert "call or text" in html and 'href="tel:988"' in html
    assert "Local emergency number" in html and "911" in html
    assert html.count('data-testid="shared-badge"') == 1
    assert "Version 1" in html and "Added reasons" in html and person.display_name in html
    assert "4 of 5" in html and "Text my sponsor" in html
    for name in ["plan_edit", "plan_versions", "plan_print", "plan_wallet_card"]:
        assert _url(name, patient) in html


def test_admin_sees_no_edit_link_and_an_empty_state_without_a_start_button(client, clinic, patient):
    client.force_login(member(Role.ADMIN, clinic))

    html = client.get(_url("plan", patient)).content.decode()

    assert 'data-testid="plan-empty"' in html
    assert _url("plan_edit", patient) not in html


# --- The editor ------------------------------------------------------------------------------


def test_blank_extra_rows_are_left_out(client, patient, person):
    client.force_login(person)

    response = _edit(client, patient, {"reasons-0-text": "Being there for my kids"})

    assert response.status_code == 302
    content = current_version(patient).content
    assert [r["text"] for r in content["reasons"]] == ["Being there for my kids"]
    assert content["triggers"] == content["people"] == content["strategies"] == []


def test_removing_a_row(client, patient, person):
    _save(patient, person, reasons=[{"text": "Health"}, {"text": "Work"}])
    client.force_login(person)

    _edit(client, patient, {"reasons-0-DELETE": "on"})

    assert [r["text"] for r in current_version(patient).content["reasons"]] == ["Work"]


def test_a_library_strategy_picked_without_text_uses_its_own_words(
    client, clinic, patient, team_clinician
):
    strategy = Strategy.objects.get(clinic=clinic, title="Box breathing")
    client.force_login(team_clinician)

    response = _edit(client, patient, {"strategies-0-library": str(strategy.pk)})

    assert response.status_code == 302
    item = current_version(patient).content["strategies"][0]
    assert item["strategy_id"] == strategy.pk
    assert item["category"] == "stress_management"
    assert item["text"] == f"Box breathing — {strategy.description}"


def test_library_offers_only_this_clinics_active_strategies(
    client, clinic, other_clinic, patient, team_clinician
):
    Strategy.objects.filter(clinic=clinic, title="Urge surfing").update(is_active=False)
    foreign = Strategy.objects.get(clinic=other_clinic, title="Box breathing")
    client.force_login(team_clinician)

    html = client.get(_url("plan_edit", patient)).content.decode()
    response = _edit(client, patient, {"strategies-0-library": str(foreign.pk)})

    assert "Box breathing" in html and "Urge surfing" not in html
    assert response.status_code == 200  # not a choice here
    assert not CopingPlanVersion.objects.exists()


def test_a_strategy_needs_text_or_a_library_pick(client, patient, person):
    client.force_login(person)

    response = _edit(client, patient, {"strategies-0-category": "routine"})

    assert response.status_code == 200
    assert "Write a strategy or pick one from the library." in response.content.decode()
    assert not CopingPlanVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "triggers-0-category": "people",
                "triggers-0-description": "Old friends",
                "triggers-0-intensity": "9",
            },
            "Select a valid choice",
        ),
        (
            {"routine-0-start": "09:00", "routine-0-end": "08:00", "routine-0-activity": "Meeting"},
            "A time block must end after it starts.",
        ),
        ({"change_summary": ""}, "This field is required."),
        ({"crisis-local_emergency_number": ""}, "This field is required."),
        ({"routine-0-start": "25:99", "routine-0-activity": "Walk"}, "Enter a valid time."),
    ],
)
def test_bad_input_shows_errors_and_saves_no_version(client, patient, person, change, message):
    client.force_login(person)
    data = form_data(client.get(_url("plan_edit", patient)))
    data.update({"change_summary": "Try"} | change)

    response = client.post(_url("plan_edit", patient), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'data-testid="plan-errors"' in html
    assert not CopingPlanVersion.objects.exists()


def test_a_save_made_while_the_form_was_open_is_not_silently_replaced(
    client, patient, person, team_clinician
):
    _save(patient, person, reasons=[{"text": "Health"}])
    client.force_login(person)
    data = form_data(client.get(_url("plan_edit", patient)))
    _save(patient, team_clinician, reasons=[{"text": "Health"}, {"text": "Family"}])
    data.update({"reasons-1-text": "Music", "change_summary": "Added music"})

    first = client.post(_url("plan_edit", patient), data)

    assert first.status_code == 200
    assert (
        "Version 2 was saved by Chris Alvarez while this page was open." in first.content.decode()
    )
    assert CopingPlanVersion.objects.count() == 2
    again = client.post(_url("plan_edit", patient), form_data(first))  # the user saves again
    assert again.status_code == 302
    assert [r["text"] for r in current_version(patient).content["reasons"]] == ["Health", "Music"]


def test_a_tampered_form_is_an_error_not_a_crash(client, patient, person):
    client.force_login(person)

    response = client.post(_url("plan_edit", patient), {"change_summary": "x"})

    assert response.status_code == 200
    assert not CopingPlanVersion.objects.exists()


def test_errors_from_the_plan_service_come_back_on_the_page(client, patient, person, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"people": ["Name is required."], "content": ["Try again."]})

    monkeypatch.setattr("coping.plan_views.plan_save", refuse)
    client.force_login(person)

    response = _edit(client, patient, {"people-0-name": "Kim"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Name is required." in html and "Try again." in html
    assert not CopingPlanVersion.objects.exists()


def test_the_editor_has_no_inline_scripts(client, patient, person):
    client.force_login(person)

    for name in ["plan_edit", "plan", "plan_print", "plan_wallet_card"]:
        html = client.get(_url(name, patient)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert not re.search(r"\son[a-z]+=", html), name


# --- Versions, compare, restore --------------------------------------------------------------


def test_three_versions_compare_and_restore(client, patient, person, team_clinician):
    client.force_login(person)
    _edit(
        client,
        patient,
        {"warning_signs-0-text": "Isolating", "reasons-0-text": "Health"},
        summary="First",
    )
    _edit(
        client,
        patient,
        {"warning_signs-0-text": "Isolating from friends", "people-0-name": "Kim"},
        summary="Second",
    )
    _edit(
        client,
        patient,
        {"reasons-0-DELETE": "on", "warning_signs-1-text": "Irritable"},
        summary="Third",
    )
    assert list(CopingPlanVersion.objects.values_list("number", "author", "change_summary")) == [
        (3, person.pk, "Third"),
        (2, person.pk, "Second"),
        (1, person.pk, "First"),
    ]

    versions = client.get(_url("plan_versions", patient)).content.decode()
    assert all(f'data-testid="version-{n}"' in versions for n in (1, 2, 3))
    compare = client.get(_url("plan_compare", patient), {"a": 1, "b": 3}).content.decode()

    assert re.search(
        r'data-change="changed">.*?Changed.*?Isolating</td>.*?Isolating from friends', compare, re.S
    )
    assert re.search(r'data-change="added">.*?Added.*?Irritable', compare, re.S)
    assert re.search(r'data-change="added">.*?Added.*?Kim', compare, re.S)
    assert re.search(r'data-change="removed">.*?Removed.*?Health', compare, re.S)
    assert "diff-label-added" in compare and "diff-label-removed" in compare

    client.force_login(team_clinician)
    response = client.post(_url("plan_restore", patient, 1))

    assert response.status_code == 302 and response["Location"] == _url("plan", patient)
    v1, v4 = (CopingPlanVersion.objects.get(number=n) for n in (1, 4))
    assert v4.content == v1.content
    assert (v4.restored_from, v4.author) == (v1, team_clinician)
    assert (
        "Version 1 was restored as version 4." in client.get(_url("plan", patient)).content.decode()
    )
    assert "restored from v1" in client.get(_url("plan_versions", patient)).content.decode()


def test_restore_needs_post_and_an_existing_version(client, patient, person):
    _save(patient, person)
    client.force_login(person)

    assert client.get(_url("plan_restore", patient, 1)).status_code == 405
    assert client.post(_url("plan_restore", patient, 7)).status_code == 404


@pytest.mark.parametrize(
    "query", [{}, {"a": 1}, {"a": "abc", "b": 1}, {"a": 1, "b": 9}, {"a": 0, "b": -1}]
)
def test_compare_with_bad_or_missing_numbers_explains(client, patient, person, query):
    _save(patient, person)
    _save(patient, person)
    client.force_login(person)

    response = client.get(_url("plan_compare", patient), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="compare-message"' in html
    assert "data-change=" not in html


def test_compare_without_any_version(client, patient, person):
    client.force_login(person)

    response = client.get(_url("plan_compare", patient), {"a": 1, "b": 2})

    assert response.status_code == 200
    assert "nothing to compare" in response.content.decode()


# --- Printable plan and wallet card ----------------------------------------------------------


def test_printable_plan_and_wallet_card(client, clinic, patient, person):
    _save(
        patient,
        person,
        warning_signs=[{"text": f"Sign {n}"} for n in range(5)],
        strategies=[{"category": "routine", "text": f"Strategy {n}"} for n in range(5)],
    )
    client.force_login(person)

    printable = client.get(_url("plan_print", patient)).content.decode()
    card = client.get(_url("plan_wallet_card", patient)).content.decode()

    assert re.search(r'<script src="[^"]*/js/print\.[^"]*js" defer>', printable)
    assert re.search(r'<link rel="stylesheet" href="[^"]*/css/plan\.[^"]*css">', printable)
    assert re.search(r'<button type="button" class="[^"]*" data-print>Print</button>', printable)
    assert printable.index("section-crisis_plan") < printable.index("section-triggers")
    assert "data-print" in card and "Call Sam" in card and "555-0101" in card and "988" in card
    assert "Sign 2" in card and "Sign 3" not in card
    assert "Strategy 2" in card and "Strategy 3" not in card


def test_printable_page_without_a_plan_still_gives_the_crisis_numbers(client, patient, person):
    client.force_login(person)

    html = client.get(_url("plan_print", patient)).content.decode()

    assert "988" in html and "911" in html


# --- Query budgets ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("name", ["plan", "plan_versions", "plan_compare", "plan_edit"])
@pytest.mark.parametrize("who", ["person", "team_clinician"])
def test_query_count_does_not_grow_with_versions_or_items(
    client, request, patient, person, django_assert_max_num_queries, size, name, who
):
    for n in range(size):
        _save(
            patient,
            person,
            warning_signs=[{"text": f"Sign {i}"} for i in range(size)],
            strategies=[{"category": "routine", "text": f"Strategy {i}"} for i in range(size)],
            reasons=[{"text": f"Reason {i} in version {n}"} for i in range(size)],
        )
    client.force_login(request.getfixturevalue(who))

    # Session, user, memberships, the patient, the audit event, the version(s) and the library
    # or the version numbers; staff add the care-team check, the chart header's alert count and
    # the clinic: 10 today, whatever the number of versions and items (a query per row would
    # add 3 or 30).
    with django_assert_max_num_queries(11):
        response = client.get(_url(name, patient), {"a": 1, "b": size})
    assert response.status_code == 200
