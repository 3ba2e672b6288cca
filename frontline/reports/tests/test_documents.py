"""Daily report archive and files; PDFs embed a CJK font and draw their charts (must-show 2)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from frontline.core.errors import DomainError
from frontline.core.models import AuditLog
from frontline.reports import documents, services
from frontline.reports.figures import campaign_summary_figures
from frontline.reports.models import DailyReport


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_embeds_cjk_font(pdf: bytes, tmp_path: Path) -> None:
    fonts = pdf_fonts(pdf, tmp_path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    # Columns: name type encoding emb sub uni object ID; every CJK font must be embedded.
    assert all(line.split()[-5] == "yes" for line in cjk), fonts


@pytest.fixture
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield tmp_path / "media"


def test_a_daily_report_is_archived_with_its_pdf_and_workbook(generated: Any, media: Path, tmp_path: Path) -> None:
    g = generated
    report = services.daily_report_generate(actor=g.org.leader, campaign=g.org.campaign, day=g.today)
    assert report.figures["checkpoints"]["today"]["people"] > 0
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert_embeds_cjk_font(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert "日报" in text and "检查人数" in text
    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    figures = wb.worksheets[0]
    values = {row[1]: row[2] for row in figures.iter_rows(min_row=2, values_only=True) if row[1]}
    people = report.figures["checkpoints"]["today"]["people"]
    to_date = report.figures["checkpoints"]["to_date"]["people"]
    assert any(v == f"{people} / {to_date}" for v in values.values()), values
    assert AuditLog.objects.filter(action="report.generate", target_id=str(report.pk)).exists()


def test_making_a_report_again_replaces_the_archived_one(generated: Any, media: Path) -> None:
    g = generated
    first = services.daily_report_generate(actor=g.org.leader, campaign=g.org.campaign, day=g.today)
    second = services.daily_report_generate(actor=g.org.office, campaign=g.org.campaign, day=g.today)
    assert first.pk == second.pk
    assert DailyReport.objects.count() == 1
    english = services.daily_report_generate(actor=g.org.office, campaign=g.org.campaign, day=g.today, language="en")
    assert english.pk != first.pk and DailyReport.objects.count() == 2


def test_an_english_report_is_in_english(generated: Any, media: Path, tmp_path: Path) -> None:
    g = generated
    report = services.daily_report_generate(actor=g.org.leader, campaign=g.org.campaign, day=g.today, language="en")
    text = pdf_text(report.pdf.read(), tmp_path)
    assert "Daily report of" in text and "People checked" in text


@pytest.mark.parametrize(("days", "field"), [(1, "day"), (-30, "day")], ids=["future", "before-the-campaign"])
def test_a_report_is_refused_for_a_day_outside_the_campaign(org: Any, media: Path, days: int, field: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(DomainError) as exc:
        services.daily_report_generate(
            actor=org.leader, campaign=org.campaign, day=timezone.localdate() + timedelta(days=days)
        )
    assert exc.value.field == field
    assert not DailyReport.objects.exists()


def test_the_evening_job_makes_the_report_once_after_nine(generated: Any, media: Path, clock: Any) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from frontline.core.jobs import job_run

    g = generated
    made = job_run("reports_daily")  # 15:30: yesterday's (missed) report only
    assert made == [f"{g.org.campaign.pk}:{g.days[-2]}"]
    clock.move_to(
        datetime.combine(g.today, datetime.min.time()).replace(hour=21, minute=5, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    assert job_run("reports_daily") == [f"{g.org.campaign.pk}:{g.today}"]
    assert job_run("reports_daily") == []
    report = DailyReport.objects.get(day=g.today)
    assert report.trigger == DailyReport.Trigger.SCHEDULED and report.language == "zh-hans"


def _summary_pdf_checked(campaign: Any, tmp_path: Path, artifacts: Path, name: str) -> bytes:
    figures = campaign_summary_figures(campaign)
    pdf = documents.summary_pdf(figures, language="zh-hans", campaign_name=campaign.name)
    assert_embeds_cjk_font(pdf, tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert "工作纪实" in text and "日均检查人数" in text
    (artifacts / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(artifacts / f"{name}.pdf"), str(artifacts / name)], check=True)
    pages = sorted(artifacts.glob(f"{name}-*.png"))
    assert pages
    # The first page carries the charts: count the pixels of the chart colours (blue and orange lines, bars).
    from PIL import Image

    image = Image.open(pages[0]).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    chart_pixels = sum(n for n, rgb in colours if rgb in {(43, 108, 176), (221, 107, 32)})
    assert chart_pixels > 500, chart_pixels
    return pdf


def test_the_summary_pdf_is_chinese_with_charts(generated: Any, tmp_path: Path, artifacts: Path) -> None:
    _summary_pdf_checked(generated.org.campaign, tmp_path, artifacts, "summary-generated")


def test_the_demo_campaigns_summary_pdf_renders_in_chinese_with_charts(
    db: Any, tmp_path: Path, artifacts: Path
) -> None:
    """Must-show 2, on the demo campaign as `make run` loads it."""
    from frontline.org.models import Campaign

    call_command("load_demo", stdout=io.StringIO())
    _summary_pdf_checked(Campaign.objects.get(), tmp_path, artifacts, "summary-demo")
