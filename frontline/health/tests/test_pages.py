"""Pages, exports, the screening import and the API: every one scoped to the user's community."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from frontline.health import imports, services
from frontline.health.models import Measure, Person
from frontline.health.tests.conftest import local


def test_every_page_renders_for_the_office(org, watch, client_as):
    person = watch()
    measure = services.measure_start(actor=org.office, person=person)
    e = services.escalation_open(actor=org.office, person=person, source="manual", symptoms="发热")
    c = client_as(org.office)
    for name, args in [
        ("person_list", []),
        ("person_create", []),
        ("person_detail", [person.pk]),
        ("person_edit", [person.pk]),
        ("measure_list", []),
        ("measure_detail", [measure.pk]),
        ("measure_extend", [measure.pk]),
        ("measure_release", [measure.pk]),
        ("measure_end", [measure.pk]),
        ("release_due", []),
        ("missed_today", []),
        ("escalation_board", []),
        ("escalation_detail", [e.pk]),
        ("escalation_create", []),
        ("screening_import", []),
        ("settings", []),
    ]:
        response = c.get(reverse(f"health:{name}", args=args))
        assert response.status_code == 200, name
    qr = c.get(reverse("health:measure_qr", args=[measure.pk]))
    assert (
        qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content and b"http://www.w3.org/2000/svg" in qr.content
    )
    for name in ("person_export", "measure_export"):
        assert c.get(reverse(f"health:{name}")).status_code == 200
    for name in ("release_due", "missed_today", "escalation_board"):
        assert c.get(reverse(f"health:{name}") + "?format=xlsx")["Content-Type"].startswith("application/vnd.openxml")


def test_a_liaison_sees_only_their_community(org, watch, client_as):
    mine = watch(name="甲社区人")
    other = watch(name="乙社区人", community=org.community_b)
    services.measure_start(actor=org.office, person=mine)
    m_other = services.measure_start(actor=org.office, person=other)
    c = client_as(org.liaison_a)
    assert "甲社区人" in c.get(reverse("health:person_list")).content.decode()
    assert "乙社区人" not in c.get(reverse("health:person_list")).content.decode()
    assert "乙社区人" not in c.get(reverse("health:measure_list")).content.decode()
    assert c.get(reverse("health:person_detail", args=[other.pk])).status_code == 404
    assert c.get(reverse("health:measure_detail", args=[m_other.pk])).status_code == 404
    assert c.get(reverse("health:measure_qr", args=[m_other.pk])).status_code == 404
    wb = load_workbook(io.BytesIO(c.get(reverse("health:measure_export")).content))
    names = [row[0] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["甲社区人"]
    api = c.get("/api/v1/health/measures").json()
    assert [m["person_id"] for m in api] == [mine.pk]
    assert client_as(org.lawyer).get(reverse("health:person_list")).status_code == 403
    assert client_as(org.viewer).get(reverse("health:person_create")).status_code == 403


def test_the_measure_list_query_count_does_not_grow_with_rows(org, watch, client_as):
    c = client_as(org.office)
    for i in range(3):
        services.measure_start(actor=org.office, person=watch(name=f"人{i}"))
    with CaptureQueriesContext(connection) as few:
        c.get(reverse("health:measure_list"))
    for i in range(3, 12):
        services.measure_start(actor=org.office, person=watch(name=f"人{i}"))
    with CaptureQueriesContext(connection) as many:
        c.get(reverse("health:measure_list"))
    assert len(many) == len(few)


def test_starting_a_measure_from_the_page_then_a_duplicate_shows_the_message(org, watch, client_as):
    person = watch()
    c = client_as(org.liaison_a)
    data = {"kind": "home", "start_date": date.today().isoformat(), "planned_days": "", "note": ""}
    assert c.post(reverse("health:measure_start", args=[person.pk]), data).status_code == 302
    page = c.post(reverse("health:measure_start", args=[person.pk]), data)
    assert page.status_code == 200
    assert Measure.objects.filter(person=person).count() == 1
    assert "already under an open measure" in page.content.decode() or "已" in page.content.decode()


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([str(h) for h in imports.HEADERS])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "list.xlsx"
    return buf


def test_a_screening_list_is_all_or_nothing_and_matches_known_people(org, watch, new_id, client_as):
    from django.utils import translation

    known_id = new_id()
    known = watch(name="已在册", id_number=known_id, category_codes=["corrections"])
    a, _b = new_id("420102"), new_id("420102")
    with translation.override("zh-hans"):
        good = [
            ["新甲", a, "13800001111", "富强路1号", "富强社区", "高风险地区返回人员", "", "武汉返回"],
            ["已在册", known_id, "", "", "", "密切接触者", a, ""],
        ]
        bad = [*good, ["坏行", "4201021985", "123", "", "不存在社区", "外星人", "", ""]]
    c = client_as(org.office)
    page = c.post(reverse("health:screening_import"), {"file": _xlsx(bad)})
    assert page.status_code == 200
    assert Person.objects.count() == 1  # nothing written
    assert page.content.decode().count("import-error-row") == 1
    response = c.post(reverse("health:screening_import"), {"file": _xlsx(good)})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    known.refresh_from_db()
    assert known.contact_of.name == "新甲"
    assert sorted(cat.code for cat in known.categories.all()) == ["close_contact", "corrections"]
    assert Person.objects.get(name="新甲").found_by == "screening"


def test_settings_change_the_slots(org, client_as):
    c = client_as(org.office)
    response = c.post(
        reverse("health:settings"),
        {
            "slots": "morning, 上午, 06:00, 09:30\nafternoon, 下午, 14:00, 17:00",
            "notify_within_minutes": 20,
            "extend_days": 5,
            "normal_days_for_release": 3,
            "category_days": "returnee, 21",
        },
    )
    assert response.status_code == 302
    cfg = org.campaign.health_settings
    assert [s.cutoff.strftime("%H:%M") for s in cfg.slot_list()] == ["09:30", "17:00"]
    assert cfg.category_days == {"returnee": 21}
    bad = c.post(
        reverse("health:settings"),
        {
            "slots": "morning, 上午, 11:00, 10:00",
            "notify_within_minutes": 20,
            "extend_days": 5,
            "normal_days_for_release": 3,
            "category_days": "",
        },
    )
    assert bad.status_code == 200 and 'data-field="slots"' in bad.content.decode()


def test_the_api_records_a_phone_report_and_refuses_an_illegal_step(org, watch, client_as):
    person = watch()
    c = client_as(org.liaison_a)
    day = date(2026, 2, 20)
    with time_machine.travel(local(day, 8), tick=False):
        m = c.post("/api/v1/health/measures", {"person_id": person.pk}, content_type="application/json")
        assert m.status_code == 201, m.content
        r = c.post(
            f"/api/v1/health/measures/{m.json()['id']}/reports",
            {"slot": "morning", "temperature": "38.4"},
            content_type="application/json",
        )
        assert r.status_code == 201 and r.json()["abnormal"]
        esc = c.get("/api/v1/health/escalations").json()
        assert len(esc) == 1
        bad = c.post(
            f"/api/v1/health/escalations/{esc[0]['id']}/advance",
            {"to_state": "closed"},
            content_type="application/json",
        )
        assert bad.status_code == 422 and bad.json()["field"] == "outcome"
        dup = c.post("/api/v1/health/measures", {"person_id": person.pk}, content_type="application/json")
        assert dup.status_code == 409 and dup.json()["code"] == "measure.already_open"
    days = client_as(org.office).get(f"/api/v1/health/staff-unavailable?start={day}&end={day + timedelta(days=3)}")
    assert days.status_code == 200


@pytest.mark.parametrize("path", ["/health/people/", "/health/measures/", "/health/escalations/"])
def test_pages_need_a_log_in(client, path):
    assert client.get(path).status_code == 302
