"""Health endpoints: people, measures, reports taken by phone, escalations (pages and API share the services)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from frontline.core.access import get_scoped, require, scope
from frontline.core.masking import mask_id_number, mask_phone
from frontline.health import selectors, services
from frontline.health.models import OPEN_STATUSES, Escalation, HealthReport, Measure, Person
from frontline.org.models import Community, Staff

router = Router(tags=["health"])


class PersonIn(Schema):
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    community_id: int | None = None
    category_codes: list[str] = []
    found_by: str = "manual"
    note: str = ""


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    phone_masked: str
    community_id: int | None
    categories: list[str]
    found_by: str
    risk: str

    @staticmethod
    def resolve_id_number_masked(obj: Person) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone_masked(obj: Person) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_categories(obj: Person) -> list[str]:
        return [c.code for c in obj.categories.all()]


class MeasureIn(Schema):
    person_id: int
    kind: str = Measure.Kind.HOME
    start_date: date | None = None
    planned_days: int | None = None
    responsible_staff_id: int | None = None
    note: str = ""


class MeasureOut(Schema):
    id: int
    person_id: int
    kind: str
    status: str
    start_date: date
    planned_days: int
    planned_end: date
    responsible_staff_id: int | None
    liaison_id: int | None


class ReportIn(Schema):
    slot: str
    temperature: Decimal
    day: date | None = None
    dry_cough: bool = False
    fatigue: bool = False
    sore_throat: bool = False
    short_breath: bool = False
    diarrhoea: bool = False
    other_symptoms: str = ""


class ReportOut(Schema):
    id: int
    day: date
    slot: str
    temperature: Decimal
    late: bool
    abnormal: bool
    superseded: bool
    submitted_at: datetime


class EscalationOut(Schema):
    id: int
    person_id: int
    source: str
    state: str
    outcome: str
    temperature: Decimal | None
    symptoms: str
    detected_at: datetime
    notify_due_at: datetime
    overdue: bool


class AdvanceIn(Schema):
    to_state: str
    to_whom: str = ""
    note: str = ""
    outcome: str = ""


@router.get("/health/people", response=list[PersonOut])
def person_list(request: HttpRequest, q: str = "") -> list[Person]:
    require(request.user, "health.view")
    qs = scope(Person.objects.prefetch_related("categories"), request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs[:500])


@router.post("/health/people", response={201: PersonOut})
def person_create(request: HttpRequest, payload: PersonIn) -> Status:
    require(request.user, "health.manage")
    community = (
        get_scoped(Community.objects.all(), request.user, pk=payload.community_id) if payload.community_id else None
    )
    data = payload.dict(exclude={"community_id"})
    return Status(201, services.person_watch_create(actor=request.user, community=community, **data))


@router.get("/health/measures", response=list[MeasureOut])
def measure_list(request: HttpRequest, open: bool = True) -> list[Measure]:
    require(request.user, "health.view")
    qs = scope(Measure.objects.all(), request.user)
    if open:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return list(qs[:2000])


@router.post("/health/measures", response={201: MeasureOut})
def measure_create(request: HttpRequest, payload: MeasureIn) -> Status:
    require(request.user, "health.manage")
    person = get_scoped(Person.objects.all(), request.user, pk=payload.person_id)
    staff = Staff.objects.filter(pk=payload.responsible_staff_id).first() if payload.responsible_staff_id else None
    return Status(
        201,
        services.measure_start(
            actor=request.user,
            person=person,
            kind=payload.kind,
            start_date=payload.start_date,
            planned_days=payload.planned_days,
            responsible_staff=staff,
            note=payload.note,
        ),
    )


@router.post("/health/measures/{measure_id}/reports", response={201: ReportOut})
def report_create(request: HttpRequest, measure_id: int, payload: ReportIn) -> Status:
    require(request.user, "health.manage")
    measure = get_scoped(Measure.objects.all(), request.user, pk=measure_id)
    return Status(
        201,
        services.report_submit(
            actor=request.user, measure=measure, reported_by=HealthReport.By.STAFF_PHONE, **payload.dict()
        ),
    )


@router.get("/health/escalations", response=list[EscalationOut])
def escalation_list(request: HttpRequest, open: bool = True) -> list[Escalation]:
    require(request.user, "health.view")
    qs = scope(Escalation.objects.all(), request.user)
    if open:
        qs = qs.exclude(state=Escalation.State.CLOSED)
    return list(qs[:1000])


@router.post("/health/escalations/{escalation_id}/advance", response=EscalationOut)
def escalation_advance(request: HttpRequest, escalation_id: int, payload: AdvanceIn) -> Escalation:
    require(request.user, "health.manage")
    escalation = get_scoped(Escalation.objects.all(), request.user, pk=escalation_id)
    return services.escalation_advance(actor=request.user, escalation=escalation, **payload.dict())


@router.get("/health/staff-unavailable", response=dict[int, list[date]])
def staff_unavailable(request: HttpRequest, start: date, end: date) -> dict[int, list[date]]:
    require(request.user, "roster.view")
    days = selectors.staff_unavailable_days(staff_ids=Staff.objects.values_list("pk", flat=True), start=start, end=end)
    return {k: sorted(v) for k, v in days.items()}
