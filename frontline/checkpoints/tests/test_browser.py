"""The field page in a real Chromium on a phone: online, offline, and the QR queue."""

from __future__ import annotations

import pytest

from frontline.checkpoints.models import DailyTally, Passage, SelfRegistration, VehiclePassage
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit
from frontline.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_field(page, org):
    login(page, "duty")
    page.goto(page.base_url + "/checkpoints/field/")
    page.select_option("#checkpoint", str(org.checkpoint_a.pk))
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== undefined")


def synced(page, today: int) -> None:
    """Wait until the queue is empty and the page shows the server's count for today."""
    page.wait_for_function(
        f"document.getElementById('queue-count').dataset.count === '0' && "
        f"document.getElementById('today-count').textContent === '{today}'"
    )


def test_duty_staff_register_a_person_with_id_temperature_and_one_tap(org, phone, artifacts):
    page = phone
    open_field(page, org)
    page.fill("#id_number", make_id(seq=123)[:10])
    page.wait_for_selector("#id-info:has-text('10')")
    page.fill("#id_number", make_id(seq=123))
    page.wait_for_selector("#id-info .ok")
    assert "男" in page.inner_text("#id-info")
    page.fill("#temperature", "36.5")
    page.screenshot(path=artifacts / "1-person-before.png")
    page.click("#outcome-allowed")
    page.wait_for_selector("#toast:has-text('已保存')")
    synced(page, 1)
    assert page.input_value("#id_number") == ""
    assert page.inner_text("#today-count") == "1"
    assert Passage.objects.get().outcome == "allowed"
    page.screenshot(path=artifacts / "2-person-saved.png")

    # A fever and a high-risk origin warn before saving.
    page.fill("#id_number", make_id(region="420102", seq=321))
    page.fill("#temperature", "38.2")
    page.click("#more summary")
    page.fill("#p-origin", "420102")
    page.wait_for_selector(".fl-warn-red[data-code='fever']")
    page.wait_for_selector(".fl-warn-orange[data-code='high_risk_origin']")
    assert "湖北省" in page.inner_text("#warnings")
    page.screenshot(path=artifacts / "3-fever-high-risk.png", full_page=True)
    page.click("#outcome-referred_health")
    synced(page, 2)
    fever = Passage.objects.get(fever=True)
    assert fever.high_risk and fever.outcome == "referred_health"

    # A known ID shows the last passages; a wrong check digit is flagged as typed.
    page.fill("#id_number", make_id(seq=123))
    page.wait_for_selector("#recent:has-text('富强东门')")
    page.fill("#id_number", wrong_check_digit(make_id(seq=5)))
    page.wait_for_selector("#id-info .bad")
    page.screenshot(path=artifacts / "4-known-and-wrong-id.png")

    # A vehicle is turned back.
    page.click("#tab-vehicle-btn")
    page.fill("#plate", "鄂A12345")
    page.fill("#v-origin", "420100")
    page.wait_for_selector("#vehicle-warnings .fl-warn-orange")
    page.click("#vehicle-turned_back")
    page.wait_for_selector("#toast:has-text('车辆已登记')")
    vehicle = VehiclePassage.objects.get()
    assert (vehicle.plate, vehicle.outcome, vehicle.high_risk) == ("鄂A12345", "turned_back", True)
    tally = DailyTally.objects.get(checkpoint=org.checkpoint_a)
    assert (tally.people_in, tally.fevers, tally.high_risk, tally.vehicles_turned_back) == (2, 1, 1, 1)
    page.screenshot(path=artifacts / "5-vehicle.png")


def test_registrations_queue_offline_and_sync_exactly_once(org, phone, artifacts):
    page = phone
    open_field(page, org)
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now controlled by the service worker, the shell is cached
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    for i in range(5):
        page.fill("#id_number", make_id(seq=500 + i))
        page.fill("#temperature", "36.6")
        page.click("#outcome-allowed")
        page.wait_for_function(f"document.getElementById('queue-count').dataset.count === '{i + 1}'")
    assert "5 条待同步" in page.inner_text("#queue-count")
    assert Passage.objects.count() == 0
    queued = page.evaluate("flQueue.all()")
    page.screenshot(path=artifacts / "1-offline-5-waiting.png")
    page.reload()  # the page itself comes from the service worker's cache
    page.wait_for_function("document.getElementById('queue-count').dataset.count === '5'")
    page.screenshot(path=artifacts / "2-offline-reloaded.png")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('queue-count').dataset.count === '0'")
    assert Passage.objects.count() == 5
    page.screenshot(path=artifacts / "3-synced.png")

    # The same batch sent again adds nothing.
    again = page.evaluate(
        """(records) => fetch('/api/v1/passages/batch', {method: 'POST', credentials: 'same-origin',
             headers: {'Content-Type': 'application/json', 'X-CSRFToken': document.cookie.match(/csrftoken=([^;]+)/)[1]},
             body: JSON.stringify({items: records.map(r => r.payload)})}).then(r => r.json())""",
        queued,
    )
    assert again["duplicates"] == 5 and again["created"] == 0
    assert Passage.objects.count() == 5
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).people_in == 5


def test_a_record_the_server_refuses_is_kept_for_correction(org, phone, artifacts):
    page = phone
    open_field(page, org)
    page.fill("#id_number", wrong_check_digit(make_id(seq=7)))
    page.fill("#temperature", "36.6")
    page.click("#outcome-allowed")  # first tap: the page warns
    page.wait_for_selector("#toast.alert-danger")
    page.click("#outcome-allowed")  # second tap: saved anyway, the server refuses
    page.wait_for_selector(".rejected-item")
    assert "校验码" in page.inner_text("#rejected-list")
    page.screenshot(path=artifacts / "1-refused.png")
    page.click(".rejected-item .fix")
    page.wait_for_function(f"document.getElementById('id_number').value === '{wrong_check_digit(make_id(seq=7))}'")
    assert page.input_value("#temperature") == "36.6"  # the rest of the record comes back too
    page.fill("#id_number", make_id(seq=7))
    page.click("#outcome-allowed")
    page.wait_for_function("document.querySelectorAll('.rejected-item').length === 0")
    synced(page, 1)
    assert Passage.objects.count() == 1


def test_a_qr_self_registration_is_confirmed_in_one_tap(org, phone, chromium, live_server, artifacts):
    resident = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN").new_page()
    resident.goto(live_server.url + f"/checkpoints/q/{org.checkpoint_a.public_token}/")
    resident.fill("#id_name", "赵六")
    resident.fill("#id_id_number", make_id(seq=42))
    resident.fill("#id_phone", "13912345678")
    resident.screenshot(path=artifacts / "1-resident-form.png", full_page=True)
    resident.click("#qr-submit")  # no consent yet
    resident.wait_for_selector(".invalid-feedback[data-field='consent']")
    resident.check("#id_consent")
    resident.click("#qr-submit")
    resident.wait_for_selector("#receipt-code")
    receipt = resident.inner_text("#receipt-code").strip()
    resident.screenshot(path=artifacts / "2-receipt.png")
    assert SelfRegistration.objects.get().receipt == receipt

    page = phone
    open_field(page, org)
    page.click("#tab-pending-btn")
    page.wait_for_selector(f".fl-pending-card:has-text('{receipt}')")
    page.fill(".fl-pending-card .pending-temp", "36.4")
    page.screenshot(path=artifacts / "3-queue.png")
    page.click(".fl-pending-card .pending-confirm[data-outcome='allowed']")
    page.wait_for_selector("#pending-list:has-text('暂无待确认人员')")
    passage = Passage.objects.get()
    assert (passage.source, str(passage.temperature), passage.name) == ("qr", "36.4", "赵六")
    resident.context.close()


def test_office_pages_on_a_desktop_in_both_languages(org, desktop, artifacts):
    from frontline.checkpoints import services

    for i, temp in enumerate(["36.5", "38.1", "36.9"]):
        services.passage_record(
            actor=org.duty,
            data=services.PassageData(
                checkpoint_id=org.checkpoint_a.pk,
                client_uuid=__import__("uuid").uuid4(),
                outcome="allowed",
                id_number=make_id(seq=i),
                temperature=temp,
                name=f"测试{i}",
            ),
        )
    page = desktop
    login(page, "office")
    page.goto(page.base_url + "/checkpoints/tallies/")
    assert "每日统计" in page.inner_text("h1")
    page.screenshot(path=artifacts / "1-tallies-zh.png", full_page=True)
    page.goto(page.base_url + "/checkpoints/passages/?fever=1")
    assert page.inner_text("#list-total") == "1"
    page.screenshot(path=artifacts / "2-passages-fever.png", full_page=True)
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert "Passages" in page.inner_text("h1")
    page.goto(page.base_url + "/checkpoints/field/")
    page.screenshot(path=artifacts / "3-field-en.png", full_page=True)
    assert "Temperature (°C)" in page.inner_text("#person-form")
