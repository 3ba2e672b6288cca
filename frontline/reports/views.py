"""Pages: the command dashboard (and its wall mode), daily reports, the campaign summary, closing a campaign."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import can, get_scoped, require
from frontline.core.errors import DomainError
from frontline.core.forms import call_service
from frontline.core.listing import Column, Filter, ListPage, render_list
from frontline.org.models import Campaign
from frontline.org.selectors import current_campaign
from frontline.reports import documents, services
from frontline.reports.figures import campaign_summary_figures, dashboard_figures
from frontline.reports.forms import CampaignCloseForm, DailyReportForm
from frontline.reports.links import figure_link
from frontline.reports.models import REPORT_LANGUAGES, CampaignClosure, DailyReport

REFRESH_SECONDS = 60


def _campaign(request: HttpRequest) -> Campaign:
    """Return the campaign asked for (?campaign=) or the current one; 404 when there is none."""
    pk = request.GET.get("campaign")
    if pk:
        return get_scoped(Campaign.objects.all(), request.user, pk=pk)
    campaign = current_campaign()
    if campaign is None:
        raise Http404(gettext("There is no campaign yet."))
    return campaign


# --- the command dashboard ------------------------------------------------------------------------


def _tile(
    label: Any, key: str, figures: dict[str, Any], today: Any, to_date: Any, day: date, level: str = ""
) -> dict[str, Any]:
    start = figures["campaign"]["start"]
    to_date_url = figure_link("to_date", day=day, start=start) if key in TALLY_TILES else ""
    return {
        "label": label,
        "key": key,
        "today": today,
        "to_date": to_date,
        "url": figure_link(key, day=day, start=start),
        "to_date_url": to_date_url,
        "level": level,
    }


# Tiles whose campaign-to-date figure comes from the daily tallies (and links to them).
TALLY_TILES = {"people", "vehicles", "turned_back", "vehicles_turned_back", "fever_events", "high_risk"}


def dashboard_context(campaign: Campaign) -> dict[str, Any]:
    """Compute the dashboard's figures and lay them out as tiles, tables and chart data."""
    f = dashboard_figures(campaign)
    day = date.fromisoformat(f["day"])
    cp, hl, ro, su, de = f["checkpoints"], f["health"], f["roster"], f["supplies"], f["desk"]
    tiles: list[dict[str, Any]] = []
    if cp.get("available"):
        t, d = cp["today"], cp["to_date"]
        tiles += [
            _tile(_("People checked"), "people", f, t["people"], d["people"], day),
            _tile(_("Vehicles checked"), "vehicles", f, t["vehicles"], d["vehicles"], day),
            _tile(_("People turned back"), "turned_back", f, t["turned_back"], d["turned_back"], day),
            _tile(
                _("Vehicles turned back"),
                "vehicles_turned_back",
                f,
                t["vehicles_turned_back"],
                d["vehicles_turned_back"],
                day,
            ),
            _tile(
                _("Fever or dry cough"),
                "fever_events",
                f,
                t["fever_events"],
                d["fever_events"],
                day,
                "danger" if t["fever_events"] else "",
            ),
            _tile(
                _("High-risk arrivals"),
                "high_risk",
                f,
                t["high_risk"],
                d["high_risk"],
                day,
                "warning" if t["high_risk"] else "",
            ),
        ]
    if hl.get("available"):
        tiles.append(
            _tile(_("Measures open"), "measures_open", f, hl["measures"]["open"], hl["measures"]["started"], day)
        )
        if "missed" in hl:
            tiles.append(
                _tile(
                    _("Missed reports today"),
                    "missed_today",
                    f,
                    hl["missed"]["today"],
                    hl["missed"]["to_date"],
                    day,
                    "warning" if hl["missed"]["today"] else "",
                )
            )
        if "escalations" in hl:
            e = hl["escalations"]
            tiles.append(_tile(_("Escalations open"), "escalations_open", f, e["open"], e["to_date"], day))
            tiles.append(
                _tile(
                    _("Escalations overdue"),
                    "escalations_overdue",
                    f,
                    e["overdue"],
                    None,
                    day,
                    "danger" if e["overdue"] else "",
                )
            )
    if ro.get("available"):
        tiles.append(
            _tile(
                _("Staff on duty now"),
                "on_duty",
                f,
                ro["on_duty_now_count"],
                ro.get("attendance", {}).get("person_times"),
                day,
            )
        )
    if de.get("available"):
        if "tips" in de:
            tiles.append(_tile(_("Hotline tips open"), "tips_open", f, de["tips"]["open"], de["tips"]["received"], day))
        if "legal_aid" in de:
            tiles.append(
                _tile(
                    _("Legal-aid requests open"),
                    "legal_aid_open",
                    f,
                    de["legal_aid"]["open"],
                    de["legal_aid"]["received"],
                    day,
                )
            )
    if su.get("available"):
        tiles.append(
            _tile(
                _("Supplies running short"),
                "supplies",
                f,
                su["short_items"],
                None,
                day,
                "warning" if su["short_items"] else "",
            )
        )
    chart = {}
    if cp.get("available"):
        chart = {
            "days": [d["day"][5:] for d in cp["by_day"]],
            "people": [d["people"] for d in cp["by_day"]],
            "vehicles": [d["vehicles"] for d in cp["by_day"]],
            "fevers": [d["fever_events"] for d in cp["by_day"]],
            "turned_back": [d["turned_back"] for d in cp["by_day"]],
            "checkpoints": [f"{c['code']} {c['name']}" for c in cp["by_checkpoint"]],
            "cp_today": [c["today"]["people"] for c in cp["by_checkpoint"]],
            "cp_to_date": [c["to_date"]["people"] for c in cp["by_checkpoint"]],
            "cp_links": [
                figure_link("checkpoint", day=day, checkpoint=c["checkpoint_id"]) for c in cp["by_checkpoint"]
            ],
            "labels": {
                "people": gettext("People checked"),
                "vehicles": gettext("Vehicles checked"),
                "fevers": gettext("Fever or dry cough"),
                "turned_back": gettext("Turned back"),
                "today": gettext("Today"),
                "to_date": gettext("To date"),
            },
        }
    return {
        "campaign": campaign,
        "figures": f,
        "tiles": tiles,
        "chart": chart,
        "generated": timezone.localtime(),
        "refresh": REFRESH_SECONDS,
        "modules_missing": [
            name for name in ("checkpoints", "health", "roster", "supplies", "desk") if not f[name].get("available")
        ],
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the command dashboard: today and campaign to date, refreshing itself."""
    require(request.user, "dashboard.view")
    context = dashboard_context(_campaign(request))
    context["wall"] = request.GET.get("wall") == "1"
    return render(request, "reports/dashboard.html", context)


@login_required
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    """Return the dashboard's figures alone, for its htmx refresh."""
    require(request.user, "dashboard.view")
    context = dashboard_context(_campaign(request))
    context["wall"] = request.GET.get("wall") == "1"
    return render(request, "reports/_dashboard_panel.html", context)


# --- daily reports --------------------------------------------------------------------------------


@login_required
def daily_list(request: HttpRequest) -> HttpResponse:
    """List the archived daily reports, with a form to make one for any date."""
    require(request.user, "reports.view")
    campaign = _campaign(request)
    page = ListPage(
        title=_("Daily reports"),
        columns=[
            Column(_("Date"), "day", sort="day", link=True),
            Column(_("Language"), "get_language_display", sort="language"),
            Column(_("Made"), "get_trigger_display"),
            Column(
                _("Generated at"),
                lambda r: timezone.localtime(r.generated_at).strftime("%Y-%m-%d %H:%M"),
                sort="generated_at",
            ),
            Column(
                _("People checked"), lambda r: (r.figures.get("checkpoints") or {}).get("today", {}).get("people", "—")
            ),
            Column(
                _("Fever or dry cough"),
                lambda r: (r.figures.get("checkpoints") or {}).get("today", {}).get("fever_events", "—"),
            ),
        ],
        filters=[Filter("language", _("Language"), REPORT_LANGUAGES)],
        default_sort="-day",
        detail_url=lambda r: reverse("reports:daily_detail", args=[r.pk]),
    )
    form = DailyReportForm()
    return render_list(
        request,
        DailyReport.objects.filter(campaign=campaign),
        page,
        template="reports/daily_list.html",
        extra={"form": form, "campaign": campaign, "can_generate": can(request.user, "reports.generate")},
    )


@login_required
@require_POST
def daily_generate(request: HttpRequest) -> HttpResponse:
    """Make (or remake) the report of a date, then show it."""
    require(request.user, "reports.generate")
    campaign = _campaign(request)
    form = DailyReportForm(request.POST)
    report = None
    if form.is_valid():
        report = call_service(
            form,
            services.daily_report_generate,
            actor=request.user,
            campaign=campaign,
            day=form.cleaned_data["day"],
            language=form.cleaned_data["language"],
        )
    if report is None:
        return render(
            request,
            "core/form.html",
            {"form": form, "title": _("Make a daily report"), "cancel_url": reverse("reports:daily_list")},
            status=422,
        )
    messages.success(request, gettext("The daily report of %(day)s is ready.") % {"day": report.day.isoformat()})
    return redirect("reports:daily_detail", pk=report.pk)


def _report(request: HttpRequest, pk: int) -> DailyReport:
    require(request.user, "reports.view")
    return get_scoped(DailyReport.objects.select_related("campaign"), request.user, pk=pk)


@login_required
def daily_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a daily report as a print page, in the report's language."""
    report = _report(request, pk)
    with translation.override(report.language):
        sections = documents.daily_report_sections(report.figures)
        title = gettext("Daily report of %(campaign)s, %(day)s") % {
            "campaign": report.campaign.name,
            "day": report.day.isoformat(),
        }
    return render(
        request,
        "reports/daily_report_print.html",
        {
            "report": report,
            "sections": sections,
            "title": title,
            "figures": report.figures,
            "language": report.language,
        },
    )


def _download(report: DailyReport, kind: str) -> FileResponse:
    file = report.pdf if kind == "pdf" else report.xlsx
    if not file:
        raise Http404
    name = f"daily-report-{report.day.isoformat()}-{report.language}.{kind}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


@login_required
def daily_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """Download a daily report's PDF."""
    return _download(_report(request, pk), "pdf")


@login_required
def daily_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """Download a daily report's workbook."""
    return _download(_report(request, pk), "xlsx")


# --- the campaign summary -------------------------------------------------------------------------


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """Show the campaign summary (工作纪实 figures) with its charts."""
    require(request.user, "reports.view")
    campaign = _campaign(request)
    figures = campaign_summary_figures(campaign)
    return render(
        request,
        "reports/summary.html",
        {
            "campaign": campaign,
            "figures": figures,
            "sections": documents.summary_sections(figures),
            "title": gettext("Campaign summary: %(campaign)s") % {"campaign": campaign.name},
        },
    )


@login_required
def summary_pdf(request: HttpRequest) -> HttpResponse:
    """Download the campaign summary as PDF (?lang=en for English)."""
    require(request.user, "reports.view")
    campaign = _campaign(request)
    language = request.GET.get("lang", "zh-hans")
    if language not in dict(REPORT_LANGUAGES):
        language = "zh-hans"
    pdf = documents.summary_pdf(campaign_summary_figures(campaign), language=language, campaign_name=campaign.name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="summary-{campaign.pk}-{language}.pdf"'
    return response


# --- closing a campaign ---------------------------------------------------------------------------


@login_required
def campaign_close(request: HttpRequest) -> HttpResponse:
    """Close the campaign: every checkpoint, the records locked, the retention clock started."""
    require(request.user, "campaign.manage")
    campaign = _campaign(request)
    closure = CampaignClosure.objects.filter(campaign=campaign).first()
    form = CampaignCloseForm(
        request.POST or None,
        initial={"closed_on": timezone.localdate(), "retention_days": services.retention_days_default()},
    )
    if closure is None and request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.campaign_close,
            actor=request.user,
            campaign=campaign,
            closed_on=form.cleaned_data["closed_on"],
            retention_days=form.cleaned_data["retention_days"],
        )
        if done is not None:
            messages.success(request, gettext("The campaign is closed; its records are locked."))
            return redirect(f"{reverse('reports:campaign_close')}?campaign={campaign.pk}")
    return render(
        request,
        "reports/campaign_close.html",
        {
            "campaign": campaign,
            "closure": closure,
            "form": form,
            "title": _("Close the campaign"),
            "today": timezone.localdate(),
        },
        status=422 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def campaign_erase(request: HttpRequest) -> HttpResponse:
    """Erase residents' identifiers now that the retention period is over."""
    require(request.user, "campaign.manage")
    campaign = _campaign(request)
    try:
        services.campaign_erase_personal_data(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Residents' personal identifiers have been erased."))
    return redirect(f"{reverse('reports:campaign_close')}?campaign={campaign.pk}")
