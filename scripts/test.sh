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
# With arguments (`./scripts/test.sh tests/coping -x`), or without PostgreSQL and Redis: one
# pytest, as asked.
if [ $# -gt 0 ] || [ -z "${REDIS_URL:-}" ] || [[ "${DATABASE_URL:-}" != postgres* ]]; then
  exec "$BIN/pytest" "$@"
fi

# The whole suite on two cores: two pytest runs side by side, each with its own test database
# (and, tests/redis_db.py, its own Redis database), then Lighthouse alone (it measures speed, so
# nothing may run beside it). The heavy part (a browser, Celery workers, throwaway servers, the
# API fuzzing) runs beside the rest; each test is in exactly one part. Its output follows the
# other's.
heavy="browser or worker or pg_tools or faults or schemathesis"
heavy_log="$(mktemp)"
heavy_tmp="$(mktemp -d)"
light_tmp="$(mktemp -d)"
trap 'rm -rf "$heavy_log" "$heavy_tmp" "$light_tmp"' EXIT
echo "(two parts side by side: the heavy part's output follows the other's)"
TEST_DATABASE_NAME="${TEST_DATABASE_NAME}_heavy" "$BIN/pytest" -p no:cacheprovider \
  --basetemp="$heavy_tmp" -m "($heavy) and not lighthouse" >"$heavy_log" 2>&1 &
heavy_pid=$!
light_rc=0
TEST_DATABASE_NAME="${TEST_DATABASE_NAME}_light" "$BIN/pytest" --basetemp="$light_tmp" \
  -m "not ($heavy) and not lighthouse" || light_rc=$?
heavy_rc=0
wait "$heavy_pid" || heavy_rc=$?
echo "--- pytest, the heavy part (a browser, Celery workers, throwaway servers, API fuzzing)"
cat "$heavy_log"
echo "--- pytest, Lighthouse (alone)"
lighthouse_rc=0
"$BIN/pytest" -p no:cacheprovider -m "lighthouse" || lighthouse_rc=$?
echo "--- pytest exit codes: light ${light_rc}, heavy ${heavy_rc}, Lighthouse ${lighthouse_rc}"
for rc in "$light_rc" "$heavy_rc" "$lighthouse_rc"; do
  # 5: no test collected (a part can be empty where a marker matches nothing)
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then exit "$rc"; fi
done
