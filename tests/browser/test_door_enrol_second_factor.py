"""A clinician without a second factor signs in, is sent to set one up (told why), reaches no
chart until it is done, and then works as usual; the next sign-in asks for the code."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from accounts.models import Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CareTeamMemberFactory, PatientFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_a_clinician_enrols_before_reaching_a_chart(page, clinic):
    nurse = member(Role.CLINICIAN, clinic, second_factor=False, email="nora@harbor.example")
    patient = PatientFactory(clinic=clinic)
    CareTeamMemberFactory(clinician=nurse, patient=patient)

    sign_in(page, nurse.email, PASSWORD)
    if "/accounts/reauthenticate/" in page.url:  # allauth confirms the password first
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert "can open health records" in page.get_by_test_id("why-second-factor").inner_text()

    page.goto(f"/patients/{patient.pk}/")
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))  # no chart yet

    # What the person types into their authenticator app. (Background requests of the page,
    # such as the navbar's badge, must not replace it: they are never sent to enrolment.)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))

    page.goto("/caseload/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("My caseload")
