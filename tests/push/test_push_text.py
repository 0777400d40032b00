"""A push is read on a lock screen, by anyone holding the phone: its text is generic per kind,
in the recipient's language, and never names a diagnosis, a substance or the row's own words."""

import re

import pytest

from notifications.models import Channel, Kind, Notification
from notifications.push import TITLE, device_label, payload, push_path, push_text

# Words no push may carry (English and Spanish): diagnoses, substances, treatment, setbacks.
NEVER = [
    "alcohol",
    "opioid",
    "heroin",
    "fentanyl",
    "cocaine",
    "meth",
    "drug",
    "drink",
    "relapse",
    "setback",
    "overdose",
    "naloxone",
    "methadone",
    "buprenorphine",
    "suboxone",
    "depression",
    "anxiety",
    "phq",
    "gad",
    "audit-c",
    "diagnos",
    "craving",
    "withdrawal",
    "detox",
    "treatment",
    "therapy",
    "counsel",
    "clinic",
    "patient",
    "recaída",
    "droga",
    "tratamiento",
    "depresión",
]
ROW_WORDS = "Maria had a setback with alcohol; her PHQ-9 is 19 (depression)"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", Kind.values)
def test_the_push_text_of_every_kind_names_no_diagnosis_or_substance(kind, language):
    row = Notification(
        kind=kind,
        channel=Channel.PUSH,
        language=language,
        subject=ROW_WORDS,
        body=ROW_WORDS,
        link="/supporters/",
    )
    shown = payload(row)

    assert set(shown) == {"title", "body", "url", "tag"}
    assert shown["title"] == TITLE
    text = f"{shown['title']} {shown['body']} {shown['tag']}".lower()
    assert [word for word in NEVER if re.search(rf"\b{re.escape(word)}", text)] == []
    assert ROW_WORDS.lower() not in text and "maria" not in text
    assert shown["body"]


def test_the_push_text_is_in_the_recipients_language():
    assert push_text(Kind.MESSAGE_NEW, "en") == {
        "title": "Recovery Hub",
        "body": "You have a new message",
        "tag": "rh-message",
    }
    assert push_text(Kind.MESSAGE_NEW, "es")["body"]  # Spanish once locale/ has the words


@pytest.mark.parametrize(
    ("link", "path"),
    [
        ("http://127.0.0.1:8000/coping/checkin/", "/coping/checkin/"),
        ("/supporters/", "/supporters/"),
        ("https://elsewhere.example/x", "/notifications/"),
        ("//elsewhere.example/x", "/notifications/"),
        ("javascript:alert(1)", "/notifications/"),
        ("", "/notifications/"),
    ],
)
def test_the_push_opens_only_a_path_of_this_site(link, path, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert push_path(link) == path


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        ("", "A browser"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(agent, label):
    assert device_label(agent) == label
