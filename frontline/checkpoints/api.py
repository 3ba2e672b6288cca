"""Checkpoint endpoints: passages of people and vehicles (one, a batch, a filtered list), lookups, QR queue."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pydantic
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from frontline.api.api import _translated, api
from frontline.api.lean import Fallback, lean_post, schema_dump
from frontline.checkpoints import selectors, services
from frontline.checkpoints.models import (
    DailyTally,
    Passage,
    SelfRegistration,
    Source,
    Symptom,
    VehiclePassage,
    age_on,
)
from frontline.core.access import get_scoped, require, scope
from frontline.core.crypto import blind_index
from frontline.core.errors import DomainError
from frontline.core.masking import mask_id_number, mask_name, mask_phone
from frontline.core.validators import validate_resident_id

router = Router(tags=["checkpoints"])

MAX_BATCH = 1000


# --- schemas ------------------------------------------------------------------------------------


class PassageIn(Schema):
    checkpoint: int = Field(description="Checkpoint id (GET /api/v1/checkpoints).")
    client_uuid: UUID = Field(description="Made by the client once per record; a resend is stored once.")
    outcome: str = Field(description="allowed, turned_back, referred_community or referred_health.")
    id_number: str = Field("", description="Resident ID (checked, GB 11643) or another document's number.")
    temperature: Decimal | None = Field(None, description="°C, 35.0–42.5; required for people coming in.")
    direction: str = "in"
    document_type: str = "resident_id"
    name: str = ""
    phone: str = ""
    symptoms: list[str] = Field(default_factory=list, description=", ".join(Symptom.values))
    origin_region: str = Field("", description="GB/T 2260 region code the person comes from.")
    arrived_on: date | None = None
    purpose: str = ""
    note: str = ""
    at: datetime | None = Field(None, description="When it happened (queued offline); default: now.")
    vehicle_uuid: UUID | None = Field(None, description="client_uuid of the vehicle the person came in.")

    def data(self) -> services.PassageData:
        values = self.model_dump()
        values["checkpoint_id"] = values.pop("checkpoint")
        return services.PassageData(**values)


class VehicleIn(Schema):
    checkpoint: int
    client_uuid: UUID
    plate: str = Field(description="Licence plate, e.g. 蒙B12345 (checked, GA 36-2018).")
    outcome: str = Field(description="allowed or turned_back.")
    vehicle_type: str = "car"
    occupants: int = 1
    origin_region: str = ""
    direction: str = "in"
    note: str = ""
    at: datetime | None = None

    def data(self) -> services.VehicleData:
        values = self.model_dump()
        values["checkpoint_id"] = values.pop("checkpoint")
        return services.VehicleData(**values)


class BatchIn(Schema):
    items: list[dict[str, Any]] = Field(description=f"Up to {MAX_BATCH} records, each shaped like the single POST.")


class FieldErrorOut(Schema):
    field: str
    code: str
    message: str


class ItemResultOut(Schema):
    index: int
    client_uuid: str
    result: str = Field(description="created, duplicate or error")
    id: int | None = None
    errors: list[FieldErrorOut] = []


class BatchOut(Schema):
    created: int
    duplicates: int
    errors: int
    results: list[ItemResultOut]
    today: dict[int, dict[str, int]]


class PassageOut(Schema):
    id: int
    client_uuid: UUID
    result: str = "created"
    checkpoint_id: int
    checkpoint: str
    at: datetime
    day: date
    direction: str
    name: str
    document_type: str
    id_number_masked: str
    phone_masked: str
    temperature: Decimal | None
    fever: bool
    fever_event: bool
    symptoms: list[str]
    origin_region: str
    high_risk: bool
    arrived_on: date | None
    purpose: str
    outcome: str
    note: str
    vehicle_id: int | None
    source: str

    @staticmethod
    def resolve_checkpoint(obj: Passage) -> str:
        return obj.checkpoint.code

    @staticmethod
    def resolve_id_number_masked(obj: Passage) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone_masked(obj: Passage) -> str:
        return mask_phone(obj.phone)


class VehicleOut(Schema):
    id: int
    client_uuid: UUID
    result: str = "created"
    checkpoint_id: int
    checkpoint: str
    at: datetime
    day: date
    direction: str
    plate: str
    vehicle_type: str
    occupants: int
    origin_region: str
    high_risk: bool
    outcome: str
    note: str
    source: str

    @staticmethod
    def resolve_checkpoint(obj: VehiclePassage) -> str:
        return obj.checkpoint.code


class ErrorOut(Schema):
    code: str
    message: str = ""
    field: str | None = None
    detail: list[dict[str, Any]] = []


# --- helpers ------------------------------------------------------------------------------------


def _invalid(request: HttpRequest, exc: services.RecordInvalid) -> HttpResponse:
    """Answer 422 naming every bad field, in the request's language."""
    detail = [{"loc": [e.field or ""], "field": e.field or "", "msg": str(e), "type": e.code} for e in exc.errors]
    body = {"code": exc.code, "message": str(exc), "field": exc.field, "detail": detail}
    return api.create_response(request, body, status=422)


_ITEM_MODELS: dict[type[Schema], type[pydantic.BaseModel]] = {}


def _item_model(schema: type[Schema]) -> type[pydantic.BaseModel]:
    """The schema's fields on a plain pydantic model, to validate batch items.

    A ninja Schema wraps every value in a getter meant for ORM objects; for the plain dicts of a
    batch that costs a third of the parsing. Same fields, same types, same defaults, same errors.
    """
    model = _ITEM_MODELS.get(schema)
    if model is None:
        fields: Any = {name: (f.annotation, f) for name, f in schema.model_fields.items()}
        model = pydantic.create_model(f"{schema.__name__}Item", **fields)
        _ITEM_MODELS[schema] = model
    return model


def _parse_items(schema: type[Schema], items: list[dict[str, Any]]) -> tuple[list[Any], dict[int, dict[str, Any]]]:
    """Validate each raw item on its own, so one bad item does not refuse the others."""
    if len(items) > MAX_BATCH:
        raise DomainError(
            gettext("Items: send at most %(n)s records at a time.") % {"n": MAX_BATCH},
            code="items.too_many",
            field="items",
        )
    parsed: list[Any] = []
    bad: dict[int, dict[str, Any]] = {}
    item_model = _item_model(schema)
    for index, raw in enumerate(items):
        try:
            parsed.append((index, schema.data(item_model.model_validate(raw))))  # type: ignore[attr-defined]
        except pydantic.ValidationError as exc:
            errors = [
                {
                    "field": ".".join(str(p) for p in err.get("loc", ())),
                    "code": err.get("type", "invalid"),
                    "message": _translated(dict(err)),
                }
                for err in exc.errors()
            ]
            bad[index] = {
                "index": index,
                "client_uuid": str(raw.get("client_uuid", "")) if isinstance(raw, dict) else "",
                "result": "error",
                "errors": errors,
            }
    return parsed, bad


def _batch(request: HttpRequest, payload: BatchIn, schema: type[Schema], record: Any) -> HttpResponse:
    """Record the items and answer in BatchOut's shape.

    The body is built here with every key of ItemResultOut and sent as it is: validating up to 1000
    results against the response schema again cost a tenth of a batch (a test checks the shape).
    """
    parsed, bad = _parse_items(schema, payload.items)
    results = record(actor=request.user, items=[d for _i, d in parsed], source=Source.API)
    merged = dict(bad)
    for (index, _data), result in zip(parsed, results, strict=True):
        body = result.as_dict()
        body["index"] = index
        merged[index] = body
    ordered = []
    for i in range(len(payload.items)):
        item = merged[i]
        item.setdefault("id", None)
        item.setdefault("errors", [])
        ordered.append(item)
    from frontline.org.models import Checkpoint

    checkpoint_ids = {d.checkpoint_id for _i, d in parsed if isinstance(d.checkpoint_id, int)}
    allowed = scope(Checkpoint.objects.filter(pk__in=checkpoint_ids), request.user).values_list("pk", flat=True)
    body = {
        "created": sum(r["result"] == "created" for r in ordered),
        "duplicates": sum(r["result"] == "duplicate" for r in ordered),
        "errors": sum(r["result"] == "error" for r in ordered),
        "results": ordered,
        "today": selectors.today_counts(allowed),
    }
    return api.create_response(request, body, status=200)


def _page(offset: int, limit: int) -> slice:
    start = max(offset, 0)
    return slice(start, start + min(max(limit, 1), 1000))


def _day_filters(qs: Any, date_: date | None, date_from: date | None, date_to: date | None) -> Any:
    if date_:
        qs = qs.filter(day=date_)
    if date_from:
        qs = qs.filter(day__gte=date_from)
    if date_to:
        qs = qs.filter(day__lte=date_to)
    return qs


# --- passages -----------------------------------------------------------------------------------


def _record_one(request: HttpRequest, data: Any, record: Any, model: type[Any]) -> Any:
    """Record one passage or vehicle: 201 with it when stored, 200 with the stored one for a resent UUID."""
    require(request.user, "passage.record")
    try:
        result = record(actor=request.user, data=data, source=Source.API)
    except services.RecordInvalid as exc:
        return _invalid(request, exc)
    obj = result.obj if result.status == "created" else None
    if obj is None:
        obj = model.objects.select_related("checkpoint").get(client_uuid=result.client_uuid)
    obj.result = result.status
    return Status(201 if result.status == "created" else 200, obj)


def _lean_one(schema: type[Schema], out: type[Schema], record: Any, model: type[Any]) -> Any:
    """The lean entry's handler of a single record (frontline.api.lean): the endpoint's code, no ninja around it."""

    def handle(request: HttpRequest, body: bytes) -> HttpResponse:
        try:
            payload = _item_model(schema).model_validate(json.loads(body))
        except (ValueError, pydantic.ValidationError) as exc:  # ninja words the 422
            raise Fallback from exc
        answer = _record_one(request, schema.data(payload), record, model)  # type: ignore[attr-defined]
        if isinstance(answer, HttpResponse):
            return answer
        return api.create_response(request, schema_dump(out, answer.value), status=answer.status_code)

    return handle


def _lean_batch(schema: type[Schema], record: Any) -> Any:
    """The lean entry's handler of a batch."""

    def handle(request: HttpRequest, body: bytes) -> HttpResponse:
        try:
            payload = _item_model(BatchIn).model_validate(json.loads(body))
        except (ValueError, pydantic.ValidationError) as exc:
            raise Fallback from exc
        require(request.user, "passage.record")
        return _batch(request, payload, schema, record)  # type: ignore[arg-type]  # BatchIn's fields

    return handle


@router.post("/passages", response={200: PassageOut, 201: PassageOut, 422: ErrorOut}, summary="Record one passage")
def passage_create(request: HttpRequest, payload: PassageIn) -> Any:
    """Record a person's passage; 201 when stored, 200 when this client_uuid was stored before."""
    return _record_one(request, payload.data(), services.passage_record, Passage)


@router.post("/passages/batch", response=BatchOut, summary="Record many passages (offline sync)")
def passage_batch(request: HttpRequest, payload: BatchIn) -> HttpResponse:
    """Record up to 1000 passages; each item gets created, duplicate or error with its field errors."""
    require(request.user, "passage.record")
    return _batch(request, payload, PassageIn, services.passage_record_batch)


@router.get("/passages", response=list[PassageOut], summary="List passages")
def passage_list(
    request: HttpRequest,
    checkpoint: int | None = None,
    date: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    fever: bool | None = None,
    outcome: str | None = None,
    high_risk: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Passage]:
    """List passages the user may see, newest first, with filters."""
    require(request.user, "passage.view")
    qs = scope(Passage.objects.select_related("checkpoint"), request.user)
    if checkpoint is not None:
        qs = qs.filter(checkpoint_id=checkpoint)
    qs = _day_filters(qs, date, date_from, date_to)
    if fever is not None:
        qs = qs.filter(fever_event=fever)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if high_risk is not None:
        qs = qs.filter(high_risk=high_risk)
    return list(qs.order_by("-at", "-id")[_page(offset, limit)])


class LookupIn(Schema):
    id_number: str
    checkpoint: int | None = None
    temperature: Decimal | None = None
    origin_region: str = ""
    symptoms: list[str] = []


class WarningOut(Schema):
    level: str
    code: str
    message: str


class RecentOut(Schema):
    at: datetime
    checkpoint: str
    temperature: Decimal | None
    outcome: str
    name: str


class LookupOut(Schema):
    valid: bool
    error: str = ""
    sex: str = ""
    age: int | None = None
    province: str = ""
    id_number_masked: str = ""
    warnings: list[WarningOut] = []
    recent: list[RecentOut] = []
    today_count: int | None = None


@router.post("/passages/lookup", response=LookupOut, summary="What to know about a person before saving")
def passage_lookup(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    """Check an ID number, and return the person's last passages (masked) and the warnings."""
    require(request.user, "passage.record")
    today = timezone.localdate()
    body: dict[str, Any] = {"valid": False}
    digest = ""
    try:
        resident = validate_resident_id(payload.id_number, field="id_number", today=today)
    except DomainError as exc:
        body["error"] = str(exc)
    else:
        digest = blind_index("id_number", resident.number)
        body.update(
            valid=True,
            sex=gettext("Male") if resident.sex == "M" else gettext("Female"),
            age=age_on(resident.birth_date, today),
            province=resident.province_name,
            id_number_masked=mask_id_number(resident.number),
        )
    checkpoint_id = None
    if payload.checkpoint is not None:
        from frontline.org.models import Checkpoint

        checkpoint_id = get_scoped(Checkpoint.objects.all(), request.user, pk=payload.checkpoint).pk
        body["today_count"] = selectors.today_count(checkpoint_id)
    temperature = None
    if payload.temperature is not None:
        try:
            temperature = services.parse_temperature(payload.temperature, required=False)
        except DomainError as exc:
            body["warnings"] = [{"level": "red", "code": exc.code, "message": str(exc)}]
    warnings = selectors.passage_warnings(
        id_number_hash=digest,
        checkpoint_id=checkpoint_id,
        day=today,
        temperature=temperature,
        origin_region=payload.origin_region.strip(),
        symptoms=payload.symptoms,
    )
    body["warnings"] = body.get("warnings", []) + [w.as_dict() for w in warnings]
    body["recent"] = [
        {
            "at": p.at,
            "checkpoint": p.checkpoint.name,
            "temperature": p.temperature,
            "outcome": p.get_outcome_display(),
            "name": mask_name(p.name),
        }
        for p in selectors.recent_passages(digest)
    ]
    return body


# --- vehicles -----------------------------------------------------------------------------------


@router.post("/vehicles", response={200: VehicleOut, 201: VehicleOut, 422: ErrorOut}, summary="Record one vehicle")
def vehicle_create(request: HttpRequest, payload: VehicleIn) -> Any:
    """Record a vehicle's passage; 201 when stored, 200 when this client_uuid was stored before."""
    return _record_one(request, payload.data(), services.vehicle_record, VehiclePassage)


@router.post("/vehicles/batch", response=BatchOut, summary="Record many vehicles (offline sync)")
def vehicle_batch(request: HttpRequest, payload: BatchIn) -> HttpResponse:
    """Record up to 1000 vehicles; each item gets created, duplicate or error with its field errors."""
    require(request.user, "passage.record")
    return _batch(request, payload, VehicleIn, services.vehicle_record_batch)


@router.get("/vehicles", response=list[VehicleOut], summary="List vehicles")
def vehicle_list(
    request: HttpRequest,
    checkpoint: int | None = None,
    date: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    outcome: str | None = None,
    plate: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[VehiclePassage]:
    """List vehicle passages the user may see, newest first, with filters."""
    require(request.user, "passage.view")
    qs = scope(VehiclePassage.objects.select_related("checkpoint"), request.user)
    if checkpoint is not None:
        qs = qs.filter(checkpoint_id=checkpoint)
    qs = _day_filters(qs, date, date_from, date_to)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if plate:
        qs = qs.filter(plate=plate.replace("·", "").strip().upper())
    return list(qs.order_by("-at", "-id")[_page(offset, limit)])


# Token-authenticated POSTs of these four come through the lean entry (frontline.api.lean).
lean_post("/passages")(_lean_one(PassageIn, PassageOut, services.passage_record, Passage))
lean_post("/passages/batch")(_lean_batch(PassageIn, services.passage_record_batch))
lean_post("/vehicles")(_lean_one(VehicleIn, VehicleOut, services.vehicle_record, VehiclePassage))
lean_post("/vehicles/batch")(_lean_batch(VehicleIn, services.vehicle_record_batch))


# --- tallies ------------------------------------------------------------------------------------


class TallyOut(Schema):
    checkpoint_id: int
    checkpoint: str
    day: date
    people_in: int
    people_out: int
    turned_back: int
    referred: int
    fevers: int
    fever_events: int
    high_risk: int
    vehicles: int
    vehicles_turned_back: int

    @staticmethod
    def resolve_checkpoint(obj: DailyTally) -> str:
        return obj.checkpoint.code


@router.get("/tallies", response=list[TallyOut], summary="Daily counters per checkpoint")
def tally_list(
    request: HttpRequest, date_from: date | None = None, date_to: date | None = None, checkpoint: int | None = None
) -> list[DailyTally]:
    """Return the daily counters (default: the last 7 days), kept in step with every passage."""
    require(request.user, "passage.view")
    today = timezone.localdate()
    qs = selectors.tallies_for(
        day_from=date_from or today - timedelta(days=6),
        day_to=date_to or today,
        checkpoint_ids=[checkpoint] if checkpoint else None,
    )
    return list(scope(qs, request.user))


# --- the QR self-registration queue -------------------------------------------------------------


class PendingOut(Schema):
    id: int
    receipt: str
    name: str
    id_number_masked: str
    phone_masked: str
    origin_region: str
    origin_name: str
    high_risk: bool
    symptoms: list[str]
    symptom_names: list[str]
    created_at: datetime


class ConfirmIn(Schema):
    temperature: Decimal | None = None
    outcome: str
    client_uuid: UUID | None = None


@router.get("/self-registrations", response=list[PendingOut], summary="Residents waiting at a checkpoint")
def pending_list(request: HttpRequest, checkpoint: int) -> list[dict[str, Any]]:
    """List the QR self-registrations waiting at a checkpoint to be confirmed."""
    require(request.user, "passage.record")
    from frontline.core.validators import region_full_name, region_get
    from frontline.org.models import Checkpoint

    cp = get_scoped(Checkpoint.objects.all(), request.user, pk=checkpoint)
    rules = selectors.campaign_rules()
    out = []
    for r in selectors.pending_self_registrations(cp.pk):
        out.append(
            {
                "id": r.pk,
                "receipt": r.receipt,
                "name": r.name,
                "id_number_masked": mask_id_number(r.id_number),
                "phone_masked": mask_phone(r.phone),
                "origin_region": r.origin_region,
                "origin_name": region_full_name(r.origin_region) if region_get(r.origin_region or "-") else "",
                "high_risk": selectors.is_high_risk(r.origin_region, rules["high_risk_regions"]),
                "symptoms": r.symptoms,
                "symptom_names": [str(Symptom(s).label) for s in r.symptoms],
                "created_at": r.created_at,
            }
        )
    return out


@router.post(
    "/self-registrations/{registration_id}/confirm",
    response={201: PassageOut, 422: ErrorOut},
    summary="Confirm a resident's self-registration",
)
def pending_confirm(request: HttpRequest, registration_id: int, payload: ConfirmIn) -> Any:
    """Confirm a waiting self-registration with the measured temperature and the outcome."""
    require(request.user, "passage.record")
    registration = get_scoped(SelfRegistration.objects.all(), request.user, pk=registration_id)
    try:
        passage = services.self_registration_confirm(
            actor=request.user,
            registration=registration,
            temperature=payload.temperature,
            outcome=payload.outcome,
            client_uuid=payload.client_uuid,
        )
    except services.RecordInvalid as exc:
        return _invalid(request, exc)
    return Status(201, Passage.objects.select_related("checkpoint").get(pk=passage.pk))
