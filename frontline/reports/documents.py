"""Turn archived figures into what people read: labelled sections, a print page, PDF and Excel.

One description of a report's sections feeds the print page, the PDF and the workbook, so the
three always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from frontline.core.errors import DomainError
from frontline.core.excel import Sheet, workbook_bytes
from frontline.reports import charts


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Section:
    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    missing: bool = False


def _label(app_label: str, model: str, field_name: str, value: str) -> str:
    """Return the display label of a stored choice, or the value itself."""
    try:
        choices = dict(apps.get_model(app_label, model)._meta.get_field(field_name).choices or [])
    except (LookupError, Exception):
        return value
    return str(choices.get(value, value))


def _region(code: str) -> str:
    if not code:
        return ""
    from frontline.core.validators import region_full_name

    try:
        return region_full_name(code)
    except DomainError:
        return code


def _slot(code: str) -> str:
    try:
        from frontline.health.models import SLOT_LABELS
    except ImportError:
        return code
    return str(SLOT_LABELS.get(code, code))


def _missing(title: str) -> Section:
    return Section(title=title, missing=True)


def _checkpoint_section(f: dict[str, Any], *, title: str, day_label: str) -> Section:
    if not f.get("available"):
        return _missing(title)
    t, d = f["today"], f["to_date"]
    s = Section(title=title)
    s.figures = [
        (_("People checked"), f"{t['people']} / {d['people']}"),
        (_("Vehicles checked"), f"{t.get('vehicles', 0)} / {d.get('vehicles', 0)}"),
        (_("People turned back"), f"{t.get('turned_back', 0)} / {d.get('turned_back', 0)}"),
        (_("Vehicles turned back"), f"{t.get('vehicles_turned_back', 0)} / {d.get('vehicles_turned_back', 0)}"),
        (_("Fever or dry cough"), f"{t.get('fever_events', 0)} / {d.get('fever_events', 0)}"),
        (_("High-risk arrivals"), f"{t.get('high_risk', 0)} / {d.get('high_risk', 0)}"),
    ]
    s.tables.append(
        Table(
            title=_("By checkpoint"),
            headers=[
                _("Checkpoint"),
                _("Community"),
                day_label,
                _("Vehicles checked"),
                _("Turned back"),
                _("Fever or dry cough"),
                _("People to date"),
            ],
            rows=[
                [
                    f"{c['code']} {c['name']}",
                    c["community"],
                    c["today"]["people"],
                    c["today"]["vehicles"],
                    c["today"]["turned_back"],
                    c["today"]["fever_events"],
                    c["to_date"]["people"],
                ]
                for c in f["by_checkpoint"]
            ],
        )
    )
    return s


def _health_section(f: dict[str, Any]) -> Section:
    title = _("Health")
    if not f.get("available"):
        return _missing(title)
    m = f["measures"]
    s = Section(title=title)
    s.figures = [
        (_("Measures open"), m["open"]),
        (_("Home isolation"), m["open_home"]),
        (_("Medical observation"), m["open_medical"]),
        (_("Centralised isolation"), m["open_central"]),
        (_("Measures started on the day"), m["started_today"]),
        (_("Released on the day"), m["released_today"]),
    ]
    if "missed" in f:
        s.figures.append((_("Missed reports on the day"), f["missed"]["today"]))
    if "escalations" in f:
        e = f["escalations"]
        s.figures += [
            (_("Fever escalations on the day"), e["today"]),
            (_("Escalations open"), e["open"]),
            (_("Escalations overdue"), e["overdue"]),
        ]
    return s


def _roster_section(f: dict[str, Any]) -> Section:
    title = _("Duty and attendance")
    if not f.get("available"):
        return _missing(title)
    c = f["coverage"]
    s = Section(title=title)
    s.figures = [
        (_("Duties planned"), c["duties_planned"]),
        (_("Checkpoint shifts covered"), f"{c['shifts_covered']} / {c['shifts_needed']}"),
    ]
    if "attendance" in f:
        a = f["attendance"]
        s.figures += [
            (_("Present"), a["present"]),
            (_("Late"), a["late"]),
            (_("Absent"), a["absent"]),
            (_("Person-times on the day"), a["today_person_times"]),
            (_("Person-times to date"), a["person_times"]),
        ]
    if c["short"]:
        s.tables.append(
            Table(
                title=_("Shifts below their minimum staff"),
                headers=[_("Checkpoint"), _("Shift"), _("Planned"), _("Needed")],
                rows=[[f"{r['code']} {r['name']}", r["shift"], r["planned"], r["needed"]] for r in c["short"]],
            )
        )
    return s


def _supplies_section(f: dict[str, Any]) -> Section:
    title = _("Supplies")
    if not f.get("available"):
        return _missing(title)
    s = Section(title=title)
    s.tables.append(
        Table(
            title=_("Stock and days of cover"),
            headers=[
                _("Item"),
                _("On hand"),
                _("Issued on the day"),
                _("Received on the day"),
                _("Use per day"),
                _("Days of cover"),
            ],
            rows=[
                [
                    i["name"],
                    f"{i['on_hand']} {i['unit']}",
                    i["issued_today"],
                    i["received_today"],
                    i["per_day"],
                    "—" if i["days_of_cover"] is None else i["days_of_cover"],
                ]
                for i in f["items"]
            ],
        )
    )
    return s


def _desk_section(f: dict[str, Any]) -> Section:
    title = _("Service desk")
    if not f.get("available"):
        return _missing(title)
    s = Section(title=title)
    if "tips" in f:
        s.figures += [
            (_("Hotline tips received on the day"), f["tips"]["today"]),
            (_("Hotline tips open"), f["tips"]["open"]),
        ]
    if "legal_aid" in f:
        s.figures += [
            (_("Legal-aid requests received on the day"), f["legal_aid"]["today"]),
            (_("Legal-aid requests open"), f["legal_aid"]["open"]),
        ]
    return s


def _events_section(f: dict[str, Any]) -> Section:
    s = Section(title=_("Notable events"))
    cp = f.get("checkpoints") or {}
    hl = f.get("health") or {}
    if not cp.get("available") and not hl.get("available"):
        s.missing = True
        return s

    def passage_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [
            [
                r["time"],
                r["checkpoint"],
                r["temperature"] or "—",
                "、".join(_label("checkpoints", "Passage", "symptoms", x) for x in r["symptoms"]) or "—",
                _region(r["origin_region"]) or "—",
                _label("checkpoints", "Passage", "outcome", r["outcome"]),
            ]
            for r in rows
        ]

    headers = [_("Time"), _("Checkpoint"), _("Temperature"), _("Symptoms"), _("Coming from"), _("Outcome")]
    if cp.get("available"):
        s.tables.append(Table(_("Fever or dry cough at checkpoints"), headers, passage_rows(cp["fevers"])))
        s.tables.append(Table(_("People turned back"), headers, passage_rows(cp["turned_back"])))
    if hl.get("available"):
        s.tables.append(
            Table(
                _("Fever escalations"),
                [_("Number"), _("Time"), _("Community"), _("Source"), _("Temperature"), _("State")],
                [
                    [
                        f"#{r['id']}",
                        r["time"],
                        r["community"] or "—",
                        _label("health", "Escalation", "source", r["source"]),
                        r["temperature"] or "—",
                        _label("health", "Escalation", "state", r["state"]),
                    ]
                    for r in hl["escalations"]
                ],
            )
        )
        if "missed" in hl:
            s.tables.append(
                Table(
                    _("Missed reports"),
                    [_("Community"), _("Slot"), _("Missed")],
                    [[r["community"] or "—", _slot(r["slot"]), r["count"]] for r in hl["missed"]],
                )
            )
    return s


def daily_report_sections(figures: dict[str, Any]) -> list[Section]:
    """Return the labelled sections of a daily report, in the active language."""
    return [
        _checkpoint_section(
            figures["checkpoints"], title=_("Checkpoints (the day / to date)"), day_label=pgettext("count", "People")
        ),
        _events_section(figures.get("events", {})),
        _health_section(figures["health"]),
        _roster_section(figures["roster"]),
        _supplies_section(figures["supplies"]),
        _desk_section(figures["desk"]),
    ]


def summary_sections(figures: dict[str, Any], *, with_charts: bool = True) -> list[Section]:
    """Return the labelled sections of a campaign summary (工作纪实 figures), with SVG charts."""
    org, cp, hl = figures["org"], figures["checkpoints"], figures["health"]
    ro, su, de, pa = figures["roster"], figures["supplies"], figures["desk"], figures["party"]
    main = Section(title=_("The campaign in figures"))
    main.figures = [
        (_("Duration (days)"), org["duration_days"]),
        (_("Batches"), org["batches"]),
        (_("Checkpoints"), org["checkpoints"]),
        (_("Communities"), org["communities"]),
    ]
    if ro.get("available") and "attendance" in ro:
        main.figures.append((_("Person-times"), ro["attendance"]["person_times"]))
    if cp.get("available"):
        main.figures += [
            (_("People checked a day on average"), cp["daily_average"]["people"]),
            (_("Vehicles checked a day on average"), cp["daily_average"]["vehicles"]),
            (_("People checked"), cp["to_date"]["people"]),
            (_("Vehicles checked"), cp["to_date"].get("vehicles", 0)),
            (_("People turned back"), cp["to_date"].get("turned_back", 0)),
            (_("Vehicles turned back"), cp["to_date"].get("vehicles_turned_back", 0)),
            (_("Fever or dry cough"), cp["to_date"].get("fever_events", 0)),
        ]
        if with_charts:
            days = cp["by_day"]
            main.charts.append(
                mark_safe(
                    charts.line_chart(
                        title=_("People and vehicles checked by day"),
                        x_labels=[d["day"][5:] for d in days],
                        series=[
                            (_("People checked"), [d["people"] for d in days]),
                            (_("Vehicles checked"), [d.get("vehicles", 0) for d in days]),
                        ],
                    )
                )
            )
            by_cp = sorted(cp["by_checkpoint"], key=lambda c: -c["to_date"]["people"])[:15]
            main.charts.append(
                mark_safe(
                    charts.bar_chart(
                        title=_("People checked by checkpoint"),
                        labels=[f"{c['code']} {c['name']}" for c in by_cp],
                        values=[c["to_date"]["people"] for c in by_cp],
                    )
                )
            )
    sections = [main]
    health = Section(title=_("Key populations"))
    if hl.get("available"):
        e = hl.get("escalations", {})
        health.figures = [
            (_("People watched"), hl["measures"]["watched"]),
            (_("Measures started"), hl["measures"]["started"]),
            (_("Measures completed"), hl["measures"]["completed"]),
            (_("Transferred to hospital"), hl["measures"]["to_hospital"]),
            (_("Fever cases handed to the health department"), e.get("handed_over", 0)),
            (_("Missed reports"), hl.get("missed", {}).get("to_date", 0)),
        ]
        cats = [c for c in hl.get("watched_by_category", []) if c["code"]]
        health.tables.append(
            Table(
                _("People watched by category"),
                [_("Category"), pgettext("count", "People")],
                [[c["name"], c["count"]] for c in cats],
            )
        )
        if with_charts and cats:
            health.charts.append(
                mark_safe(
                    charts.bar_chart(
                        title=_("People watched by category"),
                        labels=[c["name"] for c in cats],
                        values=[c["count"] for c in cats],
                    )
                )
            )
    else:
        health.missing = True
    sections.append(health)
    supplies = Section(title=_("Supplies"))
    if su.get("available"):
        supplies.figures = [
            (_("Issued (all items)"), su["issued"]),
            (_("Donated (all items)"), su["donated"]),
            (_("Value of donations (yuan)"), su["donated_value"]),
        ]
        supplies.tables.append(
            Table(
                _("Issued and donated by item"),
                [_("Item"), _("Issued"), _("Donated"), _("Unit")],
                [[i["name"], i["issued"], i["donated"], i["unit"]] for i in su["items"]],
            )
        )
        if with_charts and su["items"]:
            supplies.charts.append(
                mark_safe(
                    charts.bar_chart(
                        title=_("Supplies issued by item"),
                        labels=[i["name"] for i in su["items"]],
                        values=[i["issued"] for i in su["items"]],
                    )
                )
            )
    else:
        supplies.missing = True
    sections.append(supplies)
    desk = Section(title=_("Service desk"))
    if de.get("available"):
        if "tips" in de:
            desk.figures += [
                (_("Hotline tips received"), de["tips"]["received"]),
                (_("Hotline tips handled"), de["tips"]["handled"]),
            ]
        if "legal_aid" in de:
            desk.figures += [
                (_("Legal-aid requests received"), de["legal_aid"]["received"]),
                (_("Legal-aid requests handled"), de["legal_aid"]["handled"]),
            ]
    else:
        desk.missing = True
    sections.append(desk)
    party = Section(title=_("Party work"))
    if pa.get("available"):
        party.figures = [
            (_("Temporary party branches"), pa["temporary_branches"]),
            (_("Communities they served"), pa["communities_served"]),
        ]
        if "members_reporting" in pa:
            party.figures.append((_("Members who reported to communities"), pa["members_reporting"]))
        if "dues_total" in pa:
            party.figures += [
                (_("Special dues collected (yuan)"), pa["dues_total"]),
                (_("Members who paid"), pa["dues_members"]),
            ]
        if "commendations" in pa:
            c = pa["commendations"]
            party.figures += [
                (_("Commendations"), c["total"]),
                (_("Collective"), c["collective"]),
                (_("Individual"), c["individual"]),
            ]
    else:
        party.missing = True
    sections.append(party)
    return sections


# --- files ---------------------------------------------------------------------------------------


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a document template to PDF with WeasyPrint (the CJK font comes from the system)."""
    from weasyprint import HTML

    html = render_to_string(template, context | {"for_pdf": True})
    return HTML(string=html).write_pdf()


def sections_workbook(title: str, sections: list[Section]) -> bytes:
    """Build a workbook: one sheet of key figures, then one sheet per table."""
    figures = [[s.title, label, value] for s in sections for label, value in s.figures]
    sheets = [Sheet(title=_("Figures"), headers=[_("Section"), _("Figure"), _("Value")], rows=figures, notes=[title])]
    used: set[str] = set()
    for s in sections:
        for t in s.tables:
            name = t.title[:28]
            while name in used:
                name = name[:26] + str(len(used))
            used.add(name)
            sheets.append(Sheet(title=name, headers=t.headers, rows=t.rows))
    return workbook_bytes(sheets)


def daily_report_files(figures: dict[str, Any], *, language: str, campaign_name: str, day: date) -> tuple[bytes, bytes]:
    """Return the PDF and the workbook of a daily report, in its language."""
    with translation.override(language):
        sections = daily_report_sections(figures)
        title = _("Daily report of %(campaign)s, %(day)s") % {"campaign": campaign_name, "day": day.isoformat()}
        pdf = render_pdf(
            "reports/daily_report_doc.html",
            {"title": title, "sections": sections, "figures": figures, "language": language},
        )
        xlsx = sections_workbook(title, sections)
    return pdf, xlsx


def summary_pdf(figures: dict[str, Any], *, language: str, campaign_name: str) -> bytes:
    """Return the campaign summary as PDF with its charts."""
    with translation.override(language):
        sections = summary_sections(figures)
        title = _("Campaign summary: %(campaign)s") % {"campaign": campaign_name}
        return render_pdf(
            "reports/summary_doc.html", {"title": title, "sections": sections, "figures": figures, "language": language}
        )
