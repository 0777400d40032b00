"""The seeded Spanish content (strategies, articles, directory, workshops) reads at least "fairly
easy" on the Fernández-Huerta scale (CONTENT_FH_MIN, 70: "bastante fácil"), with the same
textstat reading as the interface (tests/test_reading_level.py, whose line is 80, "fácil"; some
pieces here are still between 70 and 80). Each piece is one unit; a failure lists every piece
under the line."""

import re

import pytest

from coping.library_es import STRATEGY_LIBRARY_ES
from events.demo import DESCRIPTION_ES, WORKSHOPS_ES
from resources.demo_es import ARTICLES_ES, COMMUNITY_RESOURCES_ES
from tests.test_reading_level import fernandez_huerta

CONTENT_FH_MIN = 70.0

MARKUP = re.compile(r"^#+ |^- |\*\*", re.M)


def _units() -> dict[str, str]:
    units = {
        "strategy library": " ".join(f"{t}. {d}" for t, d in STRATEGY_LIBRARY_ES.values()),
        # Places are labels (a room, a park): the titles and the description are the prose.
        "workshops": " ".join(
            [DESCRIPTION_ES, *(f"{w['title_es']}." for w in WORKSHOPS_ES.values())]
        ),
    }
    for slug, article in ARTICLES_ES.items():
        text = f"{article['title_es']}. {article['summary_es']} {article['body_es']}"
        units[f"article {slug}"] = MARKUP.sub("", text)
    for name, entry in COMMUNITY_RESOURCES_ES.items():
        units[f"directory {name}"] = entry["description_es"]
    return units


@pytest.mark.parametrize("name", sorted(_units()))
def test_seeded_spanish_content_reads_easy(name):
    score = fernandez_huerta(_units()[name])
    assert score >= CONTENT_FH_MIN, f"{name}: Fernández-Huerta {score:.1f} < {CONTENT_FH_MIN}"
