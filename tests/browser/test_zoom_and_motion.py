"""Text zoomed to 200 % and reflow at 320 px lose nothing (WCAG 1.4.4, 1.4.10), and
prefers-reduced-motion is honoured (WCAG 2.3.3).

Zoom: at 320 CSS px wide with the root font size doubled (Bootstrap sizes text in rem, so every
text doubles), the main page of each role scrolls only vertically: nothing is wider than the
screen (a data table may scroll inside its own frame) and no text is cut off by a box that hides
what does not fit."""

import re
from pathlib import Path

import pytest

from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import sign_in
from tests.browser.test_phone_crawl import NEXT_FRAME_JS, OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZOOM_TEXT_JS = "() => { document.documentElement.style.fontSize = '200%'; }"

# Text cut off: an element that hides its overflow, holds text of its own, and is narrower or
# shorter than that text. The visually hidden helpers (screen reader text) clip on purpose.
CLIPPED_JS = """() => {
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.visually-hidden, .visually-hidden-focusable:not(:focus), [data-overflow-ok]'))
      continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const hides = [style.overflowX, style.overflowY].some(v => v === 'hidden' || v === 'clip');
    if (!hides) continue;
    const ownText = Array.from(el.childNodes).some(
      n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const textInside = ownText || el.querySelector('span, a, strong, em, small, label');
    if (!textInside || !el.innerText.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      clipped.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ': ' +
        el.innerText.trim().slice(0, 40));
    }
    if (clipped.length >= 5) break;
  }
  return clipped;
}"""


def _pages(role: str) -> list[str]:
    patient = Patient.objects.filter(user__email="patient@demo.clinic").get()
    return {
        "clinician@demo.clinic": ["/caseload/", f"/patients/{patient.pk}/"],
        "patient@demo.clinic": [
            "/my-recovery/",
            "/my-recovery/check-in/",
            f"/patients/{patient.pk}/checkins/",
            "/my-recovery/who-saw-my-information/",
        ],
        "family@demo.clinic": ["/support/", f"/support/{patient.pk}/"],
        "admin@demo.clinic": ["/dashboard/", "/reports/census/"],
    }[role]


def _zoomed_problems(page: object, path: str) -> list[str]:
    page.goto(path)
    page.evaluate(ZOOM_TEXT_JS)
    page.evaluate(NEXT_FRAME_JS)
    problems = []
    if overflow := page.evaluate(OVERFLOW_JS):
        problems.append(f"{path}: wider than 320 px at 200 % text: {overflow}")
    if clipped := page.evaluate(CLIPPED_JS):
        problems.append(f"{path}: text cut off at 200 %: {clipped}")
    return problems


@pytest.fixture
def narrow_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_main_pages_of_every_role_reflow_at_320_px_with_text_at_200_percent(narrow_page):
    seed_demo(clinics=1, patients=4, seed=5)
    page = narrow_page
    problems = _zoomed_problems(page, "/accounts/login/")
    checked = 1
    for role in (
        "clinician@demo.clinic",
        "patient@demo.clinic",
        "family@demo.clinic",
        "admin@demo.clinic",
    ):
        page.context.clear_cookies()
        sign_in(page, role, DEMO_PASSWORD)
        for path in _pages(role):
            problems += _zoomed_problems(page, path)
            checked += 1
    assert checked == 11
    assert problems == [], "\n".join(problems)


def test_the_zoom_check_finds_cut_off_and_too_wide_text(narrow_page):
    narrow_page.goto("/accounts/login/")
    narrow_page.evaluate(
        """() => {
          const cut = document.createElement('p');
          cut.textContent = 'A long sentence '.repeat(20);
          Object.assign(cut.style, {overflow: 'hidden', height: '1em'});
          const wide = document.createElement('p');
          wide.textContent = 'Unbreakable';
          Object.assign(wide.style, {whiteSpace: 'nowrap', width: '400px'});
          document.querySelector('main').append(cut, wide);
        }"""
    )

    assert "A long sentence" in narrow_page.evaluate(CLIPPED_JS)[0]
    assert narrow_page.evaluate(OVERFLOW_JS)["page"] > 320


# --- Reduced motion ---------------------------------------------------------------------------

# Every element's transition and animation durations, and the page's scroll behaviour.
MOTION_JS = """() => {
  const moving = [];
  const seconds = value => Math.max(...value.split(',').map(v => parseFloat(v) || 0));
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    const longest = Math.max(seconds(style.transitionDuration), seconds(style.animationDuration));
    if (longest > 0 && style.animationName + style.transitionProperty !== 'noneall')
      moving.push(el.tagName.toLowerCase() + '.' + String(el.className).split(' ').join('.'));
  }
  return {moving: moving.slice(0, 10), count: moving.length,
          scroll: getComputedStyle(document.documentElement).scrollBehavior};
}"""


@pytest.mark.parametrize("path", ["/my-recovery/", "/my-recovery/check-in/"])
def test_reduced_motion_stops_every_transition_and_smooth_scroll(page, path):
    seed_demo(clinics=1, patients=3, seed=5)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)
    page.goto(path)

    page.emulate_media(reduced_motion="no-preference")
    moving = page.evaluate(MOTION_JS)
    assert moving["count"] > 0 and moving["scroll"] == "smooth", moving  # what reduce removes

    page.emulate_media(reduced_motion="reduce")
    still = page.evaluate(MOTION_JS)
    assert still["count"] == 0, still
    assert still["scroll"] == "auto"


def test_scrolling_to_a_confirmation_is_instant_under_reduced_motion(page):
    """static/js/app.js scrolls a confirmation into view without asking for smooth scrolling,
    so the page's scroll-behavior (auto under reduced motion) decides."""
    source = Path("static/js/app.js").read_text()
    assert "scrollIntoView" in source
    assert not re.search(r"behavior\s*:\s*['\"]smooth", source)
