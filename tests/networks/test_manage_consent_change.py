"""The consent page as a person uses it: a first consent starts with the usual end, a signed
paper form is never asked for twice, what one supporter sees changes with per-scope switches
(a new version that keeps purpose and end), and revoking first says what stops being seen."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from networks.consent import consented_scopes
from networks.models import Consent, Scope, SignatureMethod
from networks.services import consent_grant, help_task_create
from patients.models import TeamRole
from patients.services import care_team_add
from tests.factories import member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the form the patient signed at the front desk\n"
# Noon in New York on March 10th, 2026: the patient's today.
NOON = datetime(2026, 3, 10, 17, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False):
        yield


def consent_url(contact) -> str:
    return reverse("networks:consent", args=[contact.patient_id, contact.pk])


def change_url(contact) -> str:
    return reverse("networks:consent_change", args=[contact.patient_id, contact.pk])


def revoke_url(consent) -> str:
    return reverse(
        "networks:consent_revoke", args=[consent.patient_id, consent.contact_id, consent.pk]
    )


def scan(name: str = "front-desk scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def granted(contact, person, scopes, **extra) -> Consent:
    data = {
        "purpose": "So my dad can cheer me on",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on": date(2026, 9, 30),
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=person, scopes=scopes, **data)


def rendered_defaults(html: str) -> dict:
    """What the new-consent form sends if the person only ticks, types and attaches."""
    data = {}
    ends = re.search(r'<input type="date" name="expires_on" value="([\d-]+)"', html)
    if ends:
        data["expires_on"] = ends.group(1)
    if re.search(r'<input type="checkbox" name="until_discharge"[^>]* checked', html):
        data["until_discharge"] = "on"
    data["purpose"] = re.search(r'name="purpose" value="([^"]*)"', html).group(1)
    return data


def pending_files(root: Path) -> list[Path]:
    folder = root / "consents" / "pending"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# --- Defect 2: a first consent has a usual end, said on the form -------------------------------


def test_a_first_paper_consent_succeeds_on_the_first_submit(client, clock, contact, team_clinician):
    client.force_login(team_clinician)
    html = client.get(consent_url(contact)).content.decode()
    assert 'data-testid="default-end"' in html
    assert "one year from today (Mar 10, 2027) or discharge, whichever comes first" in html

    data = rendered_defaults(html) | {
        "scopes": ["milestones"],
        "signed_name": "Jordan Rivera",
        "paper_form": scan(),
    }
    response = client.post(consent_url(contact), data)

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.expires_on, consent.expires_on_event) == (date(2027, 3, 10), "discharge")
    assert consent.paper_form.read() == PDF


def test_the_person_signing_in_the_app_gets_the_same_usual_end(client, clock, contact, person):
    client.force_login(person)
    html = client.get(consent_url(contact)).content.decode()
    assert "or when you are discharged, whichever comes first" in html

    data = rendered_defaults(html) | {
        "scopes": ["milestones"],
        "signed_name": "Jordan Rivera",
        "agree": "on",
    }
    response = client.post(consent_url(contact), data)

    assert response.status_code == 302
    assert Consent.objects.get().expires_on == date(2027, 3, 10)


def test_a_leap_day_consent_ends_a_year_later_on_february_28th(client, contact, person):
    with time_machine.travel(datetime(2028, 2, 29, 17, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        client.force_login(person)
        form = client.get(consent_url(contact)).context["form"]

    assert form.initial["expires_on"] == date(2029, 2, 28)


# --- Defect 2: the attached paper form is kept across a refusal --------------------------------


def test_a_refused_paper_consent_keeps_the_attached_form(
    client, clock, contact, team_clinician, tmp_path
):
    client.force_login(team_clinician)
    first = {
        "scopes": ["milestones"],
        "purpose": "Support",
        "until_discharge": "on",
        "signed_name": "",
        "paper_form": scan(),
    }

    refused = client.post(consent_url(contact), first)

    assert refused.status_code == 200
    assert refused.context["form"].errors["signed_name"]
    html = refused.content.decode()
    assert 'data-testid="paper-form-kept"' in html
    assert "Signed form attached: front-desk scan.pdf (kept)" in html
    token = re.search(r'name="paper_form_kept" value="([^"]+)"', html).group(1)
    assert len(pending_files(tmp_path)) == 1 and not Consent.objects.exists()

    # Corrected, without attaching the file again.
    second = first | {"signed_name": "Jordan Rivera", "paper_form_kept": token}
    del second["paper_form"]
    response = client.post(consent_url(contact), second)

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.signature_method == SignatureMethod.PAPER
    assert consent.paper_form.read() == PDF
    assert "pending" not in consent.paper_form.name and "scan" not in consent.paper_form.name
    assert pending_files(tmp_path) == []  # the consent has its own copy


def test_a_refusal_by_the_service_keeps_the_form_too(client, clock, contact, team_clinician):
    client.force_login(team_clinician)
    past = {
        "scopes": ["milestones"],
        "purpose": "Support",
        "expires_on": "2026-03-01",
        "signed_name": "Jordan Rivera",
        "paper_form": scan(),
    }

    refused = client.post(consent_url(contact), past)

    assert refused.context["form"].errors["expires_on"] == ["The end date must be after today."]
    assert "Signed form attached: front-desk scan.pdf (kept)" in refused.content.decode()


def test_a_kept_form_is_only_for_the_clinician_who_attached_it(
    client, clock, clinic, patient, contact, team_clinician
):
    client.force_login(team_clinician)
    data = {
        "scopes": ["milestones"],
        "purpose": "Support",
        "until_discharge": "on",
        "signed_name": "",
        "paper_form": scan(),
    }
    html = client.post(consent_url(contact), data).content.decode()
    token = re.search(r'name="paper_form_kept" value="([^"]+)"', html).group(1)
    colleague = member(Role.CLINICIAN, clinic)
    care_team_add(
        patient=patient, clinician=colleague, team_role=TeamRole.CASE_MANAGER, actor=team_clinician
    )
    client.force_login(colleague)
    reuse = data | {"signed_name": "Jordan Rivera", "paper_form_kept": token}
    del reuse["paper_form"]

    response = client.post(consent_url(contact), reuse)

    assert response.context["form"].errors["paper_form"] == ["Attach the signed paper form."]
    forged = reuse | {"paper_form_kept": token[:-2] + "xx"}
    response = client.post(consent_url(contact), forged)
    assert response.context["form"].errors["paper_form"] == ["Attach the signed paper form."]
    assert not Consent.objects.exists()


def test_a_bad_file_is_not_kept(client, clock, contact, team_clinician, tmp_path):
    client.force_login(team_clinician)
    bad = SimpleUploadedFile("form.docx", b"PK\x03\x04", "application/msword")

    response = client.post(
        consent_url(contact),
        {
            "scopes": ["milestones"],
            "purpose": "Support",
            "until_discharge": "on",
            "signed_name": "Jordan Rivera",
            "paper_form": bad,
        },
    )

    assert response.context["form"].errors["paper_form"]
    assert 'data-testid="paper-form-kept"' not in response.content.decode()
    assert pending_files(tmp_path) == []


# --- A change of what one supporter sees: switches, one signature ------------------------------


def test_switching_a_scope_off_signs_a_new_version_that_keeps_purpose_and_end(
    client, clock, patient, contact, person, supporter
):
    first = granted(contact, person, ["milestones", "help_tasks"])
    help_task_create(patient=patient, actor=person, kind="ride", title="A ride to group")
    supporter_page = reverse("networks:supporter_patient", args=[patient.pk])
    client.force_login(supporter)
    assert "A ride to group" in client.get(supporter_page).content.decode()
    client.force_login(person)
    page = client.get(consent_url(contact)).content.decode()
    switches = page.split('data-testid="scope-switches"')[1].split("</fieldset>")[0]
    assert switches.count('role="switch"') == len(Scope)  # one switch per scope
    assert re.search(r'value="help_tasks"[^>]*checked', switches)
    assert 'data-testid="kept-elements"' in page and "So my dad can cheer me on" in page

    response = client.post(
        change_url(contact),
        {
            "change-scopes": ["milestones"],
            "change-signed_name": "Jordan Rivera",
            "change-agree": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == consent_url(contact) + "#consent-now"
    first.refresh_from_db()
    second = Consent.objects.exclude(pk=first.pk).get()
    assert first.superseded_by == second
    assert second.scopes == ["milestones"]
    assert (second.purpose, second.expires_on, second.expires_on_event) == (
        "So my dad can cheer me on",
        date(2026, 9, 30),
        "discharge",
    )
    assert (second.signature_method, second.signed_name) == (
        SignatureMethod.IN_APP,
        "Jordan Rivera",
    )
    event = AuditEvent.objects.filter(action=Action.CONSENT_CHANGE).latest("pk")
    assert event.details == {"granted": ["milestones"], "supersedes": first.pk}
    assert consented_scopes(contact) == {Scope.MILESTONES}
    followed = client.get(consent_url(contact)).content.decode()
    assert "From now on Pat Rivera sees: Milestones to celebrate." in followed
    client.force_login(supporter)
    assert "A ride to group" not in client.get(supporter_page).content.decode()


def test_a_clinician_records_a_change_with_the_signed_paper_form(
    client, clock, contact, person, team_clinician
):
    granted(contact, person, ["milestones"])
    client.force_login(team_clinician)
    data = {"change-scopes": ["milestones", "appointments"], "change-signed_name": "Jordan Rivera"}

    without = client.post(change_url(contact), data)

    assert without.status_code == 200
    assert without.context["change_form"].errors["paper_form"]
    assert Consent.objects.count() == 1

    response = client.post(change_url(contact), data | {"change-paper_form": scan()})

    assert response.status_code == 302
    latest = Consent.objects.latest("pk")
    assert latest.scopes == ["appointments", "milestones"]
    assert latest.signature_method == SignatureMethod.PAPER and latest.paper_form.read() == PDF
    assert latest.purpose == "So my dad can cheer me on"


def test_a_refused_change_keeps_the_attached_form(client, clock, contact, person, team_clinician):
    granted(contact, person, ["milestones"])
    client.force_login(team_clinician)
    data = {"change-scopes": ["milestones", "appointments"], "change-signed_name": ""}

    refused = client.post(change_url(contact), data | {"change-paper_form": scan("p.pdf")})

    html = refused.content.decode()
    assert "Signed form attached: p.pdf (kept)" in html
    token = re.search(r'name="change-paper_form_kept" value="([^"]+)"', html).group(1)
    response = client.post(
        change_url(contact),
        data | {"change-signed_name": "Jordan Rivera", "change-paper_form_kept": token},
    )
    assert response.status_code == 302
    assert Consent.objects.latest("pk").paper_form.read() == PDF


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        (["milestones"], "Nothing changed: turn a switch on or off first."),
        ([], "To stop sharing everything, revoke the consent instead."),
    ],
    ids=["unchanged", "all-off"],
)
def test_a_change_that_changes_nothing_or_everything_says_what_to_do(
    client, clock, contact, person, scopes, message
):
    granted(contact, person, ["milestones"])
    client.force_login(person)

    response = client.post(
        change_url(contact),
        {"change-scopes": scopes, "change-signed_name": "Jordan Rivera", "change-agree": "on"},
    )

    assert response.status_code == 200
    assert response.context["change_form"].errors["scopes"] == [message]
    assert message in response.content.decode()
    assert Consent.objects.count() == 1


def test_no_switches_for_an_ended_consent(client, clock, contact, person, patient):
    granted(contact, person, ["milestones"])
    patient.status = "discharged"
    patient.save()
    client.force_login(person)

    page = client.get(consent_url(contact))

    assert page.context["change_form"] is None
    assert 'data-testid="consent-change"' not in page.content.decode()
    response = client.post(
        change_url(contact),
        {
            "change-scopes": ["appointments"],
            "change-signed_name": "Jordan Rivera",
            "change-agree": "on",
        },
    )
    assert "This consent has ended" in response.content.decode()
    assert Consent.objects.count() == 1


def test_a_change_needs_a_consent_in_force(client, clock, contact, person):
    client.force_login(person)

    response = client.post(change_url(contact), {"change-scopes": ["milestones"]}, follow=True)

    assert "There is no consent in force to change." in response.content.decode()
    assert not Consent.objects.exists()


# --- Defect 16: revoking asks first and says what stops --------------------------------------


def test_revoke_asks_first_and_says_what_stops_being_seen(client, clock, contact, person):
    consent = granted(contact, person, ["milestones", "help_tasks"])
    client.force_login(person)
    page = client.get(consent_url(contact)).content.decode()
    assert revoke_url(consent) in page
    assert 'data-testid="revoke-form"' not in page  # one tap no longer revokes

    confirm = client.get(revoke_url(consent))

    assert confirm.status_code == 200
    html = confirm.content.decode()
    words = html.split('data-testid="revoke-scopes"')[1].split("</ul>")[0]
    assert "Milestones to celebrate" in words and "How they can help (tasks)" in words
    assert "Pat Rivera stops seeing" in html
    assert f'href="{consent_url(contact)}">Cancel</a>' in html
    consent.refresh_from_db()
    assert consent.revoked_at is None and consented_scopes(contact)

    response = client.post(revoke_url(consent), {"reason": ""})

    assert response["Location"] == consent_url(contact) + "#consent-now"
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consented_scopes(contact) == frozenset()


def test_the_confirmation_of_a_revoked_consent_goes_back(client, clock, contact, person):
    consent = granted(contact, person, ["milestones"])
    client.force_login(person)
    client.post(revoke_url(consent))

    response = client.get(revoke_url(consent), follow=True)

    assert "no longer in force" in response.content.decode()


def test_admins_cannot_open_the_revoke_confirmation(client, clock, contact, person, clinic_admin):
    consent = granted(contact, person, ["milestones"])
    client.force_login(clinic_admin)

    assert client.get(revoke_url(consent)).status_code == 404
    assert client.post(change_url(contact), {"change-scopes": ["appointments"]}).status_code == 404


# --- The long consent page: sections and a menu of them ---------------------------------------


def test_the_consent_page_has_a_menu_of_its_sections(client, clock, contact, person):
    granted(contact, person, ["milestones"])
    client.force_login(person)

    html = client.get(consent_url(contact)).content.decode()

    menu = html.split('data-testid="consent-menu"')[1].split("</nav>")[0]
    anchors = re.findall(r'href="#([\w-]+)"', menu)
    assert anchors == [
        "consent-now",
        "consent-change",
        "consent-meaning",
        "consent-new",
        "consent-history",
    ]
    for anchor in anchors:
        assert f'id="{anchor}"' in html
