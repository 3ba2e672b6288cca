"""The API as it is served on PostgreSQL: gunicorn's gevent workers (gunicorn.conf.py), for real.

Two worker processes, a greenlet per client connection, the group commit's waits and psycopg's
database waits all cooperative: concurrent registrations (one sent three times at once, one with a
wrong check digit) are each answered for themselves, stored exactly once, and counted once.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from frontline.api.services import api_token_create
from frontline.checkpoints import selectors
from frontline.checkpoints.models import Passage
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit
from frontline.core.models import AuditLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn with the project's own settings (gunicorn.conf.py), on the test database."""
    db = connection.settings_dict
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "CONN_MAX_AGE": "600",
    }
    env.pop("WORKER_CLASS", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(gunicorn), "frontline.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "info"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start: " + log.read_text())
        yield port, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        connection.close()  # the server's connections to the test database are gone; so is ours


def test_gevent_workers_store_concurrent_registrations_exactly_once(org, served) -> None:  # type: ignore[no-untyped-def]
    port, log = served
    _token, raw = api_token_create(actor="test", user=org.users["office"], name="t")
    repeated = str(uuid.uuid4())
    bodies = [
        {
            "checkpoint": (org.checkpoint_a if i % 3 else org.checkpoint_b).pk,
            "client_uuid": str(uuid.uuid4()),
            "id_number": make_id(seq=400 + i),
            "temperature": "38.1" if i == 7 else "36.6",
            "outcome": "allowed",
        }
        for i in range(30)
    ]
    bodies += [{**bodies[0], "client_uuid": repeated}] * 3  # the same record three times at once
    bodies.append({**bodies[1], "client_uuid": str(uuid.uuid4()), "id_number": wrong_check_digit(make_id(seq=499))})
    answers: dict[int, tuple[int, dict]] = {}
    barrier = threading.Barrier(len(bodies))

    def send(i: int, body: dict) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {raw}", "Content-Type": "application/json", "Accept-Language": "en"}
        barrier.wait()
        conn.request("POST", "/api/v1/passages", json.dumps(body), headers)
        response = conn.getresponse()
        answers[i] = (response.status, json.loads(response.read()))

    threads = [threading.Thread(target=send, args=(i, body)) for i, body in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)

    assert "Using worker: gevent" in log.read_text(), "on PostgreSQL the project serves with gevent workers"
    assert len(answers) == len(bodies)
    assert all(answers[i][0] == 201 for i in range(30))
    assert sorted(answers[i][0] for i in (30, 31, 32)) == [200, 200, 201]
    assert len({answers[i][1]["id"] for i in (30, 31, 32)}) == 1
    status, bad = answers[33]
    assert status == 422 and bad["field"] == "id_number" and "check digit" in bad["message"].lower()

    assert Passage.objects.count() == 31
    assert Passage.objects.filter(client_uuid=repeated).count() == 1
    for i in range(30):
        passage = Passage.objects.get(client_uuid=bodies[i]["client_uuid"])
        assert answers[i][1]["id"] == passage.pk and passage.recorded_by_id == org.users["office"].pk
    assert AuditLog.objects.filter(action="passage.record").count() == 31
    recount = selectors.tally_recount()
    assert recount and selectors.tally_snapshot() == recount
