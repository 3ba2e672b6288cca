"""Group commit: concurrent single submissions written together, in one transaction.

Fifty phones each sending one registration would cost fifty transactions, each with its own
INSERTs, counter update, audit entry and COMMIT (a WAL flush). A :class:`GroupCommit` lets the
request threads of one process hand their items to whichever of them is writing: the first
thread to arrive becomes the *leader* and writes every item waiting at that moment in one call
of ``run`` (one transaction); the others sleep until their result is ready. While the leader
writes, new items gather for the next group, whose first member leads it. Under light load a
group is one item and nothing waits; under heavy load groups grow by themselves, which is what
keeps latency flat when the database, not Python, is the bottleneck.

Each caller still gets its own answer only after the transaction holding its item committed
(the response never claims more than the database holds). If ``run`` raises for a group, every
item of it is run again on its own, so one poisoned item fails alone.

Not used inside a caller's transaction (``in_atomic_block``): there the caller expects its own
writes and the item's to commit or roll back together, so the item is run directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from django.db import connection

T = TypeVar("T")
R = TypeVar("R")


class _Wake:
    """A wake-up: `wait` (called once) blocks until `set` is called. A lock taken at birth and
    released by the waker: the C lock alone, without Event's Python-level condition variable,
    which cost a twentieth of a registration's CPU under load."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()

    def wait(self) -> None:
        self._lock.acquire()

    def set(self) -> None:
        if self._lock.locked():  # a promoted leader's slot is set again with its own result
            self._lock.release()


class _Slot(Generic[T, R]):
    __slots__ = ("done", "error", "event", "item", "lead", "result")

    def __init__(self, item: T) -> None:
        self.item = item
        self.event = _Wake()
        self.done = False
        self.lead = False
        self.result: R | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    """Combine the items submitted at the same time by the threads of one process.

    ``run`` takes a list of items and returns one result per item, in order, writing them in one
    transaction (it opens and commits it itself).
    """

    def __init__(self, run: Callable[[Sequence[T]], list[R]], *, max_group: int = 200) -> None:
        self._run = run
        self._max = max_group
        self._lock = threading.Lock()
        self._pending: list[_Slot[T, R]] = []
        self._busy = False
        self.groups = 0  # how many groups were written (for tests and benchmarks)
        self.items = 0

    def submit(self, item: T) -> R:
        """Write one item (with whatever else is waiting) and return its result."""
        if connection.in_atomic_block:
            return self._run([item])[0]
        slot: _Slot[T, R] = _Slot(item)
        with self._lock:
            self._pending.append(slot)
            if not self._busy:
                self._busy = True
                slot.lead = True
        if not slot.lead:
            slot.event.wait()  # woken with its result, or promoted to write the next group
        if not slot.done:
            self._lead()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _lead(self) -> None:
        with self._lock:
            group = self._pending[: self._max]
            del self._pending[: self._max]
        try:
            self._write(group)
        finally:
            for slot in group:  # only if the leader was interrupted mid-write
                if not slot.done:
                    slot.error, slot.done = RuntimeError("group commit interrupted"), True
                    slot.event.set()
            with self._lock:
                if self._pending:  # hand over to the oldest waiting thread
                    successor = self._pending[0]
                    successor.lead = True
                    successor.event.set()
                else:
                    self._busy = False

    def _write(self, group: list[_Slot[T, R]]) -> None:
        try:
            results = self._run([s.item for s in group])
        except Exception as exc:
            if len(group) == 1:
                outcomes: list[tuple[R | None, BaseException | None]] = [(None, exc)]
            else:  # one poisoned item must not fail the others: each again, on its own
                outcomes = [self._alone(s.item) for s in group]
        else:
            outcomes = [(r, None) for r in results]
        self.groups += 1
        self.items += len(group)
        for slot, (result, error) in zip(group, outcomes, strict=True):
            slot.result, slot.error, slot.done = result, error, True
            slot.event.set()

    def _alone(self, item: T) -> tuple[R | None, BaseException | None]:
        try:
            return self._run([item])[0], None
        except Exception as exc:
            return None, exc
