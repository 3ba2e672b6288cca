"""Public pages: landing, forms with a tracking code, look-up that reveals nothing, CSRF, rate limits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from frontline.desk import services
from frontline.desk.models import LegalAidRequest, Tip
from frontline.desk.tests.conftest import PHONE

LEGALAID = {
    "topic": "lease",
    "description": "商铺因疫情停业两个月，房东要求全额交租，怎么办？",
    "requester_name": "周女士",
    "requester_phone": PHONE,
    "consent": "on",
}


def test_the_landing_page_is_chinese_by_default_and_links_everything(desk, client):
    page = client.get(reverse("desk:public_home")).content.decode()
    assert 'lang="zh-CN"' in page
    assert "0472-3311110" in page and "12348" in page
    for name in ("desk:public_tip", "desk:public_legalaid", "desk:public_status", "desk:public_privacy"):
        assert reverse(name) in page
    assert "举报" in page


def test_the_landing_page_switches_to_english(desk, client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("desk:public_home")})
    page = client.get(reverse("desk:public_home")).content.decode()
    assert "Ask a duty lawyer" in page


def test_public_forms_show_the_privacy_notice_and_need_consent(desk, client):
    page = client.get(reverse("desk:public_legalaid")).content.decode()
    assert 'id="privacy-notice"' in page
    response = client.post(reverse("desk:public_legalaid"), {**LEGALAID, "consent": ""})
    assert response.status_code == 200 and 'data-field="consent"' in response.content.decode()
    assert LegalAidRequest.objects.count() == 0


def test_a_legal_aid_request_returns_a_tracking_code_shown_once(desk, client):
    response = client.post(reverse("desk:public_legalaid"), LEGALAID)
    assert response.status_code == 302
    request = LegalAidRequest.objects.get()
    page = client.get(reverse("desk:public_submitted")).content.decode()
    assert request.display_code in page
    assert client.get(reverse("desk:public_submitted")).status_code == 302  # shown once


def test_a_bad_phone_is_refused_with_a_message_on_the_field(desk, client):
    response = client.post(reverse("desk:public_legalaid"), {**LEGALAID, "requester_phone": "123"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-field="requester_phone"' in body
    assert LegalAidRequest.objects.count() == 0


def test_status_look_up_by_code_and_phone_suffix(desk):
    request = desk.request()
    services.legalaid_reply(actor=desk.org.lawyer, request=request, body="依法应当支付工资。")
    c = Client()
    response = c.post(reverse("desk:public_status"), {"code": request.display_code.lower(), "suffix": PHONE[-4:]})
    assert response.status_code == 302
    page = c.get(reverse("desk:public_status_view")).content.decode()
    assert "依法应当支付工资。" in page and 'id="rate-form"' in page


@pytest.mark.parametrize("which", ["code", "suffix", "both", "malformed"])
def test_a_wrong_code_or_phone_suffix_reveals_nothing(desk, which):
    request = desk.request()
    other = desk.request(requester_phone="13800009999")
    good_code, good_suffix = request.display_code, PHONE[-4:]
    code, suffix = {
        "code": (other.display_code, good_suffix),  # a real code, but not with this phone
        "suffix": (good_code, "0000"),
        "both": ("L-ZZZZ-ZZZZ", "1234"),
        "malformed": ("abc", "12"),
    }[which]
    c = Client()
    response = c.post(reverse("desk:public_status"), {"code": code, "suffix": suffix})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="lookup-miss"' in body
    for secret in (
        request.description,
        request.requester_name,
        "刘",
        other.display_code if which != "code" else "工资",
    ):
        assert secret not in body
    # The same page whatever was wrong (only the CSRF token and echoed code differ).
    assert c.get(reverse("desk:public_status_view")).status_code == 302


def test_an_anonymous_tip_gets_a_pin_to_look_it_up(desk, client):
    response = client.post(
        reverse("desk:public_tip"),
        {
            "category": "gathering",
            "description": "广场上有人聚集打牌。",
            "anonymous": "on",
            "reporter_name": "我",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.anonymous and tip.reporter_name == "" and tip.reporter_phone == ""
    page = client.get(reverse("desk:public_submitted")).content.decode()
    assert tip.display_code in page and 'id="tracking-pin"' in page
    pin = page.split('id="tracking-pin">')[1].split("<")[0]
    c = Client()
    assert c.post(reverse("desk:public_status"), {"code": tip.code, "suffix": pin}).status_code == 302


def test_public_forms_are_csrf_protected(desk):
    c = Client(enforce_csrf_checks=True)
    assert c.post(reverse("desk:public_legalaid"), LEGALAID).status_code == 403
    assert c.post(reverse("desk:public_status"), {"code": "x", "suffix": "1234"}).status_code == 403
    assert LegalAidRequest.objects.count() == 0


def test_the_public_forms_refuse_more_than_the_limit_per_address_and_hour(desk, client):
    services.desk_settings_save(
        actor="test",
        campaign=desk.org.campaign,
        tip_response_hours=24,
        legalaid_first_reply_hours=24,
        public_submissions_per_hour=3,
    )
    tip = {"category": "other", "description": "垃圾站没有消毒。", "consent": "on"}
    for _ in range(2):
        assert client.post(reverse("desk:public_legalaid"), LEGALAID).status_code == 302
    assert client.post(reverse("desk:public_tip"), tip).status_code == 302
    refused = client.post(reverse("desk:public_tip"), tip)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert 'id="rate-limited"' in body and "3" in body
    assert LegalAidRequest.objects.count() == 2 and Tip.objects.count() == 1
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.0.0.9").post(reverse("desk:public_legalaid"), LEGALAID).status_code == 302


def test_status_look_ups_are_rate_limited_too(desk, client, settings):
    settings.FRONTLINE_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("desk:public_status"), {"code": "L-AAAA-AAAA", "suffix": "1234"}).status_code == 200
    assert client.post(reverse("desk:public_status"), {"code": "L-AAAA-AAAA", "suffix": "1234"}).status_code == 429


def test_the_requester_follows_up_and_rates_through_the_status_page(desk):
    request = desk.request()
    services.legalaid_reply(actor=desk.org.lawyer, request=request, body="请先协商。")
    c = Client()
    c.post(reverse("desk:public_status"), {"code": request.code, "suffix": PHONE[-4:]})
    assert c.post(reverse("desk:public_follow_up"), {"body": "协商不成怎么办？"}).status_code == 302
    request.refresh_from_db()
    assert request.status == LegalAidRequest.Status.FOLLOW_UP
    assert c.post(reverse("desk:public_rate"), {"rating": "9"}).status_code == 422
    assert c.post(reverse("desk:public_rate"), {"rating": "5", "comment": "谢谢"}).status_code == 302
    request.refresh_from_db()
    assert request.rating == 5 and request.status == LegalAidRequest.Status.CLOSED


def test_rating_needs_a_looked_up_code(desk):
    request = desk.request()
    services.legalaid_reply(actor=desk.org.lawyer, request=request, body="答复")
    assert Client().post(reverse("desk:public_rate"), {"rating": "1"}).status_code == 302
    request.refresh_from_db()
    assert request.rating is None
