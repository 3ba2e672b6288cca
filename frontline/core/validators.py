"""Kernel validators: region codes, resident ID numbers, mobile numbers, licence plates.

Every validator normalises what a person typed and returns the canonical value, or
raises DomainError with a code "<field-kind>.<reason>", the caller's field name and a
translatable message.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.errors import DomainError

__all__ = [
    "PLATE_PROVINCES",
    "Region",
    "RegionLevel",
    "ResidentId",
    "format_plate",
    "mask_mobile",
    "mask_resident_id",
    "province_choices",
    "region_children",
    "region_full_name",
    "region_get",
    "region_within",
    "regions_search",
    "regions_source",
    "resident_id_check_digit",
    "validate_mobile",
    "validate_plate",
    "validate_region_code",
    "validate_resident_id",
]

# Full-width ASCII (as typed with a Chinese IME) and the ideographic space, to ASCII.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _halfwidth(value: str) -> str:
    """Return value with full-width letters, digits and spaces made ASCII."""
    return value.translate(_HALFWIDTH)


# ---------------------------------------------------------------------------
# Regions (GB/T 2260)
# ---------------------------------------------------------------------------

RegionLevel = Literal["province", "city", "county"]

_REGIONS_FILE = Path(__file__).resolve().parent / "data" / "regions.json"
_LEVEL_ORDER: dict[str, int] = {"province": 0, "city": 1, "county": 2}


@dataclass(frozen=True, slots=True)
class Region:
    """One province, prefecture-level city or county of GB/T 2260."""

    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class _RegionTable:
    source: str
    version: str
    as_of: str | None
    by_code: dict[str, Region]
    children: dict[str, tuple[str, ...]]
    full_names: dict[str, str]


@functools.cache
def _regions() -> _RegionTable:
    """Load the shipped region data once, deriving levels and parents from the codes."""
    with _REGIONS_FILE.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    names: dict[str, str] = doc["regions"]
    by_code: dict[str, Region] = {}
    children: dict[str, list[str]] = {}
    for code, name in sorted(names.items()):
        level: RegionLevel
        parent: str | None
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            level, parent = "city", code[:2] + "0000"
        else:
            level = "county"
            # Municipality districts and province-administered counties have no
            # prefecture in the data (its 市辖区/省直辖 placeholder was dropped).
            city = code[:4] + "00"
            parent = city if city in names else code[:2] + "0000"
        by_code[code] = Region(code=code, name=name, level=level, parent_code=parent)
        if parent is not None:
            children.setdefault(parent, []).append(code)
    full_names: dict[str, str] = {}
    for code, region in by_code.items():
        parent_name = full_names.get(region.parent_code or "", "")
        full_names[code] = parent_name + region.name  # sorted order puts parents first
    return _RegionTable(
        source=doc["source"],
        version=doc["version"],
        as_of=doc.get("as_of"),
        by_code=by_code,
        children={k: tuple(v) for k, v in children.items()},
        full_names=full_names,
    )


def regions_source() -> dict[str, str | None]:
    """Return where the shipped region data comes from, for an about page or a log."""
    table = _regions()
    return {"source": table.source, "version": table.version, "as_of": table.as_of}


def region_get(code: str) -> Region | None:
    """Return the region with this 6-digit code, or None."""
    return _regions().by_code.get(code.strip())


def validate_region_code(value: str, *, field: str = "region") -> Region:
    """Return the region a 6-digit code names, or raise region.<reason>."""
    code = _halfwidth(value or "").strip()
    if not code:
        raise DomainError(_("Region: choose a region."), code="region.required", field=field)
    if not re.fullmatch(r"[0-9]{6}", code):
        raise DomainError(
            _("Region: a region code has exactly 6 digits."),
            code="region.format",
            field=field,
        )
    region = _regions().by_code.get(code)
    if region is None:
        raise DomainError(
            _("Region: %(code)s is not a known region code."),
            code="region.unknown",
            field=field,
            params={"code": code},
        )
    return region


def region_full_name(code: str, *, field: str = "region") -> str:
    """Return the name with its ancestors' names, e.g. "湖北省武汉市江岸区"."""
    region = validate_region_code(code, field=field)
    return _regions().full_names[region.code]


def region_children(code: str) -> list[Region]:
    """Return the regions directly under this one (none under a county)."""
    table = _regions()
    return [table.by_code[c] for c in table.children.get(code.strip(), ())]


def region_within(code: str, ancestor_code: str) -> bool:
    """Tell whether a region is the ancestor region itself or lies inside it."""
    by_code = _regions().by_code
    region = by_code.get(code.strip())
    ancestor = ancestor_code.strip()
    while region is not None:
        if region.code == ancestor:
            return True
        region = by_code.get(region.parent_code) if region.parent_code else None
    return False


def regions_search(
    q: str,
    *,
    limit: int = 20,
    level: RegionLevel | None = None,
    within: str | None = None,
) -> list[Region]:
    """Find regions for autocomplete by code prefix (digits) or by name, best first."""
    query = _halfwidth(q or "").strip()
    if not query or limit <= 0:
        return []
    table = _regions()
    ranked: list[tuple[int, int, str]] = []
    for code, region in table.by_code.items():
        if level is not None and region.level != level:
            continue
        if within is not None and not region_within(code, within):
            continue
        if query.isdigit():
            if not code.startswith(query):
                continue
            rank = 0
        elif region.name == query:
            rank = 0
        elif region.name.startswith(query):
            rank = 1
        elif query in region.name:
            rank = 2
        elif query in table.full_names[code]:
            rank = 3  # "武汉市江" finds 江岸区 through its ancestors' names
        else:
            continue
        ranked.append((rank, _LEVEL_ORDER[region.level], code))
    ranked.sort()
    return [table.by_code[code] for _rank, _level, code in ranked[:limit]]


def province_choices() -> list[tuple[str, str]]:
    """Return (code, name) pairs of the province-level regions, for a choice field."""
    return [(r.code, r.name) for r in _regions().by_code.values() if r.level == "province"]


# ---------------------------------------------------------------------------
# Resident ID numbers (GB 11643-1999)
# ---------------------------------------------------------------------------

# ISO 7064 MOD 11-2: weight of position i (from the left) is 2^(17-i) mod 11.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_CHARS = "10X98765432"
# Residence permits of Taiwan residents carry 83 (830000), which is not a GB/T 2260
# code; they are reported under 台湾省. Hong Kong (81) and Macao (82) permits use
# their own GB/T 2260 codes.
_ID_PREFIX_ALIASES = {"83": "71"}
_ID_EARLIEST = date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid resident ID number and what it says about its holder."""

    number: str
    birth_date: date
    sex: Literal["M", "F"]
    region_code: str
    province_name: str


def resident_id_check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character ("0"-"9" or "X") for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _today() -> date:
    """Return today in the project's time zone: birth dates are local civil dates."""
    try:
        use_tz = bool(settings.USE_TZ)
    except ImproperlyConfigured:
        use_tz = False
    return timezone.localdate() if use_tz else date.today()


def _id_province(prefix: str) -> str | None:
    """Return the province name for the first two digits of an ID number, or None."""
    province = region_get(_ID_PREFIX_ALIASES.get(prefix, prefix) + "0000")
    return province.name if province is not None else None


def validate_resident_id(value: str, *, field: str = "id_number", today: date | None = None) -> ResidentId:
    """Return the parsed 18-character ID number, or raise id_number.<reason>."""
    number = re.sub(r"\s+", "", _halfwidth(value or "")).upper()
    if not number:
        raise DomainError(
            _("Resident ID number: enter the number."),
            code="id_number.required",
            field=field,
        )
    if len(number) != 18:
        raise DomainError(
            _("Resident ID number: it must have 18 characters (found %(length)s)."),
            code="id_number.length",
            field=field,
            params={"length": len(number)},
        )
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise DomainError(
            _("Resident ID number: the first 17 characters must be digits and the last a digit or X."),
            code="id_number.format",
            field=field,
        )
    province_name = _id_province(number[:2])
    if province_name is None:
        raise DomainError(
            _("Resident ID number: %(prefix)s is not the code of a province-level region."),
            code="id_number.province",
            field=field,
            params={"prefix": number[:2]},
        )
    digits = number[6:14]
    try:
        birth_date = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise DomainError(
            _("Resident ID number: the birth date %(value)s does not exist."),
            code="id_number.birth_date",
            field=field,
            params={"value": digits},
        ) from None
    if birth_date < _ID_EARLIEST:
        raise DomainError(
            _("Resident ID number: the birth date %(date)s is before 1900."),
            code="id_number.birth_date_too_early",
            field=field,
            params={"date": birth_date.isoformat()},
        )
    if birth_date > (today or _today()):
        raise DomainError(
            _("Resident ID number: the birth date %(date)s is in the future."),
            code="id_number.birth_date_future",
            field=field,
            params={"date": birth_date.isoformat()},
        )
    expected = resident_id_check_digit(number[:17])
    if number[17] != expected:
        raise DomainError(
            _("Resident ID number: the check digit is wrong (expected %(expected)s)."),
            code="id_number.checksum",
            field=field,
            params={"expected": expected},
        )
    return ResidentId(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
        province_name=province_name,
    )


def mask_resident_id(value: str) -> str:
    """Hide birth date and sequence: "150204199001011234" -> "150204********1234"."""
    number = re.sub(r"\s+", "", _halfwidth(value or "")).upper()
    if len(number) <= 10:
        return "*" * len(number)  # too short to show any part without giving it all away
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


# ---------------------------------------------------------------------------
# Mainland mobile numbers
# ---------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


def _strip_country_code(number: str) -> str | None:
    """Remove a +86/0086/86 prefix; return None for another country's code."""
    if number.startswith("+"):
        return number[3:] if number.startswith("+86") else None
    if number.startswith("0086"):
        return number[4:]
    if number.startswith("00"):
        return None
    if len(number) == 13 and number.startswith("86"):
        return number[2:]
    return number


def validate_mobile(value: str, *, field: str = "phone") -> str:
    """Return a mainland mobile number as 11 digits, or raise phone.<reason>."""
    raw = _PHONE_SEPARATORS.sub("", _halfwidth(value or ""))
    if not raw:
        raise DomainError(_("Mobile number: enter the number."), code="phone.required", field=field)
    number = _strip_country_code(raw)
    if number is None:
        raise DomainError(
            _("Mobile number: only mainland China numbers (+86) are accepted."),
            code="phone.country",
            field=field,
        )
    if not re.fullmatch(r"[0-9]+", number):
        raise DomainError(
            _("Mobile number: use digits only, optionally with +86, spaces or hyphens."),
            code="phone.format",
            field=field,
        )
    if len(number) != 11:
        raise DomainError(
            _("Mobile number: it must have 11 digits (found %(length)s)."),
            code="phone.length",
            field=field,
            params={"length": len(number)},
        )
    if not re.fullmatch(r"1[3-9][0-9]{9}", number):
        raise DomainError(
            _("Mobile number: a mainland mobile number starts with 13 to 19."),
            code="phone.prefix",
            field=field,
        )
    return number


def mask_mobile(value: str) -> str:
    """Hide the middle digits: "13812345678" -> "138****5678"."""
    raw = _PHONE_SEPARATORS.sub("", _halfwidth(value or ""))
    number = _strip_country_code(raw) or raw
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# ---------------------------------------------------------------------------
# Licence plates (GA 36-2018)
# ---------------------------------------------------------------------------
#
# Accepted, after removing separators and upper-casing:
# * ordinary (7): province abbreviation + issuing-authority letter + 5 serial
#   characters (digits and letters except I and O);
# * special (7): province + letter + 4 serial characters + 挂 (trailer), 学 (coach),
#   警 (police) or 领 (consulate); 港/澳 (Guangdong cross-border) only as 粤Z;
# * new-energy small (8): province + letter + a type letter + 1 serial character
#   + 4 digits; the type letter is D or F (GA 36-2018: battery-electric /
#   other), or one of the extension letters A B C E (battery-electric) and
#   G H J K (other) issued after the D/F blocks ran out;
# * new-energy large (8): province + letter + 5 digits + D or F.
# The issuing-authority letter is A-Z except I: O is real, used by provincial-level
# police and judicial organs (e.g. 浙O·1234警). Military, armed-police (WJ) and
# embassy (使) plates are not accepted. The serial is not checked against the
# number of letters a particular issuing scheme allows.

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

# Separators people type between the authority letter and the serial; the middle-dot
# look-alikes come from IMEs and copy-paste.
_PLATE_SEPARATORS = re.compile(r"[\s·.\-•・‧∙]")
_SERIAL = "[0-9A-HJ-NP-Z]"
_ORDINARY = re.compile(rf"{_SERIAL}{{5}}|{_SERIAL}{{4}}[挂学警领]")
_CROSS_BORDER = re.compile(rf"{_SERIAL}{{4}}[港澳]")
_NEW_ENERGY = re.compile(rf"[ABCDEFGHJK]{_SERIAL}[0-9]{{4}}|[0-9]{{5}}[DF]")


def _normalise_plate(value: str) -> str:
    """Return the plate without separators, upper-cased."""
    return _PLATE_SEPARATORS.sub("", _halfwidth(value or "")).upper()


def validate_plate(value: str, *, field: str = "plate") -> str:
    """Return the plate number normalised (e.g. "京A12345"), or raise plate.<reason>."""
    plate = _normalise_plate(value)
    if not plate:
        raise DomainError(
            _("Licence plate: enter the plate number."),
            code="plate.required",
            field=field,
        )
    if len(plate) not in (7, 8):
        raise DomainError(
            _("Licence plate: it must have 7 characters, or 8 for a new-energy vehicle (found %(length)s)."),
            code="plate.length",
            field=field,
            params={"length": len(plate)},
        )
    if plate[0] not in PLATE_PROVINCES:
        raise DomainError(
            _("Licence plate: %(char)s is not the abbreviation of a mainland province."),
            code="plate.province",
            field=field,
            params={"char": plate[0]},
        )
    if not re.fullmatch(r"[A-HJ-Z]", plate[1]):
        raise DomainError(
            _("Licence plate: the second character must be an issuing-authority letter (A to Z, not I)."),
            code="plate.authority",
            field=field,
        )
    serial = plate[2:]
    if "I" in serial or "O" in serial:
        raise DomainError(
            _("Licence plate: the letters I and O are not used in the serial number."),
            code="plate.letter_io",
            field=field,
        )
    if len(plate) == 8:
        if not _NEW_ENERGY.fullmatch(serial):
            raise DomainError(
                _(
                    "Licence plate: %(serial)s is not a new-energy serial number "
                    "(small vehicles: D, F or another type letter, a letter or digit, "
                    "then 4 digits; large vehicles: 5 digits, then D or F)."
                ),
                code="plate.new_energy",
                field=field,
                params={"serial": serial},
            )
        return plate
    if _CROSS_BORDER.fullmatch(serial):
        if plate[:2] != "粤Z":
            raise DomainError(
                _("Licence plate: Hong Kong and Macao plates (港/澳) are issued only as 粤Z."),
                code="plate.cross_border",
                field=field,
            )
        return plate
    if not _ORDINARY.fullmatch(serial):
        raise DomainError(
            _("Licence plate: %(serial)s is not a valid serial number."),
            code="plate.serial",
            field=field,
            params={"serial": serial},
        )
    return plate


def format_plate(value: str, *, field: str = "plate") -> str:
    """Return the plate as displayed, with a middle dot: "蒙B12345" -> "蒙B·12345"."""
    plate = validate_plate(value, field=field)
    return f"{plate[:2]}·{plate[2:]}"
