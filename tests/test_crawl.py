"""Every page a demo user can reach by following links answers without a server error, and
nothing clinical reaches a supporter's pages. A crawl over the seeded demo clinic.

The demo is seeded once for the module and each role is crawled once (tests/shared_rows.py):
the supporter's crawl serves both of the supporter's tests."""

import re
from collections import deque
from collections.abc import Callable, Iterator

import pytest

from accounts.models import User
from patients.models import ClinicalNote
from recovery_hub.demo import seed_demo
from tests.shared_rows import shared_rows

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
SKIP = ("/static/", "/accounts/logout", "/django-admin/", "/api/", "/i18n/")
MAX_PAGES = 160

Crawl = dict[str, tuple[int, str]]  # url -> (status, the HTML of a 200 HTML page, else "")


def crawl_pages(client, start: str) -> Crawl:
    """Follow links from `start` (breadth first, at most MAX_PAGES pages)."""
    seen: Crawl = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        html = ""
        if response.status_code in (301, 302) and response.url.startswith("/"):
            queue.append(response.url.split("?")[0])
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            queue.extend(LINK.findall(html))
        seen[url] = (response.status_code, html)
    return seen


def _crawl(client, start: str) -> dict[str, int]:
    """The status of every page reached from `start`."""
    return {url: status for url, (status, _) in crawl_pages(client, start).items()}


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker) -> Iterator[dict[str, Crawl]]:
    """The demo clinics, seeded once; the crawls made so far, by email."""
    with shared_rows(django_db_blocker):
        seed_demo(clinics=2, patients=4, seed=9)
        yield {}


@pytest.fixture
def crawl_as(_demo, client) -> Callable[[str], Crawl]:
    """The crawl from the role's home as this demo user (made once per user)."""

    def crawl(email: str) -> Crawl:
        if email not in _demo:
            client.force_login(User.objects.get(email=email))
            _demo[email] = crawl_pages(client, "/")
        return _demo[email]

    return crawl


@pytest.mark.parametrize(
    "email",
    ["admin@demo.clinic", "clinician@demo.clinic", "patient@demo.clinic", "family@demo.clinic"],
)
def test_no_page_reachable_from_a_role_home_fails(crawl_as, email):
    pages = crawl_as(email)

    assert len(pages) > 10
    broken = {url: code for url, (code, _) in pages.items() if code >= 500}
    assert broken == {}


def test_nothing_clinical_reaches_any_supporter_page(crawl_as):
    notes = list(ClinicalNote.objects.values_list("body", flat=True))

    pages = crawl_as("family@demo.clinic")

    for url, (status, html) in pages.items():
        if status != 200:
            continue
        for note in notes:
            assert note not in html, url
        for word in ("PHQ", "GAD-7", "craving 9", "MRN", "Clinical note"):
            # As a word: a random token (the CSRF one) may hold these letters by chance.
            assert not re.search(rf"\b{re.escape(word)}\b", html), (url, word)
