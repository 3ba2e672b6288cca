"""The passages API: one record, batches, idempotency, filters, and 422s that name the field."""

from __future__ import annotations

import json
import uuid

import pytest

from frontline.checkpoints.models import DailyTally, Passage, VehiclePassage
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit
from frontline.core.models import AuditLog

pytestmark = pytest.mark.django_db


def post(client, url, body, lang="zh-hans"):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def test_a_passage_is_recorded_once_however_often_it_is_sent(org, client_as, person):
    c = client_as(org.duty)
    body = person(org.checkpoint_a)
    first = post(c, "/api/v1/passages", body)
    assert first.status_code == 201, first.content
    assert first.json()["result"] == "created"
    assert first.json()["id_number_masked"].startswith("150204****")
    again = post(c, "/api/v1/passages", body)
    assert again.status_code == 200
    assert again.json()["result"] == "duplicate"
    assert Passage.objects.count() == 1
    tally = DailyTally.objects.get(checkpoint=org.checkpoint_a)
    assert tally.people_in == 1


def test_the_id_number_is_encrypted_and_found_by_its_blind_index(org, client_as, person):
    from frontline.core.crypto import blind_index

    body = person(org.checkpoint_a)
    post(client_as(org.duty), "/api/v1/passages", body)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("select id_number from checkpoints_passage")
        stored = cur.fetchone()[0]
    assert body["id_number"] not in stored
    assert (
        Passage.objects.get(id_number_hash=blind_index("id_number", body["id_number"])).id_number == body["id_number"]
    )


BAD_INPUTS = [
    ("wrong check digit", {"id_number": wrong_check_digit(make_id())}, "id_number", "校验码", "check digit"),
    ("temperature 50", {"temperature": "50"}, "temperature", "体温", "plausible"),
    ("unknown checkpoint", {"checkpoint": 999999}, "checkpoint", "防控点", "no such checkpoint"),
    ("missing outcome", {"outcome": None}, "outcome", "必填", "required"),
]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("case,change,field,zh,en", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gets_422_naming_the_field_and_writes_nothing(
    org, client_as, person, case, change, field, zh, en, lang
):
    body = person(org.checkpoint_a)
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    audits = AuditLog.objects.count()
    response = post(client_as(org.duty), "/api/v1/passages", body, lang=lang)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert field in [d["field"] for d in detail]
    message = next(d["msg"] for d in detail if d["field"] == field)
    assert (zh if lang == "zh-hans" else en) in message
    assert Passage.objects.count() == 0
    assert DailyTally.objects.count() == 0
    assert AuditLog.objects.count() == audits


@pytest.mark.parametrize("lang,word", [("zh-hans", "车牌"), ("en", "Licence plate")])
def test_a_malformed_plate_gets_422_naming_the_plate(org, client_as, lang, word):
    body = {
        "checkpoint": org.checkpoint_a.pk,
        "client_uuid": str(uuid.uuid4()),
        "plate": "XX12",
        "outcome": "turned_back",
    }
    response = post(client_as(org.duty), "/api/v1/vehicles", body, lang=lang)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == "plate"
    assert word in detail[0]["msg"]
    assert VehiclePassage.objects.count() == 0


def test_every_bad_field_of_a_record_is_named(org, client_as, person):
    body = person(org.checkpoint_a, temperature="50", phone="123", origin_region="999999")
    response = post(client_as(org.duty), "/api/v1/passages", body, lang="en")
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["detail"]} == {"temperature", "phone", "origin_region"}


def test_a_batch_answers_per_item_and_a_resend_adds_nothing(org, client_as, person):
    c = client_as(org.duty)
    good = [person(org.checkpoint_a, seq=100 + i) for i in range(3)]
    bad = person(org.checkpoint_a, id_number=wrong_check_digit(make_id()))
    malformed = {"checkpoint": "x", "client_uuid": "nope"}
    response = post(c, "/api/v1/passages/batch", {"items": [*good, bad, malformed]}, lang="en")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created"] * 3 + ["error", "error"]
    assert body["results"][3]["errors"][0]["field"] == "id_number"
    assert {e["field"] for e in body["results"][4]["errors"]} >= {"checkpoint", "client_uuid", "outcome"}
    assert body["today"][str(org.checkpoint_a.pk)]["people"] == 3
    again = post(c, "/api/v1/passages/batch", {"items": good + good[:1]}).json()
    assert [r["result"] for r in again["results"]] == ["duplicate"] * 4
    assert Passage.objects.count() == 3
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).people_in == 3


def test_a_list_filters_by_checkpoint_date_fever_and_outcome(org, client_as, person):
    c = client_as(org.duty)
    post(c, "/api/v1/passages", person(org.checkpoint_a, temperature="38.2", outcome="referred_health"))
    post(c, "/api/v1/passages", person(org.checkpoint_a, seq=2))
    post(c, "/api/v1/passages", person(org.checkpoint_b, seq=3, outcome="turned_back"))
    office = client_as(org.office)
    assert len(office.get("/api/v1/passages").json()) == 3
    fevers = office.get("/api/v1/passages?fever=true").json()
    assert len(fevers) == 1 and fevers[0]["fever"] is True
    assert len(office.get(f"/api/v1/passages?checkpoint={org.checkpoint_b.pk}").json()) == 1
    assert len(office.get("/api/v1/passages?outcome=turned_back").json()) == 1
    from django.utils import timezone

    assert len(office.get(f"/api/v1/passages?date={timezone.localdate()}").json()) == 3
    assert len(office.get("/api/v1/passages?date=2001-01-01").json()) == 0
    # A liaison sees only their community.
    liaison = client_as(org.liaison_b).get("/api/v1/passages").json()
    assert [p["checkpoint"] for p in liaison] == ["B01"]


def test_vehicles_are_recorded_listed_and_turned_back(org, client_as):
    c = client_as(org.duty)
    body = {
        "checkpoint": org.checkpoint_a.pk,
        "client_uuid": str(uuid.uuid4()),
        "plate": "鄂A·12345",
        "outcome": "turned_back",
        "origin_region": "420100",
        "occupants": 3,
    }
    response = post(c, "/api/v1/vehicles", body)
    assert response.status_code == 201, response.content
    assert response.json()["plate"] == "鄂A12345"
    assert response.json()["high_risk"] is True
    assert post(c, "/api/v1/vehicles/batch", {"items": [body]}).json()["duplicates"] == 1
    tally = DailyTally.objects.get(checkpoint=org.checkpoint_a)
    assert (tally.vehicles, tally.vehicles_turned_back) == (1, 1)
    assert len(client_as(org.office).get("/api/v1/vehicles?outcome=turned_back").json()) == 1


def test_a_person_can_be_linked_to_the_vehicle_they_came_in(org, client_as, person):
    c = client_as(org.duty)
    vehicle = {
        "checkpoint": org.checkpoint_a.pk,
        "client_uuid": str(uuid.uuid4()),
        "plate": "蒙B12345",
        "outcome": "allowed",
    }
    post(c, "/api/v1/vehicles", vehicle)
    response = post(c, "/api/v1/passages", person(org.checkpoint_a, vehicle_uuid=vehicle["client_uuid"]))
    assert response.json()["vehicle_id"] == VehiclePassage.objects.get().pk
    unknown = post(c, "/api/v1/passages", person(org.checkpoint_a, vehicle_uuid=str(uuid.uuid4())))
    assert unknown.json()["detail"][0]["field"] == "vehicle_uuid"


def test_roles_that_may_not_record_are_refused(org, client_as, person):
    assert post(client_as(org.viewer), "/api/v1/passages", person(org.checkpoint_a)).status_code == 403
    assert post(client_as(org.liaison_a), "/api/v1/passages", person(org.checkpoint_a)).status_code == 403


def test_api_tokens_work_without_a_session(org, client, person):
    from frontline.api.services import api_token_create

    _token, raw = api_token_create(actor="test", user=org.duty, name="phone")
    response = client.post(
        "/api/v1/passages",
        json.dumps(person(org.checkpoint_a)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    assert Passage.objects.get().recorded_by == org.duty


def test_the_lookup_shows_sex_age_last_passages_and_warnings(org, client_as, person):
    c = client_as(org.duty)
    number = make_id(region="420102", seq=457)
    post(c, "/api/v1/passages", person(org.checkpoint_b, id_number=number, name="张三"))
    body = post(
        c,
        "/api/v1/passages/lookup",
        {"id_number": number, "checkpoint": org.checkpoint_a.pk, "temperature": "37.8", "origin_region": "420102"},
        lang="en",
    ).json()
    assert body["valid"] is True
    assert body["sex"] == "Male" and body["age"] >= 30
    assert body["recent"][0]["checkpoint"] == "幸福北门"
    assert body["recent"][0]["name"] == "张*"
    codes = {w["code"]: w["level"] for w in body["warnings"]}
    assert codes == {"fever": "red", "high_risk_origin": "orange", "seen_elsewhere": "blue"}


def test_registered_person_statuses_appear_in_the_lookup(org, client_as, monkeypatch):
    from frontline.checkpoints import lookups

    def isolation(*, id_number_hash, day):
        return [lookups.PersonWarning("red", "isolation", "居家隔离至 3 月 1 日")]

    monkeypatch.setattr(lookups, "STATUS_PROVIDERS", [])
    lookups.register_person_status(isolation)
    body = post(client_as(org.duty), "/api/v1/passages/lookup", {"id_number": make_id()}).json()
    assert {"level": "red", "code": "isolation", "message": "居家隔离至 3 月 1 日"} in body["warnings"]


def test_the_openapi_document_describes_the_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/passages", "/api/v1/passages/batch", "/api/v1/vehicles", "/api/v1/vehicles/batch"]:
        assert path in paths


def test_the_api_docs_page_loads_swagger_from_this_server(client, db):
    # A bureau's network may not reach a CDN: the docs page's scripts and styles are our own static files.
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
