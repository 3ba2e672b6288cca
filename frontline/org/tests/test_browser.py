"""In Chromium: office staff log in, add a staff member through the pages, switch language and back."""

from __future__ import annotations

import pytest

from frontline.conftest import login
from frontline.org.models import Staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_adds_a_staff_member_and_switches_language(org, desktop, artifacts):
    page = desktop
    login(page, "office")
    page.screenshot(path=artifacts / "01-home-zh.png")
    page.goto(page.base_url + "/org/staff/new/")
    assert "新增工作人员" in page.content()
    page.fill("#id_name", "测试员")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "1990-05-20")
    page.fill("#id_phone", "1381234")  # too short: refused on the field
    page.select_option("#id_unit", str(org.bureau.pk))
    page.click("#save")
    error = page.locator(".invalid-feedback[data-field=phone]")
    assert error.is_visible()
    assert "手机号" in error.inner_text()
    page.screenshot(path=artifacts / "02-phone-error-zh.png", full_page=True)
    page.fill("#id_phone", "138 1234 5678")
    page.click("#save")
    page.wait_for_url("**/org/staff/*/")
    assert "测试员" in page.content()
    assert "138****5678" in page.content()
    page.screenshot(path=artifacts / "03-staff-profile-zh.png", full_page=True)
    assert Staff.objects.filter(name="测试员", sex="F").exists()

    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert "Staff" in page.content() and "Birth date" in page.content()
    page.screenshot(path=artifacts / "04-staff-profile-en.png", full_page=True)
    page.goto(page.base_url + "/org/staff/")
    assert "Export to Excel" in page.content()  # the choice persists across pages
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert "导出" in page.content()
    page.screenshot(path=artifacts / "05-staff-list-zh.png", full_page=True)
