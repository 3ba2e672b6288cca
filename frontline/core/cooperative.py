"""The cooperative web workers (gevent) and the work that must not run on their event loop.

On PostgreSQL the web workers are gevent workers (gunicorn.conf.py): every client connection is a
greenlet, and a greenlet gives the worker up whenever it waits on the network or the database
(psycopg waits cooperatively under gevent). That suits the checkpoint API, where most of a
request's life is waiting: fifty phones cost fifty greenlets, not fifty threads contending for
the interpreter lock, and a phone on a weak network holding its connection open costs almost
nothing.

Long computations are another matter: they would hold the event loop, and with it every other
client of the worker, until they end. A roster solve (seconds of CP-SAT in several threads, which
under gevent's patching would become greenlets and lose their parallelism) therefore runs in a
child Python process: :func:`call_elsewhere` sends the call there and waits for the answer
cooperatively. Without gevent (threaded workers, tests, management commands) it is a plain call.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # where `frontline` is importable from


def active() -> bool:
    """Whether this process runs under gevent's monkey-patching (a cooperative web worker)."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey is not None and monkey.is_module_patched("threading"))


class ChildFailed(RuntimeError):
    """The child process died without an answer (killed, out of memory, an import error)."""


def call_in_child(target: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``target`` ("package.module:function") in a child Python process and return its result.

    Arguments and result travel pickled through the child's standard input and output; an
    exception raised by the function is raised here. Under gevent the wait is cooperative.
    """
    payload = pickle.dumps((target, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    done = subprocess.run(
        [sys.executable, "-m", "frontline.core.cooperative"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0 or not done.stdout:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise ChildFailed(f"{target} ended with code {done.returncode}: {' | '.join(tail)}")
    try:
        ok, value = pickle.loads(done.stdout)  # noqa: S301 (written by our child, just above)
    except Exception as exc:  # e.g. an exception class that cannot be rebuilt from its pickle
        raise ChildFailed(f"{target}: its answer could not be read ({exc!r})") from exc
    if not ok:
        raise value
    return value


def call_elsewhere(target: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``target`` off the event loop under gevent (in a child process), directly otherwise."""
    if active():
        return call_in_child(target, *args, **kwargs)
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def _child() -> None:
    target, args, kwargs = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 (sent by call_in_child)
    # Standard output carries only the answer: whatever the call writes there, Python or a
    # C library (HiGHS prints its banner), goes to standard error instead.
    answer_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    module, _, name = target.partition(":")
    try:
        answer: tuple[bool, Any] = (True, getattr(importlib.import_module(module), name)(*args, **kwargs))
    except Exception as exc:  # sent back and raised in the parent
        answer = (False, exc)
    try:
        out = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # what cannot travel is described instead
        out = pickle.dumps((False, ChildFailed(f"{target}: {answer[1]!r} (not picklable: {exc!r})")))
    answer_out.write(out)
    answer_out.flush()


if __name__ == "__main__":
    _child()
