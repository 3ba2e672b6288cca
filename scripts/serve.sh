#!/bin/sh
# Serve the app with gunicorn and run the scheduler beside it; stop both together.
set -e
: "${PY:=.venv/bin/python}" "${HOST:=127.0.0.1}" "${PORT:=8000}"
BIN=$(dirname "$PY")
$PY manage.py run_scheduler &
SCHED=$!
trap 'kill $SCHED 2>/dev/null' EXIT INT TERM
echo "Frontline: http://$HOST:$PORT/  (scheduler pid $SCHED; Ctrl-C stops both)"
"$BIN/gunicorn" frontline.wsgi --bind "$HOST:$PORT" --workers 2 --threads 4 --access-logfile - --log-level warning
