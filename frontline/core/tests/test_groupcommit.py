"""Group commit (core.groupcommit): concurrent submissions share a write, each gets its own answer."""

from __future__ import annotations

import threading
import time

import pytest

from frontline.core.groupcommit import GroupCommit


def _run_threads(gc: GroupCommit, items: list, *, start_together: bool = True) -> dict:
    answers: dict = {}
    errors: dict = {}
    barrier = threading.Barrier(len(items))

    def worker(item):
        if start_together:
            barrier.wait()
        try:
            answers[item] = gc.submit(item)
        except Exception as exc:
            errors[item] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a submitter never got its answer"
    return {"answers": answers, "errors": errors}


def test_concurrent_items_are_written_in_fewer_groups_and_each_gets_its_own_result():
    calls: list[list[int]] = []

    def run(items):
        calls.append(list(items))
        time.sleep(0.02)  # a transaction's time, during which others arrive
        return [i * 10 for i in items]

    gc = GroupCommit(run)
    out = _run_threads(gc, list(range(40)))
    assert out["errors"] == {}
    assert out["answers"] == {i: i * 10 for i in range(40)}
    assert sorted(i for call in calls for i in call) == list(range(40)), "every item written exactly once"
    assert len(calls) < 40 and gc.groups == len(calls) and gc.items == 40
    assert max(len(c) for c in calls) > 1


def test_a_poisoned_item_fails_alone():
    def run(items):
        time.sleep(0.01)
        if 13 in items:
            raise ValueError("bad item")
        return [f"ok {i}" for i in items]

    gc = GroupCommit(run)
    out = _run_threads(gc, list(range(30)))
    assert set(out["errors"]) == {13}
    assert isinstance(out["errors"][13], ValueError)
    assert out["answers"] == {i: f"ok {i}" for i in range(30) if i != 13}


def test_a_group_is_capped_and_leadership_passes_on():
    sizes: list[int] = []

    def run(items):
        sizes.append(len(items))
        time.sleep(0.01)
        return list(items)

    gc = GroupCommit(run, max_group=5)
    out = _run_threads(gc, list(range(23)))
    assert out["errors"] == {} and len(out["answers"]) == 23
    assert max(sizes) <= 5 and sum(sizes) == 23


def test_alone_an_item_is_written_at_once():
    gc = GroupCommit(lambda items: [("done", i) for i in items])
    assert gc.submit(7) == ("done", 7)
    assert gc.submit(8) == ("done", 8)
    assert gc.groups == 2


@pytest.mark.django_db
def test_inside_a_transaction_the_item_is_written_in_it_not_grouped():
    from django.db import transaction

    seen = []
    gc = GroupCommit(lambda items: seen.append(list(items)) or list(items))
    with transaction.atomic():
        assert gc.submit(1) == 1
    assert seen == [[1]] and gc.groups == 0  # ran directly, not through a group
