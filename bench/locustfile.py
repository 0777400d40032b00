"""The load test's people (`make loadtest`, scripts/loadtest.py): the four roles doing their
daily jobs against a running server seeded with `manage.py seed_demo --clinics 1`.

- a clinician: caseload, a chart (overview, journey), the notes, and now and then a new note;
- a person in recovery: home, the daily check-in (saved), their check-ins;
- a family member: "How I can help", the person's page, claims an open help task and gives
  it back (so the data stays the same from run to run);
- a clinic admin: the dashboard and a report.

Each simulated person signs in through the real sign-in form (password, then for staff the
authenticator code, with CSRF) and keeps its own session. A TOTP code can be used only once
per account, so simulated staff need one account each: scripts/loadtest.py creates
`load-clinician-<n>@demo.clinic` and `load-admin-<n>@demo.clinic` (the demo's password and
authenticator secret, on the demo clinician's care teams), and LOAD_ACCOUNT_OFFSET moves a
run onto accounts no earlier run signed in with. People in recovery and family members
share the demo's logins (no second factor).

URLS names each page by its Django URL name; tests/test_loadtest_plan.py checks that every
one still reverses to the path used here.

Run by hand against a server: `locust -f bench/locustfile.py --host http://127.0.0.1:8000`.
"""

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from html import unescape

import gevent
from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "recovery-demo")  # the demo's (demo data only)
TOTP_SECRET = os.environ.get("LOAD_TOTP_SECRET", "DEMORECOVERYHUBDEMORECOVERYHUB23")
DOMAIN = os.environ.get("LOAD_DOMAIN", "demo.clinic")
ACCOUNT_OFFSET = int(os.environ.get("LOAD_ACCOUNT_OFFSET", "0"))
# Set by scripts/loadtest.py: once every simulated person has signed in, the sign-in figures
# go to LOAD_SIGN_IN_FILE, the statistics start again, and the run lasts LOAD_MEASURE_SECONDS
# more: the table shows the working day, and the sign-in rush at the start on its own line.
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS", "0"))
SIGN_IN_FILE = os.environ.get("LOAD_SIGN_IN_FILE", "")

# URL name -> (path with {placeholders}, the kwargs tests/test_loadtest_plan.py reverses with).
URLS: dict[str, tuple[str, dict[str, object]]] = {
    "account_login": ("/accounts/login/", {}),
    "mfa_authenticate": ("/accounts/2fa/authenticate/", {}),
    "patients:caseload": ("/caseload/", {}),
    "patients:chart": ("/patients/{patient_id}/", {"patient_id": 1}),
    "patients:journey": ("/patients/{patient_id}/journey/", {"patient_id": 1}),
    "patients:notes": ("/patients/{patient_id}/notes/", {"patient_id": 1}),
    "patients:patient_home": ("/my-recovery/", {}),
    "coping:my_checkin": ("/my-recovery/check-in/", {}),
    "coping:checkins": ("/patients/{patient_id}/checkins/", {"patient_id": 1}),
    "networks:supporter_home": ("/support/", {}),
    "networks:supporter_patient": ("/support/{patient_id}/", {"patient_id": 1}),
    "networks:task_claim": (
        "/support/{patient_id}/tasks/{task_id}/claim/",
        {"patient_id": 1, "task_id": 2},
    ),
    "networks:task_release": (
        "/support/{patient_id}/tasks/{task_id}/release/",
        {"patient_id": 1, "task_id": 2},
    ),
    "reports:dashboard": ("/dashboard/", {}),
    "reports:report": ("/reports/{slug}/", {"slug": "adherence"}),
}
REPORTS = ("adherence", "caseload", "census", "trends", "outcomes", "milestones")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHART_LINK = re.compile(r'href="/patients/(\d+)/"')
SUPPORTED_LINK = re.compile(r'href="/support/(\d+)/"')
CLAIM_ACTION = re.compile(r'action="/support/(\d+)/tasks/(\d+)/claim/"')
RELEASE_ACTION = re.compile(r'action="/support/(\d+)/tasks/(\d+)/release/"')
CHECKINS_LINK = re.compile(r'href="/patients/(\d+)/checkins/"')


def url(name: str, **kwargs: object) -> str:
    return URLS[name][0].format(**kwargs)


class SignIns:
    """Counts the people who have finished signing in (or failed to) in this locust run."""

    done = 0
    started_at: float | None = None

    @classmethod
    def finished(cls, environment) -> None:
        cls.done += 1
        runner = environment.runner
        if not MEASURE_SECONDS or runner is None or cls.done != runner.target_user_count:
            return
        entries = [e for e in runner.stats.entries.values() if e.name.startswith("sign in")]
        figures = {
            "people": cls.done,
            "seconds": time.time() - (cls.started_at or time.time()),
            "requests": sum(e.num_requests for e in entries),
            "errors": runner.stats.total.num_failures,  # anything failed before the reset
            "rows": {
                e.name: {
                    "count": e.num_requests,
                    "errors": e.num_failures,
                    "p50": e.get_response_time_percentile(0.5),
                    "p95": e.get_response_time_percentile(0.95),
                }
                for e in entries
            },
        }
        if SIGN_IN_FILE:
            with open(SIGN_IN_FILE, "w") as out:
                json.dump(figures, out)
        runner.stats.reset_all()
        gevent.spawn_later(MEASURE_SECONDS, runner.quit)


def totp_code(secret: str, at: float | None = None) -> str:
    """The current six-digit code of RFC 6238 (30-second steps, SHA-1), as an authenticator
    app shows it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Person(HttpUser):
    """Signs in on start (its own session) and signs nothing out: a working day."""

    abstract = True
    wait_time = between(1, 5)  # reading a page, typing a note: seconds, not milliseconds
    email = ""
    second_factor = False

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return unescape(match.group(1)) if match else ""

    def on_start(self) -> None:
        SignIns.started_at = SignIns.started_at or time.time()
        try:
            self.sign_in(self.account())
        finally:
            SignIns.finished(self.environment)

    def account(self) -> str:
        return self.email

    def sign_in(self, email: str) -> None:
        form = self.client.get(url("account_login"), name="sign in: form")
        data = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf(form.text)}
        with self.client.post(
            url("account_login"), data=data, name="sign in: password", catch_response=True
        ) as answer:
            if url("account_login") in answer.url:
                answer.failure(f"{email}: the password was not accepted ({answer.status_code})")
                return
        if not self.second_factor:
            return
        if url("mfa_authenticate") not in answer.url:
            return
        data = {"code": totp_code(TOTP_SECRET), "csrfmiddlewaretoken": self.csrf(answer.text)}
        with self.client.post(
            url("mfa_authenticate"), data=data, name="sign in: code", catch_response=True
        ) as coded:
            if url("mfa_authenticate") in coded.url:
                coded.failure(f"{email}: the authenticator code was not accepted")

    def page(self, name: str, label: str | None = None, **kwargs: object):
        return self.client.get(url(name, **kwargs), name=label or name)

    def post(self, name: str, data: dict, label: str | None = None, **kwargs: object):
        return self.client.post(url(name, **kwargs), data=data, name=label or name)


class StaffPerson(Person):
    abstract = True
    second_factor = True
    prefix = ""
    _numbers: itertools.count  # one account per simulated person (a TOTP code works once)

    def account(self) -> str:
        return f"load-{self.prefix}-{ACCOUNT_OFFSET + next(self._numbers)}@{DOMAIN}"


class Clinician(StaffPerson):
    """Caseload -> a chart -> its notes; writes a note after some of the sessions."""

    weight = 2
    prefix = "clinician"
    _numbers = itertools.count()

    charts: list[int] = []

    @task
    def session(self) -> None:
        caseload = self.page("patients:caseload")
        self.charts = [int(n) for n in CHART_LINK.findall(caseload.text)] or self.charts
        if not self.charts:
            return
        patient_id = random.choice(self.charts)
        self.page("patients:chart", patient_id=patient_id)
        self.wait()
        self.page("patients:journey", patient_id=patient_id)
        self.wait()
        notes = self.page("patients:notes", patient_id=patient_id)
        if random.random() < 0.5:
            self.wait()
            body = "Load test session note: reviewed the week and the coping plan together."
            self.post(
                "patients:notes",
                {"body": body, "csrfmiddlewaretoken": self.csrf(notes.text)},
                label="patients:notes (save)",
                patient_id=patient_id,
            )


class PatientPerson(Person):
    """Home, then the one-minute check-in, saved (the same day's check-in is updated)."""

    weight = 4
    email = f"patient@{DOMAIN}"

    @task
    def check_in(self) -> None:
        home = self.page("patients:patient_home")
        self.wait()
        form = self.page("coping:my_checkin")
        self.wait()
        data = {
            "mood": random.randint(4, 9),
            "craving": random.randint(0, 5),
            "stress": random.randint(1, 7),
            "sleep_hours": random.choice(["6", "6.5", "7", "7.5", "8"]),
            "used_since_last": "no",
            "note": "",
            "csrfmiddlewaretoken": self.csrf(form.text),
        }
        self.post("coping:my_checkin", data, label="coping:my_checkin (save)")
        own = CHECKINS_LINK.search(home.text)
        if own:
            self.page("coping:checkins", patient_id=int(own.group(1)))


class Supporter(Person):
    """ "How I can help" -> the person's page -> claims an open task, and gives it back."""

    weight = 3
    email = f"family@{DOMAIN}"

    @task
    def help(self) -> None:
        home = self.page("networks:supporter_home")
        people = [int(n) for n in SUPPORTED_LINK.findall(home.text)]
        if not people:
            return
        self.wait()
        patient_id = random.choice(people)
        person = self.page("networks:supporter_patient", patient_id=patient_id)
        token = self.csrf(person.text)
        open_tasks = CLAIM_ACTION.findall(person.text)
        if not open_tasks:
            return
        self.wait()
        _, task_id = random.choice(open_tasks)
        claimed = self.post(
            "networks:task_claim",
            {"csrfmiddlewaretoken": token},
            patient_id=patient_id,
            task_id=task_id,
        )
        if (str(patient_id), task_id) in RELEASE_ACTION.findall(claimed.text):
            self.wait()
            self.post(
                "networks:task_release",
                {"csrfmiddlewaretoken": self.csrf(claimed.text) or token},
                patient_id=patient_id,
                task_id=task_id,
            )


class ClinicAdmin(StaffPerson):
    """The dashboard, then one of the reports."""

    weight = 1
    prefix = "admin"
    _numbers = itertools.count()

    @task
    def report(self) -> None:
        self.page("reports:dashboard")
        self.wait()
        self.page("reports:report", label="reports:report", slug=random.choice(REPORTS))


USER_CLASSES = (Clinician, PatientPerson, Supporter, ClinicAdmin)
