"""In Chromium: a resident asks a duty lawyer on a phone, the lawyer replies, the resident reads and rates."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontline.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_duty(org):
    from frontline.desk import services

    services.duty_lawyer_add(actor="test", campaign=org.campaign, lawyer=org.lawyer, first_day=timezone.localdate())
    services.hotline_number_save(
        actor="test", campaign=org.campaign, label="疫情防控举报电话", number="0472-3311110", hours="24小时"
    )
    return org


def test_a_resident_asks_a_lawyer_reads_the_reply_and_rates_it(on_duty, phone, chromium, live_server, artifacts):
    from frontline.desk.models import LegalAidRequest

    page = phone
    page.goto(page.base_url + "/desk/public/")
    page.screenshot(path=str(artifacts / "1-landing-zh.png"), full_page=True)
    assert "疫情防控服务台" in page.content()
    page.click("#go-legalaid")
    # Wrong input first: a bad phone number is refused with a message on the field.
    page.select_option("#id_topic", "lease")
    page.fill("#id_description", "商铺因疫情停业两个月，房东要求全额交租，我该怎么办？")
    page.fill("#id_requester_name", "周女士")
    page.fill("#id_requester_phone", "12345")
    page.check("#id_consent")
    page.click("#submit")
    error = page.locator('[data-field="requester_phone"]')
    assert error.is_visible()
    page.screenshot(path=str(artifacts / "2-legalaid-wrong-phone.png"), full_page=True)
    page.fill("#id_requester_phone", "139 1234 5678")
    page.check("#id_consent")
    page.click("#submit")
    code = page.locator("#tracking-code").inner_text().strip()
    page.screenshot(path=str(artifacts / "3-tracking-code.png"), full_page=True)
    request = LegalAidRequest.objects.get()
    assert code == request.display_code and request.lawyer == on_duty.lawyer

    # The duty lawyer replies, on a desktop.
    lawyer_context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    desk_page = lawyer_context.new_page()
    desk_page.base_url = live_server.url
    login(desk_page, "lawyer")
    desk_page.goto(live_server.url + "/desk/legal-aid/")
    desk_page.click(f"text={code}")
    desk_page.fill("#id_body", "您好。疫情属于不可抗力，可与房东协商减免或延期交租；协商不成可依据公平原则请求调整。")
    desk_page.screenshot(path=str(artifacts / "4-lawyer-reply.png"), full_page=True)
    desk_page.click("#send-reply")
    assert "已答复" in desk_page.locator("#legalaid-status").inner_text()
    lawyer_context.close()

    # The resident looks the reply up by code and the phone's last four digits, then rates it.
    page.goto(page.base_url + "/desk/public/status/")
    page.fill("#id_code", code.lower().replace("-", " "))
    page.fill("#id_suffix", "0000")
    page.click("#lookup")
    assert page.locator("#lookup-miss").is_visible()
    page.screenshot(path=str(artifacts / "5-lookup-wrong.png"), full_page=True)
    page.fill("#id_code", code)
    page.fill("#id_suffix", "5678")
    page.click("#lookup")
    assert "不可抗力" in page.locator(".lawyer-reply").inner_text()
    page.screenshot(path=str(artifacts / "6-reply.png"), full_page=True)
    page.click("label[for='id_rating_0']")  # the first choice is 5 stars
    page.fill("#id_comment", "律师解答很清楚，谢谢！")
    page.click("#rate-submit")
    assert page.locator("#rated").is_visible()
    page.screenshot(path=str(artifacts / "7-rated.png"), full_page=True)
    request.refresh_from_db()
    assert request.rating == 5 and request.status == LegalAidRequest.Status.CLOSED

    # English after switching.
    page.click("#lang-switch")
    page.goto(page.base_url + "/desk/public/")
    assert "Ask a duty lawyer" in page.content()
    page.screenshot(path=str(artifacts / "8-landing-en.png"), full_page=True)


def test_office_pages_look_right(on_duty, desktop, artifacts):
    from frontline.desk import services
    from frontline.desk.tests.conftest import Desk

    d = Desk(on_duty)
    tip, _ = d.tip()
    services.tip_transition(actor=on_duty.office, tip=tip, to="assigned", assignee=on_duty.liaison_a)
    d.request()
    login(desktop, "office")
    for name, path in [
        ("tips", "/desk/tips/"),
        ("tip", f"/desk/tips/{tip.pk}/"),
        ("legalaid", "/desk/legal-aid/"),
        ("duty", "/desk/legal-aid/duty/"),
        ("figures", "/desk/legal-aid/figures/"),
        ("publicity-new", "/desk/publicity/new/"),
    ]:
        desktop.goto(desktop.base_url + path)
        assert desktop.locator("main").is_visible()
        desktop.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    # Wrong input on the publicity form: a text file posing as a photo.
    desktop.goto(desktop.base_url + "/desk/publicity/new/")
    desktop.select_option("#id_kind", "poster")
    desktop.fill("#id_title", "防疫海报")
    desktop.fill("#id_place", "3号楼门口")
    desktop.fill("#id_quantity", "40")
    desktop.set_input_files(
        "#id_photo", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"not an image"}]
    )
    desktop.click("#save")
    assert "不是 JPEG" in desktop.locator('[data-field="photo"]').inner_text()
    desktop.screenshot(path=str(artifacts / "publicity-bad-photo.png"), full_page=True)
