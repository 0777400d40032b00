"""Each page's time on the reports benchmark's data, against the site layout alone (see README).

The data is the reports benchmark's clinic (bench/reports.py: BENCH_PATIENTS patients, default
5000, and a year of check-ins), in the same database (BENCH_REPORTS_DATABASE_URL); it is seeded
here when missing. Each page is fetched through the full middleware stack with Django's test
Client, signed in as the person who uses it (staff with their second factor in the session, as
tests/factories.py `sign_in_as_allauth_does`), and is timed in turn with the baseline: a page of
the same person that renders only the site layout (base.html), served from a bench-only URLconf
(the project's URLs plus that one route), so both see the same load on the machine.

Prints a table (page, queries, p50 and p95 in ms, each as a ratio to the baseline's) and writes
it to bench/results/pages.md, with a bar chart of p50 per page in bench/results/pages.svg.
"""

import importlib.util
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench/results"
RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "30"))
WARMUP = 2
LAYOUT_PATH = "/bench/layout/"
TARGETS = {"ratio_p50": 3, "ratio_p95": 5}
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105  (bench-only people)


def bench_reports() -> types.ModuleType:
    """bench/reports.py (its seed), loaded by path: its name is the reports app's."""
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "bench/reports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_reports"] = module
    spec.loader.exec_module(module)
    return module


# --- the baseline page and its URLconf -----------------------------------------------------------


def install_urlconf() -> str:
    """A module `bench_pages_urls`: the project's URLs plus the layout-only page."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import include, path

    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}{% endblock %}'
    )

    @login_required
    def layout(request: HttpRequest) -> HttpResponse:
        return HttpResponse(template.render({}, request))

    module = types.ModuleType("bench_pages_urls")
    module.urlpatterns = [
        path(LAYOUT_PATH.strip("/") + "/", layout, name="bench_layout"),
        path("", include("recovery_hub.urls")),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


# --- who signs in --------------------------------------------------------------------------------


@dataclass
class Cast:
    clinic: object
    admin: object
    clinician: object
    caseload: int
    patient: object  # on the clinician's caseload, a year of history, an active supporter
    patient_user: object
    supporter: object
    program_id: int


def staff_ready(user: object) -> None:
    from accounts.second_factor import has_totp, totp_enrol

    if not has_totp(user):
        totp_enrol(user, secret=TOTP_SECRET)


def account(email: str, name: str) -> object:
    from accounts.models import User

    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def cast(clinic: object, today: object) -> Cast:
    """The admin, the clinician with the largest caseload, one of their patients with a year of
    history and an active supporter, and sign-in accounts for that patient and supporter (made
    here once: the reports seed has none)."""
    from django.db.models import Count, Q

    from accounts.models import Membership, Role, User
    from networks.models import ContactStatus, SupportContact
    from patients.models import CareTeamMember, Patient, PatientStatus, Program

    admin = User.objects.get(memberships__organization=clinic, memberships__role=Role.ADMIN)
    seats = CareTeamMember.objects.filter(patient__clinic=clinic, ended_on__isnull=True)
    top = (
        seats.values("clinician")
        .annotate(patients=Count("patient", distinct=True))
        .order_by("-patients", "clinician")
        .first()
    )
    clinician = User.objects.get(pk=top["clinician"])
    year_ago = today - timedelta(days=365)
    patient = (
        Patient.objects.filter(
            clinic=clinic,
            status=PatientStatus.ACTIVE,
            created_at__date__lt=year_ago,
            pk__in=seats.filter(clinician=clinician, is_primary=True).values("patient"),
        )
        .filter(pk__in=SupportContact.objects.filter(status=ContactStatus.ACTIVE).values("patient"))
        .annotate(days=Count("checkins", filter=Q(checkins__local_date__gt=year_ago)))
        .order_by("-days", "pk")
        .first()
    )
    patient_user = patient.user or account(f"person-{patient.pk}@{clinic.slug}.example", "Person")
    if patient.user_id is None:
        Patient.objects.filter(pk=patient.pk).update(user=patient_user)
        patient.refresh_from_db()
    contact = (
        SupportContact.objects.filter(patient=patient, status=ContactStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    supporter = contact.user or account(contact.email, contact.name)
    if contact.user_id is None:
        SupportContact.objects.filter(pk=contact.pk).update(user=supporter)
    for user, role in ((patient_user, Role.PATIENT), (supporter, Role.SUPPORTER)):
        Membership.objects.get_or_create(user=user, organization=clinic, role=role)
    staff_ready(admin)
    staff_ready(clinician)
    program_id = Program.objects.filter(clinic=clinic).order_by("pk").values_list("pk", flat=True)
    return Cast(
        clinic=clinic,
        admin=admin,
        clinician=clinician,
        caseload=top["patients"],
        patient=patient,
        patient_user=patient_user,
        supporter=supporter,
        program_id=program_id.first(),
    )


def signed_in(user: object) -> object:
    """A test Client with `user` signed in as allauth records it (password, and the second
    factor for anyone with TOTP), as tests/factories.py `sign_in_as_allauth_does`."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


# --- the pages -----------------------------------------------------------------------------------


def pages(people: Cast) -> list[tuple[str, str, str]]:
    """(label, who, path) of every page timed."""
    p = people.patient.pk
    return [
        ("caseload", "clinician", "/caseload/"),
        ("caseload, searched", "clinician", "/caseload/?q=Person+00"),
        ("caseload, sorted by last check-in", "clinician", "/caseload/?sort=-last_checkin"),
        (
            "caseload, filtered",
            "clinician",
            f"/caseload/?program={people.program_id}&status=active&has_alerts=on",
        ),
        ("caseload, search + sort", "clinician", "/caseload/?q=Person&sort=alerts"),
        ("chart overview", "clinician", f"/patients/{p}/"),
        ("chart journey", "clinician", f"/patients/{p}/journey/"),
        ("chart progress", "clinician", f"/patients/{p}/checkins/"),
        ("chart notes", "clinician", f"/patients/{p}/notes/"),
        ("chart network", "clinician", f"/patients/{p}/network/"),
        ("patient home", "patient", "/my-recovery/"),
        ("patient check-in", "patient", "/my-recovery/check-in/"),
        ("supporter's person", "supporter", f"/support/{p}/"),
        ("admin dashboard", "admin", "/dashboard/"),
        ("GET /api/v1/patients/", "clinician", "/api/v1/patients/"),
        ("GET /api/v1/patients/<id>/", "clinician", f"/api/v1/patients/{p}/"),
        ("GET /api/v1/patients/<id>/checkins/", "clinician", f"/api/v1/patients/{p}/checkins/"),
        (
            "GET /api/v1/patients/<id>/assessments/",
            "clinician",
            f"/api/v1/patients/{p}/assessments/",
        ),
        ("GET /api/v1/alerts/", "clinician", "/api/v1/alerts/"),
        ("GET /api/v1/appointments/", "clinician", "/api/v1/appointments/"),
    ]


def fetch(client: object, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    if response.streaming:
        b"".join(response.streaming_content)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return elapsed


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


def queries_of(client: object, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch(client, path)
    return len(captured)


def measure(client: object, path: str, runs: int) -> dict:
    """`runs` timings of the page and of the layout page, in turn after WARMUP of each."""
    for _ in range(WARMUP):
        fetch(client, LAYOUT_PATH)
        fetch(client, path)
    samples, baselines = [], []
    for _ in range(runs):
        baselines.append(fetch(client, LAYOUT_PATH))
        samples.append(fetch(client, path))
    return {"samples": samples, "baselines": baselines}


def run(people: Cast, runs: int = RUNS, only: Callable[[str], bool] | None = None) -> list[dict]:
    """One row per page (and the layout page first): queries, p50/p95 ms, ratios."""
    clients = {
        "clinician": signed_in(people.clinician),
        "patient": signed_in(people.patient_user),
        "supporter": signed_in(people.supporter),
        "admin": signed_in(people.admin),
    }
    rows = []
    layout_all: list[float] = []
    for label, who, path in pages(people):
        if only is not None and not only(label):
            continue
        client = clients[who]
        queries = queries_of(client, path)
        timed = measure(client, path, runs)
        layout_all += timed["baselines"]
        p50, p95 = percentile(timed["samples"], 0.5), percentile(timed["samples"], 0.95)
        b50, b95 = percentile(timed["baselines"], 0.5), percentile(timed["baselines"], 0.95)
        rows.append(
            {
                "page": label,
                "who": who,
                "path": path,
                "queries": queries,
                "p50": p50 * 1000,
                "p95": p95 * 1000,
                "ratio_p50": p50 / b50,
                "ratio_p95": p95 / b95,
            }
        )
    layout_queries = queries_of(clients["clinician"], LAYOUT_PATH)
    rows.insert(
        0,
        {
            "page": "layout only (baseline)",
            "who": "each",
            "path": LAYOUT_PATH,
            "queries": layout_queries,
            "p50": percentile(layout_all, 0.5) * 1000,
            "p95": percentile(layout_all, 0.95) * 1000,
            "ratio_p50": 1.0,
            "ratio_p95": 1.0,
        },
    )
    return rows


# --- output --------------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    lines = [
        "| page | who | queries | p50 ms | p95 ms | ratio p50 | ratio p95 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        over = row["ratio_p50"] > TARGETS["ratio_p50"] or row["ratio_p95"] > TARGETS["ratio_p95"]
        lines.append(
            f"| {row['page']} | {row['who']} | {row['queries']} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['ratio_p50']:.1f} | {row['ratio_p95']:.1f}"
            f"{' ⚠' if over else ''} |"
        )
    return "\n".join(lines)


def chart(rows: list[dict], title: str) -> str:
    """A horizontal bar chart of p50 per page, as SVG (no plotting library needed)."""
    bar, gap, label_width, plot_width = 18, 6, 300, 460
    top = 40
    height = top + len(rows) * (bar + gap) + 40
    width = label_width + plot_width + 90
    scale = plot_width / max(max(row["p50"] for row in rows), 1e-9)
    baseline = rows[0]["p50"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, row in enumerate(rows):
        y = top + index * (bar + gap)
        length = row["p50"] * scale
        colour = (
            "#6c757d"
            if index == 0
            else ("#d9534f" if row["ratio_p50"] > TARGETS["ratio_p50"] else "#2b7bb9")
        )
        parts += [
            f'<text x="{label_width - 8}" y="{y + bar - 5}" text-anchor="end">'
            f"{escape(row['page'])}</text>",
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" '
            f'fill="{colour}"/>',
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar - 5}">'
            f"{row['p50']:.1f} ms ({row['ratio_p50']:.1f}×)</text>",
        ]
    for multiple, dash in ((1, "2,2"), (TARGETS["ratio_p50"], "6,3")):
        x = label_width + baseline * multiple * scale
        if x <= label_width + plot_width:
            parts.append(
                f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 30}" '
                f'stroke="#333" stroke-dasharray="{dash}"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{height - 16}" text-anchor="middle">'
                f"{multiple}× layout</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    reports = bench_reports()
    # Its own collected static files (base.html names them through the manifest).
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var/bench-static"))
    reports.configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from accounts.models import Organization
    from coping.models import CheckIn
    from reports.filters import clinic_today

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    clinic = reports.seeded_clinic()
    seed_seconds = 0.0
    if clinic is None:
        start = time.perf_counter()
        reports.seed(clinic_today(Organization(time_zone=reports.ZONE)))
        seed_seconds = time.perf_counter() - start
        clinic = Organization.objects.get(slug=reports.slug())
    today = clinic_today(clinic)
    people = cast(clinic, today)
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(
        ROOT_URLCONF=install_urlconf(),
        ALLOWED_HOSTS=hosts,
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        rows = run(people)
    checkins = CheckIn.objects.filter(patient__clinic=clinic).count()
    history = CheckIn.objects.filter(patient=people.patient).count()
    size = (
        f"{clinic.patients.count()} patients, {checkins:,} check-ins ({connection.vendor}); "
        f"clinician with {people.caseload} patients; chart and supporter's person with "
        f"{history} check-ins; {RUNS} runs each, interleaved with the layout page"
    )
    text = table(rows)
    print(f"\n{size}" + (f"; seeded in {seed_seconds:.0f} s" if seed_seconds else ""))
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.md").write_text(
        f"# Page benchmark\n\n{size}. Targets: ratio p50 at most {TARGETS['ratio_p50']}, "
        f"p95 at most {TARGETS['ratio_p95']} (⚠ marks a page over either).\n\n{text}\n"
    )
    (RESULTS / "pages.svg").write_text(chart(rows, f"p50 per page: {size.split(';')[0]}"))
    print(f"\nwrote {RESULTS / 'pages.md'} and {RESULTS / 'pages.svg'}")


if __name__ == "__main__":
    main()
