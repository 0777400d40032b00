"""`make demo` on a laptop without PostgreSQL runs on SQLite: every page the demo people reach
from the home page answers (no 500); the reports, which need PostgreSQL's SQL, say so. Run for
real in a child process on its own SQLite file (the suite's database is PostgreSQL)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CRAWL = r"""
import json, os, re, sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from accounts.models import User

call_command("migrate", "--noinput", verbosity=0)
call_command("seed_demo", "--clinics", "1", "--patients", "4", verbosity=0)
answers = {}
for email in ("admin@demo.clinic", "clinician@demo.clinic", "patient@demo.clinic",
              "family@demo.clinic"):
    client = Client()
    client.force_login(User.objects.get(email=email))
    home = client.get("/", follow=True)
    seen, queue = set(), ["/"] + re.findall(r'href="(/[^"#?]*)"', home.content.decode())
    for path in queue[:80]:
        if path in seen or path.startswith(("/static/", "/accounts/logout", "/admin/")):
            continue
        seen.add(path)
        response = client.get(path)
        answers[f"{email} {path}"] = response.status_code
    for slug in ("caseload", "adherence", "trends", "outcomes", "network"):
        answers[f"{email} /reports/{slug}/"] = client.get(f"/reports/{slug}/").status_code
    answers[f"{email} /api/v1/reports/trends/"] = client.get("/api/v1/reports/trends/").status_code
    if email.startswith("admin"):
        answers["dashboard-text"] = client.get("/dashboard/").content.decode()
        answers["report-text"] = client.get("/reports/trends/").content.decode()
print(json.dumps(answers))
"""


def test_the_demo_on_sqlite_answers_every_linked_page_and_reports_say_they_need_postgresql(
    tmp_path,
):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "ALLOWED_HOSTS": "testserver",
        "READ_DOT_ENV": "false",
        "NOTIFICATIONS_INLINE_DISPATCH": "true",
        "REDIS_URL": "",
        "EMAIL_URL": f"filemail://{tmp_path / 'mail'}",
    }
    run = subprocess.run(
        [sys.executable, "-c", CRAWL],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    dashboard, report = answers.pop("dashboard-text"), answers.pop("report-text")

    failing = {page: code for page, code in answers.items() if code >= 500 and code != 503}
    assert not failing, failing
    assert len(answers) > 40  # the crawl reached each person's pages
    assert answers["admin@demo.clinic /dashboard/"] == 200
    assert 'data-testid="needs-postgresql"' in dashboard
    assert answers["admin@demo.clinic /reports/trends/"] == 503
    assert "Reports need PostgreSQL" in report
    assert answers["admin@demo.clinic /api/v1/reports/trends/"] == 503
    assert answers["clinician@demo.clinic /reports/trends/"] == 404  # still admins only
