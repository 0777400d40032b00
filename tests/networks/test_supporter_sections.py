"""The supporter's page on a phone: an in-page menu of the sections it shows (and only those),
and every list of the supporter's pages says what to do next when it is empty."""

import re

import pytest
from django.urls import reverse

from networks.services import consent_grant

pytestmark = pytest.mark.django_db

SCOPES = ["milestones", "checkin_summary", "coping_plan", "appointments", "help_tasks"]
ALWAYS = ["Encouragement", "Reach-out log", "How you are", "Weekly digest"]


def grant(contact, person, scopes):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def page(client, patient) -> str:
    return client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()


def menu_of(html: str) -> list[tuple[str, str]]:
    nav = html.split('data-testid="page-menu"')[1].split("</nav>")[0]
    return re.findall(r'<a class="nav-link" href="#([^"]+)">([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (
            SCOPES,
            ["How you can help", "Milestones", "This week", "Coping plan", "Sessions", *ALWAYS],
        ),
        (["milestones"], ["Milestones", *ALWAYS]),
        (["coping_plan", "help_tasks"], ["How you can help", "Coping plan", *ALWAYS]),
    ],
)
def test_the_menu_lists_the_sections_shown_in_page_order_and_each_link_lands(
    client, patient, contact, person, supporter, scopes, expected
):
    grant(contact, person, scopes)
    client.force_login(supporter)

    html = page(client, patient)

    menu = menu_of(html)
    assert [label for _anchor, label in menu] == expected
    positions = []
    for anchor, _label in menu:
        assert html.count(f' id="{anchor}"') == 1, anchor  # the link lands on one section
        positions.append(html.index(f' id="{anchor}"'))
    assert positions == sorted(positions)
    assert html.index('data-testid="page-menu"') < min(positions)


def test_without_anything_shared_there_is_no_menu(client, patient, contact, supporter):
    client.force_login(supporter)

    assert 'data-testid="page-menu"' not in page(client, patient)


def test_every_empty_list_says_what_to_do_next(client, patient, contact, person, supporter):
    patient.recovery_start = None  # no milestones to count
    patient.save()
    grant(contact, person, SCOPES)
    client.force_login(supporter)

    html = page(client, patient)

    empty = {
        "no-tasks": 'href="#encouragement"',
        "no-milestones": "a few words of encouragement are welcome at any time",
        "no-plan-shared": "You can still ask them what helps on a hard day.",
        "no-playbook-step": "ask Jordan what would help",
        "no-sessions": "When the care team invites you to one, it will appear here",
        "nothing-sent": "A few words are enough",
        "no-reach-outs": "log your first one with the form above",
    }
    for testid, next_step in empty.items():
        start = html.index(f'data-testid="{testid}"')
        end = min(i for i in (html.find("</p>", start), html.find("</li>", start)) if i != -1)
        assert next_step in html[start:end], testid


def test_the_home_without_anyone_says_how_to_be_invited(client, supporter):
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_home")).content.decode()

    assert 'data-testid="supporter-empty"' in html
    assert "Ask them, or their care team, to invite you" in html


def test_an_inviting_card_says_what_will_appear_once_shared(client, patient, contact, supporter):
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_home")).content.decode()

    assert 'data-testid="support-card-invited"' in html
    assert "Nothing is shared with you yet. When Jordan chooses what to share with you" in html
