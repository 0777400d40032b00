"""The help button: only supporters who see the coping plan are asked, each for their own step,
once; the care team gets one high-severity alert; "I'm on it" from a link, the portal or the
chart is recorded once and shown to the person; every page is scoped and has a query budget."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from coping.plan import empty_plan
from coping.services import plan_save
from engagement.demo import seed_help
from engagement.models import ActionLink, HelpAcknowledgement, HelpRequest, LinkAction
from engagement.models import HelpRequestRecipient as Asked
from engagement.services import help_acknowledge, help_request_send
from networks.models import ContactStatus
from networks.services import consent_revoke, contact_set_status
from notifications.models import Channel, Notification, NotificationPreference
from notifications.sms import SMS_MAX_CHARS
from patients.models import Alert, AlertKind, AlertSeverity, AlertStatus
from tests.engagement.conftest import add_supporter, grant
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

PAT_STEP = "Call me and just listen for ten minutes"
SAM_STEP = "Come over and take me for a walk by the river"
# Words no supporter-facing subject or text may carry.
NEVER_TO_SUPPORTERS = [
    "Harbor",
    "clinic",
    "Clinic",
    "treatment",
    "addiction",
    "substance",
    "alcohol",
    "opioid",
    "diagnos",
    "Rivera",
    "relapse",
]


@pytest.fixture
def pat(contact):
    """The fixture's supporter (account, email): sees the coping plan."""
    contact.playbook_step = PAT_STEP
    contact.save()
    grant(contact, ["coping_plan"])
    return contact


@pytest.fixture
def sam(patient):
    """No account, a phone: asked by text message."""
    sam = add_supporter(
        patient,
        "Sam Lee",
        "sam@example.org",
        account=False,
        phone="+15551234567",
        playbook_step=SAM_STEP,
    )
    grant(sam, ["coping_plan", "milestones"])
    return sam


@pytest.fixture
def lee(patient):
    """Sees milestones only: never asked."""
    lee = add_supporter(patient, "Lee Park", "lee@example.org", playbook_step="Lee's own step")
    grant(lee, ["milestones"])
    return lee


def send(patient, contacts, **kwargs):
    return help_request_send(patient=patient, contacts=contacts, actor=patient.user, **kwargs)


def supporter_rows(request):
    return Notification.objects.filter(
        kind="help_request", occurrence=f"help:{request.pk}", recipient_contact__isnull=False
    )


def link_in(row) -> str:
    return urlsplit(row.link).path


# --- The service -------------------------------------------------------------------------------


def test_each_consented_supporter_gets_their_own_step_once_by_their_fastest_channel(
    patient, pat, sam, lee
):
    request = send(patient, [pat, sam])
    rows = {(row.recipient_key, row.channel): row for row in supporter_rows(request)}
    assert set(rows) == {
        (f"contact:{pat.pk}", Channel.EMAIL),  # no phone: email
        (f"contact:{pat.pk}", Channel.IN_APP),  # an account: the app as well
        (f"contact:{sam.pk}", Channel.SMS),  # a phone: a text
    }
    for (key, _channel), row in rows.items():
        own, other = (PAT_STEP, SAM_STEP) if key == f"contact:{pat.pk}" else (SAM_STEP, PAT_STEP)
        assert own in row.body and other not in row.body
        assert "Jordan" in row.body
        assert row.urgent
    assert rows[(f"contact:{pat.pk}", Channel.IN_APP)].recipient_user == pat.user
    assert not Notification.objects.filter(recipient_contact=lee).exists()
    assert set(Asked.objects.values_list("contact_id", flat=True)) == {pat.pk, sam.pk}
    # Each supporter's link does "I'm on it" for that request, for them only.
    links = ActionLink.objects.filter(action=LinkAction.ON_IT)
    assert {(link.contact_id, link.target["request"]) for link in links} == {
        (pat.pk, request.pk),
        (sam.pk, request.pk),
    }


def test_supporters_read_the_minimum(patient, pat, sam, clinic):
    sam.playbook_step = "Please come " + "and sit with me a while " * 30
    sam.save()
    request = send(patient, [pat, sam])
    for row in supporter_rows(request):
        for word in NEVER_TO_SUPPORTERS:
            assert word not in row.subject and word not in row.body, (word, row.channel)
    sms = supporter_rows(request).get(channel=Channel.SMS)
    assert len(sms.body) <= SMS_MAX_CHARS and sms.subject == ""
    assert "/a/" in sms.body  # the one-action link survives the shortening


def test_the_care_team_gets_one_high_alert_and_a_note_in_the_app(
    patient, pat, team_clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = send(patient, [pat])
    alert = Alert.objects.get()
    assert request.alert == alert
    assert (alert.kind, alert.severity, alert.status) == (
        AlertKind.HELP_REQUESTED,
        AlertSeverity.HIGH,
        AlertStatus.OPEN,
    )
    assert alert.source == f"help:{request.pk}" and alert.owner == team_clinician
    note = Notification.objects.get(kind="help_request", recipient_user=team_clinician)
    assert note.channel == Channel.IN_APP and "Jordan Rivera" in note.body
    assert note.status == "sent"


def test_removed_revoked_and_other_peoples_contacts_cannot_be_asked(patient, pat, sam, lee):
    consent = sam.consents.get()
    consent_revoke(consent=consent, actor=patient.user)
    contact_set_status(contact=pat, status=ContactStatus.REMOVED, actor=patient.user)
    pat.refresh_from_db()
    other = PatientFactory(clinic=patient.clinic, user=member(Role.PATIENT, patient.clinic))
    stranger = add_supporter(other, "Kim Ortiz", "kim@example.org")
    grant(stranger, ["coping_plan"])
    for contacts in ([pat], [sam], [lee], [stranger]):
        with pytest.raises(ValidationError):
            send(patient, contacts)
    assert not HelpRequest.objects.exists() and not Alert.objects.exists()
    assert not Notification.objects.filter(kind="help_request").exists()


def test_only_the_person_can_press(patient, pat, team_clinician):
    with pytest.raises(ValidationError):
        help_request_send(patient=patient, contacts=[pat], actor=team_clinician)


def test_a_second_press_within_minutes_reuses_the_request(patient, pat, sam):
    first = send(patient, [pat])
    again = send(patient, [pat, sam])
    assert again.pk == first.pk and again.reused
    assert [c.pk for c in again.newly_asked] == [sam.pk]
    assert Alert.objects.count() == 1
    assert supporter_rows(first).filter(recipient_contact=pat).count() == 2  # email + app, once
    assert supporter_rows(first).filter(recipient_contact=sam).count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        later = send(patient, [pat])
    assert later.pk != first.pk and not later.reused
    assert Alert.objects.count() == 2


def test_with_nobody_to_ask_the_care_team_is_still_told(patient, team_clinician):
    request = send(patient, [])
    assert request.alert.severity == AlertSeverity.HIGH
    assert "care team" in request.alert.message
    assert Notification.objects.filter(kind="help_request", recipient_user=team_clinician).exists()


def test_the_send_is_audited(patient, pat):
    request = send(patient, [pat])
    event = AuditEvent.objects.get(object_type="engagement.HelpRequest")
    assert (event.action, event.patient_id, event.object_id) == (
        Action.CREATE,
        patient.pk,
        str(request.pk),
    )
    assert event.details["asked"] == [pat.pk]


def test_acknowledging_is_idempotent_and_tells_the_person(patient, pat):
    request = send(patient, [pat])
    first = help_acknowledge(help_request=request, contact=pat)
    again = help_acknowledge(help_request=request, contact=pat)
    assert first.is_new and not again.is_new and first.pk == again.pk
    assert HelpAcknowledgement.objects.count() == 1
    assert Asked.objects.get(contact=pat).acknowledged_at == first.created_at
    told = Notification.objects.get(kind="help_acknowledged")
    assert told.recipient_user == patient.user and told.channel == Channel.IN_APP
    assert told.body == "Pat is on it."


def test_a_supporter_not_asked_cannot_acknowledge(patient, pat, sam):
    request = send(patient, [pat])
    with pytest.raises(ValidationError):
        help_acknowledge(help_request=request, contact=sam)
    assert not HelpAcknowledgement.objects.exists()


# --- The one-action link -----------------------------------------------------------------------


def test_the_link_shows_the_step_and_says_on_it_once(client, patient, pat):
    request = send(patient, [pat])
    url = link_in(supporter_rows(request).get(channel=Channel.EMAIL))
    page = client.get(url)
    assert page.status_code == 200 and PAT_STEP in page.content.decode()
    assert not HelpAcknowledgement.objects.exists()  # opening does nothing
    done = client.post(url)
    assert 'data-testid="action-done"' in done.content.decode()
    assert HelpAcknowledgement.objects.get().contact == pat
    assert client.post(url).status_code == 410
    assert HelpAcknowledgement.objects.count() == 1


def test_the_link_does_nothing_once_the_plan_is_no_longer_shared(client, patient, pat):
    request = send(patient, [pat])
    url = link_in(supporter_rows(request).get(channel=Channel.EMAIL))
    consent_revoke(consent=pat.consents.get(), actor=patient.user)
    page = client.post(url)
    assert page.status_code == 410 and 'data-testid="link-not_shared"' in page.content.decode()
    assert not HelpAcknowledgement.objects.exists()


# --- The supporter portal ----------------------------------------------------------------------


def alerts_url(patient) -> str:
    return reverse("patients:alerts", args=[patient.pk])


def staff_url(patient, request) -> str:
    return reverse("engagement:staff_on_it", args=[patient.pk, request.pk])


def portal(patient) -> str:
    return reverse("networks:supporter_patient", args=[patient.pk])


def on_it_url(patient, request) -> str:
    return reverse("engagement:supporter_on_it", args=[patient.pk, request.pk])


def test_the_portal_shows_the_ask_and_its_button(client, patient, pat):
    request = send(patient, [pat])
    client.force_login(pat.user)
    page = client.get(portal(patient)).content.decode()
    assert 'data-testid="help-requests"' in page and PAT_STEP in page
    answer = client.post(on_it_url(patient, request), follow=True)
    assert "can see that you are on it" in answer.content.decode()
    assert 'data-testid="you-are-on-it"' in answer.content.decode()
    assert HelpAcknowledgement.objects.get().contact == pat
    client.post(on_it_url(patient, request))
    assert HelpAcknowledgement.objects.count() == 1


def test_the_portal_answers_only_for_the_supporter_asked(
    client, patient, pat, sam, lee, other_clinic
):
    request = send(patient, [pat])
    client.force_login(lee.user)  # a supporter of the same person, not asked
    assert 'data-testid="help-requests"' not in client.get(portal(patient)).content.decode()
    assert client.post(on_it_url(patient, request)).status_code == 404
    elsewhere = member(Role.SUPPORTER, other_clinic)
    client.force_login(elsewhere)
    assert client.post(on_it_url(patient, request)).status_code == 404
    assert not HelpAcknowledgement.objects.exists()


def test_a_revoked_supporter_no_longer_sees_or_answers(client, patient, pat):
    request = send(patient, [pat])
    consent_revoke(consent=pat.consents.get(), actor=patient.user)
    client.force_login(pat.user)
    assert 'data-testid="help-requests"' not in client.get(portal(patient)).content.decode()
    answer = client.post(on_it_url(patient, request), follow=True)
    assert "no longer shared" in answer.content.decode()
    assert not HelpAcknowledgement.objects.exists()


def test_an_old_request_is_no_longer_open(client, patient, pat):
    request = send(patient, [pat])
    client.force_login(pat.user)
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        client.force_login(pat.user)
        assert 'data-testid="help-requests"' not in client.get(portal(patient)).content.decode()
        assert client.post(on_it_url(patient, request)).status_code == 404


def _form_token(html: str, action: str) -> str:
    form = html[html.index(f'action="{action}"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_the_portal_and_chart_buttons_carry_a_working_csrf_token(patient, pat, team_clinician):
    request = send(patient, [pat])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(pat.user)
    url = on_it_url(patient, request)
    assert browser.post(url).status_code == 403  # no token: refused
    token = _form_token(browser.get(portal(patient)).content.decode(), url)
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    browser.force_login(team_clinician)
    url = staff_url(patient, request)
    token = _form_token(browser.get(alerts_url(patient)).content.decode(), url)
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert HelpAcknowledgement.objects.count() == 2


# --- The care team -----------------------------------------------------------------------------


def test_the_chart_shows_who_is_on_it_and_the_team_answers(
    client, patient, pat, sam, team_clinician
):
    request = send(patient, [pat, sam])
    help_acknowledge(help_request=request, contact=pat)
    client.force_login(team_clinician)
    page = client.get(alerts_url(patient)).content.decode()
    assert 'data-testid="help-alert-status"' in page
    assert 'Pat Rivera (<span data-testid="help-alert-on-it">' in page
    assert "Sam Lee (no answer yet)" in page
    assert 'data-testid="staff-on-it"' in page
    client.post(staff_url(patient, request))
    ack = HelpAcknowledgement.objects.get(user=team_clinician)
    assert ack.request == request
    request.alert.refresh_from_db()
    assert request.alert.status == AlertStatus.ACKNOWLEDGED
    told = Notification.objects.filter(kind="help_acknowledged").order_by("pk").last()
    assert told.body == "Chris from your care team is on it."
    page = client.get(alerts_url(patient)).content.decode()
    assert 'data-testid="staff-on-it"' not in page and 'data-testid="help-alert-team"' in page
    assert AuditEvent.objects.filter(
        object_type="engagement.HelpAcknowledgement", actor=team_clinician
    ).exists()


def test_a_resolved_help_alert_offers_no_on_it_button(client, patient, pat, team_clinician):
    request = send(patient, [pat])
    Alert.objects.filter(pk=request.alert_id).update(
        status=AlertStatus.RESOLVED, resolved_by=team_clinician
    )
    client.force_login(team_clinician)
    page = client.get(alerts_url(patient)).content.decode()
    assert 'data-testid="help-alert-status"' in page and 'data-testid="staff-on-it"' not in page


def test_only_the_care_team_answers_from_the_chart(
    client, patient, pat, clinic, other_clinic, clinic_admin
):
    request = send(patient, [pat])
    colleague = member(Role.CLINICIAN, clinic)
    elsewhere = member(Role.CLINICIAN, other_clinic)
    for user in (colleague, elsewhere, clinic_admin, patient.user, pat.user):
        client.force_login(user)
        assert client.post(staff_url(patient, request)).status_code == 404, user
    assert not HelpAcknowledgement.objects.exists()


def test_the_chart_answers_404_for_another_patients_request(
    client, patient, pat, clinic, team_clinician
):
    request = send(patient, [pat])
    other = PatientFactory(clinic=clinic)
    from patients.models import TeamRole
    from patients.services import care_team_add

    care_team_add(
        patient=other,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    client.force_login(team_clinician)
    assert client.post(staff_url(other, request)).status_code == 404


# --- The person's pages ------------------------------------------------------------------------


HELP = "/my-recovery/help/"


def test_the_help_page_shows_988_first_then_the_plan_then_the_people(client, patient, pat, lee):
    plan = empty_plan()
    plan["crisis_plan"]["people"] = [{"name": "Aunt Rosa", "phone": "555-0100"}]
    plan["crisis_plan"]["steps"] = ["Leave the house and go somewhere safe"]
    plan_save(patient=patient, content=plan, actor=patient.user)
    client.force_login(patient.user)
    page = client.get(HELP).content.decode()
    assert (
        page.index('href="tel:988"')
        < page.index("My crisis plan")
        < page.index('data-testid="help-form"')
    )
    assert 'href="sms:988"' in page and 'href="tel:911"' in page
    assert 'href="tel:555-0100"' in page and "Leave the house" in page
    assert f'value="{pat.pk}" id="ask-{pat.pk}" checked' in page  # preselected
    assert PAT_STEP in page
    assert f'id="ask-{lee.pk}"' not in page  # no coping plan consent: not offered
    assert AuditEvent.objects.filter(patient=patient, details__page="my_help").exists()


def test_sending_from_the_page_leads_to_who_is_on_it(client, patient, pat, sam):
    client.force_login(patient.user)
    answer = client.post(HELP, {"contacts": [pat.pk]})
    request = HelpRequest.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{HELP}{request.pk}/"
    assert list(request.recipients.values_list("contact_id", flat=True)) == [pat.pk]
    help_acknowledge(help_request=request, contact=pat)
    page = client.get(f"{HELP}{request.pk}/").content.decode()
    assert 'data-testid="on-it"' in page and "Pat Rivera" in page
    assert "every 10s" not in page  # everyone asked has answered: no more polling
    again = client.get(HELP).content.decode()
    assert 'data-testid="help-recent"' in again  # the page says a press now reuses it


def test_the_status_refreshes_itself_until_everyone_answers(client, patient, pat, sam):
    request = send(patient, [pat, sam])
    client.force_login(patient.user)
    assert 'hx-trigger="every 10s"' in client.get(f"{HELP}{request.pk}/").content.decode()
    partial = client.get(f"{HELP}{request.pk}/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and 'data-testid="help-status"' in partial.content.decode()
    help_acknowledge(help_request=request, contact=pat)
    help_acknowledge(help_request=request, contact=sam)
    done = client.get(f"{HELP}{request.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 286  # htmx stops polling
    assert done.content.decode().count('data-testid="on-it"') == 2


def test_with_nobody_to_ask_the_page_offers_to_tell_the_care_team(client, patient, lee):
    client.force_login(patient.user)
    page = client.get(HELP).content.decode()
    assert 'data-testid="help-no-supporters"' in page and "Let my care team know" in page
    client.post(HELP, {})
    assert HelpRequest.objects.get().alert.kind == AlertKind.HELP_REQUESTED


@pytest.mark.parametrize("value", ["abc", "999999", "-1", ""])
def test_bad_choices_get_a_clear_message(client, patient, pat, value):
    client.force_login(patient.user)
    page = client.post(HELP, {"contacts": [value]} if value else {"contacts": ["", "x"]})
    assert page.status_code == 200
    assert "Choose from the people listed." in page.content.decode()
    assert not HelpRequest.objects.exists()


def test_a_contact_of_another_person_is_not_a_choice(client, patient, pat, clinic):
    other = PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic))
    stranger = add_supporter(other, "Kim Ortiz", "kim@example.org")
    grant(stranger, ["coping_plan"])
    client.force_login(patient.user)
    page = client.post(HELP, {"contacts": [stranger.pk]})
    assert "Choose from the people listed." in page.content.decode()
    assert not HelpRequest.objects.exists()


def test_the_person_pages_are_theirs_only(client, patient, pat, clinic, team_clinician):
    request = send(patient, [pat])
    other = PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic))
    client.force_login(other.user)
    assert client.get(f"{HELP}{request.pk}/").status_code == 404
    assert client.get(HELP).status_code == 200  # their own page, their own plan
    for user in (team_clinician, pat.user):
        client.force_login(user)
        assert client.get(HELP).status_code == 404
        assert client.get(f"{HELP}{request.pk}/").status_code == 404
    assert HelpRequest.objects.count() == 1


def test_the_button_is_on_the_home_and_check_in_pages(client, patient, team_clinician):
    client.force_login(patient.user)
    assert 'data-testid="help-button"' in client.get("/my-recovery/").content.decode()
    assert 'data-testid="help-button"' in client.get("/my-recovery/check-in/").content.decode()
    client.force_login(team_clinician)  # checking in on someone's behalf: no button
    staff = client.get(reverse("coping:checkin_new", args=[patient.pk])).content.decode()
    assert 'data-testid="help-button"' not in staff


# --- Query budgets -----------------------------------------------------------------------------


def _supporters(patient, count):
    people = []
    for number in range(count):
        person = add_supporter(
            patient,
            f"Helper{number} Doe",
            f"helper{number}@example.org",
            playbook_step=f"Step {number}",
        )
        grant(person, ["coping_plan"])
        people.append(person)
    return people


@pytest.mark.parametrize("count", [1, 6])
def test_the_help_page_queries_do_not_grow_with_the_network(
    client, patient, count, django_assert_max_num_queries
):
    _supporters(patient, count)
    client.force_login(patient.user)
    client.get(HELP)
    # session, user, membership, patient, the supporters, their consents (one union query),
    # their opt-outs and settings (two), the plan, the recent request, the audit event: 11,
    # whatever the size of the network.
    with django_assert_max_num_queries(11):
        page = client.get(HELP)
    assert page.content.decode().count('data-testid="ask-option"') == count


@pytest.mark.parametrize("count", [1, 6])
def test_the_status_page_queries_do_not_grow(client, patient, count, django_assert_max_num_queries):
    people = _supporters(patient, count)
    request = send(patient, people)
    for person in people:
        help_acknowledge(help_request=request, contact=person)
    client.force_login(patient.user)
    # session, user, membership, patient, the request, those asked, the team's answers, the
    # plan, the audit event: 9, whatever the number asked.
    with django_assert_max_num_queries(9):
        page = client.get(f"{HELP}{request.pk}/")
    assert page.content.decode().count('data-testid="on-it"') == count


@pytest.mark.parametrize("count", [1, 4])
def test_the_alerts_page_queries_do_not_grow_with_help_requests(
    client, patient, team_clinician, count, django_assert_max_num_queries
):
    people = _supporters(patient, 3)
    for number in range(count):
        with time_machine.travel(timezone.now() + timedelta(minutes=15 * number)):
            request = send(patient, people)
            help_acknowledge(help_request=request, contact=people[0])
    client.force_login(team_clinician)
    # The chart's own 12 plus three for all the help requests on the page together (requests,
    # those asked, the answers), whatever their number.
    with django_assert_max_num_queries(15):
        page = client.get(alerts_url(patient))
    assert page.content.decode().count('data-testid="help-alert-status"') == count


def test_the_portal_queries_do_not_grow_with_asks(client, patient, pat):
    def portal_queries() -> tuple[int, str]:
        client.force_login(pat.user)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(portal(patient)).content.decode()
        return len(queries), page

    send(patient, [pat])
    one, page = portal_queries()
    assert page.count('data-testid="help-ask"') == 1
    for number in range(1, 4):
        with time_machine.travel(timezone.now() + timedelta(minutes=15 * number)):
            send(patient, [pat])
    four, page = portal_queries()
    assert page.count('data-testid="help-ask"') == 4
    # One query for the asks, however many; the portal's other sections bring their own.
    assert four == one <= 16


# --- Preferences and the demo ------------------------------------------------------------------


def test_the_preferences_page_saves_urgent_in_quiet_hours(client, pat):
    client.force_login(pat.user)
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert "Let urgent requests for help through during quiet hours" in page
    client.post(
        url,
        {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00", "urgent_in_quiet_hours": "on"},
    )
    assert NotificationPreference.objects.get(user=pat.user).urgent_in_quiet_hours is True
    client.post(url, {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00"})
    assert NotificationPreference.objects.get(user=pat.user).urgent_in_quiet_hours is False


@time_machine.travel("2026-03-18 12:00Z", tick=False)  # the seeded request is days past in any zone
def test_the_demo_has_one_past_answered_request_and_steps_for_everyone_asked(settings):
    import random

    from recovery_hub.demo import seed_demo

    demos = seed_demo(clinics=1, patients=3, seed=7)
    seed_help(demos, random.Random(1), timezone.localdate())
    seed_help(demos, random.Random(1), timezone.localdate())  # twice: nothing new
    request = HelpRequest.objects.get()
    assert request.patient == demos[0].patients[0]
    assert request.acknowledgements.count() == 1
    assert request.alert.status == AlertStatus.RESOLVED
    assert request.created_at < timezone.now() - timedelta(days=2)
    assert not Notification.objects.filter(kind="help_request").exists()  # past: nothing sent
    from engagement.help import askable_supporters

    for patient in demos[0].patients:
        assert all(c.playbook_step.strip() for c in askable_supporters(patient))


def test_the_page_says_who_turned_help_requests_off_and_does_not_preselect_them(
    client, patient, pat, sam
):
    from notifications.models import ContactOptOut

    ContactOptOut.objects.create(contact=sam, kind="help_request")  # from an earlier text
    client.force_login(patient.user)
    url = reverse("engagement:my_help")

    page = client.get(url)
    rows = {row["contact"].pk: row for row in page.context["rows"]}
    assert rows[sam.pk]["refused"] and not rows[sam.pk]["checked"]
    assert not rows[pat.pk]["refused"] and rows[pat.pk]["checked"]
    html = page.content.decode()
    assert html.count('data-testid="ask-refused"') == 1
    assert "turned off help requests" in html

    # Ticked anyway, nothing reaches them, as the page said; Pat is asked.
    client.post(url, {"contacts": [pat.pk, sam.pk]})
    asked = Notification.objects.filter(kind="help_request", recipient_contact__isnull=False)
    assert {row.recipient_contact_id for row in asked} == {pat.pk}


def test_a_supporter_who_unsubscribed_in_their_settings_is_shown_as_unreachable(
    client, patient, pat, sam
):
    """Pat's own settings (their account) hold for messages to their contact, by any channel."""
    NotificationPreference.objects.create(user=pat.user, unsubscribed_kinds=["help_request"])
    client.force_login(patient.user)
    url = reverse("engagement:my_help")

    rows = {row["contact"].pk: row for row in client.get(url).context["rows"]}
    assert rows[pat.pk]["refused"] and not rows[pat.pk]["checked"]
    assert not rows[sam.pk]["refused"]

    client.post(url, {"contacts": [pat.pk, sam.pk]})
    asked = Notification.objects.filter(kind="help_request", recipient_contact__isnull=False)
    assert {row.recipient_contact_id for row in asked} == {sam.pk}
