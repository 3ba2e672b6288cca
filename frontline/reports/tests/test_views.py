"""The reports pages: who may see them, what they show, and the dashboard's pinned query count."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from frontline.checkpoints.models import DailyTally
from frontline.org.models import Campaign
from frontline.reports.models import DailyReport


@pytest.fixture
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader", 200), ("viewer", 200), ("office", 200), ("duty", 403), ("liaison_a", 403), ("lawyer", 403)],
)
def test_only_the_bureau_sees_the_dashboard(org: Any, client_as: Any, who: str, status: int) -> None:
    assert client_as(org.users[who]).get(reverse("reports:dashboard")).status_code == status


def test_the_dashboard_shows_todays_figures_linked_to_their_lists(generated: Any, client_as: Any) -> None:
    g = generated
    response = client_as(g.org.leader).get(reverse("reports:dashboard"))
    body = response.content.decode()
    people = sum(t.people_in + t.people_out for t in DailyTally.objects.filter(day=g.today))
    assert f'data-value="people">{people}<' in body
    tiles = {t["key"]: t for t in response.context["tiles"]}
    for key in (
        "people",
        "turned_back",
        "fever_events",
        "measures_open",
        "missed_today",
        "escalations_overdue",
        "on_duty",
    ):
        assert key in tiles, key
    linked = [t for t in response.context["tiles"] if t["url"]]
    for tile in linked:
        assert f'href="{tile["url"]}"'.replace("&", "&amp;") in body
    assert 'hx-trigger="every 60s"' in body
    assert "echarts.min.js" in body and 'id="dashboard-chart-data"' in body


def test_the_hotline_and_legal_aid_tiles_lead_to_lists_of_just_what_they_count(generated: Any, client_as: Any) -> None:
    leader = client_as(generated.org.leader)
    tiles = {t["key"]: t for t in leader.get(reverse("reports:dashboard")).context["tiles"]}
    office = client_as(generated.org.office)  # the desk lists are the office's
    for key in ("tips_open", "legal_aid_open"):
        tile = tiles[key]
        assert "open=1" in tile["url"], tile["url"]
        listed = office.get(tile["url"]).context["total"]
        everything = office.get(tile["url"].split("?")[0]).context["total"]
        assert listed == tile["today"] and everything > listed, (key, listed, tile["today"], everything)


def test_the_dashboard_refreshes_through_its_panel_and_has_a_wall_mode(generated: Any, client_as: Any) -> None:
    c = client_as(generated.org.leader)
    panel = c.get(reverse("reports:dashboard_panel")).content.decode()
    assert panel.lstrip().startswith('<div id="dashboard-panel"') and "<html" not in panel
    wall = c.get(reverse("reports:dashboard") + "?wall=1").content.decode()
    assert 'class="fl-wall"' in wall and "fl-sidebar" not in wall and 'id="fullscreen"' in wall


def _tally_days(org: Any, days: int) -> None:
    start = org.campaign.start_date
    for i in range(days):
        for cp in (org.checkpoint_a, org.checkpoint_a2, org.checkpoint_b):
            DailyTally.objects.create(checkpoint=cp, day=start + timedelta(days=i), people_in=i + 1, vehicles=i)


def test_the_dashboards_query_count_does_not_grow_with_data(
    generated: Any, client_as: Any, django_assert_num_queries: Any
) -> None:
    g = generated
    c = client_as(g.org.leader)
    c.get(reverse("reports:dashboard"))  # warm the session
    with django_assert_num_queries(DASHBOARD_QUERIES):
        c.get(reverse("reports:dashboard_panel"))
    DailyTally.objects.all().delete()
    _tally_days(g.org, 11)
    from frontline.health.models import Measure, Person

    for i in range(20):
        p = Person.objects.create(name=f"x{i}", community=g.org.community_a)
        Measure.objects.create(person=p, start_date=g.today, planned_days=14, planned_end=g.today + timedelta(days=13))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        c.get(reverse("reports:dashboard_panel"))


# Session, user, unread count, campaign, then a fixed number per module (none loops over rows).
DASHBOARD_QUERIES = 21


def test_a_leader_makes_a_daily_report_and_downloads_it(generated: Any, client_as: Any, media: Any) -> None:
    g = generated
    c = client_as(g.org.leader)
    response = c.post(reverse("reports:daily_generate"), {"day": g.today.isoformat(), "language": "zh-hans"})
    report = DailyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:daily_detail", args=[report.pk])
    page = c.get(response["Location"]).content.decode()
    assert "日报" in page and reverse("reports:daily_pdf", args=[report.pk]) in page
    pdf = c.get(reverse("reports:daily_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = c.get(reverse("reports:daily_xlsx", args=[report.pk]))
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    listing = c.get(reverse("reports:daily_list")).content.decode()
    assert g.today.isoformat() in listing


def test_a_report_for_a_future_day_is_refused_on_the_field(org: Any, client_as: Any, media: Any) -> None:
    from django.utils import timezone

    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_as(org.leader).post(
        reverse("reports:daily_generate"), {"day": tomorrow.isoformat(), "language": "zh-hans"}
    )
    assert response.status_code == 422
    assert "尚未到来" in response.content.decode() or "has not come" in response.content.decode()
    assert not DailyReport.objects.exists()


def test_a_viewer_may_read_reports_but_not_make_them(org: Any, client_as: Any, media: Any) -> None:
    c = client_as(org.viewer)
    assert c.get(reverse("reports:daily_list")).status_code == 200
    assert (
        c.post(
            reverse("reports:daily_generate"), {"day": org.campaign.start_date.isoformat(), "language": "en"}
        ).status_code
        == 403
    )


def test_pages_are_chinese_by_default_and_english_on_request(generated: Any, client_as: Any) -> None:
    c = client_as(generated.org.leader)
    assert "指挥" in c.get(reverse("reports:dashboard")).content.decode()
    c.cookies["django_language"] = "en"
    assert "Command dashboard" in c.get(reverse("reports:dashboard")).content.decode()


def test_the_summary_page_and_pdf(generated: Any, client_as: Any) -> None:
    c = client_as(generated.org.leader)
    page = c.get(reverse("reports:summary")).content.decode()
    assert "<svg" in page
    pdf = c.get(reverse("reports:summary_pdf") + "?lang=en")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_only_the_office_closes_a_campaign_and_bad_input_names_the_field(generated: Any, client_as: Any) -> None:
    g = generated
    assert client_as(g.org.leader).get(reverse("reports:campaign_close")).status_code == 403
    c = client_as(g.org.office)
    response = c.post(
        reverse("reports:campaign_close"),
        {"closed_on": (g.today - timedelta(days=1)).isoformat(), "retention_days": "30", "confirm": "on"},
    )
    assert response.status_code == 422
    assert 'data-field="closed_on"' in response.content.decode()
    assert Campaign.objects.get().status == Campaign.Status.ACTIVE
    response = c.post(
        reverse("reports:campaign_close"), {"closed_on": g.today.isoformat(), "retention_days": "30", "confirm": "on"}
    )
    assert response.status_code == 302
    assert Campaign.objects.get().status == Campaign.Status.CLOSED


def test_the_api_gives_the_dashboard_figures(generated: Any, client_as: Any) -> None:
    c = client_as(generated.org.leader)
    data = c.get("/api/v1/reports/dashboard").json()
    assert data["checkpoints"]["today"]["people"] == sum(
        t.people_in + t.people_out for t in DailyTally.objects.filter(day=generated.today)
    )
    assert client_as(generated.org.duty).get("/api/v1/reports/dashboard").status_code == 403


def test_the_dashboard_counts_open_with_the_desks_own_statuses() -> None:
    from frontline.desk.models import LegalAidRequest, Tip
    from frontline.reports import figures

    assert set(figures.TIP_OPEN) == set(Tip.OPEN_STATUSES)
    assert set(figures.LEGALAID_OPEN) == set(LegalAidRequest.OPEN_STATUSES)
