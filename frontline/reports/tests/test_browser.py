"""Must-show 5: a leader opens the dashboard, follows a figure to its list, and downloads the daily report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from frontline.conftest import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_follows_a_figure_and_downloads_the_daily_report(
    generated: Any, desktop: Any, artifacts: Path, tmp_path: Path
) -> None:
    page = desktop
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        login(page, "leader")
        page.goto(page.base_url + "/reports/")
        page.wait_for_selector("#chart-trend canvas")
        people = page.locator('[data-value="people"]').inner_text()
        assert int(people) > 0
        page.screenshot(path=str(artifacts / "dashboard-zh-desktop.png"), full_page=True)

        # Follow "people turned back" to the passage list it counts.
        turned = int(page.locator('[data-value="turned_back"]').inner_text())
        page.click('[data-figure-link="turned_back"]')
        page.wait_for_load_state("networkidle")
        assert "/checkpoints/passages/" in page.url or "passage" in page.url
        assert int(page.locator("#list-total").inner_text()) == turned
        page.screenshot(path=str(artifacts / "followed-turned-back.png"), full_page=True)

        # Make today's report and download it as PDF and Excel.
        page.goto(page.base_url + "/reports/daily/")
        page.click("#generate")
        page.wait_for_selector("#download-pdf")
        page.screenshot(path=str(artifacts / "daily-report-zh.png"), full_page=True)
        with page.expect_download() as pdf_info:
            page.click("#download-pdf")
        pdf = pdf_info.value
        assert pdf.suggested_filename.endswith(".pdf")
        assert Path(pdf.path()).read_bytes().startswith(b"%PDF")
        with page.expect_download() as xlsx_info:
            page.click("#download-xlsx")
        xlsx = xlsx_info.value
        assert xlsx.suggested_filename.endswith(".xlsx")
        assert Path(xlsx.path()).read_bytes()[:2] == b"PK"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_look_right_on_a_phone_and_in_english(generated: Any, phone: Any, desktop: Any, artifacts: Path) -> None:
    login(phone, "leader")
    phone.goto(phone.base_url + "/reports/")
    phone.wait_for_selector("#chart-trend canvas")
    phone.screenshot(path=str(artifacts / "dashboard-zh-phone.png"), full_page=True)
    login(desktop, "leader")
    desktop.goto(desktop.base_url + "/reports/?wall=1")
    desktop.wait_for_selector("#chart-checkpoints canvas")
    desktop.screenshot(path=str(artifacts / "dashboard-wall.png"))
    desktop.context.add_cookies([{"name": "django_language", "value": "en", "url": desktop.base_url}])
    desktop.goto(desktop.base_url + "/reports/summary/")
    assert "Campaign summary" in desktop.content()
    desktop.screenshot(path=str(artifacts / "summary-en.png"), full_page=True)
    # Wrong input: a report for a day that has not come.
    desktop.goto(desktop.base_url + "/reports/daily/")
    desktop.fill("#id_day", "2099-01-01")
    desktop.click("#generate")
    desktop.wait_for_selector(".invalid-feedback")
    assert "has not come" in desktop.content()
    desktop.screenshot(path=str(artifacts / "daily-wrong-date-en.png"))
