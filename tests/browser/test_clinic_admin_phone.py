"""Every page of the clinic admin fits a 320 px screen (nothing wider than the screen, each
list one card per row with its actions visible) and has no axe-core violation of serious or
critical impact there (real Chromium)."""

from collections.abc import Iterator

import pytest
from django.urls import reverse

from accounts.models import Organization, Role, User
from joining.services import staff_invite
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from reports.registry import available
from tests.browser.conftest import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PAGES = [
    "clinic_admin:staff",
    "clinic_admin:staff_invite",
    "clinic_admin:programs",
    "clinic_admin:program_new",
    "clinic_admin:patients",
    "clinic_admin:settings",
    "clinic_admin:emergency_access",
    "audit:trail",
    "notifications:log",
    "reports:dashboard",
]
SERIOUS = ("serious", "critical")


@pytest.fixture
def narrow_page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_every_admin_page_fits_320_px_without_serious_axe_violations(narrow_page):
    seed_demo(clinics=1, patients=4, seed=3)
    clinic = Organization.objects.get(memberships__user__email="admin@demo.clinic")
    admin = User.objects.get(email="admin@demo.clinic")
    # Someone invited and not joined yet: their row carries the "send again" button.
    staff_invite(
        clinic=clinic,
        actor=admin,
        email="robin.lee@example.org",
        full_name="Robin Alexandra Lee-Montgomery",
        role=Role.CLINICIAN,
    )
    sign_in(narrow_page, "admin@demo.clinic", DEMO_PASSWORD)
    urls = [reverse(name) for name in ADMIN_PAGES]
    urls += [reverse("reports:report", args=[report.slug]) for report in available()]

    too_wide, inaccessible = {}, {}
    for url in urls:
        narrow_page.goto(url)
        width = narrow_page.evaluate("document.documentElement.scrollWidth")
        if width > narrow_page.evaluate("window.innerWidth"):
            too_wide[url] = width
        found = serious_violations(narrow_page)
        if found:
            inaccessible[url] = found

    assert too_wide == {}
    assert inaccessible == {}


def test_on_a_phone_each_staff_member_is_a_card_with_its_actions_in_view(narrow_page):
    seed_demo(clinics=1, patients=1, seed=3)
    sign_in(narrow_page, "admin@demo.clinic", DEMO_PASSWORD)

    narrow_page.goto(reverse("clinic_admin:staff"))

    for row in narrow_page.get_by_test_id("staff-row").all():
        for button in row.get_by_role("button").all():
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, button.inner_text()
