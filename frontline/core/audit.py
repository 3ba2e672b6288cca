"""Write audit entries; every service that changes state calls `audit_record`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models

from frontline.core.bulk import insert_rows, new_instance
from frontline.core.context import client_ip
from frontline.core.models import AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (date, datetime, time, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


# Checks every state change passes before it is recorded (e.g. "the campaign is closed"): each is
# called with the action inside the service's transaction and raises DomainError to refuse it.
WRITE_GUARDS: list[Callable[[str], None]] = []


def _entry(
    *, actor: Any, action: str, target: models.Model | None, changes: dict[str, Any] | None, ip: Any
) -> AuditLog:
    real_actor = actor if getattr(actor, "pk", None) else None
    entry: AuditLog = new_instance(
        AuditLog,
        {
            "actor_id": real_actor.pk if real_actor else None,
            "actor_name": (actor.get_username() if real_actor else str(actor or "system"))[:150],
            "action": action,
            "target_type": target._meta.label_lower if target is not None else "",
            "target_id": str(target.pk) if target is not None else "",
            "target_repr": str(target)[:200] if target is not None else "",
            "changes": _plain(changes or {}),
            "ip": ip or None,
        },
    )
    if real_actor is not None:
        AuditLog.actor.field.set_cached_value(entry, real_actor)
    return entry


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    """Record that the actor did an action to a target. Callers pass sensitive values masked."""
    for guard in WRITE_GUARDS:
        guard(action)
    entry = _entry(actor=actor, action=action, target=target, changes=changes, ip=client_ip.get())
    entry.save(force_insert=True)
    return entry


def audit_record_many(entries: list[dict[str, Any]]) -> list[AuditLog]:
    """Record several actions in one INSERT (a group of registrations written together).

    Each entry has the keys of :func:`audit_record` plus ``ip``, the address the action came from
    (it may differ per entry, so the request's own is not assumed). Guards run once per action.
    """
    for action in dict.fromkeys(e["action"] for e in entries):
        for guard in WRITE_GUARDS:
            guard(action)
    rows = [
        _entry(actor=e["actor"], action=e["action"], target=e.get("target"), changes=e.get("changes"), ip=e.get("ip"))
        for e in entries
    ]
    insert_rows(AuditLog, rows)
    return rows


def diff(instance: models.Model, fields: dict[str, Any], *, sensitive: frozenset[str] = frozenset()) -> dict:
    """Return {field: [old, new]} for the fields that change, masking sensitive ones."""
    changes: dict[str, Any] = {}
    for name, new in fields.items():
        old = getattr(instance, name, None)
        if old != new:
            changes[name] = ["***", "***"] if name in sensitive else [_plain(old), _plain(new)]
    return changes
