"""Supplies pages and API: who may open what, forms refuse bad input, exports download."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from frontline.core.models import AuditLog
from frontline.supplies import services as s
from frontline.supplies.models import Movement, StockLevel

OFFICE_PAGES = [
    "supplies:overview",
    "supplies:cover",
    "supplies:receive",
    "supplies:issue",
    "supplies:transfer",
    "supplies:adjust",
    "supplies:movement_list",
    "supplies:item_list",
    "supplies:item_create",
    "supplies:store_list",
    "supplies:store_create",
    "supplies:request_list",
    "supplies:request_create",
    "supplies:frontline",
    "supplies:staff_issues",
    "supplies:stock_report",
    "supplies:donors",
    "supplies:issues_report",
]


@pytest.fixture
def stocked(org, supplies):
    s.stock_receive(
        actor=org.office,
        kind="donation",
        store=supplies.store,
        item=supplies.masks,
        quantity=1000,
        source="包头市红十字会",
        value=800,
    )
    s.stock_receive(
        actor=org.office,
        kind="donation",
        store=supplies.store,
        item=supplies.gloves,
        quantity=500,
        source="包头市红十字会",
    )
    s.stock_receive(
        actor=org.office,
        kind="purchase",
        store=supplies.store,
        item=supplies.disinfectant,
        quantity=40,
        source="医药公司",
    )
    s.stock_issue(actor=org.office, store=supplies.store, item=supplies.masks, quantity=20, checkpoint=org.checkpoint_a)
    s.stock_issue(actor=org.office, store=supplies.store, item=supplies.masks, quantity=2, staff=org.staff[2])
    return supplies


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_office_staff_can_open_every_supplies_page(org, stocked, client_as, name):
    assert client_as(org.office).get(reverse(name)).status_code == 200


def test_detail_pages_open(org, stocked, client_as):
    c = client_as(org.office)
    m = Movement.objects.first()
    for url in [
        reverse("supplies:movement_detail", args=[m.pk]),
        reverse("supplies:item_detail", args=[stocked.masks.pk]),
        reverse("supplies:store_detail", args=[stocked.store.pk]),
        reverse("org:staff_detail", args=[org.staff[2].pk]),
        reverse("org:checkpoint_detail", args=[org.checkpoint_a.pk]),
    ]:
        assert c.get(url).status_code == 200, url


def test_roles_are_kept_to_what_they_may_do(org, stocked, client_as):
    duty = client_as(org.duty)
    assert duty.get(reverse("supplies:receive")).status_code == 403
    assert duty.get(reverse("supplies:movement_list")).status_code == 403
    assert duty.get(reverse("supplies:request_create")).status_code == 200
    viewer = client_as(org.viewer)
    assert viewer.get(reverse("supplies:overview")).status_code == 200
    assert viewer.get(reverse("supplies:issue")).status_code == 403
    assert viewer.get(reverse("supplies:request_create")).status_code == 403
    assert client_as(org.lawyer).get(reverse("supplies:overview")).status_code == 403


def test_a_liaison_sees_only_their_communitys_stores(org, stocked, client_as):
    a = s.store_for_checkpoint(actor=org.office, checkpoint=org.checkpoint_a)
    b = s.store_for_checkpoint(actor=org.office, checkpoint=org.checkpoint_b)
    c = client_as(org.liaison_a)
    page = c.get(reverse("supplies:store_list")).content.decode()
    assert a.name in page and b.name not in page and stocked.store.name not in page
    assert c.get(reverse("supplies:store_detail", args=[b.pk])).status_code == 404


def test_the_issue_form_refuses_bad_input_on_the_field_and_writes_nothing(org, stocked, client_as):
    c = client_as(org.office)
    cp_store = s.store_for_checkpoint(actor=org.office, checkpoint=org.checkpoint_b)
    before = (
        Movement.objects.count(),
        list(StockLevel.objects.values_list("quantity", flat=True)),
        AuditLog.objects.count(),
    )
    cases = [
        (
            {"store": stocked.store.pk, "item": stocked.masks.pk, "quantity": "0", "checkpoint": org.checkpoint_a.pk},
            "quantity",
            "数量：必须是大于零的整数",
        ),
        (
            {"store": stocked.store.pk, "item": stocked.masks.pk, "quantity": "-10", "checkpoint": org.checkpoint_a.pk},
            "quantity",
            "数量：必须是大于零的整数",
        ),
        (
            {"store": stocked.store.pk, "item": "99999", "quantity": "5", "checkpoint": org.checkpoint_a.pk},
            "item",
            "物资：目录中没有这种物资",
        ),
        (
            {"store": cp_store.pk, "item": stocked.masks.pk, "quantity": "5", "checkpoint": org.checkpoint_b.pk},
            "store",
            "没有",
        ),
    ]
    for data, field, message in cases:
        data["occurred_on"] = "2020-02-01"
        response = c.post(reverse("supplies:issue"), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert f'data-field="{field}"' in page, (
            field,
            page[page.find("invalid-feedback") - 200 : page.find("invalid-feedback") + 300],
        )
        assert message in page
    after = (
        Movement.objects.count(),
        list(StockLevel.objects.values_list("quantity", flat=True)),
        AuditLog.objects.count(),
    )
    assert after == before


def test_the_api_refuses_bad_input_with_the_field_named(org, stocked, client_as):
    c = client_as(org.office)
    before = Movement.objects.count()
    r = c.post(
        "/api/v1/supplies/issues",
        {"store_id": stocked.store.pk, "item_id": 99999, "quantity": 5, "checkpoint_id": org.checkpoint_a.pk},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "item_id"
    r = c.post(
        "/api/v1/supplies/issues",
        {
            "store_id": stocked.store.pk,
            "item_id": stocked.masks.pk,
            "quantity": -1,
            "checkpoint_id": org.checkpoint_a.pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "quantity"
    r = c.post(
        "/api/v1/supplies/issues",
        {
            "store_id": stocked.store.pk,
            "item_id": stocked.masks.pk,
            "quantity": 5,
            "checkpoint_id": org.checkpoint_a.pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    assert Movement.objects.count() == before + 1
    stock = c.get("/api/v1/supplies/stock").json()
    assert {"item": stocked.masks.name, "quantity": 1000 - 22 - 5}.items() <= next(
        x for x in stock if x["item"] == stocked.masks.name
    ).items()
    r = client_as(org.duty).post(
        "/api/v1/supplies/requests",
        {"checkpoint_id": org.checkpoint_a.pk, "lines": [{"item_id": stocked.masks.pk, "quantity": 10}]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "submitted"


def test_exports_download_as_excel(org, stocked, client_as):
    c = client_as(org.office)
    for url in [
        reverse("supplies:movement_export"),
        reverse("supplies:stock_report") + "?format=xlsx",
        reverse("supplies:donors") + "?format=xlsx",
        reverse("supplies:issues_report") + "?format=xlsx&by=checkpoint",
        reverse("supplies:issues_report") + "?format=xlsx&by=staff",
        reverse("supplies:frontline") + "?format=xlsx",
    ]:
        r = c.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats"), url
    wb = load_workbook(io.BytesIO(c.get(reverse("supplies:donors") + "?format=xlsx").content))
    rows = list(wb.worksheets[0].values)
    assert rows[1][0] == "包头市红十字会" and "一次性医用外科口罩 1000只" in rows[1][3] and rows[1][4] == 800


def test_the_donor_list_groups_by_donor_and_leaves_out_reversed_donations(org, stocked, client_as):
    wrong = s.stock_receive(
        actor=org.office, kind="donation", store=stocked.store, item=stocked.water, quantity=5, source="录错的单位"
    )
    s.stock_correct(actor=org.office, movement=wrong, reason="录入错误")
    page = client_as(org.office).get(reverse("supplies:donors")).content.decode()
    assert "包头市红十字会" in page and "一次性医用手套 500副" in page
    assert "录错的单位" not in page


def test_front_line_issuance_cross_checks_who_was_on_duty(org, stocked, client_as):
    from datetime import timedelta

    from django.utils import timezone

    from frontline.org.services import batch_save

    today = timezone.localdate()
    batch_save(
        actor="t",
        campaign=org.campaign,
        number=1,
        start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=3),
        staff=org.staff[:4],
    )
    s.stock_issue(actor=org.office, store=stocked.store, item=stocked.gloves, quantity=2, staff=org.staff[2])
    c = client_as(org.office)
    page = c.get(reverse("supplies:frontline")).content.decode()
    # staff[2] had masks (fixture) and gloves; the other three had nothing.
    assert "3 名在岗人员未领口罩和手套" in page or "3 without masks and gloves" in page
    r = c.post(
        reverse("supplies:frontline"),
        {
            "day": today.isoformat(),
            "store": stocked.store.pk,
            "mask": stocked.masks.pk,
            "mask_quantity": 2,
            "gloves": stocked.gloves.pk,
            "gloves_quantity": 2,
        },
    )
    assert r.status_code == 302
    from frontline.supplies.selectors import frontline_check

    rows, source = frontline_check(day=today)
    assert source == "batch" and len(rows) == 4 and all(row["complete"] for row in rows)
    assert (
        Movement.objects.filter(staff__in=org.staff[:4], occurred_on=today, item=stocked.masks).count() == 4
    )  # 3 kits + the earlier issue


def test_front_line_issuance_uses_the_duty_roster_when_it_has_that_day(org, stocked, monkeypatch):
    from django.utils import timezone

    from frontline.roster import selectors as roster_selectors
    from frontline.supplies.selectors import frontline_check

    monkeypatch.setattr(
        roster_selectors, "duty_staff_on", lambda *, day: {org.staff[2].pk, org.staff[5].pk}, raising=False
    )
    rows, source = frontline_check(day=timezone.localdate())
    assert source == "roster"
    assert [(r["staff"], r["masks"], r["complete"]) for r in rows] == [
        (org.staff[2], 2, False),
        (org.staff[5], 0, False),
    ]


def test_pages_switch_to_english(org, stocked, client_as):
    c = client_as(org.office)
    assert "物资总览" in c.get(reverse("supplies:overview")).content.decode()
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Supplies overview" in c.get(reverse("supplies:overview")).content.decode()
