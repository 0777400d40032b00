"""A real headless Chromium (Debian's package) driven by Playwright against the live server.

The session's one browser is the `browser` fixture of tests/conftest.py (one Playwright per
run, so browser tests may sit beside their feature); pages and helpers are here."""

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.models import User
from tests.factories import totp_code


@pytest.fixture(autouse=True)
def _static_files_by_name(settings) -> None:
    # The live server serves static files through the finders, which know no hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: object, email: str, password: str) -> None:
    """Sign in through the form; a person with an authenticator (all staff) also types the
    current code on the second step, read from their known secret (tests.factories)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    if "/accounts/2fa/authenticate/" in page.url:
        user = User.objects.get(email__iexact=email)
        page.locator("input[name=code]").fill(totp_code(user))
        page.get_by_role("button", name="Sign In", exact=True).click()
        page.wait_for_load_state("domcontentloaded")


def draw_charts(page: object) -> None:
    """The trend charts draw as they come near the screen (static/js/trends.js): scroll each
    into view, as a person reading down the page would, and wait until every one is drawn."""
    for canvas in page.locator("canvas[data-chart]").all():
        canvas.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => c.dataset.drawn)"
    )


SERIOUS = ("serious", "critical")


@functools.cache
def _axe_script() -> str:
    """axe-core's source, as the axe-playwright-python package ships it."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(
    page: object, impacts: tuple[str, ...] | None = None, *, best_practices: bool = False
) -> list[str]:
    """WCAG 2.1 A/AA violations axe-core finds on the page (only those of `impacts`, if given;
    with axe's best practices too, if asked: headings, landmarks, regions), as readable lines."""
    # Judge the page at rest: no colour transitions half-way (Bootstrap honours reduced motion)
    # and no button left hovered by the pointer.
    page.emulate_media(reduced_motion="reduce")
    page.mouse.move(0, 0)
    # Inject axe once per document (a second run on the same page, at another width, reuses it);
    # only violations come back, which keeps each run short.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_script())
    response = page.evaluate(
        "options => axe.run(document, options)",
        {
            "runOnly": {
                "type": "tag",
                "values": WCAG_TAGS + (["best-practice"] if best_practices else []),
            },
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']} ({len(v['nodes'])}x, "
        f"e.g. {v['nodes'][0]['target']})"
        for v in response["violations"]
        if impacts is None or v.get("impact") in impacts
    ]


def serious_violations(page: object) -> list[str]:
    """Only the violations of serious or critical impact (the bar of the phone checks)."""
    return axe_violations(page, impacts=SERIOUS)


# Lines a browser test wants in the run's terminal summary (the axe crawl's page count), shown
# without -s.
_SUMMARY: list[str] = []


def report_line(text: str) -> None:
    _SUMMARY.append(text)


def pytest_terminal_summary(terminalreporter: object) -> None:
    if _SUMMARY:
        terminalreporter.section("accessibility")
        for line in _SUMMARY:
            terminalreporter.write_line(line)
