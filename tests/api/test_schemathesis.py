"""schemathesis over /api/schema/, as each of the four roles, on the demo clinics.

Every operation of the served schema gets generated requests (valid ones, half of them on rows
that exist, and invalid ones), sent through the WSGI app with the role's API token. Each answer
must pass schemathesis' checks: no 5xx, only documented statuses, bodies and content types as
documented, invalid data refused, valid data accepted (or refused for a documented reason),
no answer without credentials. The counts per role are printed in the run's summary.

Bounded to run in about a minute on two cores: a fixed number of examples per operation,
derandomized (the same cases every run).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import STAFF_ROLES, Membership, User
from accounts.second_factor import has_totp, totp_enrol
from accounts.tokens import token_issue
from coping.models import CopingPlanVersion
from networks.models import Consent, HelpSlotClaim, HelpTask, SupportContact
from patients.models import Alert, Appointment, CareTeamMember, Patient
from recovery_hub.demo import seed_demo
from reports.registry import SLUGS
from tests.api.conftest import SCHEMATHESIS_RUNS
from tests.factories import TOTP_SECRET
from tests.shared_rows import shared_rows

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

ROLES = {
    "clinic admin": "admin@demo.clinic",
    "clinician": "clinician@demo.clinic",
    "patient": "patient@demo.clinic",
    "supporter": "family@demo.clinic",
}
POSITIVE_EXAMPLES = 3  # per operation, on generated ids
EXISTING_EXAMPLES = 6  # per operation, on rows of the demo clinics
NEGATIVE_EXAMPLES = 3  # per operation with something to get wrong

# Rules no schema can express (a date after another, an id of this clinic's staff, one
# check-in a day, a task that is no longer open) answer 400 with the error shape even for
# data the schema calls valid; a generated `If-Match` that is not the row's current ETag is a
# 412 (optimistic concurrency, documented on those writes). Everywhere else valid data must be
# accepted.
BUSINESS_RULE_STATUSES = {400, 412}


def existing_ids() -> dict[str, list[object]]:
    """Path parameter values that name real rows (of both demo clinics: another clinic's id
    must answer 404, which the checks hold too)."""
    patients = list(Patient.objects.values_list("pk", flat=True)[:6])
    return {
        "patient_id": patients,
        "contact_id": list(SupportContact.objects.values_list("pk", flat=True)[:4]),
        "member_id": list(CareTeamMember.objects.values_list("pk", flat=True)[:4]),
        "consent_id": list(Consent.objects.values_list("pk", flat=True)[:4]),
        "task_id": list(HelpTask.objects.values_list("pk", flat=True)[:4]),
        "alert_id": list(Alert.objects.values_list("pk", flat=True)[:4]),
        "appointment_id": list(Appointment.objects.values_list("pk", flat=True)[:4]),
        "number": sorted(set(CopingPlanVersion.objects.values_list("number", flat=True)))[:3],
        "slug": list(SLUGS),
        # A help task's occasion (YYYY-MM-DD): days people took in the demo.
        "day": sorted(
            {d.isoformat() for d in HelpSlotClaim.objects.values_list("occurs_on", flat=True)[:8]}
        )[:4],
        **{
            name: list(apps.get_model(model).objects.values_list("pk", flat=True)[:4])
            for name, model in MORE_IDS.items()
        },
    }


# The other path ids: the model whose rows each names.
MORE_IDS = {
    "article_id": "resources.Article",
    "resource_id": "resources.CommunityResource",
    "link_id": "resources.PatientResource",
    "request_id": "engagement.HelpRequest",
    "step_id": "engagement.LadderStep",
    "celebration_id": "engagement.CelebrationMessage",
    "invitation_id": "networks.Invitation",
    "encouragement_id": "networks.Encouragement",
    "event_id": "events.Event",
    "event_invitation_id": "events.EventInvitation",
    "story_id": "events.Story",
    "notification_id": "notifications.Notification",
    "strategy_id": "coping.Strategy",
    "program_id": "patients.Program",
    "membership_id": "accounts.Membership",
    "staff_invitation_id": "accounts.StaffInvitation",
    "user_id": "accounts.User",
    "endpoint_id": "webhooks.WebhookEndpoint",
    "feed_id": "calendars.CalendarFeed",
    # Step 14 · help calendar
    "claim_id": "networks.HelpSlotClaim",  # (hcal) the help calendar's claims (hcore's routes)
    # Step 14 · updates
    "update_id": "updates.Update",
    "reply_id": "updates.Reply",
    # Step 14 · secure messages
    "thread_id": "messaging.Thread",
    "message_id": "messaging.Message",
    # Step 14 · milestones
    # Step 14 · Web Push
    "subscription_id": "notifications.PushSubscription",
}


@pytest.fixture(scope="module")
def demo_tokens(django_db_setup, django_db_blocker) -> Iterator[dict[str, str]]:
    """The demo clinics, seeded once for the four roles (tests/shared_rows.py: each role's run
    is rolled back before the next), and each role's API token."""
    with shared_rows(django_db_blocker):
        seed_demo(clinics=2, patients=4, seed=7)
        tokens = {}
        for role, email in ROLES.items():
            user = User.objects.get(email=email)
            staff = Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()
            if staff and not has_totp(user):
                totp_enrol(user, secret=TOTP_SECRET)  # staff reach charts only with 2FA
            tokens[role] = token_issue(user, "schemathesis")
        yield tokens


@contextmanager
def connection_kept_across_requests() -> Iterator[None]:
    """The app runs in this thread, inside the test's transaction: like Django's test client,
    do not let the end of each request close the database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def exercise(strategy: st.SearchStrategy, examples: int, headers: dict, sent: list) -> None:
    """Send `examples` cases drawn from `strategy` and check each answer."""

    @given(case=strategy)
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        sent.append(case)
        response = case.call(headers=headers)
        excluded = []
        if response.status_code in BUSINESS_RULE_STATUSES:
            excluded = [positive_data_acceptance]
        case.validate_response(
            response,
            headers=headers,
            excluded_checks=excluded,
            transport_kwargs={"headers": headers},
        )

    check()


def run_role(role: str, token: str) -> None:
    with connection_kept_across_requests():
        run_with_app(role, token)


def run_with_app(role: str, token: str) -> None:
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    headers = {"Authorization": f"Token {token}"}
    ids = existing_ids()
    failures: list[str] = []
    operations = cases = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = [p.name for p in operation.path_parameters]
        failures += [f"{operation.label}: no ids for {name}" for name in names if name not in ids]
        real = [{name: value} for name in names for value in ids.get(name, [])] or [{}]
        plans = [
            (operation.as_strategy(GenerationMode.POSITIVE), POSITIVE_EXAMPLES),
            (
                st.sampled_from(real).flatmap(
                    lambda fixed, op=operation: op.as_strategy(
                        GenerationMode.POSITIVE, path_parameters=fixed
                    )
                ),
                EXISTING_EXAMPLES if names else 0,
            ),
            (
                operation.as_strategy(GenerationMode.NEGATIVE),
                NEGATIVE_EXAMPLES if names or operation.query or operation.body else 0,
            ),
        ]
        for strategy, examples in plans:
            if not examples:
                continue
            sent: list[object] = []
            try:
                exercise(strategy, examples, headers, sent)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label}: {exc}")
            cases += len(sent)
    SCHEMATHESIS_RUNS[role] = (operations, cases)
    assert operations >= 40
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("role", list(ROLES))
def test_the_api_keeps_its_schema(demo_tokens: dict[str, str], role: str) -> None:
    run_role(role, demo_tokens[role])
