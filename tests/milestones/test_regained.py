"""Money and hours regained: the weekly figures times the days since the current recovery start,
over seven, rounded to whole units; after a setback it counts from the new start. The form on
the milestones page saves, corrects and clears it, with clear errors."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from audit.models import Action, AuditEvent
from coping.badges import clinic_currency, money_text, regained
from coping.models import UseCost
from core.dates import day
from patients.services import setback_record
from tests.factories import OrganizationFactory, UseCostFactory
from tests.milestones.conftest import TODAY

pytestmark = pytest.mark.django_db

URL = "/my-recovery/milestones/"


def cost(amount: str | None, hours: str | None, currency: str = "USD") -> UseCost:
    return UseCost(
        amount_per_week=Decimal(amount) if amount is not None else None,
        hours_per_week=Decimal(hours) if hours is not None else None,
        currency=currency,
    )


def test_regained_is_the_weekly_figure_times_the_days_over_seven_rounded_half_up():
    start = date(2026, 1, 1)
    found = regained(cost("70", "10"), start, date(2026, 1, 11))  # 10 days
    assert (found.days, found.money, found.hours) == (10, Decimal(100), 14)  # 14.28 -> 14

    half = regained(cost("7.35", "0.7"), start, date(2026, 1, 11))  # 10.5 -> 11, 1.0 -> 1
    assert (half.money, half.hours) == (Decimal(11), 1)

    year = regained(cost("120", "20"), start, date(2027, 1, 1))  # 365 days
    assert (year.money, year.hours) == (Decimal(6257), 1043)  # 6257.14, 1042.86
    assert year.sentence == "about $6,257 and 1,043 hours back for you"


def test_money_or_hours_alone_and_nothing_before_the_start():
    start = date(2026, 1, 1)
    assert regained(cost("14", None), start, date(2026, 1, 8)).sentence == "about $14 back for you"
    assert (
        regained(cost(None, "7"), start, date(2026, 1, 2)).sentence == "about 1 hour back for you"
    )
    assert regained(cost("14", "7"), start, date(2025, 12, 25)).money == 0
    assert regained(cost("14", "7"), None, date(2026, 1, 2)) is None
    assert regained(None, start, date(2026, 1, 2)) is None


def test_money_is_written_with_its_symbol_and_grouped():
    assert money_text(Decimal(1234), "USD") == "$1,234"
    assert money_text(Decimal(1234), "EUR") == "€1,234"
    assert money_text(Decimal(5), "GBP") == "£5"


def test_the_form_offers_the_clinics_currency():
    assert clinic_currency(OrganizationFactory(time_zone="Europe/Madrid")) == "EUR"
    assert clinic_currency(OrganizationFactory(time_zone="Europe/London")) == "GBP"
    assert clinic_currency(OrganizationFactory(time_zone="America/Chicago")) == "USD"


def test_the_person_saves_what_use_cost_and_sees_what_is_back(frozen, client, patient, person):
    patient.recovery_start = TODAY - timedelta(days=70)
    patient.save()
    client.force_login(person)

    response = client.post(
        URL, {"amount_per_week": "35", "currency": "USD", "hours_per_week": "6", "save": ""}
    )

    assert response.status_code == 302 and response.url == URL + "#use-cost"
    page = client.get(URL).content.decode()
    assert "Saved. Only you see this." in page
    assert "about $350 and 60 hours back for you" in page
    assert "Since" in page and "Only you see this: not your care team" in page
    event = AuditEvent.objects.filter(patient=patient, action=Action.CREATE).latest("pk")
    assert "35" not in str(event.details) and "6" not in str(event.details)


def test_after_a_setback_the_regained_counts_from_the_new_start(frozen, client, patient, person):
    patient.recovery_start = TODAY - timedelta(days=70)
    patient.save()
    UseCostFactory(patient=patient, amount_per_week="70", hours_per_week="7")
    setback_record(
        patient=patient,
        occurred_on=TODAY - timedelta(days=15),
        kind="lapse",
        what_happened="A party.",
        actor=person,
        new_recovery_start=TODAY - timedelta(days=14),
    )
    client.force_login(person)

    page = client.get(URL).content.decode()

    assert "about $140 and 14 hours back for you" in page
    assert f"Since {day(TODAY - timedelta(days=14))}: about $140" in page


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"amount_per_week": "-5"}, "amount_per_week", "Enter 0 or more."),
        ({"amount_per_week": "lots"}, "amount_per_week", "Enter a number, such as 40."),
        ({"amount_per_week": "1000000"}, "amount_per_week", "Enter a number up to"),
        ({"hours_per_week": "200"}, "hours_per_week", "A week has 168 hours"),
        ({}, "amount_per_week", "Enter money, hours or both"),
        ({"amount_per_week": "5", "currency": "XYZ"}, "currency", "Select a valid choice"),
    ],
)
def test_bad_input_is_named_next_to_its_field_and_saves_nothing(
    client, patient, person, posted, field, message
):
    client.force_login(person)
    data = {"currency": "USD", "save": ""} | posted

    response = client.post(URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not UseCost.objects.exists()


def test_the_person_clears_what_they_entered(client, patient, person):
    UseCostFactory(patient=patient)
    client.force_login(person)

    response = client.post(URL, {"clear": ""})

    assert response.status_code == 302
    assert not UseCost.objects.exists()
    page = client.get(URL).content.decode()
    assert "Cleared. Nothing about what use cost is kept." in page
    assert 'data-testid="regained"' not in page
    assert AuditEvent.objects.filter(patient=patient, action=Action.DELETE).exists()
