"""Excel in and out: downloadable templates, exports, and all-or-nothing imports."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from frontline.core.errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


@dataclass
class Sheet:
    title: Any
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    notes: Sequence[Any] = ()


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Build an .xlsx file from sheets with a bold header row."""
    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(force_str(sheet.title)[:31])
        ws.append([force_str(h) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        for row in sheet.rows:
            ws.append([v if isinstance(v, (int, float, date, datetime)) or v is None else force_str(v) for v in row])
        for i, header in enumerate(sheet.headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, len(force_str(header)) * 2 + 2)
        ws.freeze_panes = "A2"
        for note in sheet.notes:
            ws.append([])
            ws.append([force_str(note)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """Return an .xlsx download."""
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@dataclass
class RowError:
    row: int
    reasons: list[str]
    values: dict[str, Any] = field(default_factory=dict)


def read_rows(upload: IO[bytes], headers: Sequence[Any]) -> list[tuple[int, dict[str, Any]]]:
    """Read the first sheet of an .xlsx upload as (row number, {header: value}) pairs."""
    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise DomainError(_("File: this is not an Excel (.xlsx) file."), code="import.not_xlsx", field="file") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration as exc:
        raise DomainError(_("File: the sheet is empty."), code="import.empty", field="file") from exc
    wanted = [force_str(h) for h in headers]
    found = [force_str(c).strip() if c is not None else "" for c in first]
    # A template filled in Chinese must import for a user reading English, and the other way round.
    spellings = [_spellings(h) for h in headers]
    index = {}
    for h, names in zip(wanted, spellings, strict=True):
        for i, cell in enumerate(found):
            if cell in names:
                index[h] = i
                break
    missing = [h for h in wanted if h not in index]
    if missing:
        raise DomainError(
            _("File: missing columns %(cols)s; download the template and fill it in."),
            code="import.columns",
            field="file",
            params={"cols": "、".join(missing)},
        )
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append((number, {h: (values[i] if i < len(values) else None) for h, i in index.items()}))
    wb.close()
    return out


def _spellings(header: Any) -> set[str]:
    names = {force_str(header)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(force_str(header))
    return names


def validate_rows(
    rows: list[tuple[int, dict[str, Any]]], parse: Callable[[dict[str, Any]], Any]
) -> tuple[list[Any], list[RowError]]:
    """Parse every row, collecting all reasons a row is bad instead of stopping at the first."""
    parsed: list[Any] = []
    errors: list[RowError] = []
    for number, values in rows:
        try:
            parsed.append(parse(values))
        except RowInvalid as exc:
            errors.append(RowError(row=number, reasons=exc.reasons, values=values))
    return parsed, errors


class RowInvalid(Exception):
    """One import row is bad, for one or more reasons."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return datetime.strptime(text, "%Y-%m-%d").date()
