"""Every page each demo role can reach, on a phone: at 320 px and 375 px wide nothing is wider
than the screen (no sideways scrolling), and axe finds no violation of serious or critical
impact. One crawl per role over the seeded demo clinic; pages that differ only by an id (one
patient's chart and the next) are visited once."""

import os
import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import serious_violations, sign_in

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
# Files, not pages: CSV exports, printable cards open as pages and are kept.
NOT_A_PAGE = re.compile(r"(\.csv$|/csv/|/export|/download|\.ics$|/feed)")
MAX_PAGES_PER_ROLE = 90
WIDTHS = (320, 375)

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


def _crawl_role(browser: object, base_url: str, email: str | None) -> tuple[int, list[str]]:
    context = browser.new_context(
        base_url=base_url, viewport={"width": WIDTHS[0], "height": 740}, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    try:
        if email is not None:
            sign_in(page, email, DEMO_PASSWORD)
        queue, seen = deque(["/" if email else "/accounts/login/"]), set()
        visited = 0
        while queue and visited < MAX_PAGES_PER_ROLE:
            path = queue.popleft()
            shape = _pattern(path)
            if shape in seen:
                continue
            seen.add(shape)
            response = page.goto(path)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            visited += 1
            landed = urlsplit(page.url).path
            if os.environ.get("CRAWL_LOG"):
                print(email, response.status, landed)
            if response.status >= 500:
                problems.append(f"{email} {path}: {response.status}")
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 740})
                overflow = page.evaluate(OVERFLOW_JS)
                if overflow:
                    problems.append(f"{email} {landed} at {width}px: {overflow}")
            page.set_viewport_size({"width": WIDTHS[0], "height": 740})
            problems += [f"{email} {landed}: {v}" for v in serious_violations(page)]
            queue.extend(_links(page))
    finally:
        context.close()
    return visited, problems


def test_every_page_of_every_role_fits_a_phone_and_has_no_serious_axe_violation(
    browser, live_server
):
    seed_demo(clinics=2, patients=4, seed=9)
    problems: list[str] = []
    for email in ROLES:
        visited, found = _crawl_role(browser, live_server.url, email)
        assert visited > (1 if email is None else 8), (email, visited)
        problems += found
    assert problems == [], "\n".join(problems)
