"""Writes the laptop's .env for `make demo`: DEBUG on, a random secret key, emails to
var/mail/, and PostgreSQL when a server is reachable on this machine (the database
`recovery_hub_demo`, created if missing), since that is what the clinic runs and what every
report needs. Without one the demo runs on SQLite, where the reports say they need PostgreSQL.
"""

import base64
import secrets
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from probe_services import postgres_reachable

DEMO_PG = "postgres://postgres@127.0.0.1:5432/recovery_hub_demo"


def vapid_lines() -> list[str]:
    """A fresh VAPID key pair for Web Push, base64url: the public key as browsers take it (the
    uncompressed point), the private key raw (32 bytes)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    private = key.private_numbers().private_value.to_bytes(32, "big")

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return [f"VAPID_PUBLIC_KEY={b64(public)}", f"VAPID_PRIVATE_KEY={b64(private)}"]


def main(path: str) -> int:
    root = Path(__file__).resolve().parent.parent
    lines = [
        "DEBUG=true",
        f"SECRET_KEY={secrets.token_urlsafe(50)}",
        f"EMAIL_URL=filemail://{root / 'var' / 'mail'}",
        *vapid_lines(),
    ]
    error = postgres_reachable(DEMO_PG)
    if error is None:
        lines.append(f"DATABASE_URL={DEMO_PG}")
        where = "PostgreSQL (recovery_hub_demo on 127.0.0.1)"
    else:
        where = f"SQLite in var/ (PostgreSQL is not reachable: {error}; reports need it)"
    Path(path).write_text("\n".join(lines) + "\n")
    print(
        f"wrote {path}: DEBUG=true, a random SECRET_KEY and VAPID keys, emails to var/mail/, "
        f"database: {where}"
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--vapid"]:  # a key pair for production, printed, nothing written
        print("\n".join(vapid_lines()))
        sys.exit(0)
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".env"))
