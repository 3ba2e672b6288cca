"""Work kept off the cooperative (gevent) web workers' event loop runs in a child process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from frontline.core import cooperative
from frontline.roster.checker import check_roster
from frontline.roster.solver import solve
from frontline.roster.tests.test_solver import small_problem


def test_a_roster_solved_in_a_child_process_is_the_same_valid_roster() -> None:
    problem = small_problem()
    there = cooperative.call_in_child("frontline.roster.solver:solve", problem, time_limit_s=10, workers=1)
    here = solve(problem, time_limit_s=10, workers=1)
    assert there.status == here.status == "optimal"
    assert there.objective == here.objective
    report = check_roster(problem, there.assignments)  # the independent checker, on the child's roster
    assert report.hard == []
    assert report.objective == there.objective


def test_an_exception_in_the_child_is_raised_in_the_parent() -> None:
    with pytest.raises(json.JSONDecodeError):
        cooperative.call_in_child("json:loads", "{")


def test_what_the_call_prints_does_not_spoil_the_answer() -> None:
    # HiGHS prints a banner on the C side; before, its bytes went into the pickled answer.
    text = b"Running a solver (c) somebody\n"
    assert cooperative.call_in_child("os:write", 1, text) == len(text)  # the file descriptor itself
    assert cooperative.call_in_child("builtins:print", "and from Python") is None


def test_a_child_that_dies_without_an_answer_fails_clearly() -> None:
    with pytest.raises(cooperative.ChildFailed, match="os:_exit ended with code 3"):
        cooperative.call_in_child("os:_exit", 3)


def test_without_gevent_the_call_is_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_child(*_a: object, **_k: object) -> None:
        raise AssertionError("no child process without gevent")

    monkeypatch.setattr(cooperative, "call_in_child", no_child)
    assert not cooperative.active()
    assert cooperative.call_elsewhere("json:loads", "[1]") == [1]


def test_under_gevent_the_call_goes_to_a_child() -> None:
    """In a monkey-patched interpreter (as in a gevent web worker) `active()` holds and the solve
    returns through the child while another greenlet keeps running meanwhile."""
    script = """
from gevent import monkey; monkey.patch_all()
import gevent
from frontline.core import cooperative
from frontline.roster.tests.test_solver import small_problem
ticks = []
def tick():
    while True:
        ticks.append(1); gevent.sleep(0.05)
ticker = gevent.spawn(tick)
assert cooperative.active()
result = cooperative.call_elsewhere("frontline.roster.solver:solve", small_problem(), time_limit_s=5, workers=1)
ticker.kill()
print(result.status, len(ticks))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cooperative.ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    status, ticks = done.stdout.split()
    assert status == "optimal"
    assert int(ticks) >= 5, "the event loop kept running while the child solved"
