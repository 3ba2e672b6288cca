"""Fever escalations: one transition function, every step recorded, illegal steps refused, overdue flag."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from frontline.core.errors import DomainError
from frontline.core.models import Notification
from frontline.health import services
from frontline.health.models import Escalation, Measure


def test_an_escalation_moves_through_every_state_recording_who_when_and_to_whom(org, watch):
    person = watch()
    measure = services.measure_start(actor=org.office, person=person)
    e = services.escalation_open(actor=org.liaison_a, person=person, source="manual", temperature=Decimal("38.0"))
    path = [
        ("community_notified", "社区网格员李某"),
        ("handed_to_health_dept", "区卫健局疾控科"),
        ("at_hospital", "市第四医院"),
    ]
    for state, to_whom in path:
        services.escalation_advance(actor=org.liaison_a, escalation=e, to_state=state, to_whom=to_whom)
    services.escalation_advance(
        actor=org.liaison_a, escalation=e, to_state="closed", outcome="excluded", note="核酸阴性"
    )
    e.refresh_from_db()
    assert e.state == "closed" and e.outcome == "excluded" and e.closed_at is not None
    steps = list(e.steps.values_list("from_state", "to_state", "to_whom", "by"))
    assert steps == [
        ("", "detected", "", org.liaison_a.pk),
        ("detected", "community_notified", "社区网格员李某", org.liaison_a.pk),
        ("community_notified", "handed_to_health_dept", "区卫健局疾控科", org.liaison_a.pk),
        ("handed_to_health_dept", "at_hospital", "市第四医院", org.liaison_a.pk),
        ("at_hospital", "closed", "", org.liaison_a.pk),
    ]
    measure.refresh_from_db()
    assert measure.status == Measure.Status.HOSPITAL  # at the hospital, the home measure is over


def test_an_illegal_step_is_refused_with_a_message_naming_the_field(org, watch):
    e = services.escalation_open(actor=org.office, person=watch(), source="manual", symptoms="干咳")
    with pytest.raises(DomainError) as err:
        services.escalation_advance(actor=org.office, escalation=e, to_state="at_hospital", to_whom="医院")
    assert err.value.field == "to_state" and err.value.code == "escalation.illegal_step"
    assert "Detected" in str(err.value) or "已发现" in str(err.value)
    with pytest.raises(DomainError) as err:
        services.escalation_advance(actor=org.office, escalation=e, to_state="community_notified")
    assert err.value.field == "to_whom"
    with pytest.raises(DomainError) as err:
        services.escalation_advance(actor=org.office, escalation=e, to_state="closed")
    assert err.value.field == "outcome"
    e.refresh_from_db()
    assert e.state == "detected" and e.steps.count() == 1


def test_the_illegal_step_message_shows_on_the_page(org, watch, client_as):
    e = services.escalation_open(actor=org.office, person=watch(), source="manual", symptoms="干咳")
    page = client_as(org.liaison_a).post(
        reverse("health:escalation_detail", args=[e.pk]), {"to_state": "closed", "to_whom": "", "outcome": ""}
    )
    assert page.status_code == 200
    assert 'data-field="outcome"' in page.content.decode()


def test_a_case_not_notified_in_time_is_overdue_and_the_bureau_told_once(org, watch):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        e = services.escalation_open(actor=org.office, person=watch(), source="manual", symptoms="发热")
        assert not e.overdue
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        e.refresh_from_db()
        assert e.overdue
        services.escalations_overdue_check()
        services.escalations_overdue_check()
    assert Notification.objects.filter(user=org.leader, kind="health.escalation_overdue").count() == 1
    assert Notification.objects.filter(user=org.liaison_a, kind="health.escalation_overdue").count() == 1
    with time_machine.travel(start + timedelta(minutes=40), tick=False):
        services.escalation_advance(actor=org.liaison_a, escalation=e, to_state="community_notified", to_whom="社区")
        e.refresh_from_db()
        assert e.overdue  # notified late stays flagged


def test_the_database_refuses_a_closed_case_without_an_outcome(org, watch):
    from django.db import IntegrityError, transaction

    e = services.escalation_open(actor=org.office, person=watch(), source="manual", symptoms="发热")
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=e.pk).update(state="closed")


def test_the_board_shows_cases_by_state_and_is_scoped(org, watch, client_as):
    a = services.escalation_open(actor=org.office, person=watch(name="甲发热"), source="manual", symptoms="发热")
    services.escalation_advance(actor=org.office, escalation=a, to_state="community_notified", to_whom="社区")
    services.escalation_open(
        actor=org.office, person=watch(name="乙发热", community=org.community_b), source="manual", symptoms="发热"
    )
    page = client_as(org.liaison_a).get(reverse("health:escalation_board")).content.decode()
    assert "甲发热" in page and "乙发热" not in page
    column = page.split('data-state="community_notified"')[1].split('data-state="handed_to_health_dept"')[0]
    assert "甲发热" in column
    assert client_as(org.liaison_b).get(reverse("health:escalation_detail", args=[a.pk])).status_code == 404
