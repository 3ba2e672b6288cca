"""Health notifications reach DingTalk/WeCom robots exactly once, through failures and backoff."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from frontline.core.models import Channel, OutboxMessage
from frontline.core.notify import outbox_deliver
from frontline.health import services
from frontline.health.tests.conftest import local

DAY = date(2026, 2, 12)


class Receiver:
    """A robot webhook on 127.0.0.1 that refuses each event's first two attempts."""

    def __init__(self, fail_first: int = 2) -> None:
        self.attempts: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.payloads: dict[str, dict] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = f"{self.path}|{self.headers.get('X-Frontline-Event', '')}"
                with receiver.lock:
                    receiver.attempts[key] += 1
                    fail = receiver.attempts[key] <= fail_first
                    if not fail:
                        receiver.accepted[key] += 1
                        receiver.payloads[key] = json.loads(body)
                if fail:
                    self.send_response(502)
                    self.end_headers()
                    self.wfile.write(b"busy")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver(fail_first=2) as r:
        yield r


def test_every_health_notification_arrives_exactly_once_despite_two_failures(
    org, watch, receiver, django_capture_on_commit_callbacks
):
    Channel.objects.create(name="钉钉防控群", kind=Channel.Kind.DINGTALK, target=receiver.url + "/dingtalk")
    Channel.objects.create(
        name="企业微信社区群", kind=Channel.Kind.WECOM, target=receiver.url + "/wecom", kinds=["health.escalation"]
    )
    with time_machine.travel(local(DAY, 7), tick=False):
        services.measure_start(actor=org.office, person=watch(name="冯漏报"))
        fever = services.measure_start(actor=org.office, person=watch(name="陈发热"))
    with time_machine.travel(local(DAY, 8), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=None, measure=fever, slot="morning", temperature="38.2")
    with time_machine.travel(local(DAY, 10, 1), tick=False):
        services.missed_reports_check()
        services.missed_reports_check()  # a second run must not queue anything again
    messages = list(OutboxMessage.objects.order_by("id"))
    events = {(m.channel.kind, m.kind) for m in messages}
    assert events == {("dingtalk", "health.escalation"), ("dingtalk", "health.missed"), ("wecom", "health.escalation")}
    expected = len(messages)

    clock = local(DAY, 10, 2)
    for _round in range(6):
        with time_machine.travel(clock, tick=False):
            outbox_deliver()
        clock += timedelta(minutes=10)  # past the longest backoff used so far (30 s, then 60 s)
    # Delivering again later sends nothing twice.
    with time_machine.travel(clock + timedelta(hours=2), tick=False):
        assert outbox_deliver() == {"sent": 0, "failed": 0}

    assert sum(receiver.accepted.values()) == expected
    assert all(n == 1 for n in receiver.accepted.values()), receiver.accepted
    assert all(n == 3 for n in receiver.attempts.values()), receiver.attempts
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, attempts=3).count() == expected
    ding = next(p for k, p in receiver.payloads.items() if k.startswith("/dingtalk") and "escalation" in k)
    assert (
        ding["msgtype"] == "markdown" and "陈" in ding["markdown"]["text"] and "陈发热" not in ding["markdown"]["text"]
    )
    wecom = next(p for k, p in receiver.payloads.items() if k.startswith("/wecom"))
    assert "content" in wecom["markdown"]
    assert timezone.is_aware(OutboxMessage.objects.first().sent_at)
