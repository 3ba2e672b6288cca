"""The checkpoint link: a fever passage opens an escalation; a person under a measure warns and notifies."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.utils import timezone

from frontline.core.crypto import blind_index
from frontline.core.models import Notification
from frontline.health import handlers, services
from frontline.health.models import Escalation, Person

checkpoints_services = pytest.importorskip("frontline.checkpoints.services")
lookups = pytest.importorskip("frontline.checkpoints.lookups")


def _record(org, *, id_number, temperature="36.5", name="", symptoms=(), outcome="allowed"):
    data = checkpoints_services.PassageData(
        checkpoint_id=org.checkpoint_a.pk,
        client_uuid=str(uuid.uuid4()),
        outcome=outcome,
        id_number=id_number,
        temperature=temperature,
        name=name,
        symptoms=list(symptoms),
    )
    result = checkpoints_services.passage_record(actor=org.duty, data=data)
    assert result.obj is not None, result.errors
    return result.obj


def test_a_fever_passage_opens_an_escalation_for_a_new_person(org, new_id, django_capture_on_commit_callbacks):
    number = new_id("420102")
    with django_capture_on_commit_callbacks(execute=True):
        passage = _record(org, id_number=number, temperature="38.2", name="林发热", outcome="referred_health")
    person = Person.objects.get(id_number_hash=blind_index("id_number", number))
    assert person.found_by == "checkpoint" and person.community == org.community_a
    assert [c.code for c in person.categories.all()] == ["fever_case"]
    e = Escalation.objects.get(person=person)
    assert e.source == "checkpoint" and e.passage_id == passage.pk and str(e.temperature) == "38.2"
    assert org.liaison_a.notifications.filter(kind="health.escalation").count() == 1
    # The same passage sent again (a retried signal) does not open a second case.
    services.passage_fever_escalate(passage=passage)
    assert Escalation.objects.count() == 1


def test_a_fever_passage_matches_a_watched_person(org, watch, new_id):
    number = new_id()
    person = watch(name="黄某", id_number=number)
    _record(org, id_number=number, temperature="37.9", name="黄某", outcome="referred_health")
    assert Escalation.objects.get().person == person
    assert Person.objects.count() == 1


def test_a_person_under_isolation_at_a_checkpoint_gets_a_red_warning_and_the_liaison_is_told(
    org, watch, new_id, django_capture_on_commit_callbacks
):
    number = new_id()
    measure = services.measure_start(actor=org.office, person=watch(name="胡隔离", id_number=number))
    warnings = lookups.person_warnings(id_number_hash=blind_index("id_number", number), day=timezone.localdate())
    mine = [w for w in warnings if w.code == "health.under_measure"]
    assert len(mine) == 1 and mine[0].level == "red"
    assert f"{measure.planned_end:%Y-%m-%d}" in mine[0].message
    assert lookups.person_warnings(id_number_hash=blind_index("id_number", new_id()), day=date.today()) == []
    with django_capture_on_commit_callbacks(execute=True):
        passage = _record(org, id_number=number)
    msgs = Notification.objects.filter(user=org.liaison_a, kind="health.checkpoint")
    assert msgs.count() == 1 and "胡" in msgs.get().title
    services.passage_under_measure_alert(passage=passage)
    assert msgs.count() == 1
    assert not Notification.objects.filter(user=org.liaison_b).exists()


def test_the_warning_is_in_the_api_lookup(org, watch, new_id, client_as):
    number = new_id()
    services.measure_start(actor=org.office, person=watch(id_number=number))
    response = client_as(org.duty).post(
        "/api/v1/passages/lookup",
        {"id_number": number, "checkpoint": org.checkpoint_a.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    codes = [w["code"] for w in response.json()["warnings"]]
    assert "health.under_measure" in codes


def test_the_handlers_are_connected_once():
    signals = pytest.importorskip("frontline.checkpoints.signals")
    assert signals.fever_detected.has_listeners()
    assert handlers.person_status in lookups.STATUS_PROVIDERS
