"""The demo: hours Monday to Friday, the demo person's thread with an answer, and one unread
message on clinician@demo.clinic's caseload strip; running it twice changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging.demo import seed_messages
from messaging.models import ClinicHours, Message
from recovery_hub.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_thread_waits_unread_for_the_demo_clinician(client):
    [demo] = seed_demo(clinics=1, patients=3, seed=3)
    today = timezone.localdate()
    seed_messages(demo.clinic, today)
    seed_messages(demo.clinic, today)
    assert ClinicHours.objects.filter(clinic=demo.clinic).count() == 5
    messages = Message.objects.filter(thread__patient__user__email="patient@demo.clinic")
    assert messages.filter(author_role="clinician").count() == 1
    assert messages.count() in (3, 4)  # the automatic answer when last evening was closed

    client.force_login(User.objects.get(email="clinician@demo.clinic"))
    page = client.get(reverse("patients:caseload")).content.decode()
    thread = messages.first().thread
    assert reverse("messaging:patient", args=[thread.patient_id]) + f"#thread-{thread.pk}" in page
