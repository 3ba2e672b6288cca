"""In Chromium: the office generates a roster, edits a cell (breach shown), locks it, re-solves and
publishes; a duty staff member sees their duties on a phone and clocks in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from frontline.conftest import login
from frontline.roster import services
from frontline.roster.models import Attendance, RosterVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick_cell(version: RosterVersion, cp: Any, me: Any) -> tuple[Any, str, Any]:
    """Find a cell at cp to put me and a busy colleague in: me free at that time, the colleague on duty that day."""
    for day in version.roster.days:
        for shift in cp.shift_pattern:
            start = version.assignments.filter(day=day, shift=shift).values_list("starts_at", flat=True).first()
            if start is None or version.assignments.filter(staff=me, starts_at=start).exists():
                continue
            busy = (
                version.assignments.filter(day=day, checkpoint__isnull=False)
                .exclude(shift=shift)
                .exclude(staff=me)
                .select_related("staff")
                .first()
            )
            if busy is not None:
                return day, shift, busy
    raise AssertionError("no cell to edit")


def test_office_generates_edits_locks_resolves_publishes_and_duty_clocks_in(
    roster_org: Any, desktop: Any, phone: Any, artifacts: Any
) -> None:
    today = roster_org.start
    me = roster_org.staff[-1]  # the duty log-in's staff record (张伟)
    cp = roster_org.checkpoint_a
    # The office works at the real time (the solver keeps its own clock); the phone travels to a duty.
    if True:
        page = desktop
        login(page, "office")
        page.goto(page.base_url + "/roster/new/")
        page.fill("#id_name", "浏览器测试排班")
        page.fill("#id_start_date", today.isoformat())
        page.fill("#id_end_date", (today - timedelta(days=1)).isoformat())  # wrong: before the start
        page.fill("#id_time_limit", "3")
        page.click("#save")
        error = page.locator(".invalid-feedback[data-field=end_date]")
        assert error.is_visible() and "结束日期" in error.inner_text()
        page.screenshot(path=artifacts / "01-generate-wrong-dates-zh.png", full_page=True)
        page.fill("#id_end_date", (today + timedelta(days=2)).isoformat())
        page.click("#save")
        page.wait_for_url("**/roster/versions/*/", timeout=60000)
        assert page.locator("#roster-grid").is_visible()
        assert "草稿" in page.locator("#version-status").inner_text()
        page.screenshot(path=artifacts / "02-draft-grid-zh.png", full_page=True)

        version = RosterVersion.objects.get(roster__name="浏览器测试排班")
        day, shift, busy = pick_cell(version, cp, me)
        cell = f'td[data-day="{day.isoformat()}"][data-post="{cp.pk}"][data-shift="{shift}"]'
        page.click(cell + " a")
        page.wait_for_url("**/cell/**")
        # Picking someone who already stands the afternoon shift: the rules are checked live.
        for box in page.locator("#id_staff input:checked").all():
            box.uncheck()
        page.check(f"#id_staff input[value='{busy.staff_id}']")  # busy that day: the rules object at once
        page.wait_for_selector(f"#cell-breaches .fl-breach:has-text('{busy.staff.name}')")
        page.check(f"#id_staff input[value='{me.pk}']")
        page.wait_for_selector(f"#cell-breaches .fl-breach:has-text('{busy.staff.name}')")
        page.screenshot(path=artifacts / "03-cell-live-breach-zh.png", full_page=True)
        page.check("#id_locked")
        with page.expect_navigation():
            page.click("#save")
        assert page.locator(".fl-breach").first.is_visible()
        page.screenshot(path=artifacts / "04-cell-saved-breach-zh.png", full_page=True)

        with page.expect_navigation():
            page.click("#back")
        assert page.locator("#breaches").is_visible()
        locked = page.locator(cell)
        assert locked.locator(".bi-lock-fill").count() == 1
        with page.expect_navigation(timeout=60000):
            page.click("#resolve")
        page.screenshot(path=artifacts / "05-resolved-zh.png", full_page=True)
        assert page.locator("#breaches").count() == 0
        cell_text = locked.inner_text()
        assert busy.staff.name in cell_text and me.name in cell_text
        with page.expect_navigation():
            page.click("#publish")
        assert "已发布" in page.locator("#version-status").inner_text()
        page.screenshot(path=artifacts / "06-published-zh.png", full_page=True)
        with page.expect_navigation():
            page.click("#lang-switch")
        assert "Published" in page.locator("#version-status").inner_text()
        page.screenshot(path=artifacts / "07-published-en.png", full_page=True)
        for n, path in enumerate(["/roster/rules/", "/roster/attendance/", "/roster/swaps/"], start=1):
            page.goto(page.base_url + path)
            assert page.locator("h1").is_visible()
            page.screenshot(path=artifacts / f"07-{n}-office-page-en.png", full_page=True)

    duty = version.assignments.get(day=day, checkpoint=cp, shift=shift, staff=me)
    with time_machine.travel(duty.starts_at - timedelta(minutes=10), tick=True):
        p = phone
        login(p, "duty")
        p.goto(p.base_url + "/roster/me/")
        assert cp.name in p.locator("#current-duty").inner_text()
        assert p.locator("#duty-list .fl-duty").count() >= 1
        p.screenshot(path=artifacts / "08-my-duties-phone-zh.png", full_page=True)
        with p.expect_navigation():
            p.click("#clock-button")
        assert "签到" in p.locator(".alert-success").inner_text()
        assert p.locator("#clocked-in").is_visible()
        p.screenshot(path=artifacts / "09-clocked-in-phone-zh.png", full_page=True)
        with p.expect_navigation():
            p.click("#lang-switch")
        assert "Clock out" in p.content()
        p.screenshot(path=artifacts / "10-my-duties-phone-en.png", full_page=True)
    row = Attendance.objects.get(staff=me)
    assert row.clock_in is not None and row.checkpoint_id == cp.pk


def test_a_clock_in_tapped_without_network_is_sent_when_it_returns(roster_org: Any, phone: Any, artifacts: Any) -> None:
    from frontline.roster.tests.test_attendance import local, published_duties

    me = roster_org.staff[-1]
    published_duties(roster_org, me)
    gate = local(roster_org.start, 6, 50)
    with time_machine.travel(gate, tick=True):
        phone.clock.install(time=gate)  # the phone's clock agrees with ours
        login(phone, "duty")
        phone.goto(phone.base_url + "/roster/me/")
        phone.context.set_offline(True)
        phone.click("#clock-button")
        pending = phone.locator("#clock-pending")
        pending.wait_for(state="visible")
        assert "06:50 的签到已保存在本机" in pending.inner_text()
        phone.screenshot(path=artifacts / "11-clock-in-kept-offline-phone-zh.png", full_page=True)
        assert not Attendance.objects.filter(staff=me).exists()
        with phone.expect_navigation():
            phone.context.set_offline(False)  # the phone is told the network is back, and sends the tap
        assert phone.locator("#clocked-in").inner_text() == "06:50"
        assert phone.locator("#clock-pending").is_hidden()
        phone.screenshot(path=artifacts / "12-clock-in-sent-phone-zh.png", full_page=True)
    row = Attendance.objects.get(staff=me)
    assert row.status == Attendance.Status.PRESENT and abs((row.clock_in - gate).total_seconds()) < 120


def test_a_clock_out_kept_offline_is_sent_when_the_page_opens_after_the_duty(roster_org: Any, phone: Any) -> None:
    from frontline.roster.tests.test_attendance import local, published_duties

    me = roster_org.staff[-1]
    published_duties(roster_org, me, days=1)
    end = local(roster_org.start, 13, 5)
    with time_machine.travel(end, tick=True):
        services.attendance_clock(actor=roster_org.duty, staff=me, action="in", at=local(roster_org.start, 6, 55))
        phone.clock.install(time=end)
        login(phone, "duty")
        phone.goto(phone.base_url + "/roster/me/")
        phone.context.set_offline(True)
        phone.click("#clock-button")
        phone.locator("#clock-pending").wait_for(state="visible")
        assert "13:05 的签退已保存在本机" in phone.locator("#clock-pending").inner_text()
        phone.close()  # the officer puts the phone away; the tap stays in its storage
    later = local(roster_org.start, 16, 0)
    with time_machine.travel(later, tick=True):
        page = phone.context.new_page()
        page.clock.install(time=later)
        phone.context.set_offline(False)
        with page.expect_navigation():
            page.goto(phone.base_url + "/roster/me/")  # no duty within the hour now: the kept tap is still sent
        page.wait_for_load_state("networkidle")
        assert "13:05" in page.locator(".alert-success").inner_text()
        assert page.locator("#clock-pending").is_hidden()
    row = Attendance.objects.get(staff=me)
    assert row.sent_late and abs((row.clock_out - end).total_seconds()) < 120
