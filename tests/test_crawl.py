"""Every page a demo user can reach by following links answers without a server error, and
nothing clinical reaches a supporter's pages. A crawl over the seeded demo clinic."""

import re
from collections import deque

import pytest

from accounts.models import User
from patients.models import ClinicalNote
from recovery_hub.demo import seed_demo

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
SKIP = ("/static/", "/accounts/logout", "/django-admin/", "/api/", "/i18n/")
MAX_PAGES = 160


def _crawl(client, start: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302) and response.url.startswith("/"):
            queue.append(response.url.split("?")[0])
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend(LINK.findall(response.content.decode()))
    return seen


@pytest.mark.parametrize(
    "email",
    ["admin@demo.clinic", "clinician@demo.clinic", "patient@demo.clinic", "family@demo.clinic"],
)
def test_no_page_reachable_from_a_role_home_fails(client, email):
    seed_demo(clinics=2, patients=4, seed=9)
    client.force_login(User.objects.get(email=email))

    pages = _crawl(client, "/")

    assert len(pages) > 10
    broken = {url: code for url, code in pages.items() if code >= 500}
    assert broken == {}


def test_nothing_clinical_reaches_any_supporter_page(client):
    seed_demo(clinics=2, patients=4, seed=9)
    notes = list(ClinicalNote.objects.values_list("body", flat=True))
    client.force_login(User.objects.get(email="family@demo.clinic"))

    pages = _crawl(client, "/")

    for url in pages:
        if pages[url] != 200:
            continue
        html = client.get(url).content.decode()
        for note in notes:
            assert note not in html, url
        for word in ("PHQ", "GAD-7", "craving 9", "MRN", "Clinical note"):
            assert word not in html, (url, word)
