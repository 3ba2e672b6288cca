"""Every change to the organisation goes through these functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from frontline.core.access import Role
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.services import save_instance
from frontline.core.validators import validate_mobile, validate_region_code
from frontline.org.models import Batch, Campaign, Checkpoint, Community, Staff, Team, Unit, User, WorkingGroup

STAFF_SENSITIVE = frozenset({"phone", "emergency_phone"})


def _clean_regions(codes: Iterable[str]) -> list[str]:
    return [validate_region_code(c.strip(), field="high_risk_regions").code for c in codes if c and c.strip()]


def campaign_save(
    *,
    actor: Any,
    campaign: Campaign | None = None,
    name: str,
    start_date: date,
    end_date: date | None = None,
    fever_threshold: Decimal = Decimal("37.3"),
    high_risk_regions: Iterable[str] = (),
    isolation_days: int = 14,
    description: str = "",
) -> Campaign:
    """Create or edit a campaign and its settings."""
    fields = {
        "name": name,
        "start_date": start_date,
        "end_date": end_date,
        "fever_threshold": fever_threshold,
        "high_risk_regions": _clean_regions(high_risk_regions),
        "isolation_days": isolation_days,
        "description": description,
    }
    action = "campaign.update" if campaign else "campaign.create"
    return save_instance(actor=actor, instance=campaign or Campaign(), fields=fields, action=action)


CAMPAIGN_MOVES = {
    Campaign.Status.PLANNED: {Campaign.Status.ACTIVE},
    Campaign.Status.ACTIVE: {Campaign.Status.CLOSED},
    Campaign.Status.CLOSED: set(),
}


def campaign_set_status(*, actor: Any, campaign: Campaign, status: str) -> Campaign:
    """Move a campaign from planned to active, or from active to closed."""
    if status not in CAMPAIGN_MOVES[Campaign.Status(campaign.status)]:
        raise DomainError(
            _("A campaign cannot go from %(old)s to %(new)s."),
            code="campaign.illegal_status",
            field="status",
            params={"old": campaign.get_status_display(), "new": Campaign.Status(status).label},
        )
    return save_instance(actor=actor, instance=campaign, fields={"status": status}, action="campaign.status")


def batch_save(
    *,
    actor: Any,
    batch: Batch | None = None,
    campaign: Campaign,
    number: int,
    start_date: date,
    end_date: date,
    staff: Iterable[Staff] = (),
    note: str = "",
) -> Batch:
    """Create or edit a batch and the staff who serve in it."""
    if end_date < start_date:
        raise DomainError(_("The end date is before the start date."), code="batch.dates", field="end_date")
    fields = {"campaign": campaign, "number": number, "start_date": start_date, "end_date": end_date, "note": note}
    return save_instance(
        actor=actor,
        instance=batch or Batch(),
        fields=fields,
        action="batch.update" if batch else "batch.create",
        m2m={"staff": staff},
    )


def unit_save(*, actor: Any, unit: Unit | None = None, name: str, short_name: str = "", order: int = 0) -> Unit:
    """Create or edit a unit."""
    fields = {"name": name, "short_name": short_name, "order": order}
    return save_instance(actor=actor, instance=unit or Unit(), fields=fields, action="unit.save")


def group_save(
    *,
    actor: Any,
    group: WorkingGroup | None = None,
    campaign: Campaign,
    kind: str,
    name: str,
    duties: str = "",
    leader: Staff | None = None,
    members: Iterable[Staff] = (),
) -> WorkingGroup:
    """Create or edit a working group with its leader and members."""
    members = list(members)
    if leader is not None and leader not in members:
        members.append(leader)
    fields = {"campaign": campaign, "kind": kind, "name": name, "duties": duties, "leader": leader}
    return save_instance(
        actor=actor, instance=group or WorkingGroup(), fields=fields, action="group.save", m2m={"members": members}
    )


def team_save(
    *,
    actor: Any,
    team: Team | None = None,
    name: str,
    kind: str,
    leader: Staff | None = None,
    formed_on: date | None = None,
    description: str = "",
    members: Iterable[Staff] = (),
) -> Team:
    """Create or edit a team with its members."""
    members = list(members)
    if leader is not None and leader not in members:
        members.append(leader)
    fields = {"name": name, "kind": kind, "leader": leader, "formed_on": formed_on, "description": description}
    return save_instance(
        actor=actor, instance=team or Team(), fields=fields, action="team.save", m2m={"members": members}
    )


def community_save(
    *,
    actor: Any,
    community: Community | None = None,
    name: str,
    subdistrict: str = "",
    address: str = "",
    region_code: str = "",
    liaison_name: str = "",
    liaison_phone: str = "",
    office_phone: str = "",
) -> Community:
    """Create or edit a community."""
    if region_code:
        region_code = validate_region_code(region_code, field="region_code").code
    if liaison_phone:
        liaison_phone = validate_mobile(liaison_phone, field="liaison_phone")
    fields = {
        "name": name,
        "subdistrict": subdistrict,
        "address": address,
        "region_code": region_code,
        "liaison_name": liaison_name,
        "liaison_phone": liaison_phone,
        "office_phone": office_phone,
    }
    return save_instance(actor=actor, instance=community or Community(), fields=fields, action="community.save")


def parse_shift_pattern(pattern: Iterable[str]) -> list[str]:
    """Check shifts written as HH:MM-HH:MM (a night shift may end the next morning)."""
    cleaned = []
    for raw in pattern:
        text = raw.strip().replace("–", "-").replace("—", "-")
        if not text:
            continue
        try:
            start, end = (part.strip() for part in text.split("-"))
            for part in (start, end):
                hh, mm = part.split(":")
                if not (0 <= int(hh) <= 23 and 0 <= int(mm) <= 59 and len(mm) == 2):
                    raise ValueError
        except ValueError as exc:
            raise DomainError(
                _("Shift pattern: “%(value)s” is not a shift like 07:00-13:00."),
                code="checkpoint.shift_pattern",
                field="shift_pattern",
                params={"value": raw},
            ) from exc
        if start == end:
            raise DomainError(
                _("Shift pattern: “%(value)s” starts and ends at the same time."),
                code="checkpoint.shift_pattern",
                field="shift_pattern",
                params={"value": raw},
            )
        cleaned.append(f"{int(start[:-3]):02d}:{start[-2:]}-{int(end[:-3]):02d}:{end[-2:]}")
    return cleaned


def checkpoint_save(
    *,
    actor: Any,
    checkpoint: Checkpoint | None = None,
    code: str,
    name: str,
    community: Community,
    address: str = "",
    kind: str = Checkpoint.Kind.GATE,
    opened_on: date,
    closed_on: date | None = None,
    shift_pattern: Iterable[str] = ("07:00-13:00", "13:00-19:00", "19:00-07:00"),
    staff_min: int = 1,
    staff_max: int = 2,
    active: bool = True,
) -> Checkpoint:
    """Create or edit a checkpoint in the registry."""
    if staff_max < staff_min:
        raise DomainError(
            _("The maximum staff per shift is below the minimum."), code="checkpoint.staff", field="staff_max"
        )
    if closed_on and closed_on < opened_on:
        raise DomainError(_("The closing date is before the opening date."), code="checkpoint.dates", field="closed_on")
    fields = {
        "code": code.strip().upper(),
        "name": name,
        "community": community,
        "address": address,
        "kind": kind,
        "opened_on": opened_on,
        "closed_on": closed_on,
        "shift_pattern": parse_shift_pattern(shift_pattern),
        "staff_min": staff_min,
        "staff_max": staff_max,
        "active": active and not (closed_on is not None),
    }
    return save_instance(
        actor=actor,
        instance=checkpoint or Checkpoint(),
        fields=fields,
        action="checkpoint.update" if checkpoint else "checkpoint.create",
    )


def checkpoint_close(*, actor: Any, checkpoint: Checkpoint, closed_on: date) -> Checkpoint:
    """Close a checkpoint from a date on; its records stay."""
    if closed_on < checkpoint.opened_on:
        raise DomainError(_("The closing date is before the opening date."), code="checkpoint.dates", field="closed_on")
    return save_instance(
        actor=actor,
        instance=checkpoint,
        fields={"closed_on": closed_on, "active": False},
        action="checkpoint.close",
    )


def staff_save(
    *,
    actor: Any,
    staff: Staff | None = None,
    name: str,
    sex: str,
    unit: Unit,
    birth_date: date | None = None,
    phone: str = "",
    position: str = "",
    party_status: str = Staff.PartyStatus.NONE,
    party_since: date | None = None,
    military_years: int = 0,
    is_team_leader: bool = False,
    home_community: Community | None = None,
    emergency_contact: str = "",
    emergency_phone: str = "",
    active: bool = True,
    note: str = "",
    groups: Iterable[WorkingGroup] | None = None,
    teams: Iterable[Team] | None = None,
) -> Staff:
    """Create or edit a staff member; phones are validated and stored encrypted."""
    name = name.strip()
    if not name:
        raise DomainError(_("Name: this field is required."), code="staff.name_required", field="name")
    if birth_date and birth_date >= date.today():
        raise DomainError(_("Birth date: must be in the past."), code="staff.birth_date", field="birth_date")
    fields = {
        "name": name,
        "sex": sex,
        "unit": unit,
        "birth_date": birth_date,
        "phone": validate_mobile(phone, field="phone") if phone else "",
        "position": position,
        "party_status": party_status,
        "party_since": party_since,
        "military_years": military_years,
        "is_team_leader": is_team_leader,
        "home_community": home_community,
        "emergency_contact": emergency_contact,
        "emergency_phone": validate_mobile(emergency_phone, field="emergency_phone") if emergency_phone else "",
        "active": active,
        "note": note,
    }
    m2m: dict[str, Iterable[Any]] = {}
    if groups is not None:
        m2m["groups"] = groups
    if teams is not None:
        m2m["teams"] = teams
    return save_instance(
        actor=actor,
        instance=staff or Staff(),
        fields=fields,
        action="staff.update" if staff else "staff.create",
        sensitive=STAFF_SENSITIVE,
        m2m=m2m,
    )


def user_save(
    *,
    actor: Any,
    user: User | None = None,
    username: str,
    role: str,
    community: Community | None = None,
    password: str | None = None,
    staff: Staff | None = None,
    is_active: bool = True,
) -> User:
    """Create or edit a log-in with its role; a liaison must have a community."""
    if role == Role.LIAISON and community is None:
        raise DomainError(
            _("Community: a community liaison must belong to a community."), code="user.community", field="community"
        )
    with transaction.atomic():
        instance = user or User(username=username)
        if password:
            instance.set_password(password)
        elif user is None:
            instance.set_unusable_password()
        saved = save_instance(
            actor=actor,
            instance=instance,
            fields={
                "username": username,
                "role": role,
                "community": community if role == Role.LIAISON else None,
                "is_active": is_active,
            },
            action="user.save",
        )
        if staff is not None and staff.user_id != saved.pk:
            Staff.objects.filter(user=saved).exclude(pk=staff.pk).update(user=None)
            staff.user = saved
            staff.save(update_fields=["user", "updated_at"])
            audit_record(actor=actor, action="staff.link_user", target=staff, changes={"user": saved.username})
    return saved
