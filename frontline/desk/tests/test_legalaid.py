"""Legal aid: assignment to the lawyer on duty, each lawyer's own queue, replies, overdue flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from frontline.core.errors import DomainError
from frontline.core.models import Notification
from frontline.desk import services
from frontline.desk.models import DutyLawyer, LegalAidRequest


def test_a_request_goes_to_the_lawyer_on_duty(desk):
    request = desk.request()
    assert request.lawyer == desk.org.lawyer
    assert request.status == LegalAidRequest.Status.ASSIGNED
    assert request.first_reply_due_at == request.submitted_at + timedelta(hours=24)


def test_with_two_lawyers_on_duty_the_one_with_fewer_open_requests_gets_it(desk):
    org = desk.org
    services.duty_lawyer_add(actor="test", campaign=org.campaign, lawyer=org.lawyer_b, first_day=timezone.localdate())
    first, second = desk.request(), desk.request()
    assert {first.lawyer, second.lawyer} == {org.lawyer, org.lawyer_b}


def test_without_a_lawyer_on_duty_it_waits_and_the_office_is_told(org, django_capture_on_commit_callbacks):
    from frontline.desk.tests.conftest import Desk

    with django_capture_on_commit_callbacks(execute=True):
        request = Desk(org).request()
    assert request.status == LegalAidRequest.Status.WAITING and request.lawyer is None
    assert Notification.objects.filter(user=org.office, kind="legalaid.unassigned").count() == 1
    services.legalaid_assign(actor=org.office, request=request, lawyer=org.lawyer_b)
    request.refresh_from_db()
    assert request.status == LegalAidRequest.Status.ASSIGNED and request.lawyer == org.lawyer_b


def test_the_first_reply_deadline_is_configurable(desk):
    services.desk_settings_save(
        actor="test",
        campaign=desk.org.campaign,
        tip_response_hours=12,
        legalaid_first_reply_hours=6,
        public_submissions_per_hour=5,
    )
    request = desk.request()
    assert request.first_reply_due_at - request.submitted_at == timedelta(hours=6)


def test_a_lawyer_cannot_see_another_lawyers_queue_page_api_or_export(desk, client_as):
    org = desk.org
    mine = desk.request(description="这是律师甲的案子，关于工资。")
    theirs = desk.request(description="这是律师乙的案子，关于租金。")
    services.legalaid_assign(actor=org.office, request=theirs, lawyer=org.lawyer_b)
    c = client_as(org.lawyer)
    # Page: the list and the other lawyer's detail page.
    listing = c.get(reverse("desk:legalaid_list")).content.decode()
    assert mine.display_code in listing and theirs.display_code not in listing
    assert c.get(reverse("desk:legalaid_detail", args=[theirs.pk])).status_code == 404
    assert c.post(reverse("desk:legalaid_reply", args=[theirs.pk]), {"body": "试图回复"}).status_code == 404
    assert c.post(reverse("desk:legalaid_phone", args=[theirs.pk])).status_code == 404
    # API.
    codes = [r["code"] for r in c.get("/api/v1/desk/legal-aid").json()]
    assert codes == [mine.display_code]
    assert c.get(f"/api/v1/desk/legal-aid/{theirs.pk}").status_code == 404
    assert (
        c.post(f"/api/v1/desk/legal-aid/{theirs.pk}/reply", {"body": "x"}, content_type="application/json").status_code
        == 404
    )
    # Export.
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(c.get(reverse("desk:legalaid_export")).content))
    exported = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert exported == [mine.display_code]
    # The office sees both.
    office_codes = {r["code"] for r in client_as(org.office).get("/api/v1/desk/legal-aid").json()}
    assert office_codes == {mine.display_code, theirs.display_code}


def test_roles_without_legal_aid_see_nothing(desk, client_as):
    desk.request()
    for user in (desk.org.duty, desk.org.liaison_a):
        assert client_as(user).get(reverse("desk:legalaid_list")).status_code == 403
    assert LegalAidRequest.scope_for_user(LegalAidRequest.objects.all(), desk.org.viewer).count() == 0


def test_only_the_assigned_lawyer_may_reply(desk):
    request = desk.request()
    with pytest.raises(DomainError) as exc:
        services.legalaid_reply(actor=desk.org.lawyer_b, request=request, body="我来回答")
    assert exc.value.code == "legalaid.not_your_request"
    services.legalaid_reply(actor=desk.org.lawyer, request=request, body="您好，依法应当足额支付。")
    request.refresh_from_db()
    assert request.status == LegalAidRequest.Status.ANSWERED and request.first_replied_at is not None


def test_the_workflow_refuses_illegal_moves_naming_the_field(desk):
    request = desk.request()
    with pytest.raises(DomainError) as exc:
        services.legalaid_rate(request=request, rating=5)
    assert exc.value.field == "rating"
    with pytest.raises(DomainError) as exc:
        services.legalaid_follow_up(request=request, body="还有问题")
    assert exc.value.field == "status"
    services.legalaid_reply(actor=desk.org.lawyer, request=request, body="答复内容")
    services.legalaid_rate(request=request, rating=4, comment="很好")
    request.refresh_from_db()
    assert request.status == LegalAidRequest.Status.CLOSED and request.rating == 4
    with pytest.raises(DomainError):
        services.legalaid_rate(request=request, rating=5)
    with pytest.raises(DomainError):
        services.legalaid_reply(actor=desk.org.lawyer, request=request, body="再答复")


def test_follow_up_goes_back_to_the_lawyer(desk, django_capture_on_commit_callbacks):
    request = desk.request()
    services.legalaid_reply(actor=desk.org.lawyer, request=request, body="答复")
    with django_capture_on_commit_callbacks(execute=True):
        services.legalaid_follow_up(request=request, body="仲裁需要什么材料？")
    request.refresh_from_db()
    assert request.status == LegalAidRequest.Status.FOLLOW_UP
    assert Notification.objects.filter(user=desk.org.lawyer, kind="legalaid.follow_up").count() == 1


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(desk):
    for kwargs, field in [
        ({"requester_phone": "12345"}, "requester_phone"),
        ({"description": "短"}, "description"),
        ({"topic": "nonsense"}, "topic"),
        ({"requester_name": " "}, "requester_name"),
    ]:
        with pytest.raises(DomainError) as exc:
            desk.request(**kwargs)
        assert exc.value.field == field
    assert LegalAidRequest.objects.count() == 0


def test_a_request_without_a_reply_after_24_hours_is_flagged_and_lawyer_and_office_told_once(
    desk, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        late = desk.request()
        answered = desk.request()
        services.legalaid_reply(actor=desk.org.lawyer, request=answered, body="已答复")
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.desk_overdue_check() == {"legalaid": 0, "tips": 0}
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.desk_overdue_check()["legalaid"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.desk_overdue_check()["legalaid"] == 0  # the job runs again: nothing new
    late.refresh_from_db()
    answered.refresh_from_db()
    assert late.overdue_flagged_at is not None and late.is_overdue()
    assert answered.overdue_flagged_at is None and not answered.is_overdue()
    for user in (desk.org.lawyer, desk.org.office):
        assert Notification.objects.filter(user=user, kind="legalaid.overdue").count() == 1
    assert not Notification.objects.filter(user=desk.org.lawyer_b, kind="legalaid.overdue").exists()


def test_the_overdue_job_is_registered_and_runs(desk):
    from frontline.core.jobs import REGISTRY, job_run

    assert "desk_overdue" in REGISTRY
    assert job_run("desk_overdue") == {"legalaid": 0, "tips": 0}


def test_figures_by_topic_and_lawyer(desk, client_as):
    org = desk.org
    a = desk.request(topic="lease", description="商铺租金能否减免？疫情期间停业。")
    desk.request(topic="lease", description="住宅租金能否延期交？疫情期间失业。")
    services.legalaid_assign(actor=org.office, request=desk.request(topic="family"), lawyer=org.lawyer_b)
    services.legalaid_reply(actor=org.lawyer, request=a, body="可以协商减免")
    services.legalaid_rate(request=a, rating=5)
    from frontline.desk.selectors import legalaid_figures

    figures = legalaid_figures(LegalAidRequest.objects.all())
    by_topic = {t["key"]: t for t in figures["topics"]}
    assert by_topic["lease"]["total"] == 2 and by_topic["lease"]["replied"] == 1 and by_topic["family"]["total"] == 1
    by_lawyer = {row["lawyer"]: row for row in figures["lawyers"]}
    assert by_lawyer[org.lawyer.pk]["total"] == 2 and by_lawyer[org.lawyer.pk]["avg_rating"] == 5
    assert by_lawyer[org.lawyer_b.pk]["total"] == 1
    # A lawyer's figures cover only their own queue.
    page = client_as(org.lawyer_b).get(reverse("desk:figures")).content.decode()
    assert 'id="kpi-total">1<' in page


def test_the_duty_schedule_refuses_a_non_lawyer_and_bad_ranges(desk):
    org = desk.org
    today = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        services.duty_lawyer_add(actor="t", campaign=org.campaign, lawyer=org.office, first_day=today)
    assert exc.value.field == "lawyer"
    with pytest.raises(DomainError) as exc:
        services.duty_lawyer_add(
            actor="t", campaign=org.campaign, lawyer=org.lawyer_b, first_day=today, last_day=today - timedelta(days=1)
        )
    assert exc.value.field == "last_day"
    added = services.duty_lawyer_add(
        actor="t", campaign=org.campaign, lawyer=org.lawyer_b, first_day=today, last_day=today + timedelta(days=6)
    )
    assert len(added) == 7 and DutyLawyer.objects.filter(lawyer=org.lawyer_b).count() == 7


def test_office_manages_the_schedule_through_the_page(desk, client_as):
    org = desk.org
    c = client_as(org.office)
    day = timezone.localdate() + timedelta(days=3)
    response = c.post(reverse("desk:duty_list"), {"lawyer": org.lawyer_b.pk, "first_day": day.isoformat()})
    assert response.status_code == 302
    assert DutyLawyer.objects.filter(lawyer=org.lawyer_b, day=day).exists()
    assert (
        client_as(org.lawyer)
        .post(reverse("desk:duty_list"), {"lawyer": org.lawyer.pk, "first_day": day.isoformat()})
        .status_code
        == 403
    )


def test_lawyer_reply_and_close_through_the_pages(desk, client_as):
    request = desk.request()
    c = client_as(desk.org.lawyer)
    assert c.post(reverse("desk:legalaid_reply", args=[request.pk]), {"body": ""}).status_code == 422
    assert c.post(reverse("desk:legalaid_reply", args=[request.pk]), {"body": "您好，建议协商。"}).status_code == 302
    assert c.post(reverse("desk:legalaid_close", args=[request.pk]), {"note": ""}).status_code == 302
    request.refresh_from_db()
    assert request.status == LegalAidRequest.Status.CLOSED
