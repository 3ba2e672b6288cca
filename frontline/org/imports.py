"""Staff import from the downloadable Excel template (all or nothing), and staff exports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.excel import RowError, RowInvalid, Sheet, cell_date, cell_text, read_rows, validate_rows
from frontline.core.masking import mask_phone
from frontline.core.validators import validate_mobile
from frontline.org.models import Community, Staff, Team, Unit, WorkingGroup
from frontline.org.selectors import current_campaign
from frontline.org.services import staff_save

H_NAME, H_SEX, H_BIRTH, H_PHONE, H_UNIT, H_POSITION = (
    _("Name"),
    _("Sex"),
    _("Birth date"),
    _("Phone"),
    _("Unit"),
    _("Position"),
)
H_PARTY, H_MILITARY, H_GROUPS, H_TEAMS, H_COMMUNITY = (
    _("Party status"),
    _("Years of military service"),
    _("Working groups"),
    _("Teams"),
    _("Home community"),
)
H_EMERGENCY, H_EMERGENCY_PHONE = _("Emergency contact"), _("Emergency contact phone")
HEADERS = [
    H_NAME,
    H_SEX,
    H_BIRTH,
    H_PHONE,
    H_UNIT,
    H_POSITION,
    H_PARTY,
    H_MILITARY,
    H_GROUPS,
    H_TEAMS,
    H_COMMUNITY,
    H_EMERGENCY,
    H_EMERGENCY_PHONE,
]
REQUIRED = {H_NAME, H_SEX, H_UNIT}


def _split(text: str) -> list[str]:
    for sep in ("，", ",", "、", ";", "；"):
        text = text.replace(sep, "|")
    return [p.strip() for p in text.split("|") if p.strip()]


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


class _Lookups:
    def __init__(self) -> None:
        campaign = current_campaign()
        self.units = {u.name: u for u in Unit.objects.all()} | {
            u.short_name: u for u in Unit.objects.exclude(short_name="")
        }
        self.groups = {g.name: g for g in WorkingGroup.objects.filter(campaign=campaign)} if campaign else {}
        self.teams = {t.name: t for t in Team.objects.all()}
        self.communities = {c.name: c for c in Community.objects.all()}
        self.sexes = {str(label): value for value, label in Staff.Sex.choices} | {
            "男": "M",
            "女": "F",
            "M": "M",
            "F": "F",
        }
        self.party = {str(label): value for value, label in Staff.PartyStatus.choices} | {
            "中共党员": "member",
            "党员": "member",
            "预备党员": "probationary",
            "入党积极分子": "activist",
            "积极分子": "activist",
            "群众": "none",
            "无": "none",
            "": "none",
        }


def _parse_row(values: dict[str, Any], lk: _Lookups) -> dict[str, Any]:
    reasons: list[str] = []
    get = {str(k): v for k, v in values.items()}

    def text(header: Any) -> str:
        return cell_text(get.get(str(header)))

    for header in REQUIRED:
        if not text(header):
            reasons.append(gettext("%(col)s: this field is required.") % {"col": header})
    data: dict[str, Any] = {"name": text(H_NAME)}
    sex = text(H_SEX)
    if sex:
        if sex in lk.sexes:
            data["sex"] = lk.sexes[sex]
        else:
            reasons.append(gettext("%(col)s: “%(value)s” is not 男 or 女.") % {"col": H_SEX, "value": sex})
    unit = text(H_UNIT)
    if unit:
        if unit in lk.units:
            data["unit"] = lk.units[unit]
        else:
            reasons.append(gettext("%(col)s: no unit called “%(value)s”.") % {"col": H_UNIT, "value": unit})
    try:
        data["birth_date"] = cell_date(get.get(str(H_BIRTH)))
    except ValueError:
        reasons.append(
            gettext("%(col)s: “%(value)s” is not a date like 1980-05-31.") % {"col": H_BIRTH, "value": text(H_BIRTH)}
        )
    for header, key in ((H_PHONE, "phone"), (H_EMERGENCY_PHONE, "emergency_phone")):
        raw = text(header)
        if raw:
            try:
                data[key] = validate_mobile(raw, field=key)
            except DomainError as exc:
                reasons.append(f"{header}: {exc}")
    data["position"] = text(H_POSITION)
    party = text(H_PARTY)
    if party in lk.party:
        data["party_status"] = lk.party[party]
    else:
        reasons.append(gettext("%(col)s: “%(value)s” is not a party status.") % {"col": H_PARTY, "value": party})
    military = text(H_MILITARY) or "0"
    if military.isdigit() and int(military) < 60:
        data["military_years"] = int(military)
    else:
        reasons.append(
            gettext("%(col)s: “%(value)s” is not a number of years.") % {"col": H_MILITARY, "value": military}
        )
    for header, key, table in ((H_GROUPS, "groups", lk.groups), (H_TEAMS, "teams", lk.teams)):
        names = _split(text(header))
        unknown = [n for n in names if n not in table]
        if unknown:
            reasons.append(gettext("%(col)s: unknown %(names)s.") % {"col": header, "names": "、".join(unknown)})
        data[key] = [table[n] for n in names if n in table]
    community = text(H_COMMUNITY)
    if community and community not in lk.communities:
        reasons.append(gettext("%(col)s: no community called “%(value)s”.") % {"col": H_COMMUNITY, "value": community})
    data["home_community"] = lk.communities.get(community)
    data["emergency_contact"] = text(H_EMERGENCY)
    if reasons:
        raise RowInvalid(reasons)
    return data


def staff_import(*, actor: Any, upload: IO[bytes]) -> ImportResult:
    """Import staff from the template: every row checked, and nothing written unless all are good."""
    rows = read_rows(upload, HEADERS)
    if not rows:
        raise DomainError(_("File: there are no rows to import."), code="import.empty", field="file")
    lookups = _Lookups()
    parsed, errors = validate_rows(rows, lambda values: _parse_row(values, lookups))
    result = ImportResult(total=len(rows), errors=errors)
    if errors:
        return result
    with transaction.atomic():
        for data in parsed:
            staff_save(actor=actor, **data)
        audit_record(actor=actor, action="staff.import", changes={"rows": len(parsed)})
    result.created = len(parsed)
    return result


def staff_template_sheet() -> Sheet:
    example = [
        "张三",
        "男",
        "1985-03-12",
        "13800001234",
        Unit.objects.values_list("name", flat=True).first() or "区司法局",
        "科员",
        "中共党员",
        0,
        "",
        "",
        "",
        "李四",
        "13900005678",
    ]
    return Sheet(
        _("Staff"),
        HEADERS,
        [example],
        notes=[
            _(
                "Required: name, sex, unit. Separate several groups or teams with 、. Delete the example row before importing."
            )
        ],
    )


def staff_export_sheet(qs: Iterable[Staff]) -> Sheet:
    rows = []
    for s in qs:
        rows.append(
            [
                s.name,
                s.get_sex_display(),
                s.birth_date,
                mask_phone(s.phone),
                s.unit.name,
                s.position,
                s.get_party_status_display(),
                s.military_years,
                "、".join(g.name for g in s.groups.all()),
                "、".join(t.name for t in s.teams.all()),
                s.home_community.name if s.home_community else "",
                s.emergency_contact,
                mask_phone(s.emergency_phone),
            ]
        )
    return Sheet(_("Staff"), HEADERS, rows)


def contact_sheet(qs: Iterable[Staff], *, full: bool) -> Sheet:
    show = (lambda v: v) if full else mask_phone
    rows = [[s.name, s.unit.name, s.position, show(s.phone), s.emergency_contact, show(s.emergency_phone)] for s in qs]
    return Sheet(
        _("24-hour contact list"),
        [_("Name"), _("Unit"), _("Position"), _("Phone"), _("Emergency contact"), _("Emergency contact phone")],
        rows,
    )
