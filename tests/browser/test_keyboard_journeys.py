"""The four daily journeys with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys; no
pointer): the clinician's start of day, the person's check-in, the supporter's claim and the
admin's report. Each Tab stop is checked on the way: focus moves forward in document order (no
positive tabindex, nothing jumping back), the skip link comes first and the main navigation
before the page's own controls, and the focused control shows a visible focus indicator (an
outline or a focus ring drawn as a box-shadow)."""

import os
import re

import pytest

from accounts.models import User
from coping.models import CheckIn
from networks.models import HelpStatus, HelpTask, SupportContact
from networks.services import help_task_create
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.factories import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element: what it is, where it sits, and whether its focus can be seen. A
# .btn-check radio is drawn by its label, so the label carries the ring.
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const drawn = el.classList.contains('btn-check') && el.nextElementSibling
    ? el.nextElementSibling : el;
  const style = getComputedStyle(drawn);
  const box = drawn.getBoundingClientRect();
  const previous = window.__lastFocused;
  const forward = !previous || !document.contains(previous) || previous === el ||
    Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__lastFocused = el;
  return {
    tag: el.tagName.toLowerCase(),
    name: (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '')
      .trim().replace(/\\s+/g, ' ').slice(0, 60),
    href: el.getAttribute('href'),
    inHeader: Boolean(el.closest('header')),
    inMain: Boolean(el.closest('main')),
    skip: el.classList.contains('skip-link'),
    tabindex: el.tabIndex,
    forward: forward,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    ring: style.boxShadow !== 'none',
    seen: box.width > 0 && box.height > 0,
  };
}"""


class Keyboard:
    """Tabs through a page, keeping every stop, and checks each one as it goes."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.stops: list[dict] = []

    def fresh_page(self) -> None:
        self.stops = []

    def tab_to(self, selector: str, *, name: str = "", most: int = 80) -> dict:
        """Press Tab until the element matching `selector` (and whose name holds `name`) has
        focus; every stop on the way must move forward and show its focus."""
        for _ in range(most):
            self.page.keyboard.press("Tab")
            stop = self.page.evaluate(FOCUSED_JS)
            assert stop is not None, ("focus fell to the page", self.stops[-3:])
            if os.environ.get("KEYBOARD_LOG"):
                print(self.page.url, stop)
            self.stops.append(stop)
            assert stop["tabindex"] <= 0, ("a positive tabindex reorders focus", stop)
            assert stop["forward"], ("focus jumped backwards", self.stops[-2:])
            assert stop["seen"] and (stop["outline"] or stop["ring"]), ("no visible focus", stop)
            if name in stop["name"] and self.page.evaluate(
                "s => document.activeElement.matches(s)", selector
            ):
                return stop
        raise AssertionError(f"{selector} not reached in {most} Tabs: {self.stops}")

    def assert_page_order(self) -> None:
        """The skip link first, then the header's navigation, then the main content."""
        assert self.stops[0]["skip"], self.stops[0]
        places = [
            "header" if s["inHeader"] else "main" if s["inMain"] else "other"
            for s in self.stops[1:]
        ]
        first_main = places.index("main") if "main" in places else len(places)
        assert all(p == "header" for p in places[:first_main]), places
        assert "header" not in places[first_main:], places


def _press_and_load(page: object, key: str) -> None:
    """Press a key that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def _keyboard_sign_in(page: object, keys: Keyboard, email: str) -> None:
    page.goto("/accounts/login/")
    keys.fresh_page()
    keys.tab_to("input[name=login]")
    keys.assert_page_order()
    page.keyboard.type(email)
    keys.tab_to("input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    _press_and_load(page, "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.wait_for_load_state("load")
    if "/accounts/2fa/authenticate/" in page.url:
        keys.fresh_page()
        keys.tab_to("input[name=code]")
        page.keyboard.type(totp_code(User.objects.get(email=email)))
        _press_and_load(page, "Enter")
    assert "/accounts/" not in page.url, page.url


def _skip_to_main(page: object, keys: Keyboard) -> None:
    """The first Tab on a page reaches the skip link; Enter moves focus into the main content."""
    keys.fresh_page()
    keys.tab_to(".skip-link", most=1)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    page.evaluate("() => { window.__lastFocused = document.activeElement; }")


@pytest.fixture
def keys(page) -> Keyboard:
    return Keyboard(page)


def test_clinician_starts_the_day_with_the_keyboard(page, keys):
    seed_demo(clinics=1, patients=4, seed=5)
    _keyboard_sign_in(page, keys, "clinician@demo.clinic")
    assert "/caseload/" in page.url  # the clinician's day starts on the caseload
    keys.fresh_page()
    # Skip link, the navigation, then the caseload's own controls down to a person's chart.
    keys.tab_to("main table a[href^='/patients/']")
    keys.assert_page_order()
    assert [s["name"] for s in keys.stops[1:3]] == ["Recovery Hub", "Caseload"], keys.stops[:3]
    _press_and_load(page, "Enter")
    assert re.search(r"/patients/\d+/$", page.url), page.url
    assert page.get_by_role("heading", level=1).is_visible()
    # On the chart, the skip link jumps past the navigation into the chart's own tabs.
    _skip_to_main(page, keys)
    stop = keys.tab_to("main a, main button")
    assert stop["inMain"]


def test_person_checks_in_with_the_keyboard(page, keys):
    seed_demo(clinics=1, patients=3, seed=5)
    person = User.objects.get(email="patient@demo.clinic")
    CheckIn.objects.filter(patient__user=person).delete()
    _keyboard_sign_in(page, keys, "patient@demo.clinic")
    keys.fresh_page()
    keys.tab_to("main a[href$='/my-recovery/check-in/']")
    keys.assert_page_order()
    _press_and_load(page, "Enter")
    page.wait_for_url(re.compile("/my-recovery/check-in/"))
    _skip_to_main(page, keys)
    # Each scale is one radio group: Tab enters it, the arrow keys choose.
    for name, moves in (("mood", 2), ("craving", 1), ("stress", 3)):
        keys.tab_to(f"input[name={name}]")
        page.keyboard.press("Space")
        for _ in range(moves):
            page.keyboard.press("ArrowRight")
        page.evaluate("() => { window.__lastFocused = document.activeElement; }")
    keys.tab_to("input[name=used_since_last]")
    page.keyboard.press("Space")
    keys.tab_to("button[type=submit]")
    _press_and_load(page, "Enter")
    page.wait_for_url(re.compile(r"/patients/\d+/checkins/"))
    checkin = CheckIn.objects.get(patient__user=person)
    assert (checkin.mood, checkin.craving, checkin.stress) == (2, 1, 3)
    assert checkin.used_since_last is False


def test_supporter_claims_a_task_with_the_keyboard(page, keys):
    seed_demo(clinics=1, patients=3, seed=5)
    family = User.objects.get(email="family@demo.clinic")
    contact = SupportContact.objects.get(user=family, patient__user__email="patient@demo.clinic")
    ride = help_task_create(
        patient=contact.patient,
        actor=contact.patient.user,
        kind="ride",
        title="A ride to the Tuesday group",
    )
    _keyboard_sign_in(page, keys, "family@demo.clinic")
    page.goto(f"/support/{contact.patient.pk}/")
    _skip_to_main(page, keys)
    keys.tab_to("[data-testid=open-task] button", name=f"Claim : {ride.title}")
    _press_and_load(page, "Enter")
    assert HelpTask.objects.get(pk=ride.pk).status == HelpStatus.CLAIMED


def test_admin_opens_a_report_with_the_keyboard(page, keys):
    seed_demo(clinics=1, patients=4, seed=5)
    _keyboard_sign_in(page, keys, "admin@demo.clinic")
    keys.fresh_page()
    keys.tab_to("main a[href^='/reports/']")
    keys.assert_page_order()
    _press_and_load(page, "Enter")
    assert "/reports/" in page.url
    assert page.get_by_role("heading", level=1).is_visible()
    # The report's filters, then its tables, in the order they are drawn.
    _skip_to_main(page, keys)
    keys.tab_to("main button[type=submit]")
    keys.tab_to("main .table-responsive[tabindex='0']")


def test_the_focus_check_can_fail(page, keys):
    page.set_content(
        "<style>button:focus { outline: none; box-shadow: none; }</style>"
        "<a class='skip-link' href='#x'>Skip</a><button>Hidden focus</button>"
    )
    keys.tab_to(".skip-link", most=1)
    with pytest.raises(AssertionError, match="no visible focus"):
        keys.tab_to("button")
