"""Sections party work adds to the staff profile and the checkpoint page (registered in apps.ready)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _t

from frontline.core.access import can
from frontline.org.models import Checkpoint, Staff
from frontline.org.profile import checkpoint_section, staff_section
from frontline.party import selectors
from frontline.party.models import Commendation, CommunityReport, VanguardPost

log = logging.getLogger(__name__)


def _is_self(request: HttpRequest, staff: Staff) -> bool:
    return bool(staff.user_id) and staff.user_id == getattr(request.user, "pk", None)


@staff_section
def party_sections(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    """Party record, reports to communities, dues and commendations of one staff member."""
    if not (can(request.user, "party.view") or _is_self(request, staff)):
        return []
    sections: list[dict[str, Any]] = []
    record = selectors.party_record(staff)
    current = (
        staff.party_since or "—",
        _t("Current party status"),
        staff.get_party_status_display(),
    )
    sections.append(
        {
            "title": _t("Party record"),
            "count": len(record),
            "headers": [_t("Date"), _t("Event"), _t("Detail")],
            "rows": [current] + [(line.on, line.what, line.detail) for line in record],
        }
    )
    honours = Commendation.objects.filter(
        Q(recipient_staff=staff) | Q(recipient_team__in=staff.teams.all()) | Q(recipient_unit=staff.unit_id)
    ).select_related("recipient_team", "recipient_unit")
    sections.append(
        {
            "title": _t("Commendations"),
            "count": len(honours),
            "headers": [_t("Awarded on"), _t("Title"), _t("Level"), _t("Awarding body"), _t("Recipient")],
            "rows": [
                (
                    c.awarded_on,
                    c.title,
                    c.get_level_display(),
                    c.awarding_body,
                    _t("personal") if c.recipient_staff_id else f"{c.recipient}（{_t('collective')}）",
                )
                for c in honours
            ],
        }
    )
    reports = CommunityReport.objects.filter(staff=staff).select_related("community").order_by("-reported_on")
    total = reports.count()
    if total:
        sections.append(
            {
                "title": _t("Reports to communities"),
                "count": total,
                "headers": [_t("Reported on"), _t("Community"), _t("What they did")],
                "rows": [(r.reported_on, r.community.name, r.activity) for r in reports[:10]],
            }
        )
    dues = selectors.staff_dues(staff)
    if dues:
        sections.append(
            {
                "title": _t("Special dues and donations"),
                "count": len(dues),
                "headers": [_t("Date"), _t("Collection"), _t("Amount (yuan)")],
                "rows": dues,
            }
        )
    sections.extend(_duty_sections(request, staff))
    sections.extend(_isolation_sections(request, staff))
    return sections


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, models.Model):
        return str(value)
    return value


def _row(item: Any) -> tuple[Any, ...]:
    if isinstance(item, dict):
        return tuple(_cell(v) for v in item.values())
    if isinstance(item, (tuple, list)):
        return tuple(_cell(v) for v in item)
    parts = [getattr(item, name, None) for name in ("date", "day", "checkpoint", "shift", "status")]
    shown = tuple(_cell(p) for p in parts if p not in (None, ""))
    return shown or (str(item),)


def _duty_sections(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    """Duties served and person-times, from the roster's attendance once that app provides it."""
    if not (can(request.user, "roster.view") or _is_self(request, staff)):
        return []
    try:
        from frontline.roster import selectors as roster  # the roster app may not have its selectors yet
    except ImportError:
        return []
    duties_fn = getattr(roster, "staff_duties", None)
    times_fn = getattr(roster, "person_times", None)
    if duties_fn is None and times_fn is None:
        return []
    try:
        duties = list(duties_fn(staff=staff)) if duties_fn else []
        times: Any = times_fn(staff=staff) if times_fn else None
    except Exception:  # a sibling app's failure must not break the profile page
        log.exception("roster selectors failed for the staff profile")
        return []
    if isinstance(times, dict):
        times = times.get(staff.pk, sum(v for v in times.values() if isinstance(v, int)))
    count = times if isinstance(times, int) else len(duties)
    return [
        {
            "title": _t("Duties served (person-times: %(n)s)") % {"n": count},
            "count": count,
            "headers": [_t("Duty")],
            "rows": [_row(d) for d in duties[:30]],
        }
    ]


def _isolation_models() -> Iterable[tuple[type[models.Model], str]]:
    try:
        config = apps.get_app_config("health")
    except LookupError:
        return []
    found = []
    for model in config.get_models():
        if "isolation" not in model.__name__.lower():
            continue
        for f in model._meta.get_fields():
            if isinstance(f, models.ForeignKey) and f.related_model is Staff:
                found.append((model, f.name))
                break
    return found


def _isolation_sections(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    """Any isolation of the staff member (staff returning from out of town), from the health app."""
    if not (can(request.user, "health.view") or _is_self(request, staff)):
        return []
    rows: list[tuple[Any, ...]] = []
    for model, field_name in _isolation_models():
        names = {f.name for f in model._meta.get_fields()}
        date_fields = [n for n in ("start_date", "started_on", "start", "end_date", "ends_on", "end", "released_on") if n in names]
        status = "status" if "status" in names else None
        for obj in model._default_manager.filter(**{field_name: staff})[:10]:
            values = [getattr(obj, n) for n in date_fields]
            label = obj.get_status_display() if status and hasattr(obj, "get_status_display") else ""  # type: ignore[attr-defined]
            period = " – ".join(str(v) for v in values if isinstance(v, date)) or str(obj)
            rows.append((period, label or str(obj)))
    if not rows:
        return []
    return [{"title": _t("Isolation"), "count": len(rows), "headers": [_t("Period"), _t("Status")], "rows": rows}]


@checkpoint_section
def vanguard_section(request: HttpRequest, checkpoint: Checkpoint) -> list[dict[str, Any]]:
    """Show when a checkpoint is (or was) a vanguard post led by party members."""
    posts = list(VanguardPost.objects.filter(checkpoint=checkpoint).select_related("leader", "branch"))
    if not posts:
        return []
    return [
        {
            "title": "★ " + _t("Vanguard post (led by party members)"),
            "count": None,
            "headers": [_t("Name"), _t("Led by"), _t("Branch"), _t("Designated on"), _t("Status")],
            "rows": [
                (
                    p.name,
                    p.leader.name,
                    p.branch.name if p.branch else "—",
                    p.designated_on,
                    _t("Revoked %(day)s") % {"day": p.revoked_on} if p.revoked_on else _t("Active"),
                )
                for p in posts
            ],
        }
    ]
