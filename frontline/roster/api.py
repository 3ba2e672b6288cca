"""Roster endpoints: my duties, clocking in and out, who is on duty now."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from frontline.core.access import require
from frontline.core.errors import DomainError
from frontline.roster import selectors, services
from frontline.roster.models import Assignment, Attendance

router = Router(tags=["roster"])


class DutyOut(Schema):
    id: int
    day: date
    shift: str
    starts_at: datetime
    ends_at: datetime
    checkpoint_id: int | None
    post: str

    @staticmethod
    def resolve_post(obj: Assignment) -> str:
        return obj.post_name


class AttendanceOut(Schema):
    id: int
    day: date
    shift: str
    status: str
    clock_in: datetime | None
    clock_out: datetime | None


class ClockIn(Schema):
    action: Literal["in", "out"]  # which the tap is: a repeated tap changes nothing


class OnDutyOut(Schema):
    checkpoint_id: int
    checkpoint: str
    staff_id: int
    staff: str


def _me(request: HttpRequest):  # type: ignore[no-untyped-def]
    staff = getattr(request.user, "staff", None)
    if staff is None:
        raise DomainError(
            _("Staff: this log-in is not linked to a staff record."), code="roster.no_staff", field="staff", status=409
        )
    return staff


@router.get("/roster/my-duties", response=list[DutyOut])
def my_duties(request: HttpRequest) -> list[Assignment]:
    require(request.user, "roster.own")
    return selectors.staff_duties(staff=_me(request))


@router.post("/roster/clock", response=AttendanceOut)
def clock(request: HttpRequest, payload: ClockIn) -> Attendance:
    require(request.user, "roster.own")
    return services.attendance_clock(actor=request.user, staff=_me(request), action=payload.action)


@router.get("/roster/on-duty-now", response=list[OnDutyOut])
def on_duty_now(request: HttpRequest) -> list[dict[str, object]]:
    require(request.user, "roster.view")
    return [
        {"checkpoint_id": cp.pk, "checkpoint": str(cp), "staff_id": s.pk, "staff": s.name}
        for cp, s in selectors.on_duty_now(at=timezone.now())
    ]
