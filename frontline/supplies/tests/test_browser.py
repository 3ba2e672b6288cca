"""Must-show 2, in Chromium: donation in, a checkpoint requests, logistics approves part and issues,
and the checkpoint sees the status change at each step. Screenshots go to the artifacts folder."""

from __future__ import annotations

import pytest

from frontline.conftest import login
from frontline.supplies.models import Movement, StockLevel, SupplyRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status_of(page) -> str:
    return page.locator("#request-status").get_attribute("data-status")


def test_donation_request_part_approval_issue_and_the_checkpoint_sees_each_step(
    org, supplies, desktop, phone, artifacts
):
    office, duty = desktop, phone
    login(office, "office")
    login(duty, "duty")

    # Logistics receives a donation; a zero quantity is refused first, on the field.
    office.goto(office.base_url + "/supplies/receive/")
    office.select_option("#id_kind", "donation")
    office.select_option("#id_store", str(supplies.store.pk))
    office.select_option("#id_item", str(supplies.masks.pk))
    office.fill("#id_quantity", "0")
    office.fill("#id_source", "包头市红十字会")
    office.click("#save")
    assert "数量：必须是大于零的整数" in office.locator('[data-field="quantity"]').inner_text()
    office.screenshot(path=artifacts / "01-receive-zero-refused-desktop-zh.png", full_page=True)
    assert Movement.objects.count() == 0
    office.fill("#id_quantity", "500")
    office.click("#save")
    office.wait_for_url("**/supplies/ledger/**")
    assert "包头市红十字会" in office.content()
    office.screenshot(path=artifacts / "02-ledger-after-donation-desktop-zh.png", full_page=True)

    # The checkpoint asks for 200 masks and 30 gloves, on a phone.
    duty.goto(duty.base_url + "/supplies/requests/new/")
    duty.select_option("#id_checkpoint", str(org.checkpoint_a.pk))
    duty.fill(f"#id_item_{supplies.masks.pk}", "200")
    duty.fill(f"#id_item_{supplies.gloves.pk}", "-3")
    duty.click("#submit-request")
    assert duty.locator(f'[data-field="item_{supplies.gloves.pk}"]').count() == 1
    duty.screenshot(path=artifacts / "03-request-bad-quantity-phone-zh.png", full_page=True)
    duty.fill(f"#id_item_{supplies.gloves.pk}", "")
    duty.click("#submit-request")
    duty.wait_for_url("**/supplies/requests/*/")
    assert status_of(duty) == "submitted"
    assert "已提交" in duty.locator("#request-status").inner_text()
    duty.screenshot(path=artifacts / "04-request-submitted-phone-zh.png", full_page=True)
    request = SupplyRequest.objects.get()
    line = request.lines.get()

    # Logistics approves 120 of the 200.
    office.goto(office.base_url + f"/supplies/requests/{request.pk}/")
    office.fill(f"#id_line_{line.pk}", "120")
    office.fill("#approve-form #id_note", "先发120只，明日补足")
    office.click("#approve")
    office.wait_for_load_state("networkidle")
    assert status_of(office) == "partly_approved"
    office.screenshot(path=artifacts / "05-approved-in-part-desktop-zh.png", full_page=True)

    # The checkpoint sees the change.
    duty.reload()
    assert status_of(duty) == "partly_approved"
    assert "部分批准" in duty.locator("#request-status").inner_text()
    assert "120" in duty.locator("#request-lines").inner_text()
    assert "先发120只" in duty.locator("#request-steps").inner_text()
    duty.screenshot(path=artifacts / "06-approved-in-part-phone-zh.png", full_page=True)

    # Logistics issues from the bureau's store.
    office.select_option("#issue-form #id_store", str(supplies.store.pk))
    office.click("#issue")
    office.wait_for_load_state("networkidle")
    assert status_of(office) == "issued"
    assert StockLevel.objects.get(store=supplies.store, item=supplies.masks).quantity == 380

    duty.reload()
    assert status_of(duty) == "issued"
    assert "已发放" in duty.locator("#request-status").inner_text()
    duty.screenshot(path=artifacts / "07-issued-phone-zh.png", full_page=True)
    # The requester was told at each step.
    duty.goto(duty.base_url + "/core/inbox/")
    inbox = duty.content()
    assert "已部分批准" in inbox and "已发放" in inbox

    # The same page in English.
    duty.goto(duty.base_url + f"/supplies/requests/{request.pk}/")
    duty.click("#lang-switch")
    duty.wait_for_load_state("networkidle")
    assert duty.locator("#request-status").inner_text().strip() == "Issued"
    duty.screenshot(path=artifacts / "08-issued-phone-en.png", full_page=True)


def test_office_pages_look_right_on_a_desktop(org, supplies, desktop, artifacts):
    from frontline.supplies import services as s

    s.stock_receive(
        actor=org.office,
        kind="donation",
        store=supplies.store,
        item=supplies.masks,
        quantity=300,
        source="包头市红十字会",
        value=450,
    )
    s.stock_receive(
        actor=org.office, kind="purchase", store=supplies.store, item=supplies.gloves, quantity=200, source="医药公司"
    )
    for cp in (org.checkpoint_a, org.checkpoint_a2, org.checkpoint_b):
        s.stock_issue(actor=org.office, store=supplies.store, item=supplies.masks, quantity=40, checkpoint=cp)
    s.stock_alerts_evaluate()
    login(desktop, "office")
    for name, url in [
        ("overview", "/supplies/"),
        ("cover", "/supplies/cover/"),
        ("ledger", "/supplies/ledger/"),
        ("stock", "/supplies/reports/stock/"),
        ("donors", "/supplies/reports/donors/"),
        ("issues", "/supplies/reports/issues/"),
        ("frontline", "/supplies/frontline/"),
    ]:
        desktop.goto(desktop.base_url + url)
        assert desktop.locator("h1").count() >= 1
        desktop.screenshot(path=artifacts / f"{name}-desktop-zh.png", full_page=True)
    desktop.goto(desktop.base_url + "/supplies/")
    assert "低于库存预警线" in desktop.content()  # 180 masks, under the threshold of 2000
    desktop.click("#lang-switch")
    desktop.wait_for_load_state("networkidle")
    desktop.screenshot(path=artifacts / "overview-desktop-en.png", full_page=True)
