"""Writes the laptop's .env for `make demo`: DEBUG on, a random secret key, emails to
var/mail/, and PostgreSQL when a server is reachable on this machine (the database
`recovery_hub_demo`, created if missing), since that is what the clinic runs and what every
report needs. Without one the demo runs on SQLite, where the reports say they need PostgreSQL.
"""

import secrets
import sys
from pathlib import Path

from probe_services import postgres_reachable

DEMO_PG = "postgres://postgres@127.0.0.1:5432/recovery_hub_demo"


def main(path: str) -> int:
    root = Path(__file__).resolve().parent.parent
    lines = [
        "DEBUG=true",
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
        f"EMAIL_URL=filemail://{root / 'var' / 'mail'}",
    ]
    error = postgres_reachable(DEMO_PG)
    if error is None:
        lines.append(f"DATABASE_URL={DEMO_PG}")
        where = "PostgreSQL (recovery_hub_demo on 127.0.0.1)"
    else:
        where = f"SQLite in var/ (PostgreSQL is not reachable: {error}; reports need it)"
    Path(path).write_text("\n".join(lines) + "\n")
    print(f"wrote {path}: DEBUG=true, a random SECRET_KEY, emails to var/mail/, database: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".env"))
