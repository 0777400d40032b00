#!/usr/bin/env bash
# Runs the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
BIN=.venv/bin
mkdir -p var/log

pids=()
stopping=0
stop() {
  stopping=1
  trap - INT TERM EXIT
  echo
  echo "Stopping the web server, worker and beat..."
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true  # the worker finishes its current task before it exits
  echo "Stopped."
}
trap stop INT TERM EXIT

"$BIN/celery" -A recovery_hub worker -l info --concurrency 2 >var/log/worker.log 2>&1 &
pids+=($!)
"$BIN/celery" -A recovery_hub beat -l info --pidfile= >var/log/beat.log 2>&1 &
pids+=($!)
"$BIN/python" manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)

cat <<MSG

  Recovery Hub is running at http://127.0.0.1:${PORT}/
  Celery worker and beat logs: var/log/worker.log, var/log/beat.log
  Emails the demo sends (reminders, invitations): var/mail/; admins see every message
  in the delivery log (Notifications menu > /notifications/log/)

  Demo logins (password: recovery-demo, demo data only):
    clinic admin        admin@demo.clinic
    clinician           clinician@demo.clinic
    person in recovery  patient@demo.clinic
    family member       family@demo.clinic
    sponsor (in Spanish) sponsor@demo.clinic

  Staff also type a code from an authenticator app (two-step sign-in). For the demo staff,
  print the current code with:  .venv/bin/python manage.py demo_code admin@demo.clinic
  (or add the demo secret DEMORECOVERYHUBDEMORECOVERYHUB23 to an authenticator app)

  Press Ctrl-C to stop all three.

MSG
status=0
wait -n "${pids[@]}" || status=$?
if [ "$stopping" -eq 0 ] && [ "$status" -ne 0 ] && [ "$status" -lt 128 ]; then
  echo "A process exited with status $status; see var/log/ for details." >&2
fi
exit "$status"
