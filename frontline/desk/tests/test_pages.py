"""Every desk page answers the roles that use it and refuses the others; erasure knows our fields."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontline.desk import services

OFFICE_PAGES = [
    "desk:tip_list",
    "desk:tip_create",
    "desk:tip_export",
    "desk:legalaid_list",
    "desk:legalaid_create",
    "desk:legalaid_export",
    "desk:figures",
    "desk:duty_list",
    "desk:publicity_list",
    "desk:publicity_create",
    "desk:community_list",
    "desk:hotline_list",
    "desk:hotline_create",
    "desk:settings",
]


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_office_staff_can_open_every_desk_page(desk, client_as, name):
    assert client_as(desk.org.office).get(reverse(name)).status_code == 200


def test_detail_pages_open(desk, client_as):
    from datetime import date

    org = desk.org
    tip, _ = desk.tip()
    request = desk.request()
    item = services.publicity_save(
        actor=org.office,
        campaign=org.campaign,
        kind="rumour",
        happened_on=date.today(),
        title="辟谣",
        rumour="喝白酒防病毒",
        facts="不能",
    )
    c = client_as(org.office)
    for url in [
        reverse("desk:tip_detail", args=[tip.pk]),
        reverse("desk:legalaid_detail", args=[request.pk]),
        reverse("desk:publicity_detail", args=[item.pk]),
        reverse("desk:publicity_edit", args=[item.pk]),
        reverse("desk:community_detail", args=[org.community_a.pk]),
    ]:
        assert c.get(url).status_code == 200, url


def test_a_lawyer_sees_the_legal_aid_menu_but_not_tips(desk, client_as):
    c = client_as(desk.org.lawyer)
    page = c.get(reverse("desk:legalaid_list")).content.decode()
    assert reverse("desk:duty_list") in page and reverse("desk:tip_list") not in page
    assert c.get(reverse("desk:tip_list")).status_code == 403
    assert c.get(reverse("desk:settings")).status_code == 403


def test_settings_are_refused_to_all_but_the_office(desk, client_as):
    assert client_as(desk.org.leader).get(reverse("desk:settings")).status_code == 403
    r = client_as(desk.org.office).post(
        reverse("desk:settings"),
        {"tip_response_hours": "0", "legalaid_first_reply_hours": "24", "public_submissions_per_hour": "5"},
    )
    assert r.status_code == 200 and "tip_response_hours" in r.content.decode()


def test_personal_fields_are_registered_for_erasure(db):
    from frontline.core.erasure import REGISTRY
    from frontline.desk.models import LegalAidMessage, LegalAidRequest, Tip

    fields = {entry.model: entry.fields for entry in REGISTRY}
    assert {"reporter_phone", "subject_id_number", "subject_name", "description"} <= set(fields[Tip])
    assert {"requester_name", "requester_phone", "description"} <= set(fields[LegalAidRequest])
    assert "body" in fields[LegalAidMessage]


def test_phones_are_stored_encrypted_and_never_in_the_audit_log(desk):
    from django.db import connection

    from frontline.core.models import AuditLog
    from frontline.desk.tests.conftest import PHONE

    request = desk.request()
    with connection.cursor() as cur:
        cur.execute("SELECT requester_phone FROM desk_legalaidrequest WHERE id = %s", [request.pk])
        assert PHONE not in cur.fetchone()[0]
    assert not any(PHONE in str(e.changes) for e in AuditLog.objects.all())


def test_the_api_takes_a_phone_tip(desk, client_as):
    c = client_as(desk.org.office)
    r = c.post("/api/v1/desk/tips", {"category": "gathering", "description": "聚集"}, content_type="application/json")
    assert r.status_code == 201 and len(r.json()["lookup_secret"]) == 4
    bad = c.post("/api/v1/desk/tips", {"category": "nope", "description": "x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "category"
