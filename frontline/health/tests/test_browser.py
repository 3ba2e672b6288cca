"""Browser tests in Chromium: the isolation journey of a returnee, and the checkpoint warning."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from frontline.conftest import login
from frontline.core.crypto import blind_index
from frontline.core.models import Notification
from frontline.health import services
from frontline.health.models import Escalation, HealthReport, Measure, Person
from frontline.health.tests.conftest import local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_for(page, check, tries=100):
    """Poll the database while the page's scripts sync (bounded; no fixed sleeps)."""
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(100)
    return check()


def _register_at_gate(page, org, id_number, *, name="", temperature="36.6"):
    page.goto(page.base_url + "/checkpoints/field/")
    page.select_option("#checkpoint", str(org.checkpoint_a.pk))
    page.fill("#id_number", id_number)
    if name:
        page.click("#more summary")
        page.fill("#p-name", name)
    page.fill("#temperature", temperature)


def test_a_returnee_is_isolated_reports_twice_and_a_fever_is_escalated_to_closed(
    org, desktop, phone, new_id, artifacts
):
    from frontline.checkpoints.models import Passage

    number = new_id("420102")
    # 1. Registered at a checkpoint by the duty staff, on a phone.
    login(phone, "duty")
    _register_at_gate(phone, org, number, name="武返包")
    phone.click("#outcome-allowed")
    assert _wait_for(phone, lambda: Passage.objects.filter(id_number_hash=blind_index("id_number", number)).exists())
    phone.screenshot(path=str(artifacts / "1-gate-phone.png"))

    tomorrow = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(local(tomorrow, 7, 40), tick=True) as clock:
        # 2. The office puts the returnee on the watch list and under home isolation.
        login(desktop, "office")
        desktop.goto(desktop.base_url + "/health/people/new/")
        desktop.fill("#id_name", "武返包")
        desktop.fill("#id_id_number", number)
        desktop.select_option("#id_community", str(org.community_a.pk))
        desktop.check("input[name=category_codes][value=returnee]")
        desktop.select_option("#id_found_by", "checkpoint")
        desktop.click("#save")
        assert "经过卡口" in desktop.inner_text("#timeline")  # the passage is on the person's timeline
        desktop.click("text=开始管控")
        desktop.select_option("#id_kind", "home")
        desktop.click("#save")
        desktop.wait_for_selector("#report-qr")
        desktop.screenshot(path=str(artifacts / "2-measure-desktop.png"), full_page=True)
        link = desktop.get_attribute("#report-link", "href")
        measure = Measure.objects.get(person__name="武返包")
        assert measure.kind == "home" and measure.planned_days == 14

        # 3. The person opens their link on a phone and reports in the morning ...
        phone.context.clear_cookies()
        phone.goto(link)
        assert "武**" in phone.inner_text("#who") or "武*" in phone.inner_text("#who")
        clock.move_to(local(tomorrow, 8, 5))
        phone.fill("input[name=temperature]", "36.6")
        phone.click("#self-report-submit")
        phone.wait_for_selector("#report-done.alert-success")
        phone.screenshot(path=str(artifacts / "3-report-morning-phone.png"), full_page=True)
        # ... and in the afternoon: 38.2.
        clock.move_to(local(tomorrow, 15, 10))
        phone.goto(link)
        assert phone.input_value("select[name=slot]") == "afternoon"
        phone.fill("input[name=temperature]", "38.2")
        phone.click("#self-report-submit")
        phone.wait_for_selector("#report-done.alert-danger")
        phone.screenshot(path=str(artifacts / "4-report-fever-phone.png"), full_page=True)
        assert HealthReport.objects.filter(measure=measure, superseded=False, reported_by="self").count() == 2
        escalation = Escalation.objects.get(person__name="武返包")
        assert escalation.source == "report"

        # 4. The liaison moves the case through every state to closed.
        login(desktop, "liaison_a")
        desktop.goto(desktop.base_url + "/health/escalations/")
        desktop.screenshot(path=str(artifacts / "5-board-desktop.png"))
        desktop.click(f"[data-escalation='{escalation.pk}']")
        for state, to_whom in [
            ("community_notified", "富强社区网格员"),
            ("handed_to_health_dept", "区卫健局疾控科"),
            ("at_hospital", "市第四医院"),
        ]:
            desktop.select_option("#id_to_state", state)
            desktop.fill("#id_to_whom", to_whom)
            desktop.click("#advance-submit")
            desktop.wait_for_selector(f"#steps >> text={to_whom}")
        # A wrong step first: closing without an outcome is refused on the field.
        desktop.select_option("#id_to_state", "closed")
        desktop.click("#advance-submit")
        assert desktop.is_visible("[data-field=outcome]")
        desktop.screenshot(path=str(artifacts / "6-missing-outcome-desktop.png"), full_page=True)
        desktop.select_option("#id_to_state", "closed")
        desktop.select_option("#id_outcome", "excluded")
        desktop.click("#advance-submit")
        desktop.wait_for_selector("#escalation-state >> text=已结案")
        desktop.screenshot(path=str(artifacts / "7-closed-desktop.png"), full_page=True)
    escalation.refresh_from_db()
    assert escalation.state == "closed" and escalation.outcome == "excluded"
    assert list(escalation.steps.values_list("to_state", flat=True)) == [
        "detected",
        "community_notified",
        "handed_to_health_dept",
        "at_hospital",
        "closed",
    ]
    # At the hospital the home isolation ended, so the personal link stops working.
    phone.goto(link)
    assert phone.is_visible("#link-closed")


def test_a_person_under_isolation_at_the_gate_shows_the_red_warning_and_the_liaison_is_told(
    org, phone, new_id, artifacts
):
    number = new_id()
    person = services.person_watch_create(
        actor=org.office, name="钱隔离", id_number=number, community=org.community_a, category_codes=["returnee"]
    )
    measure = services.measure_start(actor=org.office, person=person)
    login(phone, "duty")
    _register_at_gate(phone, org, number)
    warning = phone.wait_for_selector("#warnings .fl-warn-red[data-code='health.under_measure']")
    assert f"居家隔离中，至 {measure.planned_end:%Y-%m-%d}" in warning.inner_text()
    phone.screenshot(path=str(artifacts / "gate-warning-phone.png"), full_page=True)
    phone.click("#outcome-turned_back")
    assert _wait_for(phone, lambda: Notification.objects.filter(user=org.liaison_a, kind="health.checkpoint").exists())
    assert Notification.objects.filter(user=org.liaison_a, kind="health.checkpoint").count() == 1
    assert not Notification.objects.filter(user=org.liaison_b).exists()
    assert Person.objects.count() == 1


def test_the_report_page_refuses_a_wrong_reading_in_chinese_and_in_english(org, phone, desktop, new_id, artifacts):
    with time_machine.travel(local(timezone.localdate(), 8, 30), tick=True):  # the morning slot is open
        _wrong_readings(org, phone, desktop, new_id, artifacts)


def _wrong_readings(org, phone, desktop, new_id, artifacts):
    person = services.person_watch_create(
        actor=org.office, name="郑测试", id_number=new_id(), community=org.community_a, category_codes=["close_contact"]
    )
    measure = services.measure_start(actor=org.office, person=person)
    phone.goto(phone.base_url + f"/health/r/{measure.token}/")
    phone.fill("input[name=temperature]", "365")
    phone.click("#self-report-submit")
    assert "体温：请输入 34.0 至 43.0 °C 之间的读数" in phone.inner_text("[data-field=temperature]")
    phone.screenshot(path=str(artifacts / "wrong-zh-phone.png"), full_page=True)
    phone.click("#lang-switch")
    phone.fill("input[name=temperature]", "abc")
    phone.click("#self-report-submit")
    assert "Temperature: enter a reading such as 36.5." in phone.inner_text("[data-field=temperature]")
    assert "Privacy" in phone.inner_text("#privacy")
    phone.screenshot(path=str(artifacts / "wrong-en-phone.png"), full_page=True)
    assert not HealthReport.objects.exists()
    login(desktop, "office")
    desktop.goto(desktop.base_url + "/health/measures/")
    assert "郑测试" in desktop.inner_text("table")
    desktop.screenshot(path=str(artifacts / "measures-zh-desktop.png"))
    desktop.click("#lang-switch")
    desktop.goto(desktop.base_url + "/health/people/")
    assert "People to watch" in desktop.inner_text("h1")
    desktop.screenshot(path=str(artifacts / "people-en-desktop.png"))
    desktop.goto(desktop.base_url + f"/health/measures/{measure.pk}/")
    desktop.screenshot(path=str(artifacts / "measure-en-desktop.png"), full_page=True)
