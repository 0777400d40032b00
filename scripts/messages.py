#!/usr/bin/env python
"""The translation catalogs (README, "Translations").

    python scripts/messages.py extract          # every marked string into locale/<lang>/
    python scripts/messages.py extract --into D  # the same, into a fresh locale dir D (tests)
    python scripts/messages.py compile          # .po -> .mo (what `make compilemessages` runs)

`make messages` runs extract then compile. tests/test_translations.py calls `extract_into()`
with the very same options, so the test and the catalogs never disagree on what a msgid is.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale"
# English is the source language: it has no catalog of its own.
CATALOG_LANGUAGES = ("es",)
DOMAINS = ("django", "djangojs")
# Never scanned: third-party code, build output, runtime files, and the tests and benchmarks
# (their strings are not shown to anyone). Paths are relative to the project root.
IGNORED = (
    ".venv",
    "node_modules",
    "static/vendor",
    "staticfiles",
    "var",
    "tests",
    "bench",
    "locale",
    "*.egg-info",
)
# Same flags as Django's compilemessages.
MSGFMT = ("msgfmt", "--check-format")


def makemessages_argv(domain: str) -> list[str]:
    argv = ["makemessages", "--domain", domain, "--add-location", "file", "--no-obsolete"]
    for language in CATALOG_LANGUAGES:
        argv += ["--locale", language]
    for pattern in IGNORED:
        argv += ["--ignore", pattern]
    return argv


def _manage(argv: list[str], cwd: Path) -> None:
    env = dict(os.environ)
    if not env.get("SECRET_KEY"):
        # Extraction starts no server: a laptop without a .env can run it.
        env["DEBUG"] = "true"
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *argv], cwd=cwd, env=env, check=True
    )


def extract() -> None:
    """Refresh locale/<lang>/LC_MESSAGES/*.po from the source (msgmerge keeps translations)."""
    for domain in DOMAINS:
        _manage(makemessages_argv(domain), ROOT)


def extract_into(workdir: Path) -> Path:
    """Extract into `workdir` without touching the project's locale/: a tree of symlinks to
    the project's top-level entries (but locale/ and the ignored ones), walked with
    --symlinks, so makemessages writes its fresh catalogs into workdir/project/locale.
    Returns that locale dir."""
    workdir = workdir.resolve()
    if workdir.is_relative_to(ROOT):
        # makemessages would match these files to the project's own locale dir.
        raise ValueError(f"{workdir} must be outside {ROOT}")
    farm = workdir / "project"
    farm.mkdir(parents=True)
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") or entry.name in IGNORED or entry.match("*.egg-info"):
            continue
        (farm / entry.name).symlink_to(entry)
    (farm / "locale").mkdir()
    for domain in DOMAINS:
        _manage([*makemessages_argv(domain), "--symlinks"], farm)
    return farm / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    compiled = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        subprocess.run([*MSGFMT, "-o", str(mo), str(po)], check=True)  # noqa: S603
        compiled.append(mo)
    return compiled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    into = sub.add_parser("extract").add_argument("--into", type=Path)
    into.help = "a directory outside the project; its locale/ receives fresh catalogs"
    sub.add_parser("compile")
    args = parser.parse_args()
    if args.command == "compile":
        for mo in compile_catalogs():
            print(f"compiled {mo.relative_to(ROOT)}")
    elif args.into:
        print(extract_into(args.into))
    else:
        extract()


if __name__ == "__main__":
    main()
