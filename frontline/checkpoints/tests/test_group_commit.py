"""Single registrations sent at the same moment share a transaction, and nothing else changes.

Each request still gets its own answer (created / duplicate / its own field errors in its own
language), each passage its own audit entry naming who recorded it from where, the tallies still
equal a recount, and a UUID sent twice at once is stored once.

PostgreSQL only: the SQLite test database lives in memory with a shared cache, where concurrent
readers get "table is locked" instead of waiting (the server's SQLite file, in WAL mode with a busy
timeout, does not). The grouping logic itself is tested on both in core/tests/test_groupcommit.py.
"""

from __future__ import annotations

import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from frontline.api.services import api_token_create
from frontline.checkpoints import selectors, services
from frontline.checkpoints.models import Passage
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit
from frontline.core.models import AuditLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_single_registrations_share_transactions_and_keep_their_own_answers(org, monkeypatch):
    monkeypatch.setattr(selectors, "CAMPAIGN_TTL", 3600.0)
    monkeypatch.setattr(services, "_singles", services.GroupCommit(services._record_singles))
    tokens = {name: api_token_create(actor="test", user=org.users[name], name="t")[1] for name in ("office", "leader")}
    repeated = str(uuid.uuid4())
    bodies = []
    for i in range(16):
        user = "office" if i % 2 else "leader"
        body = {
            "checkpoint": (org.checkpoint_a if i % 3 else org.checkpoint_b).pk,
            "client_uuid": str(uuid.uuid4()),
            "id_number": make_id(seq=200 + i),
            "temperature": "38.2" if i == 5 else "36.5",
            "outcome": "allowed",
        }
        bodies.append((user, body, "zh-hans"))
    bodies.append(("office", {**bodies[0][1], "client_uuid": repeated}, "zh-hans"))
    bodies.append(("office", {**bodies[0][1], "client_uuid": repeated}, "zh-hans"))  # the same record, twice at once
    bad = {**bodies[1][1], "client_uuid": str(uuid.uuid4()), "id_number": wrong_check_digit(make_id(seq=300))}
    bodies.append(("office", bad, "en"))
    answers: dict[int, tuple[int, dict]] = {}
    barrier = threading.Barrier(len(bodies))

    def send(i: int, user: str, body: dict, language: str) -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[user]}", HTTP_ACCEPT_LANGUAGE=language)
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/passages", json.dumps(body), content_type="application/json", REMOTE_ADDR=f"10.0.0.{i + 1}"
            )
            answers[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, *b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == len(bodies)
    assert services._singles.items == len(bodies), "every request went through the group commit"

    # The refused one, and only it: 422 naming the field, in the language it asked for.
    status, bad_answer = answers[len(bodies) - 1]
    assert status == 422 and bad_answer["field"] == "id_number"
    assert "check digit" in bad_answer["message"].lower()
    statuses = sorted(answers[i][0] for i in (16, 17))
    assert statuses == [200, 201], "a UUID sent twice at once: one created, one duplicate"
    assert answers[16][1]["id"] == answers[17][1]["id"]
    assert all(answers[i][0] == 201 for i in range(16))

    stored = Passage.objects.all()
    assert stored.count() == 17
    assert Passage.objects.filter(client_uuid=repeated).count() == 1
    by_uuid = {str(p.client_uuid): p for p in stored.select_related("recorded_by")}
    for i, (user, body, _lang) in enumerate(bodies[:16]):
        passage = by_uuid[body["client_uuid"]]
        assert answers[i][1]["id"] == passage.pk
        assert passage.recorded_by.username == user
        entry = AuditLog.objects.get(action="passage.record", target_id=str(passage.pk))
        assert entry.actor.username == user and entry.ip == f"10.0.0.{i + 1}"
    assert by_uuid[bodies[5][1]["client_uuid"]].fever_event

    recount = selectors.tally_recount()
    assert recount and selectors.tally_snapshot() == recount
