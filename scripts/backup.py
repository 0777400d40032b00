"""`make backup` and `make restore`: the database named by DATABASE_URL, plus the uploaded files.

    python scripts/backup.py backup                     # -> var/backups/<db>-<UTC time>.dump
    python scripts/backup.py restore FILE [--target T] [--yes] [--no-privileges]

PostgreSQL: `pg_dump -Fc` (custom format) and `pg_restore --clean --if-exists --no-owner`, in
one transaction that stops at the first error, so a failed restore leaves the database as it
was. Dropping the audit tables is allowed (only UPDATE, DELETE and TRUNCATE are refused), but
needs the role that owns the tables, not the application role (README, "Backups").
SQLite (a laptop): a consistent copy of the database file, taken with SQLite's backup API.

The uploaded files (MEDIA_ROOT: signed consent forms) go beside the dump as
`<name>.media.tar.gz`; restore puts them back when restoring into DATABASE_URL itself.

Reads DATABASE_URL (and BACKUP_DIR, BACKUP_KEEP_DAYS, MEDIA_ROOT) like the app does: from the
environment, else from `.env` unless READ_DOT_ENV=false. Needs no SECRET_KEY, so it runs from
cron on any machine with the PostgreSQL client tools. Never prints a password.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'db.sqlite3'}"
POSTGRES_ENGINES = ("postgresql", "postgis")


class BackupError(Exception):
    pass


def masked(url: str) -> str:
    """The URL with its password replaced by ***, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def read_settings() -> dict[str, str]:
    env = environ.Env()
    if env.bool("READ_DOT_ENV", default=True) and (ROOT / ".env").exists():
        environ.Env.read_env(ROOT / ".env", overwrite=False)
    return {
        "database_url": env.str("DATABASE_URL", default="") or DEFAULT_DATABASE_URL,
        "backup_dir": env.str("BACKUP_DIR", default="") or str(ROOT / "var" / "backups"),
        "keep_days": env.str("BACKUP_KEEP_DAYS", default=""),
        "media_root": env.str("MEDIA_ROOT", default="") or str(ROOT / "var" / "media"),
    }


class Database:
    """One database, parsed from a URL with django-environ (the app's own parser)."""

    def __init__(self, url: str):
        self.url = url
        config = environ.Env.db_url_config(url)
        self.engine = config["ENGINE"].rsplit(".", 1)[-1]
        self.name = str(config["NAME"])
        self.config = config
        if self.engine not in (*POSTGRES_ENGINES, "sqlite3"):
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {self.engine}.")

    @property
    def is_postgres(self) -> bool:
        return self.engine in POSTGRES_ENGINES

    def with_name(self, name: str) -> Database:
        parts = urlsplit(self.url)
        return Database(urlunsplit(parts._replace(path="/" + name)))

    def conninfo(self, dbname: str | None = None) -> str:
        """A libpq connection string without the password (that goes in PGPASSWORD)."""
        c = self.config
        keywords = {
            "dbname": dbname or self.name,
            "host": c.get("HOST") or None,
            "port": str(c["PORT"]) if c.get("PORT") else None,
            "user": c.get("USER") or None,
        }
        for key, value in (c.get("OPTIONS") or {}).items():
            keywords[key] = str(value)
        return make_conninfo(**{k: v for k, v in keywords.items() if v})

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.config.get("PASSWORD"):
            env["PGPASSWORD"] = str(self.config["PASSWORD"])
        return env

    def connect(self, dbname: str | None = None) -> psycopg.Connection:
        password = self.config.get("PASSWORD") or None
        return psycopg.connect(
            self.conninfo(dbname), password=password, autocommit=True, connect_timeout=10
        )

    def create_if_missing(self) -> None:
        """A restore into a database that does not exist yet creates it (through the server's
        maintenance database, only then: the owner may have no right to connect there)."""
        try:
            self.connect().close()
            return
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
        with self.connect("postgres") as admin:
            print(f"Creating the database {self.name}.", file=sys.stderr)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))


def run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {done.returncode}); see the messages above.")


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client), the same major version as the server."
        )
    return path


# --- backup -------------------------------------------------------------------------------------


def backup(settings: dict[str, str]) -> Path:
    database = Database(settings["database_url"])
    folder = Path(settings["backup_dir"])
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # health records: readable by this account only
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = f"{Path(database.name).stem if not database.is_postgres else database.name}-{stamp}"
    old_umask = os.umask(0o077)
    try:
        if database.is_postgres:
            target = folder / f"{stem}.dump"
            partial = target.with_suffix(".dump.partial")
            print(f"Backing up {masked(database.url)} with pg_dump...", file=sys.stderr)
            run(
                [need_tool("pg_dump"), "--format=custom", f"--file={partial}",
                 f"--dbname={database.conninfo()}"],
                database.client_env(),
            )  # fmt: skip
        else:
            target = folder / f"{stem}.sqlite3"
            partial = target.with_suffix(".sqlite3.partial")
            if not Path(database.name).exists():
                raise BackupError(f"There is no SQLite database at {database.name}.")
            print(f"Backing up the SQLite database {database.name}...", file=sys.stderr)
            sqlite_copy(Path(database.name), partial)
        partial.rename(target)  # only a finished dump gets the name restore looks for
        media = Path(settings["media_root"])
        if media.is_dir() and any(media.iterdir()):
            archive = folder / f"{stem}.media.tar.gz"
            with tarfile.open(archive.with_suffix(".gz.partial"), "w:gz") as tar:
                tar.add(media, arcname="media")
            archive.with_suffix(".gz.partial").rename(archive)
            print(f"Uploaded files: {archive}", file=sys.stderr)
    finally:
        os.umask(old_umask)
    prune(folder, settings["keep_days"])
    return target


def sqlite_copy(source: Path, destination: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def prune(folder: Path, keep_days: str) -> None:
    """BACKUP_KEEP_DAYS=N deletes this script's own files older than N days (unset: keep all)."""
    if not keep_days.strip():
        return
    cutoff = time.time() - int(keep_days) * 86400
    for path in folder.iterdir():
        ours = path.name.endswith((".dump", ".sqlite3", ".media.tar.gz"))
        if ours and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            print(f"Deleted {path.name} (older than {keep_days} days).", file=sys.stderr)


# --- restore ------------------------------------------------------------------------------------


def restore(settings: dict[str, str], args: argparse.Namespace) -> Database:
    source = Path(args.file)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    current = Database(settings["database_url"])
    if args.target:
        target = Database(args.target) if "://" in args.target else current.with_name(args.target)
    else:
        target = current
    describe = masked(target.url) if target.is_postgres else target.name
    if target.is_postgres:
        pg_restore = need_tool("pg_restore")
        # Check the archive before anything is dropped.
        listed = subprocess.run(  # noqa: S603
            [pg_restore, "--list", str(source)], capture_output=True, text=True, check=False
        )
        if listed.returncode != 0:
            raise BackupError(f"{source} is not a pg_dump custom-format archive.")
    elif source.suffix != ".sqlite3":
        raise BackupError(f"{source} is not a SQLite backup (.sqlite3); DATABASE_URL is SQLite.")

    if not args.yes:
        if not sys.stdin.isatty():
            raise BackupError("Refusing to restore without confirmation: add YES=1 (--yes).")
        print(f"This replaces every table of {describe} with the contents of {source}.")
        if input("Type yes to continue: ").strip().lower() != "yes":
            raise BackupError("Not restored.")

    if target.is_postgres:
        target.create_if_missing()
        command = [
            pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", f"--dbname={target.conninfo()}",
        ]  # fmt: skip
        if args.no_privileges:
            command.append("--no-privileges")
        print(f"Restoring {source} into {describe}...", file=sys.stderr)
        run([*command, str(source)], target.client_env())
    else:
        print(f"Restoring {source} into {describe}...", file=sys.stderr)
        sqlite_copy(source, Path(target.name))

    media = Path(str(source).removesuffix(source.suffix) + ".media.tar.gz")
    if media.is_file() and target.url == current.url:
        root = Path(settings["media_root"])
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("media/")]
            for member in members:
                member.name = member.name.removeprefix("media/")
            tar.extractall(root, members=members, filter="data")
        print(f"Uploaded files restored into {root} (from {media.name}).", file=sys.stderr)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="write a timestamped backup into BACKUP_DIR")
    restore_parser = commands.add_parser("restore", help="restore a backup file")
    restore_parser.add_argument("file", help="the .dump (or .sqlite3) file")
    restore_parser.add_argument(
        "--target", help="a database name on the same server, or a full URL (default DATABASE_URL)"
    )
    restore_parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore_parser.add_argument(
        "--no-privileges",
        action="store_true",
        help="skip the dump's GRANTs (when the application role does not exist on that server)",
    )
    args = parser.parse_args(argv)
    settings = read_settings()
    try:
        if args.command == "backup":
            print(backup(settings))
        else:
            target = restore(settings, args)
            print(f"Restored into {masked(target.url) if target.is_postgres else target.name}.")
            print("Run `manage.py migrate` if the backup is older than the code.", file=sys.stderr)
    except (BackupError, psycopg.Error, OSError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
