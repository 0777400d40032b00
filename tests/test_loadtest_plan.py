"""The load test's people (bench/locustfile.py, `make loadtest`) cannot rot silently: the four
roles are there and every page they open still has the URL name and path the file uses.

The file is imported in a child process: importing locust patches the standard library for
gevent, which this test process must not have."""

import ast
import json
import subprocess
import sys
from pathlib import Path

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from recovery_hub.demo import DEMO_TOTP_SECRET

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"

PLAN = """
import json, runpy
from locust import HttpUser
plan = runpy.run_path({path!r})
classes = [c for c in plan["USER_CLASSES"] if issubclass(c, HttpUser) and not c.abstract]
print(json.dumps({{
    "classes": {{c.__name__: c.weight for c in classes}},
    "urls": plan["URLS"],
    "paths": {{name: plan["url"](name, **kwargs) for name, (_p, kwargs) in plan["URLS"].items()}},
    "code": plan["totp_code"](plan["TOTP_SECRET"], at=1_700_000_000),
    "secret": plan["TOTP_SECRET"],
}}))
"""


def load_plan() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PLAN.format(path=str(LOCUSTFILE))],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_four_roles_and_every_page_reverses() -> None:
    plan = load_plan()
    assert set(plan["classes"]) == {"Clinician", "PatientPerson", "Supporter", "ClinicAdmin"}
    assert all(weight > 0 for weight in plan["classes"].values())
    for name, (_path, kwargs) in plan["urls"].items():
        assert reverse(name, kwargs=kwargs or None) == plan["paths"][name], name


def test_every_page_the_people_open_is_named_in_urls() -> None:
    """The names passed to page()/post()/url() are all keys of URLS (a typo would only show as
    an error in the middle of a load test)."""
    tree = ast.parse(LOCUSTFILE.read_text())
    names = {"url": set(), "page": set(), "post": set()}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if called in names and isinstance(first, ast.Constant):
                names[called].add(first.value)
    used = set().union(*names.values())
    assert {"patients:caseload", "coping:my_checkin", "networks:task_claim"} <= used
    plan = load_plan()
    assert used <= set(plan["urls"]), used - set(plan["urls"])


def test_the_staff_code_is_the_one_the_sign_in_accepts() -> None:
    """The locustfile computes authenticator codes itself (no Django in locust): the same
    code allauth's TOTP check computes, for the demo's secret."""
    plan = load_plan()
    assert plan["secret"] == DEMO_TOTP_SECRET
    assert plan["code"] == format_hotp_value(hotp_value(DEMO_TOTP_SECRET, 1_700_000_000 // 30))
