"""Screening lists sent by higher authorities (Excel): every row matched or created, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from frontline.core.audit import audit_record
from frontline.core.crypto import blind_index
from frontline.core.errors import DomainError
from frontline.core.excel import RowError, RowInvalid, Sheet, cell_text, read_rows, validate_rows
from frontline.core.validators import validate_mobile, validate_resident_id
from frontline.health.models import Category, Person
from frontline.health.services import person_watch_create
from frontline.org.models import Community

H_NAME, H_ID, H_PHONE, H_ADDRESS = _("Name"), _("ID number"), _("Phone"), _("Home address")
H_COMMUNITY, H_CATEGORY, H_CONTACT, H_NOTE = _("Community"), _("Categories"), _("Contact of (ID number)"), _("Note")
HEADERS = [H_NAME, H_ID, H_PHONE, H_ADDRESS, H_COMMUNITY, H_CATEGORY, H_CONTACT, H_NOTE]


@dataclass
class ImportResult:
    created: int = 0
    matched: int = 0
    total: int = 0
    errors: list[RowError] = field(default_factory=list)


def _split(text: str) -> list[str]:
    for sep in ("，", ",", "、", ";", "；"):
        text = text.replace(sep, "|")
    return [p.strip() for p in text.split("|") if p.strip()]


class _Lookups:
    def __init__(self) -> None:
        self.communities = {c.name: c for c in Community.objects.all()}
        cats = list(Category.objects.filter(active=True))
        self.categories = {c.name: c.code for c in cats} | {c.code: c.code for c in cats}
        self.seen_ids: set[str] = set()
        self.file_ids: set[str] = set()


def _parse(values: dict[str, Any], lk: _Lookups) -> dict[str, Any]:
    get = {str(k): cell_text(v) for k, v in values.items()}
    reasons: list[str] = []
    data: dict[str, Any] = {"name": get[str(H_NAME)], "address": get[str(H_ADDRESS)], "note": get[str(H_NOTE)]}
    if not data["name"]:
        reasons.append(gettext("%(col)s: this field is required.") % {"col": H_NAME})
    raw_id = get[str(H_ID)]
    if not raw_id:
        reasons.append(gettext("%(col)s: this field is required.") % {"col": H_ID})
    else:
        try:
            data["id_number"] = validate_resident_id(raw_id, field="id_number").number
            if data["id_number"] in lk.seen_ids:
                reasons.append(gettext("%(col)s: the same ID number is on another row.") % {"col": H_ID})
            lk.seen_ids.add(data["id_number"])
        except DomainError as exc:
            reasons.append(f"{H_ID}: {exc}")
    if get[str(H_PHONE)]:
        try:
            data["phone"] = validate_mobile(get[str(H_PHONE)], field="phone")
        except DomainError as exc:
            reasons.append(f"{H_PHONE}: {exc}")
    community = get[str(H_COMMUNITY)]
    if community and community not in lk.communities:
        reasons.append(gettext("%(col)s: no community called “%(value)s”.") % {"col": H_COMMUNITY, "value": community})
    data["community"] = lk.communities.get(community)
    names = _split(get[str(H_CATEGORY)])
    unknown = [n for n in names if n not in lk.categories]
    if unknown:
        reasons.append(gettext("%(col)s: unknown %(names)s.") % {"col": H_CATEGORY, "names": "、".join(unknown)})
    data["category_codes"] = [lk.categories[n] for n in names if n in lk.categories]
    contact = get[str(H_CONTACT)]
    data["contact_id"] = ""
    if contact:
        try:
            data["contact_id"] = validate_resident_id(contact, field="contact_of").number
        except DomainError as exc:
            reasons.append(f"{H_CONTACT}: {exc}")
    if reasons:
        raise RowInvalid(reasons)
    return data


def screening_import(*, actor: Any, upload: IO[bytes]) -> ImportResult:
    """Import a screening list: check every row first, then match or create every person, or do nothing."""
    rows = read_rows(upload, HEADERS)
    if not rows:
        raise DomainError(_("File: there are no rows to import."), code="import.empty", field="file")
    lookups = _Lookups()
    parsed, errors = validate_rows(rows, lambda values: _parse(values, lookups))
    result = ImportResult(total=len(rows), errors=errors)
    if errors:
        return result
    in_file = {p["id_number"] for p in parsed}
    existing = set(
        Person.objects.filter(id_number_hash__in=[blind_index("id_number", i) for i in in_file]).values_list(
            "id_number_hash", flat=True
        )
    )
    # Contacts must be on the list or already watched; checked before anything is written.
    bad = []
    for (number, _values), data in zip(rows, parsed):
        cid = data["contact_id"]
        if cid and cid not in in_file and blind_index("id_number", cid) not in existing:
            if not Person.objects.filter(id_number_hash=blind_index("id_number", cid)).exists():
                bad.append(
                    RowError(
                        row=number,
                        reasons=[
                            gettext("%(col)s: nobody with this ID number is watched or on the list.")
                            % {"col": H_CONTACT}
                        ],
                    )
                )
    if bad:
        result.errors = bad
        return result
    with transaction.atomic():
        # Contacts last, so the people they had contact with exist already.
        for data in sorted(parsed, key=lambda d: bool(d["contact_id"])):
            contact = None
            if data["contact_id"]:
                contact = Person.objects.get(id_number_hash=blind_index("id_number", data["contact_id"]))
            matched = blind_index("id_number", data["id_number"]) in existing
            person_watch_create(
                actor=actor,
                name=data["name"],
                id_number=data["id_number"],
                phone=data.get("phone", ""),
                address=data["address"],
                community=data["community"],
                category_codes=data["category_codes"],
                found_by=Person.FoundBy.SCREENING,
                note=data["note"],
                contact_of=contact,
            )
            if matched:
                result.matched += 1
            else:
                result.created += 1
        audit_record(
            actor=actor,
            action="person.import",
            changes={"rows": len(parsed), "created": result.created, "matched": result.matched},
        )
    return result


def template_sheet() -> Sheet:
    community = Community.objects.values_list("name", flat=True).first() or "富强社区"
    return Sheet(
        _("Screening list"),
        HEADERS,
        [["张三", "420102198503121234", "13800001234", "富强路12号3单元", community, "湖北返包人员", "", ""]],
        notes=[
            _(
                "Required: name and ID number. Separate several categories with 、. Delete the example row before importing."
            )
        ],
    )
