"""Pinned costs of registration (issue 3, must-show 6): queries per request, set-based batches.

The throughput figures themselves are measured by bench/checkpoints_bench.py on PostgreSQL; these
tests keep the shape that makes them possible from eroding: a single registration is a fixed, small
number of statements, a batch costs the same number of statements whatever its size, one audit
entry and one signal per batch, and the tally page reads only the tallies.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from frontline.api.services import api_token_create
from frontline.checkpoints import selectors, services
from frontline.checkpoints.models import DailyTally, Passage
from frontline.checkpoints.signals import passage_recorded, passages_recorded
from frontline.checkpoints.tests.conftest import make_id
from frontline.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(org, client, monkeypatch):
    """A client sending Bearer-token requests, as the field phones and the bench do."""
    monkeypatch.setattr(selectors, "CAMPAIGN_TTL", 3600.0)  # no expiry between the two requests of a test
    _token, raw = api_token_create(actor="test", user=org.office, name="perf")

    def post(url, body):
        return client.post(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")

    return post


def _items(org, n, *, start=0, temperature="36.6"):
    return [
        services.PassageData(
            checkpoint_id=(org.checkpoint_a if i % 2 else org.checkpoint_b).pk,
            client_uuid=uuid.uuid4(),
            outcome="allowed",
            id_number=make_id(seq=(start + i) % 1000),
            temperature=temperature,
            phone=f"138{start + i:08d}",
        )
        for i in range(n)
    ]


def test_a_single_registration_is_nine_statements(org, api, person):
    """INSERT … ON CONFLICT, closed-campaign guard, audit, health look-up in a savepoint, tally upsert
    — and the savepoint of the request's transaction (the test's own). The token, the campaign's
    rules and the checkpoints are remembered by the process for a few seconds. It was 15 (a UUID
    look-up first, a savepoint around the insert, a campaign query per request, an UPDATE-then-INSERT
    tally bump), then 11 (the token and the checkpoint read on every request)."""
    assert api("/api/v1/passages", person(org.checkpoint_a)).status_code == 201  # warms the token and campaign
    with CaptureQueriesContext(connection) as queries:
        response = api("/api/v1/passages", person(org.checkpoint_a, seq=2, phone="13912345678"))
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 9, "\n".join(sql)
    passage_statements = [s for s in sql if "checkpoints_passage" in s]
    assert len(passage_statements) == 1 and passage_statements[0].startswith("INSERT")
    assert sum("checkpoints_dailytally" in s for s in sql) == 1
    assert sum("org_campaign" in s for s in sql) == 1  # the closed-campaign guard's; the rules are remembered
    assert Passage.objects.count() == 2
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).people_in == 2


def test_a_resent_registration_costs_one_look_up_more_and_stores_nothing(org, api, person):
    body = person(org.checkpoint_a)
    first = api("/api/v1/passages", body)
    again = api("/api/v1/passages", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["result"] == "duplicate"
    assert Passage.objects.count() == 1
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).people_in == 1
    assert AuditLog.objects.filter(action="passage.record").count() == 1


def test_a_batch_costs_the_same_statements_whatever_its_size(org):
    services.passage_record_batch(actor=org.office, items=_items(org, 2))  # warms the campaign
    with CaptureQueriesContext(connection) as small:
        services.passage_record_batch(actor=org.office, items=_items(org, 10, start=100))
    with CaptureQueriesContext(connection) as large:
        results = services.passage_record_batch(actor=org.office, items=_items(org, 400, start=200))
    assert [r.status for r in results] == ["created"] * 400
    if connection.vendor == "postgresql":  # SQLite takes VALUES lists within its parameter limit
        assert len(large.captured_queries) == len(small.captured_queries) <= 10
    assert sum("checkpoints_dailytally" in q["sql"] for q in large.captured_queries) == 1
    assert sum("health_measure" in q["sql"] for q in large.captured_queries) == 1
    assert Passage.objects.count() == 412
    assert selectors.tally_snapshot() == selectors.tally_recount()


def test_a_batch_is_audited_once_with_its_uuids_and_no_personal_data(org):
    items = _items(org, 30)
    services.passage_record_batch(actor=org.office, items=items)
    entry = AuditLog.objects.get(action="passage.record_batch")
    assert entry.changes["created"] == 30
    assert entry.changes["client_uuids"] == [str(i.client_uuid) for i in items]
    assert sorted(entry.changes["checkpoints"]) == sorted([org.checkpoint_a.code, org.checkpoint_b.code])
    text = json.dumps(entry.changes)
    assert not any(i.id_number in text or i.phone in text for i in items)
    assert AuditLog.objects.filter(action="passage.record").count() == 0


def test_duplicates_inside_a_batch_and_across_batches_are_reported_with_the_stored_id(org):
    items = _items(org, 3)
    first = services.passage_record_batch(actor=org.office, items=[*items, items[0]])
    assert [r.status for r in first] == ["created", "created", "created", "duplicate"]
    assert first[3].obj.pk == first[0].obj.pk
    again = services.passage_record_batch(actor=org.office, items=[items[1], *_items(org, 1, start=50)])
    assert [r.status for r in again] == ["duplicate", "created"]
    assert again[0].obj.pk == first[1].obj.pk
    assert Passage.objects.count() == 4
    assert selectors.tally_snapshot() == selectors.tally_recount()


def test_the_batch_signal_is_sent_once_with_the_new_passages_only(org):
    batches, singles = [], []
    passages_recorded.connect(
        lambda sender, passages, **kw: batches.append([p.pk for p in passages]), weak=False, dispatch_uid="t-batch"
    )
    try:
        items = _items(org, 5)
        services.passage_record_batch(actor=org.office, items=items)
        services.passage_record_batch(actor=org.office, items=[items[0], *_items(org, 2, start=10)])
        passage_recorded.connect(
            lambda sender, passage, **kw: singles.append(passage.pk), weak=False, dispatch_uid="t-one"
        )
        try:
            services.passage_record_batch(actor=org.office, items=_items(org, 3, start=20))
        finally:
            passage_recorded.disconnect(dispatch_uid="t-one")
    finally:
        passages_recorded.disconnect(dispatch_uid="t-batch")
    assert [len(b) for b in batches] == [5, 2, 3]
    assert len(singles) == 3 and singles == batches[2]
    assert len(set(batches[0]) | set(batches[1]) | set(batches[2])) == 10


def test_a_campaign_change_applies_to_the_next_passage_at_once(org):
    assert services.passage_record_batch(actor=org.office, items=_items(org, 1, temperature="37.6"))[0].obj.fever
    from frontline.org import services as org_services

    c = org.campaign
    org_services.campaign_save(
        actor=org.office,
        campaign=c,
        name=c.name,
        start_date=c.start_date,
        end_date=c.end_date,
        fever_threshold=Decimal("38.0"),
        high_risk_regions=c.high_risk_regions,
    )
    later = services.passage_record_batch(actor=org.office, items=_items(org, 1, start=5, temperature="37.6"))
    assert not later[0].obj.fever


def test_the_tally_page_prints_the_counts_and_marks_only_real_fevers(org, client_as, django_assert_num_queries):
    today = timezone.localdate()
    DailyTally.objects.create(checkpoint=org.checkpoint_a, day=today, people_in=1234, people_out=56, fever_events=3)
    DailyTally.objects.create(checkpoint=org.checkpoint_b, day=today - timedelta(days=1), people_in=7, fever_events=0)
    c = client_as(org.office)
    c.get(reverse("checkpoints:tallies"))
    with django_assert_num_queries(6):  # session, user, tallies, inbox count, staff, communities
        page = c.get(reverse("checkpoints:tallies")).content.decode()
    assert '<td class="text-end">1234</td><td class="text-end">56</td>' in page
    assert '<td class="text-end text-danger fw-bold">3</td>' in page
    assert '<td class="text-end">0</td>' in page  # a zero is printed, not marked
    assert f"{org.checkpoint_a.code} {org.checkpoint_a.name}" in page and org.community_a.name in page


def test_the_tally_page_escapes_names_it_builds_outside_the_template(org, client_as):
    from frontline.org import services as org_services

    org_services.checkpoint_save(
        actor="test",
        checkpoint=org.checkpoint_a,
        code=org.checkpoint_a.code,
        name="<b>东门</b>",
        community=org.community_a,
        opened_on=org.checkpoint_a.opened_on,
    )
    DailyTally.objects.create(checkpoint=org.checkpoint_a, day=timezone.localdate(), people_in=5)
    page = client_as(org.office).get(reverse("checkpoints:tallies")).content.decode()
    assert "&lt;b&gt;东门&lt;/b&gt;" in page and "<b>东门</b>" not in page


def test_the_batch_answer_has_every_key_of_its_documented_schema(org, api, person):
    from frontline.checkpoints.api import BatchOut

    good = person(org.checkpoint_a)
    bad = person(org.checkpoint_a, seq=3, temperature="50")
    malformed = {"checkpoint": org.checkpoint_a.pk, "client_uuid": "not-a-uuid", "outcome": "allowed"}
    response = api("/api/v1/passages/batch", {"items": [good, bad, malformed, good]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert BatchOut.model_validate(body).model_dump(mode="json") == body  # nothing missing, nothing extra
    assert [r["result"] for r in body["results"]] == ["created", "error", "error", "duplicate"]
    assert body["results"][1]["errors"][0]["field"] == "temperature" and body["results"][0]["errors"] == []
    assert body["results"][2]["errors"][0]["field"] == "client_uuid" and body["results"][2]["id"] is None
    assert body["results"][3]["id"] == body["results"][0]["id"]
    assert (body["created"], body["duplicates"], body["errors"]) == (1, 1, 2)
    assert body["today"] == {str(org.checkpoint_a.pk): {"people": 1, "vehicles": 0, "fevers": 0}}
