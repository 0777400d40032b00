"""The supporter's help calendar page: list, week and month, what a supporter may see (only
people who share help tasks with them, only open occasions or their own), and its actions."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from networks.models import HelpSlotClaim, HelpTask, Scope
from notifications.models import Kind, Notification
from tests.factories import member
from tests.help_calendar_supporter.conftest import TUESDAY, add_supporter, take, weekly_ride

pytestmark = pytest.mark.django_db

URL = reverse("networks:supporter_calendar")


def page(client, user, **query) -> str:
    client.force_login(user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("view", ["list", "week", "month"])
def test_each_view_shows_the_occasion_in_the_supporters_zone(client, ride, pat, sam, view):
    take(ride, sam)
    html = page(client, pat.user, view=view, start=TUESDAY.isoformat())
    assert f'data-occasion="{ride.pk}:{TUESDAY}"' in html
    assert "4:00 PM–5:00 PM" in html  # 17:00 in New York, Pat is in Chicago
    assert "Also going: Sam" in html and "Okafor" not in html  # first names only
    assert "1 place left" in html
    assert "take it" in html  # "I'll take it", escaped in the page


def test_the_views_span_two_weeks_a_week_and_a_month(client, ride, pat):
    list_html = page(client, pat.user, start="2026-12-01")
    assert list_html.count('data-testid="occasion"') == 2  # 1 and 8 December
    week = page(client, pat.user, view="week", start="2026-12-09")  # the week of Monday the 7th
    assert week.count('data-testid="occasion"') == 1
    assert week.count('data-testid="calendar-day"') == 7
    assert "start=2026-11-30" in week and "start=2026-12-14" in week  # earlier, later
    month = page(client, pat.user, view="month", start="2026-12-20")
    assert month.count('data-testid="occasion"') == 5  # the Tuesdays of December
    assert "start=2026-11-01" in month and "start=2027-01-01" in month
    assert "<table" not in month  # a month is a list of weeks on a phone


def test_a_bad_start_or_view_falls_back_to_today_and_a_list(client, ride, pat):
    html = page(client, pat.user, view="year", start="2026-02-31")
    assert "That date could not be read" in html
    assert f'data-occasion="{ride.pk}:2026-12-01"' in html


def test_full_occasions_of_others_are_not_shown_mine_are(
    client, clinic, patient, person, ride, pat, sam
):
    lee = add_supporter(clinic, patient, person, "Lee Park")
    take(ride, sam)
    take(ride, lee)
    html = page(client, pat.user, start="2026-12-07")
    assert f'data-occasion="{ride.pk}:{TUESDAY}"' not in html  # full, and not Pat's
    html = page(client, sam.user, start="2026-12-07")
    assert f'data-occasion="{ride.pk}:{TUESDAY}"' in html
    assert "Give it back" in html and "Swap with" in html and "Also going: Lee" in html


def test_a_supporter_without_the_help_tasks_scope_sees_nothing_of_that_person(
    client, clinic, patient, person, ride
):
    lee = add_supporter(clinic, patient, person, "Lee Park", scopes=[Scope.MILESTONES.value])
    html = page(client, lee.user, start="2026-12-01")
    assert "Ride to group" not in html
    assert 'data-testid="calendar-nothing-shared"' in html
    claim = take(ride, lee)  # even a claim of theirs (made before the consent changed)
    client.post(reverse("networks:supporter_calendar_claim"), {"occasion": f"{ride.pk}:{TUESDAY}"})
    for name in ("supporter_calendar_give_back", "supporter_calendar_swap"):
        response = client.post(reverse(f"networks:{name}", args=[claim.pk]))
        assert response.status_code == 404
    response = client.post(
        reverse("networks:supporter_calendar_claim"), {"occasion": f"{ride.pk}:{TUESDAY}"}
    )
    assert response.status_code == 404
    assert HelpSlotClaim.objects.filter(contact=lee).count() == 1


def test_another_clinics_supporter_and_other_roles_get_nothing(
    client, other_clinic, clinician, ride, pat
):
    stranger = member(Role.SUPPORTER, other_clinic)
    html = page(client, stranger, start="2026-12-01")
    assert "Ride to group" not in html
    response = client.post(
        reverse("networks:supporter_calendar_claim"), {"occasion": f"{ride.pk}:{TUESDAY}"}
    )
    assert response.status_code == 404
    client.force_login(clinician)
    assert client.get(URL).status_code == 404


def test_someone_elses_claim_is_a_404(client, ride, pat, sam):
    claim = take(ride, sam)
    client.force_login(pat.user)
    for name in ("supporter_calendar_give_back", "supporter_calendar_swap"):
        assert client.post(reverse(f"networks:{name}", args=[claim.pk])).status_code == 404
    assert HelpSlotClaim.objects.get(pk=claim.pk).given_back_at is None


def test_claim_then_give_back_tells_the_patient(client, ride, pat, patient):
    client.force_login(pat.user)
    response = client.post(
        reverse("networks:supporter_calendar_claim"),
        {"occasion": f"{ride.pk}:{TUESDAY}", "view": "week", "start": "2026-12-07"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?view=week&start=2026-12-07#occasion-{ride.pk}-{TUESDAY}"
    claim = HelpSlotClaim.objects.get(contact=pat, occurs_on=TUESDAY)
    html = client.get(response["Location"]).content.decode()
    assert "Thank you for taking this on." in html
    assert 'data-testid="mine"' in html

    response = client.post(
        reverse("networks:supporter_calendar_give_back", args=[claim.pk]),
        {"view": "week", "start": "2026-12-07"},
        follow=True,
    )
    assert "We let Jordan know" in response.content.decode()
    claim.refresh_from_db()
    assert claim.given_back_at is not None
    told = Notification.objects.filter(kind=Kind.HELP_SLOT_CHANGED, recipient_user=patient.user)
    assert told.exists()


def test_swap_hands_it_to_another_supporter(client, ride, pat, sam):
    claim = take(ride, pat)
    client.force_login(pat.user)
    response = client.post(
        reverse("networks:supporter_calendar_swap", args=[claim.pk]),
        {"to_contact": sam.pk},
        follow=True,
    )
    assert "Sam takes it now" in response.content.decode()
    assert HelpSlotClaim.objects.get(contact=sam, given_back_at__isnull=True).occurs_on == TUESDAY


def test_refusals_come_back_as_messages(client, clinic, patient, person, ride, pat, sam):
    lee = add_supporter(clinic, patient, person, "Lee Park")
    take(ride, sam)
    take(ride, lee)
    client.force_login(pat.user)
    full = client.post(
        reverse("networks:supporter_calendar_claim"),
        {"occasion": f"{ride.pk}:{TUESDAY}"},
        follow=True,
    )
    assert "Enough people have already taken this one" in full.content.decode()
    garbled = client.post(
        reverse("networks:supporter_calendar_claim"), {"occasion": "nonsense"}, follow=True
    )
    assert garbled.status_code == 200
    assert "That occasion could not be read." in garbled.content.decode()
    mine = take(ride, pat, TUESDAY + timedelta(days=7))
    stranger = member(Role.SUPPORTER, clinic)
    not_in_network = client.post(
        reverse("networks:supporter_calendar_swap", args=[mine.pk]),
        {"to_contact": stranger.pk},
        follow=True,
    )
    assert "Choose someone from the list." in not_in_network.content.decode()


def test_the_page_is_audited(client, ride, pat, patient):
    page(client, pat.user)
    event = AuditEvent.objects.filter(details__list="supporter_help_calendar").latest("pk")
    assert event.details["patients"] == 1


def test_query_count_stays_flat_as_occasions_grow(
    client, clinic, person, pat, django_assert_max_num_queries
):
    client.force_login(pat.user)
    client.get(URL)  # warm the session and the clinic

    def tasks_for(count: int) -> None:
        for n in range(count):
            task = weekly_ride(pat.patient, title=f"Task {n}", weekdays=[0, 1, 2, 3, 4, 5, 6])
            take(task, pat, date(2026, 12, 2))

    tasks_for(2)
    # sign-in, clinic, membership: a handful; contacts, consents, tasks, claims, swap
    # candidates and their consents: 6; the audit list: 3. None per task or occasion.
    with django_assert_max_num_queries(30) as small:
        client.get(URL, {"view": "month"})
    tasks_for(20)
    assert HelpTask.objects.count() == 22
    with django_assert_max_num_queries(len(small.captured_queries)):
        large = client.get(URL, {"view": "month"})
    assert large.content.decode().count('data-testid="occasion"') > 150


def test_nav_item_and_a_link_from_the_supporters_page(client, ride, pat, patient):
    html = page(client, pat.user)
    assert 'href="/support/help-calendar/"' in html
    client.force_login(pat.user)
    html = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    assert reverse("networks:supporter_calendar") in html


def test_the_supporters_page_lists_a_series_occasions_not_a_claim_button(
    client, ride, pat, patient
):
    take(ride, pat)
    client.force_login(pat.user)
    html = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    assert html.count('data-testid="help-occasion"') == 2  # 1 and 8 December
    assert "You are on it" in html and "2 places left" in html
    assert 'data-testid="open-task"' not in html  # a series is not claimed whole
