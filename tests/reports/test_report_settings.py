"""The small-number threshold on the clinic settings page: the clinic's admin sets it, bad input
saves nothing and says why, the change is audited, and shared exports follow it."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from patients.models import PatientStatus
from reports.models import ReportSettings, small_number_threshold
from tests.factories import PatientFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db

URL = "/clinic/settings/reports/"
SETTINGS_PAGE = "/clinic/settings/"
FIELD = "reports-small_number_threshold"


def test_the_form_posts_to_its_own_address():
    assert reverse("reports:report_settings") == URL


def test_the_settings_page_shows_the_section_with_the_current_value(
    admin_signed_in, clinic, django_assert_max_num_queries
):
    ReportSettings.objects.create(clinic=clinic, small_number_threshold=7)
    # Session, user, membership, clinic, the ladder's policy and the threshold: six, whatever
    # the clinic holds (the section adds one query to the page).
    with django_assert_max_num_queries(6):
        response = admin_signed_in.get(SETTINGS_PAGE)
    html = response.content.decode()
    assert 'data-testid="report-settings"' in html
    assert f'action="{URL}"' in html
    assert f'name="{FIELD}"' in html and 'value="7"' in html


def test_the_admin_sets_the_threshold_and_the_change_is_audited(
    admin_signed_in, clinic, clinic_admin
):
    response = admin_signed_in.post(URL, {FIELD: "8"})

    assert response.status_code == 302
    assert response.url == SETTINGS_PAGE + "#report-settings"
    assert small_number_threshold(clinic) == 8
    event = AuditEvent.objects.get(object_type="reports.ReportSettings")
    assert (event.action, event.actor, event.clinic) == (Action.UPDATE, clinic_admin, clinic)
    assert event.details == {"small_number_threshold": {"from": 5, "to": 8}}

    admin_signed_in.post(URL, {FIELD: "3"})
    assert small_number_threshold(clinic) == 3
    latest = AuditEvent.objects.filter(object_type="reports.ReportSettings").order_by("-pk")[0]
    assert latest.details == {"small_number_threshold": {"from": 8, "to": 3}}
    assert ReportSettings.objects.filter(clinic=clinic).count() == 1


@pytest.mark.parametrize(
    "value", ["-3", "0", "1", "51", "99999999999999999999", "five", "4.5", "", "1e3"]
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(admin_signed_in, clinic, value):
    ReportSettings.objects.create(clinic=clinic, small_number_threshold=6)

    response = admin_signed_in.post(URL, {FIELD: value})

    assert response.status_code == 400
    assert response.context["report_form"].errors["small_number_threshold"] == [
        "Enter a whole number of patients from 2 to 50."
    ]
    assert "Enter a whole number of patients from 2 to 50." in response.content.decode()
    assert small_number_threshold(clinic) == 6
    assert not AuditEvent.objects.filter(object_type="reports.ReportSettings").exists()


def test_the_lowest_and_highest_allowed_values_are_saved(admin_signed_in, clinic):
    assert admin_signed_in.post(URL, {FIELD: "2"}).status_code == 302
    assert small_number_threshold(clinic) == 2
    assert admin_signed_in.post(URL, {FIELD: "50"}).status_code == 302
    assert small_number_threshold(clinic) == 50


def test_a_get_goes_back_to_the_settings_page(admin_signed_in):
    response = admin_signed_in.get(URL)
    assert response.status_code == 302
    assert response.url == SETTINGS_PAGE + "#report-settings"


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_other_roles_of_the_clinic_get_404_and_change_nothing(client, clinic, role):
    client.force_login(member(role, clinic))
    assert client.post(URL, {FIELD: "9"}).status_code == 404
    assert client.get(URL).status_code == 404
    assert small_number_threshold(clinic) == 5
    assert not ReportSettings.objects.exists()


def test_another_clinics_admin_changes_only_their_own_clinic(client, clinic, other_clinic):
    ReportSettings.objects.create(clinic=clinic, small_number_threshold=6)
    client.force_login(member(Role.ADMIN, other_clinic))

    assert client.post(URL, {FIELD: "9"}).status_code == 302

    assert small_number_threshold(clinic) == 6
    assert small_number_threshold(other_clinic) == 9
    event = AuditEvent.objects.get(object_type="reports.ReportSettings")
    assert event.clinic == other_clinic


def test_the_signed_out_visitor_is_sent_to_sign_in(client, clinic):
    response = client.post(URL, {FIELD: "9"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not ReportSettings.objects.exists()


def _census_row(client, program_name: str) -> list[str]:
    response = client.get(reverse("reports:report_csv", args=["census"]), {"outside": "1"})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    return next(line for line in lines if line and line[0] == program_name)


def test_a_shared_export_suppresses_by_the_threshold_set_on_the_page(admin_signed_in, clinic):
    # Three active patients and one in intake in one program: the census row reads
    # intake 1, active 3, discharged 0, alumni 0, total 4.
    program = ProgramFactory(clinic=clinic, name="Evening outpatient")
    for _ in range(3):
        PatientFactory(clinic=clinic, program=program, status=PatientStatus.ACTIVE)
    PatientFactory(clinic=clinic, program=program, status=PatientStatus.INTAKE)

    # The default, 5: every non-zero cell is under it.
    assert _census_row(admin_signed_in, "Evening outpatient") == [
        "Evening outpatient",
        "<5",
        "<5",
        "0",
        "0",
        "<5",
    ]

    admin_signed_in.post(URL, {FIELD: "4"})
    assert _census_row(admin_signed_in, "Evening outpatient") == [
        "Evening outpatient",
        "<4",
        "<4",
        "0",
        "0",
        "4",
    ]

    admin_signed_in.post(URL, {FIELD: "2"})
    assert _census_row(admin_signed_in, "Evening outpatient") == [
        "Evening outpatient",
        "<2",
        "3",
        "0",
        "0",
        "4",
    ]

    # A bad value changes nothing: still 2.
    admin_signed_in.post(URL, {FIELD: "-1"})
    assert _census_row(admin_signed_in, "Evening outpatient")[1:3] == ["<2", "3"]


# --- in a real browser ---------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_section_with_an_error_and_after_saving_is_accessible(browser, live_server, clinic):
    from tests.browser.conftest import axe_violations, sign_in

    admin = member(Role.ADMIN, clinic, email="admin@harbor.example")
    admin.set_password("a long test password 42")
    admin.save()
    context = browser.new_context(base_url=live_server.url, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "admin@harbor.example", "a long test password 42")
        page.goto(SETTINGS_PAGE)
        field = page.get_by_label("hide counts of fewer patients than")
        assert field.input_value() == "5"

        field.fill("-1")
        page.get_by_role("button", name="Save report settings").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Enter a whole number of patients from 2 to 50.").is_visible()
        assert axe_violations(page) == []
        assert small_number_threshold(clinic) == 5

        page.get_by_label("hide counts of fewer patients than").fill("7")
        page.get_by_role("button", name="Save report settings").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_text("Report settings saved.").is_visible()
        assert page.get_by_label("hide counts of fewer patients than").input_value() == "7"
        assert axe_violations(page) == []
        assert small_number_threshold(clinic) == 7
    finally:
        context.close()
