"""Finding 10: under the strict Content-Security-Policy (no inline script or style) every page
still works and the browser refuses nothing. One pass per role over the pages that carry the
most behaviour (charts, the check-in, the printable plan and wallet card, report charts, an
htmx search, the Django admin, Swagger UI), plus the links they show, failing on any violation
the browser reports (a `securitypolicyviolation` event or its console line)."""

import os
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from accounts.models import STAFF_ROLES, User
from accounts.second_factor import has_totp, totp_enrol
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import draw_charts, sign_in
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERUSER = "root@demo.clinic"
LINKS_PER_ROLE = 12
SKIP = ("/static/", "/accounts/logout", "/i18n/", "/healthz", "/api/v1/", "/api/schema/")
NOT_A_PAGE = (".csv", "/export", "/download", ".ics", "/feed")

# Every violation, in every document of the context, kept across navigations in the page's
# session storage (an init script runs before any of the page's own code).
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const seen = JSON.parse(sessionStorage.getItem("csp-violations") || "[]");
  seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
            `at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
  sessionStorage.setItem("csp-violations", JSON.stringify(seen));
});
"""


def _start_pages() -> dict[str | None, list[str]]:
    clinician = User.objects.get(email="clinician@demo.clinic")
    patient = (
        Patient.objects.filter(
            care_team__clinician=clinician, care_team__ended_on__isnull=True, user__isnull=False
        ).first()
        or Patient.objects.filter(care_team__clinician=clinician).first()
    )
    chart = f"/patients/{patient.pk}/"
    root = User.objects.get(email=SUPERUSER).pk
    return {
        None: ["/accounts/login/", "/accounts/password/reset/"],
        "admin@demo.clinic": ["/", "/dashboard/", "/reports/trends/", "/reports/adherence/"],
        "clinician@demo.clinic": [
            "/caseload/",
            chart,
            f"{chart}checkins/",
            f"{chart}coping-plan/",
            f"{chart}coping-plan/print/",
            f"{chart}coping-plan/wallet-card/",
            f"{chart}celebrations/",
        ],
        "patient@demo.clinic": [
            "/my-recovery/",
            "/my-recovery/check-in/",
            "/my-recovery/progress/",
            "/my-recovery/plan/",
            "/my-recovery/celebrations/",
            "/accounts/2fa/",
            "/accounts/2fa/webauthn/add/",  # allauth's passkey scripts
        ],
        "family@demo.clinic": ["/"],
        SUPERUSER: [
            "/django-admin/",
            "/django-admin/audit/auditevent/",
            "/django-admin/accounts/user/",
            f"/django-admin/accounts/user/{root}/change/",
            "/api/docs/",
        ],
    }


def _links(page: object) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))"):
        if not href or not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path
        if path.startswith(SKIP) or path.endswith(NOT_A_PAGE) or "/export" in path:
            continue
        found.append(path)
    return found


def _is_refusal(line: str) -> bool:
    return line.startswith("Refused to") or "Content Security Policy" in line


def _violations(page: object) -> list[str]:
    return page.evaluate("JSON.parse(sessionStorage.getItem('csp-violations') || '[]')")


def _visit(page: object, path: str, problems: list[str], must_work: bool) -> bool:
    response = page.goto(path)
    page.wait_for_load_state("load")
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return False
    if os.environ.get("CRAWL_LOG"):
        print(response.status, path, "->", urlsplit(page.url).path)
    if must_work and response.status >= 400:
        problems.append(f"{path}: {response.status}")
    if "content-security-policy" not in response.headers:
        problems.append(f"{path}: no Content-Security-Policy header")
    return True


def _crawl(
    browser: object,
    base_url: str,
    email: str | None,
    start: list[str],
    also: Callable[[object], None] | None = None,
) -> list[str]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    # The browser's own console line for each refusal: "Refused to ..." in older Chromium,
    # "... violates the following Content Security Policy directive ..." in newer ones.
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    problems: list[str] = []
    try:
        if email is not None:
            sign_in(page, email, DEMO_PASSWORD)
        visited = set()
        for path in start:
            visited.add(path)
            _visit(page, path, problems, must_work=True)
        if also is not None:
            also(page)
        links = [path for path in _links(page) if path not in visited]
        for path in list(dict.fromkeys(links))[:LINKS_PER_ROLE]:
            _visit(page, path, problems, must_work=False)
        problems += [f"{email}: {violation}" for violation in _violations(page)]
        problems += [f"{email}: console: {line}" for line in refused if _is_refusal(line)]
    finally:
        context.close()
    return problems


def _draws_charts_and_swagger(page: object) -> None:
    """Chart.js and Swagger UI draw under the policy (their scripts run, not only load)."""
    page.goto("/api/docs/")
    page.locator(".swagger-ui .information-container").wait_for()
    page.locator(".opblock").first.wait_for()


def _htmx_search_swaps(page: object) -> None:
    """The caseload search swaps its results in with htmx (typing fires keyup)."""
    page.goto("/caseload/")

    def is_search(response: object) -> bool:
        return "/caseload/" in response.url and response.request.headers.get("hx-request")

    with page.expect_response(is_search):
        page.locator("#id_q").press_sequentially("a")
    page.wait_for_timeout(300)  # the swap settles (htmx's settle delay is 20 ms)
    assert page.locator("#caseload-results").count() == 1


def _chart_is_drawn(page: object) -> None:
    page.goto("/my-recovery/progress/")
    draw_charts(page)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas')]"
        ".some(c => c.chart && c.dataset.drawn === 'true')"
    )
    assert drawn, "no chart drawn on the progress page"


def test_no_page_of_any_role_breaks_the_content_security_policy(browser, live_server):
    seed_demo(clinics=1, patients=4, seed=9)
    root = User.objects.create_superuser(SUPERUSER, DEMO_PASSWORD)
    for user in User.objects.filter(memberships__role__in=STAFF_ROLES).distinct():
        if not has_totp(user):
            totp_enrol(user, secret=TOTP_SECRET)
    totp_enrol(root, secret=TOTP_SECRET)
    extra = {
        SUPERUSER: _draws_charts_and_swagger,
        "clinician@demo.clinic": _htmx_search_swaps,
        "patient@demo.clinic": _chart_is_drawn,
    }

    problems: list[str] = []
    for email, start in _start_pages().items():
        problems += _crawl(browser, live_server.url, email, start, extra.get(email))

    assert problems == [], "\n".join(problems)
