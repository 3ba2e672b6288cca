"""Report endpoints: the dashboard's and the summary's figures as JSON, and making a daily report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from frontline.core.access import require
from frontline.org.models import Campaign
from frontline.org.selectors import current_campaign
from frontline.reports import services
from frontline.reports.figures import campaign_summary_figures, dashboard_figures

router = Router(tags=["reports"])


def _campaign(campaign_id: int | None) -> Campaign:
    if campaign_id:
        return get_object_or_404(Campaign, pk=campaign_id)
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


@router.get("/reports/dashboard", response=dict[str, Any])
def dashboard(request: HttpRequest, campaign_id: int | None = None) -> dict[str, Any]:
    """The command dashboard's figures: today and campaign to date."""
    require(request.user, "dashboard.view")
    return dashboard_figures(_campaign(campaign_id))


@router.get("/reports/summary", response=dict[str, Any])
def summary(request: HttpRequest, campaign_id: int | None = None) -> dict[str, Any]:
    """The campaign summary's figures (工作纪实)."""
    require(request.user, "reports.view")
    return campaign_summary_figures(_campaign(campaign_id))


class DailyReportIn(Schema):
    day: date
    language: str = "zh-hans"
    campaign_id: int | None = None


class DailyReportOut(Schema):
    id: int
    day: date
    language: str
    generated_at: datetime
    pdf_url: str
    xlsx_url: str
    figures: dict[str, Any]


@router.post("/reports/daily", response={201: DailyReportOut})
def daily_generate(request: HttpRequest, payload: DailyReportIn) -> tuple[int, dict[str, Any]]:
    """Make (or remake) a day's report and archive it."""
    require(request.user, "reports.generate")
    report = services.daily_report_generate(
        actor=request.user, campaign=_campaign(payload.campaign_id), day=payload.day, language=payload.language
    )
    return 201, {
        "id": report.pk,
        "day": report.day,
        "language": report.language,
        "generated_at": report.generated_at,
        "pdf_url": reverse("reports:daily_pdf", args=[report.pk]),
        "xlsx_url": reverse("reports:daily_xlsx", args=[report.pk]),
        "figures": report.figures,
    }
