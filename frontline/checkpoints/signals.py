"""Signals other apps connect to: passages were recorded, a fever event was raised.

All are sent synchronously inside the recording service's transaction, after the passages and
their audit entry are written (the day's tallies are bumped last, just before the commit, so
their row lock is held briefly). Receivers must not raise: a receiver that does is logged, and
the writes of that signal's receivers are rolled back to a savepoint, while the passages
themselves are kept (a fever must never be lost because a notifier failed). Receivers that only
want to act once the passages are committed should use `transaction.on_commit` themselves.
"""

from __future__ import annotations

import django.dispatch

# Sent ONCE per recording call with passages=[<Passage>, …], the new passages of that call (a
# single registration sends a list of one; duplicates are never included). Prefer this one:
# a receiver can look up everything it needs for the whole batch with one query.
passages_recorded = django.dispatch.Signal()

# Sent with passage=<Passage> for every new passage (never for a duplicate submission) — but only
# while something listens to it, so a batch pays nothing for it otherwise.
passage_recorded = django.dispatch.Signal()

# Sent with passage=<Passage> when a passage shows a fever (temperature at or above the
# campaign's threshold) or a dry cough; the health module connects its escalation workflow.
fever_detected = django.dispatch.Signal()
