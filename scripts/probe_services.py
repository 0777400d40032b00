"""Prints shell `export` lines choosing the test database and broker.

PostgreSQL and Redis are used when reachable (DATABASE_URL / REDIS_URL, default the local
ports); otherwise SQLite and the embedded broker. With CI=true both are required.
"""

import os
import sys
from urllib.parse import urlsplit

import psycopg
import psycopg.sql
import redis

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/recovery_hub"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def postgres_reachable(url: str) -> str | None:
    parts = urlsplit(url)
    # Connect to the server's maintenance database: the test database is created by the suite.
    admin_url = parts._replace(scheme="postgresql", path="/postgres").geturl()
    name = parts.path.lstrip("/")
    try:
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True) as conn:
            # manage.py check and makemigrations --check read the database; make sure it exists.
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if name and not exists:
                conn.execute(
                    psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name))
                )
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
    return None


def redis_reachable(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


def main() -> int:
    ci = os.environ.get("CI", "").lower() == "true"
    exports: dict[str, str] = {}
    failures = []

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_PG
    if database_url.startswith("postgres"):
        error = postgres_reachable(database_url)
        if error is None:
            exports["DATABASE_URL"] = database_url
        elif ci or os.environ.get("DATABASE_URL"):
            failures.append(f"PostgreSQL is not reachable at {database_url}: {error}")
        else:
            exports["DATABASE_URL"] = ""
    else:
        if ci:
            failures.append("CI=true requires PostgreSQL, but DATABASE_URL is not PostgreSQL.")
        exports["DATABASE_URL"] = database_url

    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    error = redis_reachable(redis_url)
    if error is None:
        exports["REDIS_URL"] = redis_url
    elif ci or os.environ.get("REDIS_URL"):
        failures.append(f"Redis is not reachable at {redis_url}: {error}")
    else:
        exports["REDIS_URL"] = ""

    if failures:
        for failure in failures:
            print(f"echo 'ERROR: {failure}' >&2", flush=True)
        print("exit 1")
        return 0
    for key, value in exports.items():
        print(f"export {key}='{value}'" if value else f"unset {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
