"""Roster documents: the Excel workbook and the iCalendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from frontline.core.excel import Sheet, xlsx_response
from frontline.org.models import Checkpoint, Staff
from frontline.roster import selectors
from frontline.roster.models import Assignment, RosterVersion


def version_xlsx(version: RosterVersion, checkpoints: list[Checkpoint]) -> HttpResponse:
    """Export a version: checkpoints × days, staff × days, leaders on duty and the plain list."""
    office = selectors.settings_for(version.roster.campaign).office_shift_pattern
    by_post = selectors.grid_by_post(version, checkpoints, office)
    days = by_post.days
    post_rows = []
    current = ""
    for row in by_post.rows:
        current = row["post"] or current
        post_rows.append([current, row["shift"]] + ["、".join(a.staff.name for a in c["items"]) for c in row["cells"]])
    by_staff = selectors.grid_by_staff(version)
    staff_rows = [
        [row["staff"].name, row["count"]]
        + [
            " / ".join(f"{a.shift} {a.checkpoint.code if a.checkpoint else gettext('Office')}" for a in c["items"])
            for c in row["cells"]
        ]
        for row in by_staff.rows
    ]
    leaders = [[ld.day, ld.staff.name] for ld in version.leader_duties.select_related("staff").order_by("day")]
    cells = [
        [
            a.day,
            a.shift,
            a.checkpoint.code if a.checkpoint else "",
            a.post_name,
            a.staff.name,
            gettext("Yes") if a.locked else "",
        ]
        for a in selectors.version_cells(version)
    ]
    day_headers = [date_format(d, "m-d D") for d in days]  # the weekday in the reader's language
    title = f"{version.roster.name} v{version.number} ({version.get_status_display()})"
    sheets = [
        Sheet(
            gettext("By checkpoint"), [gettext("Checkpoint"), gettext("Shift"), *day_headers], post_rows, notes=[title]
        ),
        Sheet(
            gettext("By staff member"),
            [gettext("Staff member"), pgettext("roster", "Shifts"), *day_headers],
            staff_rows,
            notes=[title],
        ),
        Sheet(gettext("Leaders on duty"), [gettext("Day"), gettext("Leader")], leaders),
        Sheet(
            pgettext("roster", "Duties"),
            [
                gettext("Day"),
                gettext("Shift"),
                gettext("Code"),
                gettext("Post"),
                gettext("Staff member"),
                gettext("Locked"),
            ],
            cells,
        ),
    ]
    return xlsx_response(f"roster-{version.roster.pk}-v{version.number}.xlsx", sheets)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # RFC 5545 lines are at most 75 octets; longer ones continue after CRLF and a space.
    out, current = [], b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > 73:
            out.append(current.decode())
            current = b" "
        current += b
    out.append(current.decode())
    return "\r\n".join(out)


def ical_text(staff: Staff, duties: Iterable[Assignment]) -> str:
    """Write a staff member's duties as an iCalendar (RFC 5545) calendar."""
    from datetime import UTC

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Frontline//Duty roster//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:" + _escape(gettext("Duties of %(name)s") % {"name": staff.name}),
    ]
    for a in duties:
        where = a.post_name
        summary = gettext("Duty: %(post)s") % {"post": where}
        lines += [
            "BEGIN:VEVENT",
            f"UID:duty-{a.staff_id}-{int(a.starts_at.timestamp())}@frontline",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{a.starts_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"DTEND:{a.ends_at.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(a.checkpoint.address if a.checkpoint else where)}",
            f"DESCRIPTION:{_escape(a.shift + ' ' + where)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ical_response(staff: Staff, duties: Iterable[Assignment]) -> HttpResponse:
    response = HttpResponse(ical_text(staff, duties), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duties.ics"'
    return response
