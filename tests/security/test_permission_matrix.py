"""The permission matrix: every route of the URL configuration (pages, API, Django admin),
requested as every role of clinic A against objects of clinic B, and as every role against the
objects it should not reach inside clinic A, with every method the route may accept.

A leak is a 2xx, or a redirect into content (a path that names the object asked for), where a
404, a 403, a 405 or a redirect to sign-in is expected; or an answer that names a patient of
clinic B; or an audit event or list read about clinic B's patients written by a request from
clinic A. The matrix (ROUTES) says, for each named route, who may reach it with their own
objects and how to fill its URL kwargs; a route it does not classify fails the test, so a new
route is covered from the day it is added. See "The permission matrix" in the README.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import ApiToken, Membership, Organization, Role, StaffInvitation, User
from accounts.tokens import token_create
from audit.models import AuditEvent
from coping.models import CopingPlanVersion, Strategy
from engagement.models import CelebrationMessage, HelpRequest, LadderStep
from events.models import Event, EventInvitation, Story
from imports.models import PendingImport
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    ExpiryEvent,
    HelpTask,
    Invitation,
    Relationship,
    Scope,
    SignatureMethod,
    SupportContact,
)
from networks.services import consent_grant, contact_add
from notifications.models import Notification
from patients.models import Alert, Appointment, CareTeamMember, Patient, Program, TeamRole
from patients.services import care_team_add
from recovery_hub.demo import seed_demo
from resources.models import Article, CommunityResource, PatientResource
from tests.factories import TOTP_SECRET, member, sign_in_as_allauth_does
from tests.security.report import report_lines
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

# --- Who asks ---------------------------------------------------------------------------------

ADMIN = "admin"
CLINICIAN = "clinician_on_team"
OFF_TEAM = "clinician_off_team"
PATIENT = "patient"  # the person whose objects are asked for, when in their own clinic
OTHER_PATIENT = "another_patient"
SUPPORTER = "supporter_with_consent"
NO_CONSENT = "supporter_without_consent"
ANONYMOUS = "anonymous"
ACTORS = (ADMIN, CLINICIAN, OFF_TEAM, PATIENT, OTHER_PATIENT, SUPPORTER, NO_CONSENT, ANONYMOUS)

MEMBERS = frozenset(ACTORS) - {ANONYMOUS}
EVERYONE = frozenset(ACTORS)
STAFF = frozenset({ADMIN, CLINICIAN, OFF_TEAM})
CLINICIANS = frozenset({CLINICIAN, OFF_TEAM})
PATIENTS = frozenset({PATIENT, OTHER_PATIENT})
SUPPORTERS = frozenset({SUPPORTER, NO_CONSENT})
NOBODY: frozenset[str] = frozenset()
# Reaching one patient's chart, for the actors of clinic A and that patient (of clinic A).
CHART_READ = frozenset({ADMIN, CLINICIAN})
CHART_WRITE = frozenset({CLINICIAN})
SHARED = frozenset({ADMIN, CLINICIAN, PATIENT})  # pages the person and their care team share


@dataclass(frozen=True)
class Route:
    """Who reaches the route with objects of their own clinic (the patient "P" of clinic A:
    CLINICIAN is on P's care team, PATIENT is P, SUPPORTER has P's consent), and how to fill
    its kwargs where the kwarg's name alone does not say (see KWARGS). `token`: the route is
    opened by a secret in the URL (a bearer link); it is asked with a made-up one. `known`:
    a leak being fixed elsewhere in issue #16: reported, not failed, until the fix lands."""

    reach: frozenset[str]
    kwargs: dict[str, str] = field(default_factory=dict)
    token: bool = False
    known: str = ""
    names_patient: bool = False  # shows the patient's name by design to those it admits
    redirect_ok: bool = False  # a refusal redirects to a page the asker may see


def r(reach: frozenset[str], **kwargs: str) -> Route:
    return Route(reach, kwargs)


TOKEN = Route(EVERYONE, token=True)

ROUTES: dict[str, Route] = {
    # Public pages and sign-in
    "home": r(EVERYONE),
    "healthz": r(EVERYONE),
    "set_language": r(EVERYONE),
    "api-schema": r(EVERYONE),
    "api-docs": r(EVERYONE),
    "account_login": r(EVERYONE),
    "account_logout": r(EVERYONE),
    "account_inactive": r(EVERYONE),
    "account_signup": r(EVERYONE),
    "account_reset_password": r(EVERYONE),
    "account_reset_password_done": r(EVERYONE),
    "account_reset_password_from_key_done": r(EVERYONE),
    "account_confirm_login_code": r(EVERYONE),
    "account_email_verification_sent": r(EVERYONE),
    "mfa_authenticate": r(EVERYONE),
    "mfa_login_webauthn": r(EVERYONE),
    "account_confirm_email": TOKEN,
    "account_reset_password_from_key": TOKEN,
    "networks:invitation": TOKEN,
    "notifications:unsubscribe": TOKEN,
    "engagement:act": TOKEN,
    "joining:join": TOKEN,
    "joining:checkin": TOKEN,
    "joining:person": TOKEN,
    "joining:supporter": TOKEN,
    "joining:staff": TOKEN,
    # One's own account
    "account_reauthenticate": r(MEMBERS),
    "account_request_reauthentication_code": r(MEMBERS),
    "account_confirm_reauthentication_code": r(MEMBERS),
    "account_email": r(MEMBERS),
    "account_change_password": r(MEMBERS),
    "account_set_password": r(MEMBERS),
    "mfa_index": r(MEMBERS),
    "mfa_reauthenticate": r(MEMBERS),
    "mfa_activate_totp": r(MEMBERS),
    "mfa_deactivate_totp": r(MEMBERS),
    "mfa_view_recovery_codes": r(MEMBERS),
    "mfa_generate_recovery_codes": r(MEMBERS),
    "mfa_download_recovery_codes": r(MEMBERS),
    "mfa_list_webauthn": r(MEMBERS),
    "mfa_add_webauthn": r(MEMBERS),
    "mfa_reauthenticate_webauthn": r(MEMBERS),
    "mfa_remove_webauthn": r(NOBODY),  # another person's passkey
    "mfa_edit_webauthn": r(NOBODY),
    "accounts:session_status": r(EVERYONE),  # "signed in or not", no data
    "accounts:session_keep_alive": r(MEMBERS),
    "accounts:tokens": r(MEMBERS),
    "accounts:token_revoke": r(frozenset({ADMIN})),  # the token is the clinic admin's own
    "accounts:clinic_list": r(MEMBERS),
    "accounts:no_clinic": r(MEMBERS),
    "accounts:clinic_detail": r(MEMBERS),
    "accounts:clinic_switch": r(MEMBERS),
    "api:me": r(MEMBERS),
    "api:me-moved": r(EVERYONE),  # a permanent redirect to api:me, which names no one
    "notifications:centre": r(MEMBERS),
    "notifications:mark_all_read": r(MEMBERS),
    "notifications:badge": r(EVERYONE),  # signed out: an empty 204 (htmx leaves the navbar)
    "notifications:preferences": r(MEMBERS),
    "notifications:mark_read": r(frozenset({PATIENT})),  # one of P's own notifications
    # The clinic's staff pages
    "patients:caseload": r(CLINICIANS),
    "patients:new": r(CLINICIANS),
    "patients:find": r(CLINICIANS),
    # Any clinician of the clinic, who sees the name only, and the chart after giving a reason.
    "patients:emergency_access": Route(CLINICIANS, names_patient=True),
    "reports:dashboard": r(frozenset({ADMIN})),
    "reports:report": r(frozenset({ADMIN}), slug="report"),
    "reports:report_csv": r(frozenset({ADMIN}), slug="report"),
    "reports:report_settings": r(frozenset({ADMIN})),
    "clinic_admin:programs": r(frozenset({ADMIN})),
    "clinic_admin:program_new": r(frozenset({ADMIN})),
    "clinic_admin:program_edit": r(frozenset({ADMIN})),
    "clinic_admin:program_active": r(frozenset({ADMIN})),
    "clinic_admin:staff": r(frozenset({ADMIN})),
    "clinic_admin:staff_invite": r(frozenset({ADMIN})),
    "clinic_admin:staff_role": r(frozenset({ADMIN})),
    "clinic_admin:staff_active": r(frozenset({ADMIN})),
    "clinic_admin:staff_resend": r(frozenset({ADMIN})),
    "clinic_admin:staff_withdraw": r(frozenset({ADMIN}), invitation_id="staff_invitation"),
    "clinic_admin:locked_accounts": r(frozenset({ADMIN})),
    "clinic_admin:person_unlock": r(frozenset({ADMIN})),
    "clinic_admin:patients": r(frozenset({ADMIN})),
    "clinic_admin:emergency_access": r(frozenset({ADMIN})),
    "clinic_admin:settings": r(frozenset({ADMIN})),
    "engagement:ladder_policy": r(frozenset({ADMIN})),
    "notifications:log": r(frozenset({ADMIN})),
    "notifications:retry": r(frozenset({ADMIN})),
    "audit:trail": r(frozenset({ADMIN})),
    "audit:trail_csv": r(frozenset({ADMIN})),
    "audit:access_report": r(frozenset({ADMIN})),
    "audit:access_report_csv": r(frozenset({ADMIN})),
    "coping:library": r(STAFF),
    "coping:library_toggle": r(STAFF),
    "resources:article_list": r(MEMBERS),
    "resources:article_detail": r(MEMBERS, slug="article_slug"),  # the library's slugs
    "resources:directory": r(MEMBERS),
    "resources:article_manage": r(STAFF),
    "resources:article_create": r(STAFF),
    "resources:article_edit": r(STAFF),
    "resources:article_publish": r(STAFF),
    "resources:resource_manage": r(STAFF),
    "resources:resource_create": r(STAFF),
    "resources:resource_edit": r(STAFF),
    "resources:resource_active": r(STAFF),
    "resources:patient_resources": r(SHARED),
    "resources:patient_resource_attach": r(SHARED),
    "resources:patient_resource_detach": r(SHARED),
    # One patient's chart
    "patients:chart": r(CHART_READ),
    "patients:edit": r(CHART_WRITE),
    "patients:status": r(CHART_WRITE),
    "patients:journey": r(CHART_READ),
    "patients:care_team": r(CHART_READ),
    "patients:care_team_add": r(CHART_WRITE),
    "patients:care_team_end": r(CHART_WRITE),
    "patients:setback_new": r(CHART_WRITE),
    "patients:recovery_start": r(CHART_WRITE),
    "patients:milestone_new": r(CHART_WRITE),
    "patients:appointments": r(CHART_READ),
    "patients:appointment_new": r(CHART_WRITE),
    "patients:appointment_edit": r(CHART_WRITE),
    "patients:notes": r(CHART_READ),
    "patients:alerts": r(CHART_READ),
    "patients:alert_acknowledge": r(CHART_WRITE),
    "patients:alert_resolve": r(CHART_WRITE),
    "networks:network": r(SHARED),
    "networks:contact_new": r(SHARED),
    "networks:contact_edit": r(SHARED),
    "networks:contact_status": r(SHARED),
    "networks:contact_invite": r(SHARED),
    "networks:invitation_revoke": r(SHARED),
    "networks:consent": r(SHARED),
    "networks:consent_change": r(SHARED),
    "networks:consent_revoke": r(SHARED),
    "networks:contact_preview": r(SHARED),
    "networks:encouragement_hide": r(SHARED),
    "networks:help_tasks": r(SHARED),
    "networks:help_task_done": r(SHARED),
    "coping:checkins": r(SHARED),
    "coping:checkin_new": r(SHARED),
    "coping:schedule": r(SHARED),
    "coping:assessment_new": r(SHARED),
    "coping:plan": r(SHARED),
    "coping:plan_edit": r(SHARED),
    "coping:plan_versions": r(SHARED),
    "coping:plan_compare": r(SHARED),
    "coping:plan_restore": r(SHARED),
    "coping:plan_print": r(SHARED),
    "coping:plan_wallet_card": r(SHARED),
    "engagement:staff_on_it": r(CHART_READ),
    "engagement:ladder_step_act": r(CHART_READ),
    "engagement:ladder_contact": r(SHARED),
    "engagement:celebrations": r(SHARED),
    "engagement:celebration_review": r(SHARED),
    "engagement:celebration_card": r(SHARED),
    "joining:sign_in": r(CHART_READ),
    "events:story_draft_for": r(CHART_READ),
    # The person in recovery's own pages
    "patients:patient_home": r(PATIENTS),
    "networks:my_setback": r(PATIENTS),
    "networks:my_network": r(PATIENTS),
    "coping:my_checkin": r(PATIENTS),
    "coping:my_progress": r(PATIENTS),
    "coping:my_reminder_time": r(PATIENTS),
    "coping:my_plan": r(PATIENTS),
    "engagement:my_help": r(PATIENTS),
    "engagement:my_help_status": r(frozenset({PATIENT})),
    "engagement:my_digests": r(PATIENTS),
    "engagement:my_ladder_contact": r(PATIENTS),
    "engagement:my_celebrations": r(PATIENTS),
    "audit:who_saw_me": r(PATIENTS),
    # Supporters
    "networks:supporter_home": r(SUPPORTERS),
    "networks:supporter_patient": r(SUPPORTERS),  # a contact without consent sees "nothing yet"
    # Without the help_tasks consent the refusal is a message on the supporter's own page.
    "networks:task_claim": Route(frozenset({SUPPORTER}), redirect_ok=True),
    "networks:task_release": Route(frozenset({SUPPORTER}), redirect_ok=True),
    "networks:task_done": Route(frozenset({SUPPORTER}), redirect_ok=True),
    "networks:encouragement_send": r(SUPPORTERS),
    "networks:reach_out_log": r(SUPPORTERS),
    "networks:wellbeing": r(SUPPORTERS),
    "engagement:supporter_on_it": r(SUPPORTERS),
    "engagement:supporter_digest": r(SUPPORTERS),  # the contact's own digest setting
    "engagement:celebration_write": r(frozenset({SUPPORTER})),
    # Events and stories
    "events:index": r(MEMBERS),
    "events:event_create": r(STAFF),
    "events:event_detail": r(STAFF),  # an off-team clinician sees no patient of P's (finding 4)
    "events:rsvp": r(frozenset({PATIENT})),
    "events:stories": r(MEMBERS),
    "events:my_stories": r(PATIENTS),
    "events:story_create": r(PATIENTS),
    "events:story_review": r(STAFF),
    "events:story_edit": r(frozenset({PATIENT, ADMIN, CLINICIAN})),
    "events:story_consent": r(frozenset({PATIENT})),
    "events:story_withdraw": r(frozenset({PATIENT})),
    "events:story_publish": r(STAFF),
    # API
    "api:patient-list": r(STAFF),
    "api:patient-detail": r(CHART_READ),
    "api:patient-care-team": r(CHART_READ),
    "api:patient-care-team-end": r(CHART_WRITE),
    "api:patient-setbacks": r(CHART_READ),
    "api:patient-milestones": r(CHART_READ),
    "api:appointment-list": r(STAFF),
    "api:appointment-detail": r(CHART_READ),
    "api:alert-list": r(STAFF),
    "api:alert-acknowledge": r(CHART_WRITE),
    "api:alert-resolve": r(CHART_WRITE),
    "api:patient-checkins": r(SHARED),
    "api:patient-assessments": r(SHARED),
    "api:patient-coping-plan": r(SHARED),
    "api:patient-coping-plan-versions": r(SHARED),
    "api:patient-coping-plan-version": r(SHARED),
    "api:patient-coping-plan-compare": r(SHARED),
    "api:patient-coping-plan-restore": r(SHARED),
    "api:patient-checkin-trends": r(SHARED),
    "api:patient-assessment-schedule": r(SHARED),
    "api:me-checkins": r(PATIENTS),
    "api:me-progress": r(PATIENTS),
    "api:me-checkin-reminder": r(PATIENTS),
    "api:me-assessments": r(PATIENTS),
    "api:me-coping-plan": r(PATIENTS),
    "api:coping-library": r(STAFF),
    "api:coping-library-active": r(STAFF),
    "api:patient-contacts": r(SHARED),
    "api:contact-consents": r(SHARED),
    "api:contact-consent-revoke": r(SHARED),
    "api:patient-help-tasks": r(SHARED | {SUPPORTER}),
    "api:patient-help-task-claim": r(frozenset({SUPPORTER})),
    "api:patient-help-task-release": r(frozenset({SUPPORTER})),
    "api:patient-help-task-done": r(SHARED | {SUPPORTER}),
    "api:supporter-patients": r(SUPPORTERS),
    # helper "apinet": the network page's twins and the supporter portal's.
    "api:patient-contact": r(SHARED),
    "api:patient-contact-status": r(SHARED),
    "api:patient-contact-invitations": r(SHARED),
    "api:patient-contact-invitation": r(SHARED),
    "api:patient-contact-invitation-revoke": r(SHARED),
    "api:patient-contact-preview": r(SHARED),
    "api:patient-contact-consents": r(SHARED),
    "api:patient-contact-consent-change": r(SHARED),
    "api:patient-contact-consent-revoke": r(SHARED),
    "api:patient-encouragements": r(SHARED),
    "api:patient-encouragement-hide": r(SHARED),
    "api:me-network": r(PATIENTS),
    "api:me-setback": r(PATIENTS),
    "api:supporter-patient": r(SUPPORTERS),  # a contact without consent sees "nothing yet"
    "api:supporter-patient-encouragement": r(SUPPORTERS),
    "api:supporter-patient-reach-outs": r(SUPPORTERS),
    "api:supporter-patient-wellbeing": r(SUPPORTERS),
    "api:report": r(frozenset({ADMIN}), slug="report"),
    "api:audit-event-list": r(frozenset({ADMIN})),
    # Imports (helper "imp"): the clinic admin's page, their own pending upload, templates and
    # exports, and the API.
    "imports:index": r(frozenset({ADMIN})),
    "imports:preview": r(frozenset({ADMIN})),
    "imports:confirm": r(frozenset({ADMIN})),
    "imports:cancel": r(frozenset({ADMIN})),
    "imports:template": r(frozenset({ADMIN}), kind="import_kind"),
    "imports:export": r(frozenset({ADMIN}), kind="import_kind"),
    "api:import-patients": r(frozenset({ADMIN})),
    "api:import-contacts": r(frozenset({ADMIN})),
    # Webhooks (helper "hook"): the clinic admin's endpoints, pages and API.
    "webhooks:endpoints": r(frozenset({ADMIN})),
    "webhooks:endpoint_new": r(frozenset({ADMIN})),
    "webhooks:endpoint_created": r(frozenset({ADMIN})),  # without a new secret: to the list
    "webhooks:endpoint_edit": r(frozenset({ADMIN})),
    "webhooks:endpoint_active": r(frozenset({ADMIN})),
    "webhooks:endpoint_delete": r(frozenset({ADMIN})),
    "webhooks:endpoint_test": r(frozenset({ADMIN})),
    "webhooks:deliveries": r(frozenset({ADMIN})),
    "api:webhook-list": r(frozenset({ADMIN})),
    "api:webhook-detail": r(frozenset({ADMIN})),
    "api:webhook-test": r(frozenset({ADMIN})),
    "api:webhook-deliveries": r(frozenset({ADMIN})),
    # FHIR export (interop, helper "fhir"): a patient's bundle for those who read the record
    # and a consented supporter (their consented view); the clinic's NDJSON for its admin.
    "api:patient-fhir": r(SHARED | {SUPPORTER}),
    "api:fhir-export": r(frozenset({ADMIN})),
    "interop:fhir_export": r(frozenset({ADMIN})),
    # Calendar feeds (calendars app): the feed is opened by its secret token; a file of an
    # appointment or a help task for those who see the row; the feed pages for their owners.
    "calendars:feed": TOKEN,
    "calendars:appointment_ics": r(SHARED),
    "calendars:help_task_ics": r(SHARED | {SUPPORTER}),
    "calendars:supporter_calendar": r(SUPPORTERS),  # without consent: "nothing shared", no link
    "calendars:supporter_calendar_rotate": r(frozenset({SUPPORTER})),
    "calendars:my_calendar": r(PATIENTS),
    "calendars:my_calendar_rotate": r(PATIENTS),
    "api:calendar-feeds": r(MEMBERS),  # the caller's own feeds (none for staff)
    "api:calendar-feed-rotate": r(frozenset({PATIENT, SUPPORTER})),  # their own feed only
    # Step 14 · help calendar (pages and API)
    # (hcal) the supporter's calendar: any supporter opens it (without `help_tasks` in force it
    # is empty); its actions answer 404 outside the supporter's own claims (claim ids: ABSENT).
    "networks:supporter_calendar": r(SUPPORTERS),
    "networks:supporter_calendar_claim": Route(SUPPORTERS, redirect_ok=True),
    "networks:supporter_calendar_give_back": r(frozenset({SUPPORTER})),
    "networks:supporter_calendar_swap": r(frozenset({SUPPORTER})),
    "api:supporter-help-calendar": r(SUPPORTERS),
    # (hcore) the patient's and care team's side: the person's own entry (a redirect to the
    # shared help page), the coverage of the coming weeks (a consented supporter too, with
    # their own claims marked), a supporter's claim of one occasion (others: 403), and giving
    # back or swapping a claim (its supporter, or the person and the care team; admins 403).
    "networks:my_help": r(PATIENTS),
    "api:patient-help-coverage": r(SHARED | {SUPPORTER}),
    "api:patient-help-occasion-claim": r(frozenset({SUPPORTER})),
    "api:patient-help-slot-give-back": r(frozenset({CLINICIAN, PATIENT, SUPPORTER})),
    "api:patient-help-slot-swap": r(frozenset({CLINICIAN, PATIENT, SUPPORTER})),
    # Step 14 · updates (pages and API)
    # The person's own page and answers; the chart's page (the care team posts, admins read);
    # the supporter's feed (without `updates` in force: an empty feed, and 404 on any update).
    # Update and reply ids are asked by an id nobody has (ABSENT) unless seeded.
    "updates:mine": r(PATIENTS),
    "updates:delete": r(frozenset({PATIENT})),
    "updates:reply_hide": r(frozenset({PATIENT})),
    "updates:reply_unhide": r(frozenset({PATIENT})),
    "updates:patient": r(CHART_READ),
    "updates:feed": r(SUPPORTERS),
    "updates:react": r(frozenset({SUPPORTER})),
    "updates:reply": r(frozenset({SUPPORTER})),
    "updates:photo": r(frozenset({PATIENT, ADMIN, CLINICIAN, SUPPORTER})),
    "api:my-updates": r(PATIENTS),
    "api:my-update": r(frozenset({PATIENT})),
    "api:my-update-reply-hide": r(frozenset({PATIENT})),
    "api:patient-updates": r(CHART_READ),
    "api:supporter-updates": r(SUPPORTERS),
    "api:supporter-update-reaction": r(frozenset({SUPPORTER})),
    "api:supporter-update-replies": r(frozenset({SUPPORTER})),
    "api:update-photo": r(frozenset({PATIENT, ADMIN, CLINICIAN, SUPPORTER})),
    # Step 14 · secure messages (pages and API): the person's own thread; a supporter's only
    # with Scope.MESSAGES in force; a clinician of the care team (admins and clinicians off
    # the team: 404); the opening hours for the clinic admin (read by staff in the API).
    "messaging:mine": r(PATIENTS),
    "messaging:supporter": r(frozenset({SUPPORTER})),
    "messaging:inbox": r(CLINICIANS),  # each clinician's own care teams' threads
    "messaging:patient": r(CHART_WRITE),
    "messaging:reply": r(CHART_WRITE),
    "messaging:note": r(CHART_WRITE),
    "messaging:hours": r(frozenset({ADMIN})),
    "api:me-messages": r(PATIENTS),
    "api:supporter-patient-messages": r(frozenset({SUPPORTER})),
    "api:patient-message-threads": r(CHART_WRITE),
    "api:patient-message-thread": r(CHART_WRITE),
    "api:patient-message-thread-read": r(CHART_WRITE),
    "api:patient-message-note": r(CHART_WRITE),
    "api:messages-unread": r(CLINICIANS),
    "api:clinic-message-hours": r(STAFF),
    # Step 14 · milestones, badges, money and hours regained (pages and API)
    "coping:my_milestones": r(PATIENTS),
    "api:me-milestones": r(PATIENTS),
    "api:me-use-cost": r(PATIENTS),
    # Step 14 · the installable app (manifest, service worker, offline pages)
    "pwa:manifest": r(EVERYONE),  # files for the browser, the same for everyone, no data
    "pwa:service_worker": r(EVERYONE),
    "pwa:offline": r(EVERYONE),
    "coping:my_crisis_plan": r(PATIENTS),  # each person's own
    # Step 14 · Web Push (subscriptions, pages and API)
    # The person's own devices only: the seeded clinics have none, so a removal asks for an id
    # nobody has (404 for everyone); the key is the server's, no patient data.
    "notifications:push_subscribe": r(MEMBERS),
    "notifications:push_revoke": r(MEMBERS),
    "api:my-push-subscriptions": r(MEMBERS),
    "api:my-push-subscription": r(MEMBERS),
    "api:push-vapid-public-key": r(MEMBERS),
    # helper "apichart": the chart's and the clinic admin's page twins.
    "api:patient-find": r(CLINICIANS),
    "api:patient-status": r(CHART_WRITE),
    "api:patient-journey": r(CHART_READ),
    "api:patient-recovery-start": r(CHART_READ),
    "api:patient-notes": r(CHART_WRITE),  # the care team's only; and only with a reason
    "api:patient-emergency-access": r(CLINICIANS),
    "api:patient-sign-in": r(CHART_READ),
    "api:patient-access-report": r(frozenset({ADMIN})),
    "api:me-access-report": r(PATIENTS),
    "api:report-settings": r(frozenset({ADMIN})),
    "api:clinic-program-list": r(frozenset({ADMIN})),
    "api:clinic-program-detail": r(frozenset({ADMIN})),
    "api:clinic-program-active": r(frozenset({ADMIN})),
    "api:clinic-emergency-access": r(frozenset({ADMIN})),
    "api:clinic-staff-list": r(frozenset({ADMIN})),
    "api:clinic-staff-detail": r(frozenset({ADMIN})),
    "api:clinic-staff-role": r(frozenset({ADMIN})),
    "api:clinic-staff-active": r(frozenset({ADMIN})),
    "api:clinic-staff-invitation-list": r(frozenset({ADMIN})),
    "api:clinic-staff-invitation-detail": r(frozenset({ADMIN})),
    "api:clinic-staff-invitation-resend": r(frozenset({ADMIN})),
    "api:clinic-settings": r(frozenset({ADMIN})),
    "api:clinic-locked-accounts": r(frozenset({ADMIN})),
    "api:clinic-person-unlock": r(frozenset({ADMIN})),
    # API: engagement, events, resources, notifications (helper "apirest")
    "api:my-help": r(PATIENTS),
    "api:my-help-requests": r(PATIENTS),
    "api:my-help-request": r(frozenset({PATIENT})),
    "api:my-digests": r(PATIENTS),
    "api:patient-help-requests": r(SHARED),
    "api:patient-help-request-on-it": r(CHART_WRITE),
    "api:patient-celebrations": r(SHARED),
    "api:patient-celebration-review": r(frozenset({CLINICIAN, PATIENT})),
    "api:patient-ladder": r(CHART_READ),
    "api:patient-ladder-step-reached-out": r(CHART_WRITE),
    "api:patient-reach-out-person": r(SHARED),
    "api:supporter-help-request-on-it": r(SUPPORTERS),  # 404 unless the request asked them
    "api:supporter-celebrations": r(frozenset({SUPPORTER})),
    "api:supporter-celebration-milestones": r(frozenset({SUPPORTER})),
    "api:supporter-digest": r(SUPPORTERS),  # the contact's own digest setting
    "api:clinic-ladder-policy": r(frozenset({ADMIN})),
    "api:event-list": r(STAFF),
    "api:event-detail": r(STAFF),  # counts only for those not on the invitees' care team
    "api:event-invitations": r(STAFF),  # names only the care team's own
    "api:my-event-invitations": r(PATIENTS | SUPPORTERS),
    "api:my-event-invitation-rsvp": r(frozenset({PATIENT}), event_invitation_id="event_invitation"),
    "api:story-list": r(MEMBERS),
    "api:story-review": r(STAFF),
    "api:story-detail": r(frozenset({PATIENT, ADMIN, CLINICIAN})),
    "api:story-publish": r(STAFF),
    "api:my-stories": r(PATIENTS),
    "api:my-story-consent": r(frozenset({PATIENT})),
    "api:my-story-withdraw": r(frozenset({PATIENT})),
    "api:patient-stories": r(CHART_READ),
    "api:article-list": r(MEMBERS),
    "api:article-detail": r(MEMBERS),
    "api:article-publish": r(frozenset({ADMIN})),
    "api:community-resource-list": r(MEMBERS),
    "api:community-resource-detail": r(MEMBERS),
    "api:community-resource-active": r(frozenset({ADMIN})),
    "api:patient-resources": r(SHARED),
    "api:patient-resource": r(SHARED),
    "api:my-notifications": r(MEMBERS),
    "api:my-notification-read": r(frozenset({PATIENT})),  # one of P's own notifications
    "api:my-notifications-read-all": r(MEMBERS),
    "api:my-notifications-unread-count": r(MEMBERS),
    "api:my-notification-preferences": r(MEMBERS),
    "api:notification-log": r(frozenset({ADMIN})),
    "api:notification-retry": r(frozenset({ADMIN})),
}

# Every page of the Django admin (named "admin:…", and its unnamed redirects): superusers only,
# none of the clinic's roles. New ModelAdmins are covered by this rule without a new entry.
DJANGO_ADMIN = Route(NOBODY)
ADMIN_PREFIX = "django-admin/"

# How a kwarg is filled, by its name, unless the route says otherwise (Route.kwargs).
KWARGS = {
    "patient_id": "patient",
    "id": "patient",
    "member_id": "care_team_member",
    "appointment_id": "appointment",
    "alert_id": "alert",
    "task_id": "help_task",
    "contact_id": "contact",
    "invitation_id": "invitation",
    "staff_invitation_id": "staff_invitation",
    "consent_id": "consent",
    "endpoint_id": "webhook_endpoint",
    "import_id": "pending_import",
    "encouragement_id": "encouragement",
    "number": "plan_version",
    "strategy_id": "strategy",
    "program_id": "program",
    "membership_id": "membership",
    "article_id": "article",
    "resource_id": "resource",
    "link_id": "patient_resource",
    "event_id": "event",
    "story_id": "story",
    "notification_id": "notification",
    "request_id": "help_request",
    "step_id": "ladder_step",
    "celebration_id": "celebration",
    "token_id": "api_token",
    "user_id": "user",
    "pk": "authenticator",
    "slug": "clinic",
    "token": "token",
    "key": "token",
    "uidb36": "token",
    "instrument": "instrument",
    "day": "day",
    "object_id": "admin_object",
    "content_type_id": "content_type",
    "app_label": "app_label",
    "url": "admin_path",
}
# Per route, kwargs that are not what their name says elsewhere.
ROUTE_KWARGS = {
    "events:rsvp": {"invitation_id": "event_invitation"},
    "engagement:celebration_card": {"key": "celebration_key"},
    "engagement:celebration_write": {"key": "celebration_key"},
}
VALUES = {  # kwargs that name no object (a report, an article of the shared library)
    "report": "caseload",
    "token": "made-up-token-0000",
    "instrument": "phq9",
    "day": "2026-01-15",
    "celebration_key": "days-30",
    "app_label": "patients",
    "admin_path": "nothing-here/",
    "article_slug": "supporting-without-enabling",
    "import_kind": "patients",
    "file_format": "csv",
}
# An object the seeded clinics do not have is asked for by an id nobody has: the route's
# other kwargs (the patient) are still tested.
ABSENT = "987654"


# --- The two clinics ---------------------------------------------------------------------------


def _first(queryset: QuerySet) -> Model | None:
    return queryset.order_by("pk").first()


# What an object key means, for one patient (their own rows first, else their clinic's).
OBJECTS: dict[str, tuple[type[Model], str, str]] = {
    "care_team_member": (CareTeamMember, "patient", "patient__clinic"),
    "appointment": (Appointment, "patient", "clinic"),
    "alert": (Alert, "patient", "clinic"),
    "contact": (SupportContact, "patient", "patient__clinic"),
    "invitation": (Invitation, "contact__patient", "contact__patient__clinic"),
    "consent": (Consent, "patient", "patient__clinic"),
    "encouragement": (Encouragement, "patient", "patient__clinic"),
    "help_task": (HelpTask, "patient", "patient__clinic"),
    "patient_resource": (PatientResource, "patient", "patient__clinic"),
    "event_invitation": (EventInvitation, "patient", "event__clinic"),
    "story": (Story, "patient", "patient__clinic"),
    "notification": (Notification, "recipient_user__patient_record", "clinic"),
    "help_request": (HelpRequest, "patient", "patient__clinic"),
    "ladder_step": (LadderStep, "ladder__patient", "ladder__patient__clinic"),
    "celebration": (CelebrationMessage, "patient", "patient__clinic"),
    "strategy": (Strategy, "", "clinic"),
    "program": (Program, "", "clinic"),
    "article": (Article, "", "clinic"),
    "resource": (CommunityResource, "", "clinic"),
    "event": (Event, "", "clinic"),
    "membership": (Membership, "", "organization"),
    "staff_invitation": (StaffInvitation, "", "clinic"),
    "api_token": (ApiToken, "", "user__memberships__organization"),
    "webhook_endpoint": (WebhookEndpoint, "", "clinic"),
    "pending_import": (PendingImport, "", "clinic"),
}


@dataclass
class Side:
    """One clinic's patient P and the kwarg values that name P's objects."""

    clinic: Organization
    patient: Patient
    values: dict[str, str]


def side_of(patient: Patient) -> Side:
    clinic = patient.clinic
    values = {"patient": str(patient.pk), "clinic": clinic.slug, "user": str(patient.user_id)}
    for key, (model, own, clinic_path) in OBJECTS.items():
        rows = model._base_manager.filter(**{clinic_path: clinic})
        obj = (_first(rows.filter(**{own: patient})) if own else None) or _first(rows)
        if obj is not None:
            values[key] = str(obj.pk)
    version = _first(CopingPlanVersion.objects.filter(plan__patient=patient))
    if version is not None:
        values["plan_version"] = str(version.number)
    staff = Membership.objects.filter(organization=clinic, role=Role.ADMIN).first()
    authenticator = _first(Authenticator.objects.filter(user=staff.user)) if staff else None
    if authenticator is not None:
        values["authenticator"] = str(authenticator.pk)
    values["content_type"] = str(ContentType.objects.get_for_model(Patient).pk)
    values["admin_object"] = str(patient.pk)
    return Side(clinic, patient, values)


@dataclass
class World:
    a: Side
    b: Side
    actors: dict[str, User | None]
    b_names: list[str]
    a_patient_name: str


def _enrol(user: User) -> None:
    from accounts.second_factor import has_totp, totp_enrol

    if not has_totp(user):
        totp_enrol(user, secret=TOTP_SECRET)


def build_world() -> World:
    demos = seed_demo(clinics=2, patients=3, seed=16)
    clinic_a, clinic_b = demos[0].clinic, demos[1].clinic
    patient = demos[0].patients[0]  # has a sign-in, contacts, consents, a plan…
    other = demos[0].patients[1]
    primary = CareTeamMember.objects.get(patient=patient, is_primary=True, ended_on__isnull=True)
    off_team = member(Role.CLINICIAN, clinic_a)
    care_team_add(
        patient=other,
        clinician=off_team,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=False,
        actor=primary.clinician,
    )
    other.user = member(Role.PATIENT, clinic_a)
    other.save()
    with_consent = member(Role.SUPPORTER, clinic_a)
    without_consent = member(Role.SUPPORTER, clinic_a)
    for user, scopes in ((with_consent, list(Scope.values)), (without_consent, [])):
        contact = contact_add(
            patient=patient,
            actor=primary.clinician,
            name=user.full_name,
            relationship=Relationship.FRIEND,
            email=user.email,
        )
        contact.user = user
        contact.status = ContactStatus.ACTIVE
        contact.save()
        if scopes:
            consent_grant(
                contact=contact,
                actor=patient.user,
                scopes=scopes,
                purpose="To support my recovery",
                signed_name=patient.legal_name,
                signature_method=SignatureMethod.IN_APP,
                expires_on_event=ExpiryEvent.DISCHARGE,
            )
    for clinic in (clinic_a, clinic_b):
        token_create(
            Membership.objects.filter(organization=clinic, role=Role.ADMIN)[0].user, "matrix"
        )
        PendingImport.objects.create(  # an upload waiting for its admin's confirmation
            clinic=clinic,
            uploaded_by=Membership.objects.filter(organization=clinic, role=Role.ADMIN)[0].user,
            kind="patients",
            file_name="people.csv",
            file_format="csv",
            rows=[],
        )
        for staff in Membership.objects.filter(
            organization=clinic, role__in=[Role.ADMIN, Role.CLINICIAN]
        ):
            _enrol(staff.user)
    actors: dict[str, User | None] = {
        ADMIN: Membership.objects.filter(organization=clinic_a, role=Role.ADMIN).first().user,
        CLINICIAN: primary.clinician,
        OFF_TEAM: off_team,
        PATIENT: patient.user,
        OTHER_PATIENT: other.user,
        SUPPORTER: with_consent,
        NO_CONSENT: without_consent,
        ANONYMOUS: None,
    }
    for user in actors.values():  # one clinic each: clinic B is reached only by a leak
        if user is not None:
            assert Membership.objects.filter(user=user).exclude(organization=clinic_a).count() == 0
    a_names = set(Patient.objects.filter(clinic=clinic_a).values_list("legal_name", flat=True))
    a_names |= {u.full_name for u in User.objects.filter(memberships__organization=clinic_a)}
    b_names = [
        name
        for name in Patient.objects.filter(clinic=clinic_b).values_list("legal_name", flat=True)
        if name not in a_names and not any(name in other for other in a_names)
    ]
    b_patient = demos[1].patients[0]
    return World(side_of(patient), side_of(b_patient), actors, b_names, patient.legal_name)


# --- Walking the URL configuration -------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    key: str  # the route's name, or its pattern when it has none
    path: str  # the pattern, prefixes included
    callback: Callable[..., Any]


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Found]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            path = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Found(name or path, path, entry.callback)


def all_routes() -> list[Found]:
    return list(walk(get_resolver()))


def route_of(found: Found) -> Route | None:
    if found.path.startswith(ADMIN_PREFIX):
        return DJANGO_ADMIN
    return ROUTES.get(found.key)


KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def kwarg_names(path: str) -> list[str]:
    return [a or b for a, b in KWARG.findall(path)]


def fill(found: Found, side: Side) -> tuple[str, list[str]]:
    """The URL with every kwarg filled from `side`, and the values that name objects."""
    overrides = {**ROUTE_KWARGS.get(found.key, {}), **(route_of(found) or Route(NOBODY)).kwargs}
    objects: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        key = overrides.get(name, KWARGS.get(name, name))
        if key in VALUES:
            return VALUES[key]
        found_value = side.values.get(key, ABSENT)
        objects.append(found_value)
        return found_value

    url = "/" + KWARG.sub(value, found.path).replace("^", "").replace("$", "")
    return url, objects


ADMIN_WRITES = ("_add", "_change", "_delete", "_changelist", "password_change", "logout")


def methods_of(found: Found) -> list[str]:
    if found.path.startswith(ADMIN_PREFIX) and not found.key.endswith(ADMIN_WRITES):
        return ["GET"]  # history, redirects, scripts: read-only views
    view_class = getattr(found.callback, "cls", None) or getattr(found.callback, "view_class", None)
    if view_class is not None and found.key.startswith("api:"):
        return [
            m for m in ("GET", "POST", "PUT", "PATCH", "DELETE") if hasattr(view_class, m.lower())
        ]
    return ["GET", "POST"]


# --- Asking --------------------------------------------------------------------------------------

DENIED_REDIRECTS = ("/accounts/login/", "/accounts/2fa/", "/django-admin/login/", "/clinics/")


def send(client: Client, method: str, url: str) -> Any:
    api = url.startswith("/api/")
    body = {"data": "{}", "content_type": "application/json"} if api else {}
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, **body)
    return getattr(client, method.lower())(
        url, **({"data": "{}", "content_type": "application/json"})
    )


def leak_in(
    response: Any, objects: list[str], deny: bool, names: list[str], redirect_ok: bool = False
) -> str:
    """Why this answer is a leak, or ""."""
    status = response.status_code
    if deny and 200 <= status < 300:
        return f"{status}"
    if deny and 300 <= status < 400 and not redirect_ok:
        location = response.get("Location", "")
        segments = set(location.split("?")[0].strip("/").split("/"))
        if any(value in segments for value in objects):
            return f"{status} to {location}"
    if status >= 500:
        return f"{status} server error"
    if not getattr(response, "streaming", False) and names:
        content = response.content.decode(errors="replace")
        shown = [name for name in names if name in content]
        if shown:
            return f"{status}, shows {shown[0]}"
    return ""


@dataclass
class Tally:
    routes: int = 0
    requests: int = 0
    leaks: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)


def written_about(world: World, since: int) -> list[str]:
    """Audit events written during the run about clinic B's patients by anyone of clinic A (a
    read or a write that got through, or a list that showed them), and writes about P by the
    outsiders of clinic A: each names what was read or changed."""
    actors = {user.pk: key for key, user in world.actors.items() if user is not None}
    about_b = (
        Q(clinic=world.b.clinic)
        | Q(patient__clinic=world.b.clinic)
        | Q(listed_patients__patient__clinic=world.b.clinic)
    )
    outsiders = [world.actors[key].pk for key in (OFF_TEAM, OTHER_PATIENT, NO_CONSENT)]
    about_p = Q(patient=world.a.patient, actor_id__in=outsiders) & ~Q(action="view")
    events = (
        AuditEvent.objects.filter(pk__gt=since, actor_id__in=actors)
        .filter(about_b | about_p)
        .exclude(action__in=["login", "logout"])
        .distinct()
    )
    return [
        f"audit event {event.action} {event.object_type} {event.details} by {actors[who]}"
        for event in events
        for who in [event.actor_id]
    ]


def plan(route: Route, objects: list[str], actor: str, across: bool) -> tuple[bool, bool]:
    """(ask, deny): whether this actor asks in this scenario, and whether a refusal is due."""
    if route.token:
        return across, False  # a made-up link: nobody reaches anything, asked once
    if across:
        return True, bool(objects) or actor not in route.reach
    if not objects:
        return actor in OUTSIDERS, actor not in route.reach  # the same request as across
    deny = actor not in route.reach
    return deny or actor in OUTSIDERS, deny


# The Django admin admits by the user alone (is_staff, how they signed in), so each role asks
# once there: the four roles of a clinic and someone signed out.
ONE_PER_ROLE = frozenset({ADMIN, CLINICIAN, PATIENT, SUPPORTER, ANONYMOUS})

# Whom an outsider must never see named: P, whose care team / record they are not part of.
OUTSIDERS = (OFF_TEAM, OTHER_PATIENT)


def run_matrix(world: World, routes: list[Found]) -> Tally:
    tally = Tally()
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    clients: dict[str, Client] = {}
    for key, user in world.actors.items():
        clients[key] = Client()
        if user is not None:
            sign_in_as_allauth_does(clients[key], user)
    covered = set()
    for found in routes:
        route = route_of(found)
        if route is None:
            continue
        # Nobody of a clinic enters the Django admin: asking once, with clinic B's objects, is
        # the whole question.
        sides = ((True, world.b),) if route is DJANGO_ADMIN else ((True, world.b), (False, world.a))
        for across, side in sides:
            url, objects = fill(found, side)
            for actor, client in clients.items():
                if route is DJANGO_ADMIN and actor not in ONE_PER_ROLE:
                    continue  # the admin's door looks at the user, never at the clinic role
                ask, deny = plan(route, objects, actor, across)
                if not ask:
                    continue
                if across:
                    watch = world.b_names
                else:
                    outsider = actor in OUTSIDERS and not route.names_patient
                    watch = [world.a_patient_name] if outsider else []
                for method in methods_of(found) if deny or route.token else ["GET"]:
                    response = send(client, method, url)
                    tally.requests += 1
                    why = leak_in(response, objects, deny, watch, route.redirect_ok)
                    if why:
                        scenario = "clinic B" if across else "own clinic"
                        line = f"{method} {url} [{found.key}] as {actor} ({scenario}): {why}"
                        (tally.known if route.known else tally.leaks).append(line)
                covered.add(found.path)
    tally.routes = len(covered)
    tally.leaks.extend(written_about(world, since))
    return tally


# --- The tests ---------------------------------------------------------------------------------


def test_every_route_is_classified():
    """A route missing from ROUTES fails here: decide who may reach it and add it."""
    found = all_routes()
    unclassified = sorted({f"{f.key}  ({f.path})" for f in found if route_of(f) is None})
    assert unclassified == [], "Classify these routes in ROUTES:\n" + "\n".join(unclassified)
    stale = sorted(set(ROUTES) - {f.key for f in found})
    assert stale == [], f"ROUTES names routes that no longer exist: {stale}"


def test_every_django_admin_route_is_refused_to_every_clinic_role():
    assert any(f.path.startswith(ADMIN_PREFIX) for f in all_routes())
    assert all(route_of(f) is DJANGO_ADMIN for f in all_routes() if f.path.startswith(ADMIN_PREFIX))
    assert admin.site.is_registered(Patient)


def test_no_route_leaks_across_clinics_or_inside_one(request, settings):
    settings.AXES_ENABLED = False  # thousands of requests from one address are not guessing
    world = build_world()
    assert world.b_names, "clinic B needs patient names that clinic A does not have"

    tally = run_matrix(world, all_routes())

    summary = (
        f"permission matrix: {tally.routes} routes x {len(ACTORS)} roles x 2 clinics, "
        f"{tally.requests} requests, {len(tally.leaks)} leaks, "
        f"{len(tally.known)} known (being fixed)"
    )
    report_lines(request.config).append(summary)
    report_lines(request.config).extend(f"  known: {line}" for line in tally.known)
    assert tally.routes >= len(ROUTES)
    assert tally.leaks == [], "\n".join(tally.leaks)
