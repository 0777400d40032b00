"""Whose language a page is in: a signed-in person's own choice (their settings), else their
clinic's default; anonymous visitors by Accept-Language or the switch's cookie; a signed link's
page in the language its message was sent in, and an accepted invitation keeps the choice."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.languages import clinic_language, known, language_for
from accounts.models import Role, User
from accounts.tokens import token_issue
from engagement.links import make_link
from engagement.models import ActionLink, LinkAction
from joining.services import checkin_link, staff_invitation_url
from networks.models import ContactStatus, Relationship
from networks.services import contact_add, invitation_send, invitation_token
from tests.factories import (
    PASSWORD,
    ConsentFactory,
    PatientFactory,
    StaffInvitationFactory,
    member,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PREFERENCES = reverse("notifications:preferences")
COOKIE = settings.LANGUAGE_COOKIE_NAME


def language_of(response) -> str:
    """The page's language, as the browser and a screen reader learn it: the header and <html>."""
    html = re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)
    assert response["Content-Language"] == html, (response["Content-Language"], html)
    return html


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def switch_of(response) -> str:
    """The language switch's form, which must be on the page."""
    page = response.content.decode()
    match = re.search(r'<form[^>]*data-testid="language-switch".*?</form>', page, re.S)
    assert match, "no language switch on the page"
    return match.group(0)


# --- the rule ------------------------------------------------------------------------------------


def test_a_persons_own_choice_comes_first_then_the_clinic_then_the_site(clinic):
    clinic.default_language = "es"
    clinic.save()
    chose = member(Role.CLINICIAN, clinic, language="en")
    never_chose = member(Role.CLINICIAN, clinic)

    assert never_chose.language == ""  # a new account follows its clinic
    assert language_for(chose) == "en"
    assert language_for(never_chose) == "es"  # found through the membership
    assert language_for(User(email="nobody@example.org")) == settings.LANGUAGE_CODE
    assert clinic_language(None) == settings.LANGUAGE_CODE
    assert known("es-MX") == "es" and known("fr") is None and known("") is None


# --- anonymous pages -----------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "expected"), [("es-MX,es;q=0.9", "es"), ("en-US", "en")])
def test_the_sign_in_page_follows_the_browsers_accept_language(client, accept, expected):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    assert language_of(response) == expected


def test_the_sign_in_page_has_a_labelled_switch_whose_choice_is_remembered(client):
    form = switch_of(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en"))
    assert 'action="/i18n/setlang/"' in form and 'method="post"' in form
    assert '<label class="form-label small mb-1" for="language-switch-select">Language' in form
    assert 'value="es" lang="es">Español</option>' in form
    assert 'type="submit"' in form and "<script" not in form and "style=" not in form

    response = client.post("/i18n/setlang/", {"language": "es", "next": LOGIN})

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.cookies[COOKIE].value == "es"
    assert language_of(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")) == "es"


# --- a signed-in person ------------------------------------------------------------------------


def test_a_signed_in_persons_pages_are_in_their_language_whatever_the_browser_asks(client, clinic):
    me = member(Role.SUPPORTER, clinic, language="es")
    client.force_login(me)

    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en")) == "es"
    client.cookies[COOKIE] = "en"  # a switch used before signing in does not outrank the choice
    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_a_person_who_never_chose_gets_the_clinics_default(client, clinic):
    me = member(Role.SUPPORTER, clinic)
    client.force_login(me)
    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="es")) == "en"

    clinic.default_language = "es"
    clinic.save()

    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en")) == "es"


def _preferences(**changes: str) -> dict:
    return {"channels_checkin_reminder": ["email"], "channels_heartbeat": ["in_app"]} | changes


def test_the_settings_page_saves_the_language_and_blank_follows_the_clinic(client, clinic):
    clinic.default_language = "es"
    clinic.save()
    me = member(Role.PATIENT, clinic)
    client.force_login(me)
    page = client.get(PREFERENCES)
    assert page.context["form"]["language"].value() == ""
    assert 'name="language"' in page.content.decode()

    response = client.post(PREFERENCES, _preferences(language="en"), follow=True)

    me.refresh_from_db()
    assert me.language == "en"
    assert language_of(response) == "en"
    assert "Your notification preferences were saved." in response.content.decode()

    client.post(PREFERENCES, _preferences(language=""))
    me.refresh_from_db()
    assert me.language == ""
    assert language_of(client.get(PREFERENCES)) == "es"


def test_a_settings_post_without_the_language_field_keeps_the_choice(client, clinic):
    me = member(Role.SUPPORTER, clinic, language="es")
    client.force_login(me)

    client.post(PREFERENCES, _preferences())

    me.refresh_from_db()
    assert me.language == "es"


def test_a_language_the_product_does_not_speak_is_refused(client, clinic):
    me = member(Role.SUPPORTER, clinic, language="es")
    client.force_login(me)

    response = client.post(PREFERENCES, _preferences(language="fr"))

    assert response.status_code == 200 and response.context["form"].errors["language"]
    me.refresh_from_db()
    assert me.language == "es"


def test_the_switch_saves_a_signed_in_persons_choice(client, clinic):
    me = member(Role.SUPPORTER, clinic)
    client.force_login(me)

    client.post("/i18n/setlang/", {"language": "es", "next": PREFERENCES})

    me.refresh_from_db()
    assert me.language == "es"
    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en")) == "es"


# --- the clinic's default ----------------------------------------------------------------------


def test_the_clinic_admin_chooses_the_clinics_default_language(admin_signed_in, clinic):
    page = admin_signed_in.get("/clinic/settings/")
    assert 'name="default_language"' in page.content.decode()
    data = {
        "name": clinic.name,
        "default_language": "es",
        "local_emergency_number": "911",
        "craving_alert_threshold": "8",
        "brs_drop_alert": "0.50",
        "score_rise_alert": "5",
        "missed_checkin_days": "2",
        "milestone_heads_up_days": "3",
    }

    response = admin_signed_in.post("/clinic/settings/", data)

    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.default_language == "es"


def test_a_contact_added_without_a_language_gets_the_clinics_default(patient, team_clinician):
    patient.clinic.default_language = "es"
    patient.clinic.save()

    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Lucía Fernández",
        relationship=Relationship.SIBLING,
        email="lucia@example.org",
        language="",
    )

    assert contact.language == "es"


def test_a_new_record_starts_in_the_clinics_default_language(client, clinic, clinician):
    clinic.default_language = "es"
    clinic.save()
    client.force_login(clinician)

    form = client.get(reverse("patients:new")).context["form"]

    assert form["preferred_language"].value() == "es"


# --- signed links: invitations and one-action pages -------------------------------------------


@pytest.fixture
def spanish_invite(patient, team_clinician):
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Lucía Fernández",
        relationship=Relationship.SIBLING,
        email="lucia@example.org",
        language="es",
    )
    invitation = invitation_send(contact=contact, actor=team_clinician)
    return reverse("networks:invitation", args=[invitation_token(invitation)])


def test_the_supporter_invitation_page_is_in_the_invitees_language(client, spanish_invite):
    response = client.get(spanish_invite, HTTP_ACCEPT_LANGUAGE="en-US")

    assert language_of(response) == "es"
    switch_of(response)


def test_the_switch_on_the_invitation_page_outranks_the_invitations_language(
    client, spanish_invite
):
    client.post("/i18n/setlang/", {"language": "en", "next": spanish_invite})

    assert language_of(client.get(spanish_invite, HTTP_ACCEPT_LANGUAGE="es")) == "en"


@pytest.mark.parametrize(("chosen", "expected"), [(None, "es"), ("en", "en")])
def test_accepting_keeps_the_language_chosen_on_the_page(client, spanish_invite, chosen, expected):
    if chosen:
        client.post("/i18n/setlang/", {"language": chosen, "next": spanish_invite})

    response = client.post(
        spanish_invite,
        {"full_name": "Lucía Fernández", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(email="lucia@example.org").language == expected
    assert language_of(client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")) == expected


@pytest.fixture
def staff_invite(clinic, clinic_admin):
    clinic.default_language = "es"
    clinic.save()
    invitation = StaffInvitationFactory(clinic=clinic, email="nueva@example.org")
    return _path(staff_invitation_url(invitation))


def test_the_staff_invitation_page_speaks_the_clinics_default(client, staff_invite):
    response = client.get(staff_invite, HTTP_ACCEPT_LANGUAGE="en-US")

    assert language_of(response) == "es"
    switch_of(response)


@pytest.mark.parametrize(("chosen", "expected"), [(None, ""), ("en", "en")])
def test_a_new_staff_account_keeps_the_choice_made_on_the_page(
    client, staff_invite, chosen, expected
):
    if chosen:
        client.post("/i18n/setlang/", {"language": chosen, "next": staff_invite})

    response = client.post(
        staff_invite,
        {"full_name": "Nueva Persona", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(email="nueva@example.org").language == expected  # "": the clinic's


def test_the_one_action_check_in_page_is_in_the_persons_language(client, clinic):
    newcomer = PatientFactory(clinic=clinic, legal_name="Dana Okafor", preferred_language="es")
    path = _path(checkin_link(newcomer, newcomer.local_today()))

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US")

    assert response.status_code == 200
    assert language_of(response) == "es"
    switch_of(response)
    client.post("/i18n/setlang/", {"language": "en", "next": path})
    assert language_of(client.get(path, HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_a_supporters_one_action_link_page_is_in_their_language(client, patient, team_clinician):
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Lucía Fernández",
        relationship=Relationship.SIBLING,
        email="lucia@example.org",
        language="es",
    )
    contact.status = ContactStatus.ACTIVE
    contact.save()
    ConsentFactory(contact=contact)  # an encouragement link needs something shared
    path = _path(make_link(LinkAction.ENCOURAGE, contact=contact))

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US")

    assert response.status_code == 200
    assert language_of(response) == "es"
    switch_of(response)
    ActionLink.objects.update(expires_at=timezone.now())
    gone = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US")  # why it does nothing, in Spanish too
    assert gone.status_code == 410 and language_of(gone) == "es"


def test_the_api_gives_the_language_a_person_reads_in(clinic):
    clinic.default_language = "es"
    clinic.save()
    never_chose = member(Role.SUPPORTER, clinic)
    chose = member(Role.SUPPORTER, clinic, language="en")

    def language_in_api(user: User) -> str:
        key = token_issue(user, "test")
        return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").json()["language"]

    assert language_in_api(never_chose) == "es"
    assert language_in_api(chose) == "en"


# --- the sign-in page's switch, and accounts made before languages could be chosen -----------


def _sign_in(client, user: User) -> None:
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_sign_in_pages_choice_stays_after_signing_in(client, clinic):
    me = member(Role.SUPPORTER, clinic)
    assert me.language == ""
    client.post("/i18n/setlang/", {"language": "es", "next": LOGIN})

    _sign_in(client, me)

    me.refresh_from_db()
    assert me.language == "es"
    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_the_sign_in_pages_switch_does_not_overwrite_a_choice_made_in_settings(client, clinic):
    me = member(Role.SUPPORTER, clinic, language="en")
    client.post("/i18n/setlang/", {"language": "es", "next": LOGIN})

    _sign_in(client, me)

    me.refresh_from_db()
    assert me.language == "en"
    assert language_of(client.get(PREFERENCES, HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_accounts_made_before_languages_could_be_chosen_follow_the_clinic(clinic):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0008_legacy_english_follows_the_clinic")
    legacy = member(Role.SUPPORTER, clinic, language="en")
    spanish = member(Role.SUPPORTER, clinic, language="es")
    clinic.default_language = "es"
    clinic.save()

    migration.forward(apps, None)

    legacy.refresh_from_db()
    spanish.refresh_from_db()
    assert (legacy.language, spanish.language) == ("", "es")
    assert language_for(legacy, clinic) == "es"
