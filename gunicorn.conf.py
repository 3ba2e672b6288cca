"""Gunicorn settings read by `make run` and the benchmarks (gunicorn loads ./gunicorn.conf.py itself).

Worker class. On PostgreSQL, gevent: every client connection is a greenlet that yields the worker while
it waits on the network or the database (psycopg waits cooperatively under gevent). Fifty checkpoint
phones are fifty cheap greenlets instead of fifty threads contending for the interpreter lock: single
registrations went from ~1,000 to ~1,600 a second on the project machine, in alternating runs
(docs/benchmarks-checkpoints.md), and a phone on a weak network holding its connection open costs
little. Long computations must not hold the event loop: roster solves run in a child process
(frontline.core.cooperative). On SQLite (the demo), threads: sqlite3 waits on its lock in C, which
would stop a gevent worker, so gthread with 32 threads is kept there. WORKER_CLASS=… overrides.

Each greenlet or thread that touches the database keeps its own connection (CONN_MAX_AGE), so
`worker_connections` (gevent) and `threads` (gthread) bound the connections: 2 workers × 40 stay
within PostgreSQL's default max_connections of 100, beside the scheduler. More clients wait in the
listen backlog; for more, raise max_connections (or put a pooler in front) with WORKER_CONNECTIONS.
"""

import gc
import os

import dj_database_url

# The database as the settings read it (the same parser: postgres://, postgresql://, pgsql://, …).
_url = os.environ.get("DATABASE_URL")
_postgres = bool(_url) and dj_database_url.parse(_url)["ENGINE"].endswith("postgresql")
worker_class = os.environ.get("WORKER_CLASS") or ("gevent" if _postgres else "gthread")
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "40"))
threads = int(os.environ.get("THREADS", "32"))


def _warm_up() -> None:
    """Load now what Django loads on first use (the URL conf, each language's catalogue), so that it
    is frozen out of the collector with the rest of the start-up objects."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (imports every app's URLs and views)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Checkpoint")


def post_worker_init(worker: object) -> None:
    # Everything loaded at start-up (Django, the apps, the URL conf) lives as long as the worker: move it out
    # of the collector's reach, so an occasional full collection scans only what requests made since — the
    # 7-day tally page's p99 was one such collection (~60 ms of CPU). What Django loads on first use is loaded
    # first (_warm_up): left to the first requests, it made the first full collection under registration load
    # take 117 ms (gc callbacks, 50 clients), which alone set the p99; warmed, no full collection passed 8 ms.
    _warm_up()
    gc.collect()
    gc.freeze()
