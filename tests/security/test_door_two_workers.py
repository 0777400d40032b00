"""Finding 8 / "Lockout holds across two server processes": failed sign-ins sent to two real
gunicorn processes (sharing the test database and the cache, as a server's workers do) add up;
the account is then locked on both, and the right password is refused on both while locked.
Before, each process kept its own counter and nothing was ever locked."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, member
from tests.worker import ROOT, database_url, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def web_server(tmp_path: Path, name: str) -> Iterator[str]:
    """One gunicorn process (one worker) on a free port, on the suite's database and cache."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "READ_DOT_ENV": "false",
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "recovery_hub.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--timeout",
        "60",
    ]
    with (tmp_path / f"{name}.log").open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            assert wait_for(lambda: answers(base), process, seconds=60), (
                f"{name} did not start: {(tmp_path / f'{name}.log').read_text()[-2000:]}"
            )
            yield base
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def answers(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/accounts/login/", timeout=2)  # noqa: S310
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def sign_in(base: str, email: str, password: str) -> tuple[int, str]:
    """Post allauth's sign-in form like a browser: the status and the page (or the redirect)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
    )
    form = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = CSRF_FIELD.search(form).group(1)
    body = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/"}
    )
    try:
        response = opener.open(request, timeout=30)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location") or answer.read().decode()


def test_failures_on_two_workers_add_up_and_the_lock_holds_on_both(settings, tmp_path, clinic):
    # The servers verify passwords with the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    limit = settings.AXES_FAILURE_LIMIT

    with ExitStack() as stack:
        first = stack.enter_context(web_server(tmp_path, "first"))
        second = stack.enter_context(web_server(tmp_path, "second"))
        answers_seen = [
            sign_in(first if n % 2 == 0 else second, person.email, f"guess-{n}")[0]
            for n in range(limit)
        ]
        refused = [sign_in(base, person.email, PASSWORD) for base in (first, second)]

    assert answers_seen[:-1] == [200] * (limit - 1)  # the form again, with its error
    assert answers_seen[-1] == 429  # the failure that reached the limit, on either worker
    for status, page in refused:
        assert status == 429 and "Sign-in is paused for this account" in page
    assert (
        AuditEvent.objects.filter(action=Action.ACCOUNT_LOCKED, object_id=str(person.pk)).count()
        == 1
    )
