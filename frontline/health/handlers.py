"""Glue to the other apps: checkpoint signals, the field page's person lookup, the staff profile."""

from __future__ import annotations

import importlib
import logging
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_noop

log = logging.getLogger(__name__)

_connected = False


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise


def on_fever_detected(sender: Any, passage: Any, **kwargs: Any) -> None:
    from frontline.health.services import passage_fever_escalate

    passage_fever_escalate(passage=passage)


def on_passage_recorded(sender: Any, passage: Any, **kwargs: Any) -> None:
    """Alert on one passage (used when the checkpoints app only sends per-passage signals)."""
    from frontline.health.services import passage_under_measure_alert

    passage_under_measure_alert(passage=passage)


def on_passages_recorded(sender: Any, passages: Any, **kwargs: Any) -> None:
    """Alert on the passages of people under an open measure: ONE query for the whole batch.

    Almost nobody passing a checkpoint is under a measure, so the batch's blind indexes are
    looked up together and only the (rare) matches go through the per-passage alert.
    """
    from frontline.health.selectors import watched_id_hashes
    from frontline.health.services import passage_under_measure_alert

    watched = watched_id_hashes({getattr(p, "id_number_hash", "") or "" for p in passages})
    if not watched:
        return
    for passage in passages:
        if passage.id_number_hash in watched:
            passage_under_measure_alert(passage=passage)


WARNING_MESSAGES = {
    "home": gettext_noop("Under home isolation until %(date)s"),
    "medical": gettext_noop("Under medical observation until %(date)s"),
    "central": gettext_noop("Under centralised isolation until %(date)s"),
}


def person_status(*, id_number_hash: str, day: date) -> list[Any]:
    """Return a red warning for a person under an open measure, for the checkpoint field page."""
    from frontline.health.selectors import open_measure_for_id_hash

    measure = open_measure_for_id_hash(id_number_hash)
    if measure is None or measure.start_date > day:
        return []
    lookups = _optional("frontline.checkpoints.lookups")
    message = gettext(WARNING_MESSAGES[measure.kind]) % {"date": f"{measure.planned_end:%Y-%m-%d}"}
    if lookups is None or not hasattr(lookups, "PersonWarning"):
        return [{"level": "red", "code": "health.under_measure", "message": message}]
    return [lookups.PersonWarning(level="red", code="health.under_measure", message=message)]


def staff_health_sections(request: HttpRequest, staff: Any) -> list[dict[str, Any]]:
    """Add the staff member's measures (and returns to post) to their profile."""
    from frontline.core.access import can
    from frontline.health.models import Measure

    if not can(request.user, "health.view") and getattr(request.user, "staff", None) != staff:
        return []
    rows = [
        (
            m.get_kind_display(),
            m.start_date,
            m.planned_end,
            m.get_status_display(),
            m.returned_to_post_at.strftime("%Y-%m-%d %H:%M") if m.returned_to_post_at else "",
        )
        for m in Measure.objects.filter(person__staff=staff).order_by("-start_date")
    ]
    if not rows:
        return []
    return [
        {
            "title": gettext("Isolation and return to post"),
            "headers": [
                gettext("Kind"),
                gettext("Start date"),
                gettext("Planned end"),
                gettext("Status"),
                gettext("Returned to post"),
            ],
            "rows": rows,
            "count": len(rows),
        }
    ]


def connect() -> None:
    """Connect to the checkpoints app's signals and lookups, when that app provides them."""
    global _connected
    if _connected:
        return
    _connected = True
    from frontline.org.profile import staff_section

    staff_section(staff_health_sections)
    signals = _optional("frontline.checkpoints.signals")
    if signals is not None:
        if hasattr(signals, "fever_detected"):
            signals.fever_detected.connect(on_fever_detected, dispatch_uid="health.fever_detected")
        if hasattr(signals, "passages_recorded"):
            signals.passages_recorded.connect(on_passages_recorded, dispatch_uid="health.passages_recorded")
        elif hasattr(signals, "passage_recorded"):
            signals.passage_recorded.connect(on_passage_recorded, dispatch_uid="health.passage_recorded")
    lookups = _optional("frontline.checkpoints.lookups")
    if lookups is not None and hasattr(lookups, "register_person_status"):
        lookups.register_person_status(person_status)
