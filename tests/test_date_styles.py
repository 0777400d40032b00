"""Dates are written one way per context, from one helper (core.dates): across every page
each demo role can reach, no ISO dates, no "Nov. 15", no "12/03/2026", no "p.m." in the text a
person reads (machine-readable attributes such as <time datetime> and form values are fine)."""

import re
from collections.abc import Iterator

import pytest

from accounts.models import User
from recovery_hub.demo import seed_demo
from tests.shared_rows import shared_rows
from tests.test_crawl import crawl_pages

pytestmark = pytest.mark.django_db

TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL)
OTHER_STYLES = {
    "ISO date": re.compile(r"\b20\d\d-[01]\d-[0-3]\d\b"),
    "abbreviated month with a dot": re.compile(
        r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.\s?\d"
    ),
    "numeric date": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    "a.m./p.m.": re.compile(r"\b[ap]\.m\."),
}


def _visible_text(html: str) -> str:
    return TAG.sub(" ", html)


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """One demo clinic, seeded once for the module (tests/shared_rows.py)."""
    with shared_rows(django_db_blocker):
        seed_demo(clinics=1, patients=4, seed=9)
        yield


@pytest.mark.parametrize(
    "email",
    ["admin@demo.clinic", "clinician@demo.clinic", "patient@demo.clinic", "family@demo.clinic"],
)
def test_every_page_writes_dates_the_one_way(_demo, client, email):
    client.force_login(User.objects.get(email=email))

    pages = crawl_pages(client, "/")

    found = []
    for url, (status, html) in pages.items():
        if status != 200 or not html:  # html: a 200 HTML page
            continue
        text = _visible_text(html)
        for style, pattern in OTHER_STYLES.items():
            match = pattern.search(text)
            if match:
                found.append(
                    f"{url}: {style} {text[max(match.start() - 40, 0) : match.end() + 10]!r}"
                )
    assert found == [], "\n".join(found)
