"""A throwaway PostgreSQL server for the fault tests: its own data directory and unix socket in a
temporary folder, on a spare TCP port of 127.0.0.1, trust authentication, no fsync. It can be
stopped, started and restarted on the same port; `pg_server()` always stops it (immediate) and
removes the folder. The machine's own server (5432) is never touched.

`copy_database()` fills a database of the throwaway server from the suite's test database
(already migrated by pytest-django) with pg_dump | pg_restore: a second or two, where running
the migrations again would take far longer.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

CI = os.environ.get("CI", "").lower() == "true"
MACHINE_PORT = 5432  # the machine's own server: never ours
# PostgreSQL refuses to run as root: as root (a container), the server runs as this account.
SERVER_ACCOUNT = os.environ.get("FAULTS_PG_USER", "postgres")


def _binary(name: str) -> str | None:
    """A PostgreSQL server binary: on PATH, /usr/local/bin, or the Debian packages' folder."""
    candidates = [shutil.which(name), f"/usr/local/bin/{name}"]
    candidates += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def binaries_or_skip(*names: str) -> dict[str, str]:
    found = {name: _binary(name) for name in names}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        message = f"PostgreSQL server binaries not found: {', '.join(missing)}"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return found  # type: ignore[return-value]


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != MACHINE_PORT:
            return port


class PgServer:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = port
        self.bin = binaries_or_skip("initdb", "pg_ctl")
        self.user: str | None = None
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(SERVER_ACCOUNT)
            except KeyError:
                pytest.skip(f"running as root and there is no {SERVER_ACCOUNT!r} account")
            os.chown(folder, account.pw_uid, account.pw_gid)
            self.user = SERVER_ACCOUNT

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=60 -c shared_buffers=32MB"
        )

    def _ctl(self, *args: str) -> None:
        run = subprocess.run(
            [self.bin["pg_ctl"], "-D", str(self.data), *args],
            user=self.user,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if run.returncode != 0:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl {' '.join(args)}: {run.stderr}{run.stdout}\n{log}")

    def init(self) -> None:
        run = subprocess.run(
            [
                self.bin["initdb"],
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            user=self.user,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if run.returncode != 0:
            raise RuntimeError(f"initdb: {run.stderr}")

    def start(self) -> None:
        self._ctl("start", "-w", "-t", "30", "-l", str(self.log), "-o", self._options())

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-w", "-t", "30", "-m", mode)

    def restart(self, mode: str = "fast") -> None:
        self._ctl("restart", "-w", "-t", "30", "-m", mode, "-l", str(self.log))

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def create_database(self, name: str, template: str = "template1") -> str:
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)


@contextmanager
def pg_server() -> Iterator[PgServer]:
    """A started throwaway server; stopped (immediate) and removed when the block ends."""
    # Short path: a unix socket path must stay under ~100 characters.
    folder = Path(tempfile.mkdtemp(prefix="rh-pg-"))
    server = PgServer(folder, free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.running():
            try:
                server.stop("immediate")
            except RuntimeError:
                pid = server.postmaster_pid()
                os.kill(pid, 9)
        shutil.rmtree(folder, ignore_errors=True)


def copy_database(source: dict, server: PgServer, name: str) -> str:
    """The database of Django's `source` settings (the suite's migrated test database), copied
    into a new database `name` of `server`; returns its URL."""
    tools = {tool: shutil.which(tool) or _binary(tool) for tool in ("pg_dump", "pg_restore")}
    if None in tools.values():
        message = "pg_dump and pg_restore are needed (apt-get install postgresql-client)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    url = server.create_database(name)
    env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
    dump = subprocess.Popen(
        [
            tools["pg_dump"],
            "-Fc",
            "--no-owner",
            "--no-acl",
            "-h",
            source["HOST"] or "127.0.0.1",
            "-p",
            str(source["PORT"] or 5432),
            "-U",
            source["USER"] or "postgres",
            source["NAME"],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    restore = subprocess.run(
        [tools["pg_restore"], "--no-owner", "--no-acl", "--exit-on-error", "-d", url],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    dump.stdout.close()
    dump_err = dump.stderr.read().decode()
    dump.wait(timeout=60)
    if dump.returncode != 0 or restore.returncode != 0:
        raise RuntimeError(f"copy of {source['NAME']} failed: {dump_err}{restore.stderr}")
    with psycopg.connect(url) as copy:
        tables = copy.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        if not tables.fetchone()[0]:
            raise RuntimeError(f"copy of {source['NAME']} has no tables: {dump_err}")
    return url
