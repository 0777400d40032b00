"""The demo shows the person's sign-in in each state, and seeding twice changes nothing."""

import pytest

from joining.models import PatientInvitation
from joining.services import sign_in_state
from patients.models import Patient
from recovery_hub.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_charts_show_joined_invited_and_ran_out():
    seed_demo(clinics=1, patients=5, seed=3)
    count = PatientInvitation.objects.count()

    states = {sign_in_state(patient).state for patient in Patient.objects.all()}
    seed_demo(clinics=1, patients=5, seed=3)

    assert {"joined", "invited", "expired"} <= states
    assert PatientInvitation.objects.count() == count
