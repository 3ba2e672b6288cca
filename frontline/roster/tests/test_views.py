"""Roster pages: who may open them, what they show, Chinese first and English second."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from frontline.core.models import Notification
from frontline.roster import planning, services
from frontline.roster.models import CalendarToken, RosterVersion, RuleSetting
from frontline.roster.tests.test_attendance import local, published_duties

TL = 3.0


@pytest.fixture
def draft(roster_org: Any) -> RosterVersion:
    return services.roster_create(
        actor=roster_org.office,
        campaign=roster_org.campaign,
        name="本周排班",
        start_date=roster_org.start,
        end_date=roster_org.start + timedelta(days=3),
        batch=roster_org.batch,
        time_limit=TL,
    )


@pytest.mark.django_db
def test_who_may_open_the_roster_pages(roster_org: Any, client_as: Any) -> None:
    office, duty, viewer, lawyer = (
        client_as(u) for u in (roster_org.office, roster_org.duty, roster_org.viewer, roster_org.lawyer)
    )
    assert office.get("/roster/").status_code == 200
    assert viewer.get("/roster/").status_code == 200
    assert duty.get("/roster/").status_code == 403
    assert lawyer.get("/roster/me/").status_code == 403
    assert viewer.get("/roster/new/").status_code == 403
    assert duty.get("/roster/me/").status_code == 200
    assert viewer.post("/roster/rules/", {}).status_code == 403


@pytest.mark.django_db
def test_generate_from_the_page_then_grid_and_staff_views(roster_org: Any, client_as: Any) -> None:
    c = client_as(roster_org.office)
    response = c.post(
        "/roster/new/",
        {
            "name": "页面生成",
            "batch": roster_org.batch.pk,
            "start_date": roster_org.start.isoformat(),
            "end_date": (roster_org.start + timedelta(days=2)).isoformat(),
            "time_limit": 3,
        },
    )
    assert response.status_code == 302
    version = RosterVersion.objects.get(roster__name="页面生成")
    html = c.get(response["Location"]).content.decode()
    assert "roster-grid" in html and "富强东门" in html and "带班领导" in html
    name = version.assignments.first().staff.name
    assert name in html
    assert name in c.get(response["Location"] + "?view=staff").content.decode()
    # A wrong date range is refused on the field, in Chinese.
    bad = c.post(
        "/roster/new/",
        {
            "name": "x",
            "start_date": roster_org.start.isoformat(),
            "end_date": (roster_org.start - timedelta(days=1)).isoformat(),
            "time_limit": 3,
        },
    )
    assert bad.status_code == 200 and 'data-field="end_date"' in bad.content.decode()


@pytest.mark.django_db
def test_cell_edit_shows_breaches_live_and_after_saving(roster_org: Any, client_as: Any, draft: RosterVersion) -> None:
    c = client_as(roster_org.office)
    day = draft.roster.start_date + timedelta(days=1)
    other = draft.assignments.filter(day=day, shift="13:00-19:00").exclude(checkpoint=roster_org.checkpoint_a).first()
    params = {"day": day.isoformat(), "post": roster_org.checkpoint_a.pk, "shift": "07:00-13:00"}
    assert c.get(f"/roster/versions/{draft.pk}/cell/", params).status_code == 200
    live = c.post(f"/roster/versions/{draft.pk}/cell/check/", {**params, "staff": [other.staff_id]}).content.decode()
    assert "fl-breach" in live and other.staff.name in live
    saved = c.post(f"/roster/versions/{draft.pk}/cell/", {**params, "staff": [other.staff_id], "locked": "on"})
    html = saved.content.decode()
    assert "fl-breach" in html
    assert draft.assignments.get(day=day, checkpoint=roster_org.checkpoint_a, shift="07:00-13:00").locked
    page = c.get(f"/roster/versions/{draft.pk}/").content.decode()
    assert 'id="breaches"' in page and "bi-lock-fill" in page


@pytest.mark.django_db
def test_excel_export_and_print_view(roster_org: Any, client_as: Any, draft: RosterVersion) -> None:
    response = client_as(roster_org.viewer).get(f"/roster/versions/{draft.pk}/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 4
    grid = wb.worksheets[0]
    assert grid.cell(1, 1).value == "防控点"
    # Sheet names and day headers in Chinese: the weekday too (12-03 星期四, not 12-03 Thu).
    assert wb.sheetnames[1:] == ["按人员", "带班领导", "执勤班次"]
    assert grid.cell(1, 3).value.endswith(("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"))
    names = {a.staff.name for a in draft.assignments.all()}
    cells = " ".join(str(c.value) for row in grid.iter_rows(min_row=2) for c in row if c.value)
    assert any(n in cells for n in names)
    assert "window.print()" in client_as(roster_org.viewer).get(f"/roster/versions/{draft.pk}/").content.decode()


@pytest.mark.django_db
def test_rules_page_saves_settings_and_refuses_bad_shifts(roster_org: Any, client_as: Any) -> None:
    from frontline.roster.models import RULE_DEFAULTS

    c = client_as(roster_org.office)
    assert "最大连续执勤天数" in c.get("/roster/rules/").content.decode()
    data: dict[str, Any] = {}
    for key, (enabled, hard, weight, value) in RULE_DEFAULTS.items():
        data.update({f"{key}-weight": weight, f"{key}-value": value})
        if enabled:
            data[f"{key}-enabled"] = "on"
        if hard:
            data[f"{key}-hard"] = "on"
    data["max_shifts_per_week-value"] = 4
    data.update(
        {
            "office-office_shift_pattern": "08:00-20:00, 20:00-08:00",
            "office-office_staff": 1,
            "office-leader_rota": "on",
        }
    )
    assert c.post("/roster/rules/", data).status_code == 302
    assert RuleSetting.objects.get(key="max_shifts_per_week").value == 4
    data["office-office_shift_pattern"] = "8点到20点"
    bad = c.post("/roster/rules/", data)
    assert bad.status_code == 200 and "8点到20点" in bad.content.decode()


@pytest.mark.django_db
def test_my_duties_on_a_phone_clock_in_and_calendar_feed(roster_org: Any, client_as: Any) -> None:
    import time_machine

    me = roster_org.staff[-1]
    published_duties(roster_org, me)
    c = client_as(roster_org.duty)
    with time_machine.travel(local(roster_org.start, 6, 45), tick=False):
        html = c.get("/roster/me/").content.decode()
        assert "clock-button" in html and "富强东门" in html
        response = c.post("/roster/me/clock/", {"action": "in"}, follow=True)
        body = response.content.decode()
        assert "已于" in body and "签到" in body, body[body.find("<main") :][:1500]
    token = CalendarToken.objects.get(staff=me).token
    feed = client_as(roster_org.viewer).get(f"/roster/calendar/{token}.ics")
    body = feed.content.decode()
    assert feed["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 3 and "富强东门" in body
    assert client_as(roster_org.viewer).get("/roster/calendar/not-a-token.ics").status_code == 404


@pytest.mark.django_db
def test_pages_switch_to_english(roster_org: Any, client_as: Any) -> None:
    c = client_as(roster_org.office)
    assert "排班表" in c.get("/roster/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/roster/"})
    html = c.get("/roster/").content.decode()
    assert "Duty rosters" in html
    assert "Attendance" in c.get("/roster/attendance/").content.decode()


@pytest.mark.django_db
def test_swap_request_from_the_phone_and_decision_by_the_office(roster_org: Any, client_as: Any) -> None:
    me = roster_org.staff[-1]
    duties = published_duties(roster_org, me)
    future = duties[-1]
    substitute = roster_org.staff[0]
    c = client_as(roster_org.duty)
    assert c.post(f"/roster/me/swap/{future.pk}/", {"substitute": substitute.pk, "reason": ""}).status_code == 200
    assert (
        c.post(f"/roster/me/swap/{future.pk}/", {"substitute": substitute.pk, "reason": "孩子生病"}).status_code == 302
    )
    office = client_as(roster_org.office)
    assert "孩子生病" in office.get("/roster/swaps/").content.decode()
    from frontline.roster.models import SwapRequest

    swap = SwapRequest.objects.get()
    office.post(f"/roster/swaps/{swap.pk}/decide/", {"decision": "reject", "note": "人手不足"})
    swap.refresh_from_db()
    assert swap.status == "rejected" and swap.decision_note == "人手不足"
    assert timezone.now() < future.starts_at


def _published(roster_org: Any, *, name: str = "一周", first: int = 0, last: int = 4) -> RosterVersion:
    """Generate and publish a roster over days first..last from today."""
    version = services.roster_create(
        actor=roster_org.office,
        campaign=roster_org.campaign,
        name=name,
        start_date=roster_org.start + timedelta(days=first),
        end_date=roster_org.start + timedelta(days=last),
        batch=roster_org.batch,
        time_limit=TL,
    )
    return services.version_publish(actor=roster_org.office, version=version)


@pytest.mark.django_db(transaction=True)
def test_recording_sick_leave_over_duties_shows_the_proposed_repair(
    roster_org: Any, client_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    version = _published(roster_org, name="本周排班", last=3)
    day = roster_org.start + timedelta(days=1)
    sick = version.assignments.filter(day=day, checkpoint__isnull=False).first().staff
    c = client_as(roster_org.office)
    form = {"staff": sick.pk, "kind": "sick", "start_date": day.isoformat(), "end_date": day.isoformat(), "reason": ""}
    response = c.post("/roster/leave/new/", form, follow=True)
    proposal = RosterVersion.objects.get(status=RosterVersion.Status.PROPOSED)
    assert response.redirect_chain[-1][0] == f"/roster/versions/{proposal.pk}/"
    page = response.content.decode()
    assert f"{sick.name}在这几天的执勤已改由他人承担" in page
    assert not proposal.assignments.filter(staff=sick, day=day).exists()
    # Wrong dates: a translated error that names the field (not "constraint … is violated"), nothing saved.
    bad = {**form, "start_date": (day + timedelta(days=2)).isoformat()}
    response = c.post("/roster/leave/new/", bad)
    assert response.status_code == 200 and "结束日期：不能早于开始日期。" in response.content.decode()
    assert RosterVersion.objects.filter(status=RosterVersion.Status.PROPOSED).count() == 1
    assert "约束" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_leave_over_two_rosters_leads_the_office_through_both_proposed_repairs(
    roster_org: Any, client_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    rosters = []
    for name, first in (("前半周", 0), ("后半周", 3)):
        rosters.append(_published(roster_org, name=name, first=first, last=first + 2).roster)
    # Someone on duty in both halves goes on sick leave over the whole week.
    first_half = {a.staff_id for a in rosters[0].versions.get().assignments.filter(checkpoint__isnull=False)}
    second_half = {a.staff_id for a in rosters[1].versions.get().assignments.filter(checkpoint__isnull=False)}
    sick = next(p for p in roster_org.staff if p.pk in first_half & second_half)
    c = client_as(roster_org.office)
    last = roster_org.start + timedelta(days=5)
    form = {"staff": sick.pk, "kind": "sick", "start_date": roster_org.start, "end_date": last, "reason": ""}
    response = c.post("/roster/leave/new/", form, follow=True)
    first, second = (RosterVersion.objects.get(roster=r, status=RosterVersion.Status.PROPOSED) for r in rosters)
    assert response.redirect_chain[-1][0] == f"/roster/versions/{first.pk}/"
    page = response.content.decode()
    assert f"{sick.name}在这几天的执勤已在2张排班表中改由他人承担" in page
    assert f'href="/roster/versions/{second.pk}/"' in page.split('id="other-repairs"')[1].split("</div>")[0]
    # Approving the first leads to the second; the second no longer lists the first.
    response = c.post(f"/roster/versions/{first.pk}/publish/", follow=True)
    assert response.redirect_chain[-1][0] == f"/roster/versions/{second.pk}/"
    assert 'id="other-repairs"' not in response.content.decode()
    response = c.post(f"/roster/versions/{second.pk}/discard/", follow=True)
    assert response.redirect_chain[-1][0] == f"/roster/versions/{second.pk}/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (RosterVersion.Status.PUBLISHED, RosterVersion.Status.DISCARDED)
    assert not first.assignments.filter(staff=sick, day__gte=timezone.localdate()).exists()


def _sick_all_week(roster_org: Any, person: Any) -> None:
    services.unavailability_save(
        actor=roster_org.office,
        staff=person,
        kind="sick",
        start_date=roster_org.start,
        end_date=roster_org.start + timedelta(days=4),
    )


@pytest.mark.django_db(transaction=True)
def test_a_second_absence_on_a_roster_folds_the_open_repair_into_one_proposal(
    roster_org: Any, client_as: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    version = _published(roster_org)
    on_duty = list(dict.fromkeys(a.staff for a in version.assignments.filter(checkpoint__isnull=False)))
    first_sick, second_sick = on_duty[:2]
    _sick_all_week(roster_org, first_sick)
    earlier = RosterVersion.objects.get(status=RosterVersion.Status.PROPOSED)
    _sick_all_week(roster_org, second_sick)
    # The first proposal may hand duties to the second person: it is replaced by one that repairs both.
    earlier.refresh_from_db()
    assert earlier.status == RosterVersion.Status.DISCARDED
    both = RosterVersion.objects.get(status=RosterVersion.Status.PROPOSED)
    assert (both.repair_staff, both.based_on_id) == (second_sick, version.pk)
    assert first_sick.name in both.note and second_sick.name in both.note
    response = client_as(roster_org.office).post(f"/roster/versions/{both.pk}/publish/", follow=True)
    assert "已发布" in response.content.decode()
    both.refresh_from_db()
    assert both.status == RosterVersion.Status.PUBLISHED
    today = timezone.localdate()
    assert not both.assignments.filter(staff__in=[first_sick, second_sick], day__gte=today).exists()
    assert not [b for b in planning.check_version(both) if b.hard]
    # Everyone else keeps what they had, except those who took over the two people's duties.
    kept = {(a.staff_id, a.day, a.checkpoint_id, a.shift) for a in version.assignments.all()}
    now = {(a.staff_id, a.day, a.checkpoint_id, a.shift) for a in both.assignments.all()}
    moved = {row for row in kept - now if row[0] not in (first_sick.pk, second_sick.pk)}
    assert len(moved) <= len(kept - now - moved)


@pytest.mark.django_db(transaction=True)
def test_leave_for_someone_an_open_repair_hands_duties_to_remakes_that_repair(
    roster_org: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    version = _published(roster_org)
    sick = version.assignments.filter(checkpoint__isnull=False).first().staff
    _sick_all_week(roster_org, sick)
    earlier = RosterVersion.objects.get(status=RosterVersion.Status.PROPOSED)
    before = {(a.staff_id, a.day) for a in version.assignments.all()}
    stand_in = next(a for a in earlier.assignments.all() if (a.staff_id, a.day) not in before)
    # The stand-in has no published duty that day; only the open proposal gives them one.
    services.unavailability_save(
        actor=roster_org.office, staff=stand_in.staff, kind="leave", start_date=stand_in.day, end_date=stand_in.day
    )
    earlier.refresh_from_db()
    assert earlier.status == RosterVersion.Status.DISCARDED
    remade = RosterVersion.objects.get(status=RosterVersion.Status.PROPOSED)
    assert remade.based_on_id == version.pk
    assert not remade.assignments.filter(staff=sick, day__gte=timezone.localdate()).exists()
    assert not remade.assignments.filter(staff=stand_in.staff, day=stand_in.day).exists()
    assert not [b for b in planning.check_version(remade) if b.hard]


@pytest.mark.django_db(transaction=True)
def test_what_an_english_speaking_office_records_is_stored_for_everyone_in_chinese(
    roster_org: Any, client_as: Any, monkeypatch: Any
) -> None:
    # The note of the proposed repair and the office's notification are read by the whole
    # office: they are written in the campaign's language, not in the language of whoever acted.
    monkeypatch.setattr(services, "REPAIR_TIME_LIMIT", TL)
    version = _published(roster_org)
    sick = version.assignments.filter(checkpoint__isnull=False).first().staff
    c = client_as(roster_org.office)
    c.post("/i18n/setlang/", {"language": "en", "next": "/roster/"})
    form = {
        "staff": sick.pk,
        "kind": "sick",
        "start_date": roster_org.start,
        "end_date": roster_org.start + timedelta(days=4),
        "reason": "",
    }
    response = c.post("/roster/leave/new/", form, follow=True)
    assert "duties in those days are given to others below" in response.content.decode()  # the page: English
    proposal = RosterVersion.objects.get(status=RosterVersion.Status.PROPOSED)
    assert proposal.note.startswith(f"{sick.name}病假（")
    titles = set(Notification.objects.filter(kind="roster.repair").values_list("title", flat=True))
    assert titles == {f"排班调整待审批：{version.roster.name}"}


@pytest.mark.django_db
def test_a_roster_whose_last_day_is_before_its_first_names_that_field(roster_org: Any, client_as: Any) -> None:
    c = client_as(roster_org.office)
    c.post("/i18n/setlang/", {"language": "en", "next": "/roster/"})
    form = {
        "name": "x",
        "batch": roster_org.batch.pk,
        "start_date": roster_org.start + timedelta(days=2),
        "end_date": roster_org.start,
        "time_limit": 3,
    }
    response = c.post("/roster/new/", form)
    assert response.status_code == 200
    assert "Last day: must not be before the first day." in response.content.decode()
    assert not RosterVersion.objects.exists()
