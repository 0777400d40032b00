"""The web app manifest: what makes the site installable, in the person's language."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from recovery_hub.pwa import BACKGROUND_COLOR, THEME_COLOR

pytestmark = pytest.mark.django_db

MANIFEST = "/manifest.webmanifest"
ICON_FILES = ("icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png")


def _manifest(client, **headers) -> dict:
    response = client.get(MANIFEST, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_the_manifest_makes_the_site_an_installable_app(client):
    body = _manifest(client)
    assert body["name"] == "Recovery Hub"
    assert 0 < len(body["short_name"]) <= 12  # fits under an icon on a phone's home screen
    assert body["description"]
    assert body["id"] == "/"
    assert body["start_url"] == "/?source=pwa"
    assert body["scope"] == "/"
    assert body["display"] == "standalone"
    assert body["theme_color"] == THEME_COLOR == "#0d6efd"  # the brand blue of favicon.svg
    assert body["background_color"] == BACKGROUND_COLOR == "#ffffff"
    assert body["lang"] == "en"


def test_the_manifest_speaks_the_language_of_the_request(client):
    assert _manifest(client, HTTP_ACCEPT_LANGUAGE="es")["lang"] == "es"


def test_the_icons_exist_at_their_declared_size_and_purpose(client):
    icons = _manifest(client)["icons"]
    declared = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert declared == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    files = {static(path): path for path in ICON_FILES}  # hashed in production
    for icon in icons:
        assert icon["type"] == "image/png"
        source = files[icon["src"]]
        width, height = (int(side) for side in icon["sizes"].split("x"))
        with Image.open(finders.find(source)) as image:
            assert image.size == (width, height)
            assert image.format == "PNG"
            if icon["purpose"] == "maskable":
                # Maskable: no transparency, the mask may cut any corner.
                assert image.convert("RGBA").getextrema()[3] == (255, 255)


def test_the_apple_touch_icon_and_the_push_badge_exist():
    with Image.open(finders.find("icons/apple-touch-icon-180.png")) as image:
        assert image.size == (180, 180)
        assert image.convert("RGBA").getextrema()[3] == (255, 255)  # iOS shows transparency black
    with Image.open(finders.find("icons/badge-96.png")) as image:
        assert image.size == (96, 96)


def test_every_page_links_the_manifest_theme_colour_and_icon(client, person, patient):
    client.force_login(person)
    html = client.get("/my-recovery/").content.decode()
    assert (
        '<link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">' in html
    )
    assert f'<meta name="theme-color" content="{THEME_COLOR}">' in html
    assert (
        f'<link rel="apple-touch-icon" href="{static("icons/apple-touch-icon-180.png")}">' in html
    )


def test_the_manifest_needs_no_sign_in_and_refuses_writes(client):
    assert client.get(MANIFEST).status_code == 200
    assert client.post(MANIFEST).status_code == 405
