"""The lean entry of token-authenticated registrations (frontline.api.lean) answers as Django would.

Each case is sent twice at the WSGI level, as gunicorn sends it: once through `frontline.wsgi`'s
application (the lean entry in front of Django) and once to Django's own handler; status, body
(ids, UUIDs and times aside) and the headers that matter must be the same, and what is stored must
be the same too.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from frontline.api.lean import LeanWSGI
from frontline.api.services import api_token_create
from frontline.checkpoints.models import DailyTally, Passage, VehiclePassage
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit
from frontline.core.models import AuditLog

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "X-Content-Type-Options")


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: requests must not close the test's connection (its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


class Wsgi:
    """Call a WSGI application as gunicorn does and collect the answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def post(self, path: str, body: Any, *, token: str | None, language: str = "zh-hans", raw: bytes | None = None):
        data = raw if raw is not None else json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)),
            "wsgi.input": io.BytesIO(data),
            "wsgi.url_scheme": "http",
            "HTTP_HOST": "testserver",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "REMOTE_ADDR": "10.1.2.3",
            "HTTP_ACCEPT_LANGUAGE": language,
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(headers)

        chunks = self.app(environ, start_response)
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        answer["json"] = json.loads(content) if content else None
        return answer


@pytest.fixture
def pair(org):
    """The lean entry and Django alone, and a token of a duty log-in and of a read-only one."""
    django_app = WSGIHandler()
    _t, duty = api_token_create(actor="test", user=org.office, name="lean")
    _t, viewer = api_token_create(actor="test", user=org.viewer, name="lean-viewer")
    return Wsgi(LeanWSGI(django_app)), Wsgi(django_app), {"duty": duty, "viewer": viewer}


VOLATILE = {"id", "client_uuid", "at", "created_at", "today"}  # today's counts grow with each send


def _same_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("…" if k in VOLATILE else _same_shape(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_shape(v) for v in value]
    return value


def _fresh(body: Any) -> Any:
    """The same body with new client UUIDs, so both sends store their own rows."""
    text = json.dumps(body)
    for old in {v for v in _uuids(body)}:
        text = text.replace(old, str(uuid.uuid4()))
    return json.loads(text)


def _uuids(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "client_uuid"] + [u for v in value.values() for u in _uuids(v)]
    if isinstance(value, list):
        return [u for v in value for u in _uuids(v)]
    return []


def _both(
    pair,
    path: str,
    body: Any,
    *,
    token: str = "duty",  # noqa: S107 (a key of the tokens)
    language: str = "zh-hans",
    raw: bytes | None = None,
):
    lean, plain, tokens = pair
    first = lean.post(path, body, token=tokens.get(token, token), language=language, raw=raw)
    second = plain.post(path, _fresh(body), token=tokens.get(token, token), language=language, raw=raw)
    return first, second


def _assert_alike(first: dict[str, Any], second: dict[str, Any]) -> None:
    assert first["status"] == second["status"], (first, second)
    assert _same_shape(first["json"]) == _same_shape(second["json"])
    for name in HEADERS:
        assert first["headers"].get(name) == second["headers"].get(name), name


def person_body(org: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "checkpoint": org.checkpoint_a.pk,
        "client_uuid": str(uuid.uuid4()),
        "id_number": make_id(seq=321),
        "temperature": "36.6",
        "outcome": "allowed",
        "phone": "13812345678",
    }
    body.update(overrides)
    return body


CASES = [
    ("stored", {}),
    ("fever and high-risk origin", {"temperature": "38.4", "origin_region": "420102"}),
    ("wrong check digit", {"id_number": wrong_check_digit(make_id(seq=321))}),
    ("temperature 50", {"temperature": "50"}),
    ("unknown checkpoint", {"checkpoint": 999999}),
    ("malformed phone and outcome", {"phone": "12345", "outcome": "sideways"}),
    ("missing field (ninja's 422)", {"outcome": None}),
    ("wrong type (ninja's 422)", {"checkpoint": "first"}),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("label", "overrides"), CASES, ids=[c[0] for c in CASES])
def test_one_passage_is_answered_alike(org, pair, label, overrides, language):
    body = person_body(org, **overrides)
    if overrides.get("outcome", "") is None:
        del body["outcome"]
    first, second = _both(pair, "/api/v1/passages", body, language=language)
    _assert_alike(first, second)
    assert first["headers"]["Content-Language"] == language


def test_a_resent_passage_is_stored_once_and_answered_alike(org, pair):
    lean, plain, tokens = pair
    body = person_body(org)
    assert lean.post("/api/v1/passages", body, token=tokens["duty"])["status"] == 201
    again_lean = lean.post("/api/v1/passages", body, token=tokens["duty"])
    again_plain = plain.post("/api/v1/passages", body, token=tokens["duty"])
    _assert_alike(again_lean, again_plain)
    assert again_lean["status"] == 200 and again_lean["json"]["result"] == "duplicate"
    assert Passage.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).people_in == 1


def test_what_is_stored_is_the_same(org, pair):
    lean, plain, tokens = pair
    a = lean.post("/api/v1/passages", person_body(org, temperature="38.0"), token=tokens["duty"])["json"]
    b = plain.post("/api/v1/passages", person_body(org, temperature="38.0"), token=tokens["duty"])["json"]
    fields = ["checkpoint_id", "day", "id_number", "phone", "temperature", "fever_event", "recorded_by_id", "source"]
    one, two = (Passage.objects.values(*fields).get(pk=x["id"]) for x in (a, b))
    assert one == two
    entries = AuditLog.objects.filter(action="passage.record").order_by("id")
    assert [(e.actor_id, e.ip, e.changes) for e in entries] == [(org.office.pk, "10.1.2.3", entries[0].changes)] * 2


def test_batches_and_vehicles_are_answered_alike(org, pair):
    items = [person_body(org, id_number=make_id(seq=400 + i)) for i in range(3)]
    items.append(person_body(org, id_number=wrong_check_digit(make_id(seq=499))))
    items.append({"checkpoint": org.checkpoint_a.pk})  # no UUID, no outcome: refused by the schema
    first, second = _both(pair, "/api/v1/passages/batch", {"items": items}, language="en")
    _assert_alike(first, second)
    assert first["json"]["created"] == 3 and first["json"]["errors"] == 2
    assert first["json"]["today"][str(org.checkpoint_a.pk)]["people"] == 3
    assert second["json"]["today"][str(org.checkpoint_a.pk)]["people"] == 6
    vehicle = {"checkpoint": org.checkpoint_a.pk, "plate": "蒙B12345"}
    for path, body in [
        ("/api/v1/vehicles", {**vehicle, "client_uuid": str(uuid.uuid4()), "outcome": "turned_back"}),
        ("/api/v1/vehicles", {**vehicle, "client_uuid": str(uuid.uuid4()), "plate": "B-123", "outcome": "turned_back"}),
        ("/api/v1/vehicles/batch", {"items": [{**vehicle, "client_uuid": str(uuid.uuid4()), "outcome": "allowed"}]}),
    ]:
        first, second = _both(pair, path, body)
        _assert_alike(first, second)
    assert VehiclePassage.objects.count() == 4


def test_what_django_must_answer_is_left_to_django(org, pair):
    body = person_body(org)
    for token, status in [("viewer", 403), ("fl_not-a-token", 401)]:  # no capability; no such token
        first, second = _both(pair, "/api/v1/passages", body, token=token)
        _assert_alike(first, second)
        assert first["status"] == status
    first, second = _both(pair, "/api/v1/passages", body, raw=b'{"checkpoint": ')
    _assert_alike(first, second)
    assert Passage.objects.count() == 0


def test_a_revoked_token_is_refused_at_once_with_401(org, pair):
    from frontline.api.models import ApiToken
    from frontline.api.services import api_token_revoke

    lean, _plain, tokens = pair
    assert lean.post("/api/v1/passages", person_body(org), token=tokens["duty"])["status"] == 201
    token = ApiToken.objects.get(user=org.office, name="lean")
    api_token_revoke(actor="test", token=token)
    refused = lean.post("/api/v1/passages", person_body(org), token=tokens["duty"], language="en")
    assert refused["status"] == 401 and refused["json"]["code"] == "unauthenticated"
    assert Passage.objects.count() == 1


def test_a_closed_campaign_is_refused_alike(org, pair):
    from frontline.org.models import Campaign

    Campaign.objects.filter(pk=org.campaign.pk).update(status=Campaign.Status.CLOSED)
    for path, body in [
        ("/api/v1/passages", person_body(org)),
        ("/api/v1/passages/batch", {"items": [person_body(org)]}),
    ]:
        first, second = _both(pair, path, body, language="en")
        _assert_alike(first, second)
        assert first["status"] == 409 and first["json"]["code"] == "campaign.closed"
    assert Passage.objects.count() == 0


def test_the_lean_entry_answers_the_ordinary_request_itself(org, pair):
    """Django is not called for a valid registration; it is for anything the entry leaves to it."""
    lean, _plain, tokens = pair
    calls = []
    django_app = lean.app.django_app

    def counting(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return django_app(environ, start_response)

    lean.app.django_app = counting
    assert lean.post("/api/v1/passages", person_body(org), token=tokens["duty"])["status"] == 201
    assert calls == []
    assert lean.post("/api/v1/passages", {"checkpoint": 1}, token=tokens["duty"])["status"] == 422
    assert lean.post("/api/v1/passages", person_body(org), token=None)["status"] == 403
    assert calls == ["/api/v1/passages"] * 2
