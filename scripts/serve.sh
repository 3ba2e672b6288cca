#!/bin/sh
# Serve the app with gunicorn and run the scheduler beside it; stop both together.
set -e
: "${PY:=.venv/bin/python}" "${HOST:=127.0.0.1}" "${PORT:=8000}"
BIN=$(dirname "$PY")
$PY manage.py run_scheduler &
SCHED=$!
trap 'kill $SCHED 2>/dev/null' EXIT INT TERM
echo "Frontline: http://$HOST:$PORT/  (scheduler pid $SCHED; Ctrl-C stops both)"
# The worker class and how many clients a worker serves at once are in gunicorn.conf.py: gevent
# on PostgreSQL, 32 threads a worker on SQLite. Concurrent registrations of one worker share a
# transaction (group commit), which more concurrent clients make larger.
"$BIN/gunicorn" frontline.wsgi --bind "$HOST:$PORT" --workers 2 --access-logfile - --log-level warning
