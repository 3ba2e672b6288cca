"""Signals other apps listen to; both are sent after the transaction that caused them commits."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: staff (org.Staff), measure (health.Measure). The roster repairs the staff member's duties.
staff_measure_started = Signal()
# kwargs: staff (org.Staff), measure (health.Measure). The staff member is back at their post (返岗).
staff_returned_to_post = Signal()
