"""Signals other apps connect to: a passage was recorded, a fever event was raised.

Both are sent synchronously inside the recording service's transaction, after the passage and
its tallies are written. Receivers must not raise: a receiver that does is logged, and the
writes of that signal's receivers are rolled back to a savepoint, while the passage itself is
kept (a fever must never be lost because a notifier failed). Receivers that only want to act
once the passage is committed should use `transaction.on_commit` themselves.
"""

from __future__ import annotations

import django.dispatch

# Sent with passage=<Passage> for every new passage (never for a duplicate submission).
passage_recorded = django.dispatch.Signal()

# Sent with passage=<Passage> when a passage shows a fever (temperature at or above the
# campaign's threshold) or a dry cough; the health module connects its escalation workflow.
fever_detected = django.dispatch.Signal()
