"""networks 0005: a dated task claimed before the help calendar becomes its day's claim."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from networks.models import HelpSlotClaim, HelpStatus, HelpTask

pytestmark = pytest.mark.django_db

migration = importlib.import_module("networks.migrations.0005_help_slot_claims_from_claimed_tasks")


def test_a_claimed_dated_task_becomes_a_claim_of_its_day(patient, shared):
    dated = HelpTask.objects.create(
        patient=patient,
        kind="meal",
        title="Dinner",
        due_on=date(2027, 3, 9),
        status=HelpStatus.CLAIMED,
        claimed_by=shared,
    )
    HelpTask.objects.create(  # undated: stays with the single-claimer flow
        patient=patient, kind="call", title="Call", status=HelpStatus.CLAIMED, claimed_by=shared
    )
    HelpTask.objects.create(patient=patient, kind="ride", title="Open", due_on=date(2027, 3, 9))

    migration.claims_from_tasks(apps, None)
    migration.claims_from_tasks(apps, None)  # twice: once

    (claim,) = HelpSlotClaim.objects.all()
    assert (claim.task_id, claim.occurs_on, claim.contact_id, claim.active) == (
        dated.pk,
        date(2027, 3, 9),
        shared.pk,
        True,
    )
