"""Gunicorn settings read by `make run` and the benchmarks (gunicorn loads ./gunicorn.conf.py itself)."""

import gc


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
