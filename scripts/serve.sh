#!/bin/sh
# Serve the app with gunicorn and run the scheduler beside it; stop both together.
set -e
: "${PY:=.venv/bin/python}" "${HOST:=127.0.0.1}" "${PORT:=8000}"
BIN=$(dirname "$PY")
$PY manage.py run_scheduler &
SCHED=$!
trap 'kill $SCHED 2>/dev/null' EXIT INT TERM
echo "Frontline: http://$HOST:$PORT/  (scheduler pid $SCHED; Ctrl-C stops both)"
# 32 threads a worker: requests waiting on the database cost little, and concurrent registrations of
# one worker share a transaction (group commit), which more threads make larger. Each thread keeps
# its own database connection (2 x 32, within PostgreSQL's default 100). THREADS=… to change.
"$BIN/gunicorn" frontline.wsgi --bind "$HOST:$PORT" --workers 2 --threads "${THREADS:-32}" --access-logfile - --log-level warning
