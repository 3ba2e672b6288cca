"""Requests: a checkpoint asks, logistics approves all or part and issues; the requester follows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontline.core.errors import DomainError
from frontline.core.models import Notification
from frontline.supplies import services as s
from frontline.supplies.models import Movement, SupplyRequest


def test_a_request_goes_from_submitted_to_approved_in_part_to_issued(org, supplies, django_capture_on_commit_callbacks):
    s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=500, source="X"
    )
    s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.gloves, quantity=500, source="X"
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = s.request_submit(
            actor=org.duty,
            checkpoint=org.checkpoint_a,
            lines=[(supplies.masks, 200), (supplies.gloves, 100), (supplies.suits, None)],
        )
    assert r.status == "submitted" and r.community == org.community_a and r.lines.count() == 2
    assert Notification.objects.filter(user=org.office, kind="supplies.request").count() == 1
    masks_line = r.lines.get(item=supplies.masks)
    gloves_line = r.lines.get(item=supplies.gloves)
    with django_capture_on_commit_callbacks(execute=True):
        r = s.request_approve(actor=org.office, request=r, approved={masks_line.pk: 120, gloves_line.pk: 100})
    assert r.status == "partly_approved"
    assert Notification.objects.filter(user=org.duty, kind="supplies.request_approved").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        r = s.request_issue(actor=org.office, request=r, store=supplies.store)
    assert r.status == "issued" and r.issued_from == supplies.store
    assert dict(r.lines.values_list("item__name", "quantity_issued")) == {
        supplies.masks.name: 120,
        supplies.gloves.name: 100,
    }
    assert set(Movement.objects.filter(request=r).values_list("checkpoint", flat=True)) == {org.checkpoint_a.pk}
    assert Notification.objects.filter(user=org.duty, kind="supplies.request_issued").count() == 1
    with pytest.raises(DomainError) as exc:
        s.request_issue(actor=org.office, request=r, store=supplies.store)
    assert exc.value.code == "request.illegal_status"


def test_an_issue_that_cannot_be_filled_writes_nothing_and_leaves_the_request_approved(org, supplies):
    s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=500, source="X"
    )
    r = s.request_submit(
        actor=org.duty, checkpoint=org.checkpoint_a, lines=[(supplies.masks, 100), (supplies.gloves, 10)]
    )
    r = s.request_approve(actor=org.office, request=r, approved={ln.pk: ln.quantity_requested for ln in r.lines.all()})
    assert r.status == "approved"
    with pytest.raises(DomainError) as exc:
        s.request_issue(actor=org.office, request=r, store=supplies.store)
    assert exc.value.code == "stock.not_held"
    r.refresh_from_db()
    assert r.status == "approved" and Movement.objects.filter(kind="issue").count() == 0


def test_approval_is_bounded_and_rejection_needs_a_reason(org, supplies):
    r = s.request_submit(actor=org.duty, checkpoint=org.checkpoint_a, lines=[(supplies.masks, 10)])
    line = r.lines.get()
    with pytest.raises(DomainError) as exc:
        s.request_approve(actor=org.office, request=r, approved={line.pk: 11})
    assert exc.value.field == f"line_{line.pk}"
    with pytest.raises(DomainError):
        s.request_approve(actor=org.office, request=r, approved={line.pk: 0})
    with pytest.raises(DomainError) as exc:
        s.request_reject(actor=org.office, request=r, note="")
    assert exc.value.field == "note"
    r = s.request_reject(actor=org.office, request=r, note="库存不足，明日再领")
    assert r.status == "rejected"
    with pytest.raises(DomainError):
        s.request_cancel(actor=org.duty, request=r)


def test_a_request_must_ask_for_something_positive(org, supplies):
    with pytest.raises(DomainError) as exc:
        s.request_submit(actor=org.duty, checkpoint=org.checkpoint_a, lines=[(supplies.masks, None)])
    assert exc.value.code == "request.empty"
    with pytest.raises(DomainError) as exc:
        s.request_submit(actor=org.duty, checkpoint=org.checkpoint_a, lines=[(supplies.masks, -3)])
    assert exc.value.field == f"item_{supplies.masks.pk}"
    assert SupplyRequest.objects.count() == 0


def test_a_liaison_requests_only_for_their_community_and_sees_only_its_requests(org, supplies, client_as):
    with pytest.raises(DomainError):
        s.request_submit(actor=org.liaison_a, community=org.community_b, lines=[(supplies.masks, 5)])
    mine = s.request_submit(actor=org.liaison_a, community=org.community_a, lines=[(supplies.masks, 5)])
    theirs = s.request_submit(actor=org.liaison_b, checkpoint=org.checkpoint_b, lines=[(supplies.masks, 5)])
    c = client_as(org.liaison_a)
    page = c.get(reverse("supplies:request_list")).content.decode()
    assert reverse("supplies:request_detail", args=[mine.pk]) in page
    assert reverse("supplies:request_detail", args=[theirs.pk]) not in page
    assert c.get(reverse("supplies:request_detail", args=[theirs.pk])).status_code == 404
    # Duty staff follow their own requests.
    assert client_as(org.duty).get(reverse("supplies:request_detail", args=[mine.pk])).status_code == 404


def test_requests_through_the_pages(org, supplies, client_as):
    s.stock_receive(
        actor=org.office, kind="donation", store=supplies.store, item=supplies.masks, quantity=100, source="X"
    )
    duty = client_as(org.duty)
    response = duty.post(
        reverse("supplies:request_create"), {"checkpoint": org.checkpoint_a.pk, f"item_{supplies.masks.pk}": "40"}
    )
    r = SupplyRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("supplies:request_detail", args=[r.pk])
    # Duty staff may not approve.
    assert (
        duty.post(
            reverse("supplies:request_detail", args=[r.pk]), {"action": "approve", f"line_{r.lines.get().pk}": "40"}
        ).status_code
        == 403
    )
    office = client_as(org.office)
    office.post(
        reverse("supplies:request_detail", args=[r.pk]), {"action": "approve", f"line_{r.lines.get().pk}": "30"}
    )
    r.refresh_from_db()
    assert r.status == "partly_approved"
    page = duty.get(reverse("supplies:request_detail", args=[r.pk])).content.decode()
    assert 'data-status="partly_approved"' in page and "部分批准" in page
    office.post(reverse("supplies:request_detail", args=[r.pk]), {"action": "issue", "store": supplies.store.pk})
    r.refresh_from_db()
    assert r.status == "issued"
    assert 'data-status="issued"' in duty.get(reverse("supplies:request_detail", args=[r.pk])).content.decode()
