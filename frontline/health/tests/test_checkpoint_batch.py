"""The checkpoint link under a batch: one look-up for all its passages, alerts only for the matches."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontline.core.models import AuditLog, Notification
from frontline.health import services

checkpoints_services = pytest.importorskip("frontline.checkpoints.services")

pytestmark = pytest.mark.django_db


def _data(org, number):
    return checkpoints_services.PassageData(
        checkpoint_id=org.checkpoint_a.pk,
        client_uuid=uuid.uuid4(),
        outcome="allowed",
        id_number=number,
        temperature="36.5",
    )


def test_a_batch_looks_up_measures_once_and_alerts_only_for_the_person_under_one(
    org, watch, new_id, django_capture_on_commit_callbacks
):
    isolated = new_id()
    services.measure_start(actor=org.office, person=watch(name="胡隔离", id_number=isolated))
    items = [_data(org, new_id()) for _ in range(40)]
    items.insert(17, _data(org, isolated))
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        results = checkpoints_services.passage_record_batch(actor=org.duty, items=items)
    assert [r.status for r in results] == ["created"] * 41
    # One look-up for the 41 blind indexes, then the one match's own alert (which loads its measure).
    assert sum("health_measure" in q["sql"] for q in queries.captured_queries) == 2
    alerts = Notification.objects.filter(kind="health.checkpoint")
    assert alerts.filter(user=org.liaison_a).count() == 1 and "胡" in alerts.get(user=org.liaison_a).title
    seen = AuditLog.objects.get(action="isolation.seen_at_checkpoint")
    assert seen.changes["passage"] == results[17].obj.pk


def test_a_batch_with_nobody_under_a_measure_alerts_nobody(org, watch, new_id, django_capture_on_commit_callbacks):
    services.measure_start(actor=org.office, person=watch(id_number=new_id()))
    with django_capture_on_commit_callbacks(execute=True):
        checkpoints_services.passage_record_batch(actor=org.duty, items=[_data(org, new_id()) for _ in range(10)])
    assert not Notification.objects.filter(kind="health.checkpoint").exists()
    assert not AuditLog.objects.filter(action="isolation.seen_at_checkpoint").exists()
