#!/usr/bin/env bash
# The whole suite: lint, the import layers (.importlinter), Django checks, migrations check,
# pytest (unit, worker and browser).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

eval "$("$BIN/python" scripts/probe_services.py)"

# Tests run as production would (DEBUG off), with a throw-away secret and plain-HTTP cookies
# for the live test server.
export DEBUG=false
export SECRET_KEY="test-only-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')"
export SECURE_COOKIES=false
export DJANGO_ALLOW_ASYNC_UNSAFE=true   # Playwright's sync API beside pytest-django's live_server
export DJANGO_SETTINGS_MODULE=recovery_hub.settings
export READ_DOT_ENV=false               # a laptop's .env never changes what the suite tests
# A test database of this run's own, so two runs on one machine never drop each other's.
export TEST_DATABASE_NAME="${TEST_DATABASE_NAME:-test_recovery_hub_$$}"

database="${DATABASE_URL:-sqlite (var/test-db.sqlite3)}"
broker="${REDIS_URL:-embedded filesystem broker (var/broker)}"
echo "================================================================"
echo " Recovery Hub test run"
echo "   database: ${database}"
echo "   broker:   ${broker}"
echo "   CI:       ${CI:-false}"
echo "================================================================"

echo "--- ruff check";            "$BIN/ruff" check .
echo "--- ruff format --check";   "$BIN/ruff" format --check .
echo "--- import-linter";         "$BIN/lint-imports"
echo "--- manage.py check";       "$BIN/python" manage.py check --fail-level WARNING
echo "--- makemigrations --check"; "$BIN/python" manage.py makemigrations --check --dry-run
echo "--- collectstatic";         "$BIN/python" manage.py collectstatic --noinput -v0
# Lighthouse (tests/browser/test_lighthouse.py) comes from the npm registry, pinned in
# package-lock.json; without Node.js that test skips (with CI=true it fails).
if command -v npm >/dev/null 2>&1; then
  echo "--- npm ci (Lighthouse)"; npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi
echo "--- pytest"
"$BIN/pytest" "$@"
