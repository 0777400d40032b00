"""Demo data for the milestones page (`manage.py seed_demo`; safe to run twice): the person in
recovery who signs in (patient@...) has what use cost entered and a week of check-ins in a row,
so the page shows the money and hours back and a streak badge."""

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Organization
from coping.badges import clinic_currency
from coping.models import CheckIn, UseCost
from patients.models import Patient

STREAK_DAYS = 7  # the days before today with a check-in: the 3- and 7-day streak badges


def seed_milestones(clinic: Organization, today: date) -> Patient | None:
    """Fill in what is missing for the clinic's demo person in recovery; returns them."""
    patient = (
        Patient.objects.filter(clinic=clinic, user__email__startswith="patient@")
        .select_related("clinic", "user")
        .first()
    )
    if patient is None:
        return None
    UseCost.objects.get_or_create(
        patient=patient,
        defaults={
            "amount_per_week": Decimal("85.00"),
            "hours_per_week": Decimal("12.0"),
            "currency": clinic_currency(clinic),
        },
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                patient=patient,
                local_date=today - timedelta(days=n),
                mood=7,
                craving=2,
                stress=3,
                entered_by=patient.user,
            )
            for n in range(STREAK_DAYS, 0, -1)
        ],
        ignore_conflicts=True,  # the days the history already has keep their check-in
    )
    return patient
