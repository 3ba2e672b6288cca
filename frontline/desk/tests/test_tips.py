"""Hotline tips: the workflow, the overdue flag, and a returnee tip becoming a person to watch."""

from __future__ import annotations

import sys
import types
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from frontline.core.errors import DomainError
from frontline.core.models import Notification
from frontline.desk import services
from frontline.desk.models import Tip


@pytest.fixture
def fake_health(monkeypatch):
    """Stand in for frontline.health.services.person_watch_create and record its calls."""
    calls = []

    def person_watch_create(**kwargs):
        calls.append(kwargs)
        return types.SimpleNamespace(pk=4242)

    module = types.ModuleType("frontline.health.services")
    module.person_watch_create = person_watch_create
    monkeypatch.setitem(sys.modules, "frontline.health.services", module)
    return calls


def test_the_workflow_goes_from_received_to_closed(desk):
    org = desk.org
    tip, _ = desk.tip()
    steps = [
        ("assigned", {"assignee": org.liaison_a}),
        ("verified", {"verified_true": True}),
        ("handled", {"handling": "已上门登记，落实居家隔离。"}),
        ("answered", {"answer": "感谢举报，已处理。"}),
        ("closed", {}),
    ]
    for to, extra in steps:
        tip = services.tip_transition(actor=org.office, tip=tip, to=to, **extra)
        assert tip.status == to
    assert tip.answered_at and tip.closed_at


@pytest.mark.parametrize(
    "to,extra,field",
    [
        ("handled", {"handling": "x"}, "status"),  # skips verification
        ("assigned", {}, "assignee"),
        ("answered", {"answer": "x"}, "status"),
    ],
)
def test_illegal_or_incomplete_moves_are_refused_naming_the_field(desk, to, extra, field):
    tip, _ = desk.tip()
    with pytest.raises(DomainError) as exc:
        services.tip_transition(actor=desk.org.office, tip=tip, to=to, **extra)
    assert exc.value.field == field
    tip.refresh_from_db()
    assert tip.status == Tip.Status.RECEIVED


def test_closing_an_unverified_tip_needs_a_reason(desk):
    tip, _ = desk.tip()
    with pytest.raises(DomainError) as exc:
        services.tip_transition(actor=desk.org.office, tip=tip, to="closed")
    assert exc.value.field == "handling"
    tip = services.tip_transition(actor=desk.org.office, tip=tip, to="closed", handling="重复举报")
    assert tip.status == "closed" and tip.answer


def test_a_public_tip_about_a_returnee_becomes_a_person_to_watch_in_one_step(desk, client_as, fake_health):
    org = desk.org
    c = Client()
    c.post(
        reverse("desk:public_tip"),
        {
            "category": "returnee",
            "description": "3号楼2单元有人昨天从武汉回来，没有登记。",
            "community": org.community_a.pk,
            "location": "富强社区3号楼",
            "subject_name": "张三",
            "came_from": "湖北省武汉市",
            "reporter_phone": "13912345678",
            "consent": "on",
        },
    )
    tip = Tip.objects.get()
    response = client_as(org.office).post(reverse("desk:tip_watch", args=[tip.pk]))
    assert response.status_code == 302
    assert len(fake_health) == 1
    call = fake_health[0]
    assert call["actor"] == org.office and call["name"] == "张三" and call["community"] == org.community_a
    assert call["category_codes"] == ["returnee"] and call["found_by"] == "hotline"
    assert tip.display_code in call["note"] and "湖北省武汉市" in call["note"]
    tip.refresh_from_db()
    assert tip.watch_status == Tip.Watch.DONE and tip.watch_person_ref == "4242"
    with pytest.raises(DomainError):  # once only
        services.tip_convert_to_watch(actor=org.office, tip=tip)


def test_without_the_health_module_the_conversion_is_queued_then_done_by_the_job(desk, monkeypatch):
    org = desk.org
    tip, _ = desk.tip()
    monkeypatch.setitem(sys.modules, "frontline.health.services", None)  # import fails
    tip = services.tip_convert_to_watch(actor=org.office, tip=tip)
    assert tip.watch_status == Tip.Watch.PENDING
    calls = []
    module = types.ModuleType("frontline.health.services")
    module.person_watch_create = lambda **kw: calls.append(kw) or types.SimpleNamespace(pk=7)
    monkeypatch.setitem(sys.modules, "frontline.health.services", module)
    assert services.tip_watch_retry() == {"converted": 1, "failed": 0}
    assert services.tip_watch_retry() == {"converted": 0, "failed": 0}
    tip.refresh_from_db()
    assert tip.watch_status == Tip.Watch.DONE and len(calls) == 1 and calls[0]["actor"] == org.office


def test_the_real_health_module_creates_the_person_when_it_exists(desk):
    from frontline.health.models import Category

    assert Category.objects.filter(code=services.WATCH_CATEGORY).exists()
    tip, _ = desk.tip(subject_id_number="", subject_address="富强社区3号楼2单元")
    tip = services.tip_convert_to_watch(actor=desk.org.office, tip=tip)
    assert tip.watch_status == Tip.Watch.DONE and tip.watch_person_ref


def test_only_a_returnee_tip_with_a_name_can_become_a_person_to_watch(desk, fake_health):
    tip, _ = desk.tip(category="gathering")
    with pytest.raises(DomainError) as exc:
        services.tip_convert_to_watch(actor=desk.org.office, tip=tip)
    assert exc.value.field == "category"
    tip, _ = desk.tip(subject_name="")
    with pytest.raises(DomainError) as exc:
        services.tip_convert_to_watch(actor=desk.org.office, tip=tip)
    assert exc.value.field == "subject_name"
    assert fake_health == []


def test_a_tip_past_its_target_is_flagged_and_notified_once(desk, django_capture_on_commit_callbacks):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        tip, _ = desk.tip()
        tip = services.tip_transition(actor=desk.org.office, tip=tip, to="assigned", assignee=desk.org.liaison_a)
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.desk_overdue_check()
    tip.refresh_from_db()
    assert tip.overdue_flagged_at is not None
    for user in (desk.org.office, desk.org.liaison_a):
        assert Notification.objects.filter(user=user, kind="desk.tip_overdue").count() == 1


def test_a_liaison_sees_only_their_communitys_tips(desk, client_as):
    a, _ = desk.tip()
    b, _ = desk.tip(community=desk.org.community_b)
    page = client_as(desk.org.liaison_a).get(reverse("desk:tip_list")).content.decode()
    assert a.display_code in page and b.display_code not in page
    assert client_as(desk.org.liaison_a).get(reverse("desk:tip_detail", args=[b.pk])).status_code == 404


def test_staff_take_a_tip_by_phone_and_move_it_through_the_page(desk, client_as):
    org = desk.org
    c = client_as(org.office)
    response = c.post(
        reverse("desk:tip_create"),
        {"channel": "phone", "category": "goods", "description": "药店口罩高价", "subject_id_number": "123"},
    )
    assert response.status_code == 200 and 'data-field="subject_id_number"' in response.content.decode()
    response = c.post(
        reverse("desk:tip_create"),
        {"channel": "phone", "category": "goods", "description": "药店口罩高价", "community": org.community_a.pk},
    )
    tip = Tip.objects.get()
    assert response.status_code == 302 and tip.channel == "phone" and tip.taken_by == org.office
    assert c.post(reverse("desk:tip_move", args=[tip.pk]), {"to": "assigned"}).status_code == 422
    assert (
        c.post(reverse("desk:tip_move", args=[tip.pk]), {"to": "assigned", "assignee": org.liaison_a.pk}).status_code
        == 302
    )
    # The liaison it was given to may take it further; another liaison may not even see it.
    liaison = client_as(org.liaison_a)
    assert (
        liaison.post(reverse("desk:tip_move", args=[tip.pk]), {"to": "verified", "verified_true": "yes"}).status_code
        == 302
    )
    tip.refresh_from_db()
    assert tip.status == "verified" and tip.verified_true is True
