"""Demo seeding for joining: the person in recovery's sign-in shows every state on the charts
(joined, invited and waiting, an invitation that ran out, not invited yet)."""

import random
import secrets
from datetime import date, timedelta

from django.utils import timezone

from joining.models import PatientInvitation
from notifications.models import Channel


def seed_joining(demos: list, rng: random.Random, today: date) -> None:
    now = timezone.now()
    for demo in demos:
        sender = demo.clinicians[0]
        waiting = [p for p in demo.patients if p.user_id is None]
        for patient in demo.patients:
            if patient.invitations.exists():
                continue  # seeded before: running twice changes nothing
            if patient.user_id is not None:
                sent = now - timedelta(days=rng.randint(20, 60))
                PatientInvitation.objects.create(
                    patient=patient,
                    channel=Channel.EMAIL,
                    address=patient.user.email,
                    nonce=secrets.token_hex(16),
                    sent_by=sender,
                    expires_at=sent + timedelta(days=PatientInvitation.VALID_DAYS),
                    accepted_at=sent + timedelta(hours=5),
                    accepted_by=patient.user,
                )
            elif patient in waiting[:1] and (patient.email or patient.phone):
                channel = Channel.EMAIL if patient.email else Channel.SMS
                PatientInvitation.objects.create(
                    patient=patient,
                    channel=channel,
                    address=patient.email if patient.email else patient.phone,
                    nonce=secrets.token_hex(16),
                    sent_by=sender,
                    expires_at=now + timedelta(days=5),
                )
            elif patient in waiting[1:2] and (patient.email or patient.phone):
                sent = now - timedelta(days=12)
                PatientInvitation.objects.create(
                    patient=patient,
                    channel=Channel.EMAIL if patient.email else Channel.SMS,
                    address=patient.email or patient.phone,
                    nonce=secrets.token_hex(16),
                    sent_by=sender,
                    expires_at=sent + timedelta(days=PatientInvitation.VALID_DAYS),
                )
