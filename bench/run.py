"""Latency and throughput of Recovery Hub's main pages against a local gunicorn (see README)."""

import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from environment import bench_environment  # bench/environment.py (this folder)

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
PATIENTS = os.environ.get("BENCH_PATIENTS", "200")
PASSWORD = "recovery-demo"  # noqa: S105  (the demo clinic's password)

ENV = {
    **os.environ,
    **bench_environment(
        os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var/bench.sqlite3'}"),
        SECURE_COOKIES="false",
    ),
}


# With no BENCH_* database named and a PostgreSQL server on this machine (what a clinic runs, and
# what the reports need), each part of the benchmark gets a database of its own there.
# BENCH_SCALE=10 multiplies BENCH_PATIENTS of the reminders, reports and pages parts (50,000
# patients by default): the reports' clinic then lives in a database of its own,
# recovery_hub_bench_reports_x10, which the reminder planner reuses (bench/reminders.py).
LOCAL_PG = "postgres://postgres@127.0.0.1:5432/"
SCALE = int(os.environ.get("BENCH_SCALE") or "1")
if SCALE < 1:
    sys.exit("BENCH_SCALE: a whole number, 1 or more")
CHILD_ENV = {**os.environ, "BENCH_SCALE": str(SCALE)}
NAMED = ("BENCH_DATABASE_URL", "BENCH_REPORTS_DATABASE_URL")


def local_databases(scale: int) -> dict[str, str]:
    """The local PostgreSQL's database of each part that gets one: at scale 1 the reminders
    and the reports each their own; at a larger scale the reports' clinic in a database named
    by the scale (never the scale-1 one), which the reminder planner reuses."""
    if scale == 1:
        return {
            "BENCH_DATABASE_URL": "recovery_hub_bench_reminders",
            "BENCH_REPORTS_DATABASE_URL": "recovery_hub_bench_reports",
        }
    return {"BENCH_REPORTS_DATABASE_URL": f"recovery_hub_bench_reports_x{scale}"}


if not any(os.environ.get(name) for name in NAMED):
    sys.path.insert(0, str(ROOT / "scripts"))
    from probe_services import postgres_reachable

    if postgres_reachable(LOCAL_PG + "recovery_hub_bench_pages") is None:
        ENV["DATABASE_URL"] = LOCAL_PG + "recovery_hub_bench_pages"
        for name, database in local_databases(SCALE).items():
            postgres_reachable(LOCAL_PG + database)  # creates it
            CHILD_ENV[name] = LOCAL_PG + database


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def opener() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def sign_in(client: urllib.request.OpenerDirector, email: str) -> None:
    page = client.open(f"{BASE}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    request = urllib.request.Request(
        f"{BASE}/accounts/login/",
        data=data.encode(),
        headers={"Referer": f"{BASE}/accounts/login/"},
    )
    with client.open(request) as response:
        page, landed = response.read().decode(), response.url
    if "/accounts/2fa/authenticate/" in landed:
        # Staff type their authenticator code; the demo's comes from `manage.py demo_code`.
        code = subprocess.run(
            [sys.executable, "manage.py", "demo_code", email],
            cwd=ROOT,
            env=ENV,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"code": code, "csrfmiddlewaretoken": token})
        request = urllib.request.Request(landed, data=data.encode(), headers={"Referer": landed})
        client.open(request).read()


def timed_get(client: urllib.request.OpenerDirector, path: str, headers: dict) -> float:
    start = time.perf_counter()
    with client.open(urllib.request.Request(BASE + path, headers=headers)) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    return time.perf_counter() - start


def throughput(client_factory, path: str, headers: dict) -> float:
    count = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def run() -> None:
        client = client_factory()
        while time.monotonic() < stop_at:
            timed_get(client, path, headers)
            with lock:
                count[0] += 1

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count[0] / SECONDS


# `make bench BENCH=pages` (or BENCH=server,reports, ...) runs only the parts named; all by default.
# `imports` times a 5,000-row patients file and a contacts file (bench/imports.py).
PARTS = ("server", "reminders", "reports", "pages", "imports")
CHOSEN = [part.strip() for part in os.environ.get("BENCH", "").split(",") if part.strip()]
if unknown := set(CHOSEN) - set(PARTS):
    sys.exit(f"BENCH: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")


def main() -> None:
    if not CHOSEN or "server" in CHOSEN:
        serve_and_time()
    for part in ("reminders", "reports", "pages", "imports"):
        if not CHOSEN or part in CHOSEN:
            subprocess.run(
                [sys.executable, str(ROOT / f"bench/{part}.py")],
                cwd=ROOT,
                env=CHILD_ENV,
                check=True,
            )


def serve_and_time() -> None:
    """Latency and throughput of a few targets on a gunicorn this process starts."""
    (ROOT / "var").mkdir(exist_ok=True)
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--patients", PATIENTS)
    manage("collectstatic", "--noinput", "-v0")
    token = subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "clinician@demo.clinic"],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "recovery_hub.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)

        # One sign-in shared by every thread: each authenticator code is accepted only once.
        signed_in = opener()
        sign_in(signed_in, "clinician@demo.clinic")

        def clinician() -> urllib.request.OpenerDirector:
            return signed_in

        targets = [
            ("GET /healthz", opener, "/healthz", {}),
            ("GET /caseload/ (clinician)", clinician, "/caseload/", {}),
            ("GET /api/v1/me (token)", opener, "/api/v1/me/", {"Authorization": f"Token {token}"}),
        ]
        print(
            f"\n{PATIENTS} patients, {REQUESTS} sequential requests, {THREADS} threads x {SECONDS}s"
        )
        print(f"{'target':<32}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}")
        for label, factory, path, headers in targets:
            client = factory()
            samples = sorted(timed_get(client, path, headers) for _ in range(REQUESTS))
            q = statistics.quantiles(samples, n=100)
            rate = throughput(factory, path, headers)
            p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
            print(f"{label:<32}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{rate:>9.0f}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(
        f"\ndatabases: pages {ENV['DATABASE_URL']}; reminders "
        f"{CHILD_ENV.get('BENCH_DATABASE_URL', 'the reports' if SCALE > 1 else 'SQLite')}; reports "
        f"{CHILD_ENV.get('BENCH_REPORTS_DATABASE_URL', 'SQLite')}"
    )


if __name__ == "__main__":
    main()
