"""Every page each demo role can reach, in English and in Spanish:

- on a phone, at 320 px and 375 px wide, nothing is wider than the screen (no sideways scrolling);
- axe-core finds no violation of any impact (WCAG 2.1 A/AA and axe's best practices: headings,
  landmarks, regions) on a phone (375 px), and in English on a desktop (1280 px) too: the
  desktop layout (the open menu, wider tables) is the same in both languages, while what a
  translation can break (names, labels, the page's language, text that no longer fits) shows
  at the phone's width and in the overflow checks, which run in both.

One crawl per role and language over one seeded demo; pages that differ only by an id (one
patient's chart and the next) are judged once, at every width in the same browser context (the
page is resized, not reloaded). The number of page views judged is printed in the run's terminal
summary."""

import os
import re
import time
from collections import deque
from urllib.parse import urlsplit

import pytest

from accounts.models import User
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, report_line
from tests.factories import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# None: someone not signed in (the sign-in and password pages).
ROLES = [
    None,
    "admin@demo.clinic",
    "clinician@demo.clinic",
    "patient@demo.clinic",
    "family@demo.clinic",
]
SKIP = ("/static/", "/media/", "/accounts/logout", "/django-admin/", "/api/", "/i18n/", "/healthz")
# Files, not pages: CSV and XLSX exports and templates, calendar files and feeds. Printable
# cards open as pages and are kept.
NOT_A_PAGE = re.compile(r"(\.csv$|\.xlsx$|/csv/|/export|/download|/template/|\.ics$|/feed)")
MAX_PAGES_PER_ROLE = 90
PHONE_WIDTHS = (320, 375)  # nothing wider than the screen
AXE_WIDTHS = {"en": (1280, 375), "es": (375,)}  # axe: desktop and phone; Spanish on the phone

OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width) return null;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if (el.closest('[data-overflow-ok]')) continue;
    const parentBox = el.parentElement && el.parentElement.getBoundingClientRect();
    if (parentBox && parentBox.right > width + 1) continue;  // report the outermost only
    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' (right ' + Math.round(box.right) + ')');
    if (wide.length >= 3) break;
  }
  return {page: page, width: width, wide: wide};
}"""

NEXT_FRAME_JS = "() => new Promise(go => requestAnimationFrame(() => requestAnimationFrame(go)))"


def _pattern(path: str) -> str:
    """A page's shape: ids and tokens replaced, so one of each kind is visited."""
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    return re.sub(r"/[A-Za-z0-9_\-:]{20,}(?=/|$)", "/T", path)


def _links(page: object) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path
        if path.startswith(SKIP) or NOT_A_PAGE.search(path):
            continue
        found.append(path)
    return found


def _sign_in(page: object, email: str) -> None:
    """Sign in by field names, not labels: the labels are in the page's language."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state("domcontentloaded")
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("input[name=code]").fill(totp_code(User.objects.get(email__iexact=email)))
        page.locator("input[name=code]").press("Enter")
        page.wait_for_load_state("domcontentloaded")
    assert "/accounts/login/" not in page.url and "/2fa/" not in page.url, page.url


def _judge(page: object, where: str, language: str) -> list[str]:
    """Everything wrong with the page in front of us, at every width."""
    problems = []
    lang = page.get_attribute("html", "lang")
    if lang != language:
        problems.append(f"{where}: <html lang={lang!r}>, not {language!r}")
    # Narrowest first, as the page was loaded: a chart drawn wide shrinks a frame later.
    axe_widths = AXE_WIDTHS[language]
    for width in sorted({*axe_widths, *PHONE_WIDTHS}):
        page.set_viewport_size({"width": width, "height": 740})
        page.evaluate(NEXT_FRAME_JS)
        if width in PHONE_WIDTHS and (overflow := page.evaluate(OVERFLOW_JS)):
            problems.append(f"{where} at {width}px: {overflow}")
        if width in axe_widths:
            violations = axe_violations(page, best_practices=True)
            problems += [f"{where} at {width}px: {v}" for v in violations]
    return problems


def _crawl_role(
    browser: object, base_url: str, email: str | None, language: str
) -> tuple[int, list[str]]:
    """(pages judged, problems) for one role in one language."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": PHONE_WIDTHS[0], "height": 740},
        reduced_motion="reduce",
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    judged = 0
    try:
        if email is not None:
            _sign_in(page, email)
        queue, seen = deque(["/" if email else "/accounts/login/"]), set()
        while queue and judged < MAX_PAGES_PER_ROLE:
            path = queue.popleft()
            if _pattern(path) in seen:
                continue
            seen.add(_pattern(path))
            page.set_viewport_size({"width": PHONE_WIDTHS[0], "height": 740})
            response = page.goto(path)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            landed = urlsplit(page.url).path
            if landed != path:  # a redirect: judge where it went, once
                if _pattern(landed) in seen:
                    continue
                seen.add(_pattern(landed))
            judged += 1
            where = f"{email} [{language}] {landed}"
            if os.environ.get("CRAWL_LOG"):
                print(where, response.status)
            if response.status >= 500:
                problems.append(f"{where}: {response.status}")
                continue
            problems += _judge(page, where, language)
            queue.extend(_links(page))
    finally:
        context.close()
    return judged, problems


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_of_every_role_fits_a_phone_and_has_no_axe_violation(
    browser, live_server, language
):
    seed_demo(clinics=2, patients=4, seed=9)
    # Signed-in people read their own language; anonymous pages follow the browser's.
    User.objects.filter(email__in=[email for email in ROLES if email]).update(language=language)
    started = time.monotonic()
    problems: list[str] = []
    pages: dict[str, int] = {}
    for email in ROLES:
        judged, found = _crawl_role(browser, live_server.url, email, language)
        assert judged > (1 if email is None else 8), (email, judged)
        pages[email or "signed out"] = judged
        problems += found
    report_line(
        f"axe [{language}]: {sum(pages.values()) * len(AXE_WIDTHS[language])} page views "
        f"({sum(pages.values())} pages x {len(AXE_WIDTHS[language])} widths "
        f"{'/'.join(map(str, AXE_WIDTHS[language]))} px; "
        + ", ".join(f"{who} {n}" for who, n in pages.items())
        + f"), {len(problems)} problems, {time.monotonic() - started:.0f} s"
    )
    assert problems == [], "\n".join(problems)
