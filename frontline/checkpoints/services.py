"""Every state change of the checkpoints app: recording passages, fever events, self-registrations."""

from __future__ import annotations

import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from frontline.checkpoints import selectors
from frontline.checkpoints.models import (
    TEMPERATURE_MAX,
    TEMPERATURE_MIN,
    DailyTally,
    Direction,
    DocumentType,
    Outcome,
    Passage,
    SelfRegistration,
    Source,
    Symptom,
    VehicleOutcome,
    VehiclePassage,
    VehicleType,
)
from frontline.checkpoints.signals import fever_detected, passage_recorded, passages_recorded
from frontline.core.access import Role, in_scope
from frontline.core.audit import audit_record, audit_record_many
from frontline.core.bulk import hot_cursor, insert_rows, new_instance
from frontline.core.context import client_ip
from frontline.core.errors import DomainError
from frontline.core.groupcommit import GroupCommit
from frontline.core.notify import later, notify, stored
from frontline.core.validators import validate_mobile, validate_plate, validate_region_code, validate_resident_id
from frontline.org.models import Campaign, Checkpoint
from frontline.org.selectors import users_with_role

log = logging.getLogger(__name__)

# A phone queues offline for a shift or more; its clock may be a few minutes fast.
FUTURE_TOLERANCE = timedelta(minutes=10)


# --- inputs and results ------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs a tenth of a batch record
class PassageData:
    """What a client sends to record a person's passage (raw values, validated by the service)."""

    checkpoint_id: Any
    client_uuid: Any
    outcome: str
    id_number: str = ""
    temperature: Any = None
    direction: str = Direction.IN
    document_type: str = DocumentType.RESIDENT_ID
    name: str = ""
    phone: str = ""
    symptoms: Sequence[str] = ()
    origin_region: str = ""
    arrived_on: date | None = None
    purpose: str = ""
    note: str = ""
    at: datetime | None = None
    vehicle_uuid: Any = None


@dataclass(slots=True)
class VehicleData:
    """What a client sends to record a vehicle's passage."""

    checkpoint_id: Any
    client_uuid: Any
    plate: str
    outcome: str
    vehicle_type: str = VehicleType.CAR
    occupants: Any = 1
    origin_region: str = ""
    direction: str = Direction.IN
    note: str = ""
    at: datetime | None = None


Status = Literal["created", "duplicate", "error", "skipped"]


@dataclass
class RecordResult:
    """The outcome of one submitted record: created, a duplicate of a stored one, or refused."""

    index: int
    client_uuid: str
    status: Status
    obj: Any = None
    errors: list[DomainError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"index": self.index, "client_uuid": self.client_uuid, "result": self.status}
        if self.obj is not None:
            body["id"] = self.obj.pk
        if self.errors:
            body["errors"] = [{"field": e.field or "", "code": e.code, "message": str(e)} for e in self.errors]
        return body


class RecordInvalid(DomainError):
    """A record broke one or more rules; carries every field's error."""

    def __init__(self, errors: list[DomainError]) -> None:
        first = errors[0]
        super().__init__(first.message, code=first.code, field=first.field, params=first.params)
        self.errors = errors


@dataclass
class _Context:
    actor: Any
    campaign: Campaign | None
    checkpoints: dict[int, Checkpoint]
    now: datetime
    threshold: Decimal
    regions: list[str]
    tz: Any = None  # the current time zone, looked up once per request, not once per record

    def localdate(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()


def _user_of(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) and hasattr(actor, "is_authenticated") else None


def _context(actor: Any, checkpoint_ids: Sequence[Any]) -> _Context:
    ids = set()
    for raw in checkpoint_ids:
        try:
            ids.add(int(raw))
        except (TypeError, ValueError):
            continue
    every = selectors.checkpoints_for_recording()
    user = _user_of(actor)
    checkpoints = {pk: every[pk] for pk in ids if pk in every and (user is None or in_scope(every[pk], user))}
    campaign = selectors.campaign_for_recording()
    return _Context(
        actor=actor,
        campaign=campaign,
        checkpoints=checkpoints,
        now=timezone.now(),
        threshold=selectors.fever_threshold(campaign),
        regions=selectors.high_risk_regions(campaign),
        tz=timezone.get_current_timezone(),
    )


class _Collector:
    """Run validation steps and keep every DomainError, so a record reports all its bad fields."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            self.errors.append(exc)
            return None

    def fail(self, message: Any, *, code: str, field: str, params: dict[str, Any] | None = None) -> None:
        self.errors.append(DomainError(message, code=code, field=field, params=params))


# --- shared field checks ------------------------------------------------------------------------


def _checkpoint(ctx: _Context, raw: Any) -> Checkpoint:
    try:
        checkpoint = ctx.checkpoints.get(int(raw))
    except (TypeError, ValueError):
        checkpoint = None
    if checkpoint is None:
        raise DomainError(
            _("Checkpoint: there is no such checkpoint, or it is not one you may record at."),
            code="checkpoint.unknown",
            field="checkpoint",
        )
    return checkpoint


def _uuid(raw: Any) -> uuid.UUID:
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except (TypeError, ValueError, AttributeError):
        raise DomainError(
            _("Client UUID: send a UUID that identifies this record."), code="client_uuid.invalid", field="client_uuid"
        ) from None


def _when(ctx: _Context, at: datetime | None, checkpoint: Checkpoint | None) -> tuple[datetime, date]:
    moment = at or ctx.now
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > ctx.now + FUTURE_TOLERANCE:
        raise DomainError(_("Time: the time is in the future."), code="at.future", field="at")
    day = ctx.localdate(moment)
    if checkpoint is not None:
        closed = checkpoint.closed_on or (None if checkpoint.active else checkpoint.opened_on - timedelta(days=1))
        if day < checkpoint.opened_on or (closed is not None and day > closed):
            raise DomainError(
                _("Time: the checkpoint %(code)s was not open on %(day)s."),
                code="at.checkpoint_closed",
                field="at",
                params={"code": checkpoint.code, "day": day.isoformat()},
            )
    return moment, day


_CHOICE_VALUES: dict[Any, frozenset[str]] = {}  # Enum.values builds a new list at every access


def _choice(value: str, choices: Any, *, field: str, label: Any) -> str:
    value = (value or "").strip()
    allowed = _CHOICE_VALUES.get(choices)
    if allowed is None:
        allowed = _CHOICE_VALUES[choices] = frozenset(choices.values)
    if value not in allowed:
        raise DomainError(
            _("%(label)s: choose one of the listed values."),
            code=f"{field}.invalid",
            field=field,
            params={"label": label},
        )
    return value


def _region(ctx: _Context, raw: str) -> tuple[str, bool]:
    code = (raw or "").strip()
    if not code:
        return "", False
    region = validate_region_code(code, field="origin_region")
    return region.code, selectors.is_high_risk(region.code, ctx.regions)


def _text(value: str, *, field: str, label: Any, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise DomainError(
            _("%(label)s: at most %(limit)s characters."),
            code=f"{field}.too_long",
            field=field,
            params={"label": label, "limit": limit},
        )
    return text


def parse_temperature(raw: Any, *, required: bool) -> Decimal | None:
    """Return a body temperature rounded to 0.1 °C, or raise temperature.<reason>."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise DomainError(
                _("Temperature: measure and enter the temperature."), code="temperature.required", field="temperature"
            )
        return None
    try:
        value = Decimal(str(raw).strip().replace("，", ".").replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Temperature: enter a number such as 36.5."), code="temperature.format", field="temperature"
        ) from None
    if not TEMPERATURE_MIN <= value <= TEMPERATURE_MAX:
        raise DomainError(
            _("Temperature: %(value)s °C is not a plausible body temperature (%(min)s–%(max)s °C)."),
            code="temperature.implausible",
            field="temperature",
            params={"value": value, "min": TEMPERATURE_MIN, "max": TEMPERATURE_MAX},
        )
    return value


SYMPTOM_ORDER = {value: i for i, value in enumerate(Symptom.values)}


def _symptoms(raw: Sequence[str]) -> list[str]:
    values = [s.strip() for s in (raw or []) if s and s.strip()]
    if not values:
        return []
    unknown = [s for s in values if s not in SYMPTOM_ORDER]
    if unknown:
        raise DomainError(
            _("Symptoms: %(values)s are not known symptoms."),
            code="symptoms.invalid",
            field="symptoms",
            params={"values": ", ".join(unknown)},
        )
    return sorted(set(values), key=SYMPTOM_ORDER.__getitem__)


def _document(document_type: str, number: str, *, day: date) -> str:
    if document_type == DocumentType.RESIDENT_ID:
        return validate_resident_id(number, field="id_number", today=day).number
    text = re.sub(r"\s+", "", number or "").upper()
    if not text:
        raise DomainError(_("Document number: enter the number."), code="id_number.required", field="id_number")
    if not re.fullmatch(r"[0-9A-Z\-]{5,20}", text):
        raise DomainError(
            _("Document number: use 5 to 20 letters and digits."), code="id_number.format", field="id_number"
        )
    return text


def _arrival(raw: date | None, day: date) -> date | None:
    if raw is None:
        return None
    if raw > day:
        raise DomainError(
            _("Arrival date: it cannot be after the day of the passage."), code="arrived_on.future", field="arrived_on"
        )
    if raw < day - timedelta(days=366):
        raise DomainError(
            _("Arrival date: more than a year ago; leave it empty if the person lives here."),
            code="arrived_on.too_early",
            field="arrived_on",
        )
    return raw


# --- passages of people ------------------------------------------------------------------------


def _prepare_passage(
    ctx: _Context, data: PassageData, vehicles: dict[uuid.UUID, VehiclePassage], source: str
) -> Passage:
    c = _Collector()
    client_uuid = c.run(_uuid, data.client_uuid)
    checkpoint = c.run(_checkpoint, ctx, data.checkpoint_id)
    when = c.run(_when, ctx, data.at, checkpoint)
    at, day = when if when else (ctx.now, ctx.localdate(ctx.now))
    direction = c.run(_choice, data.direction or Direction.IN, Direction, field="direction", label=_("Direction"))
    document_type = c.run(
        _choice,
        data.document_type or DocumentType.RESIDENT_ID,
        DocumentType,
        field="document_type",
        label=_("Document type"),
    )
    number = c.run(_document, document_type or DocumentType.RESIDENT_ID, data.id_number, day=day)
    phone = c.run(validate_mobile, data.phone, field="phone") if (data.phone or "").strip() else ""
    temperature = c.run(parse_temperature, data.temperature, required=direction != Direction.OUT)
    symptoms = c.run(_symptoms, data.symptoms) or []
    region = c.run(_region, ctx, data.origin_region) or ("", False)
    arrived_on = c.run(_arrival, data.arrived_on, day)
    outcome = c.run(_choice, data.outcome, Outcome, field="outcome", label=_("Outcome"))
    name = c.run(_text, data.name, field="name", label=_("Name"), limit=50)
    purpose = c.run(_text, data.purpose, field="purpose", label=_("Purpose"), limit=100)
    note = c.run(_text, data.note, field="note", label=_("Note"), limit=1000)
    vehicle = None
    if data.vehicle_uuid:
        key = c.run(_uuid, data.vehicle_uuid)
        vehicle = vehicles.get(key) if key else None
        if key and vehicle is None:
            c.fail(
                _("Vehicle: no vehicle was recorded with this UUID."), code="vehicle_uuid.unknown", field="vehicle_uuid"
            )
    if c.errors:
        raise RecordInvalid(c.errors)
    assert checkpoint is not None and client_uuid is not None
    fever = temperature is not None and temperature >= ctx.threshold
    user = _user_of(ctx.actor)
    passage = new_instance(
        Passage,
        dict(
            checkpoint_id=checkpoint.pk,
            at=at,
            day=day,
            direction=direction,
            name=name or "",
            document_type=document_type,
            id_number=number or "",
            phone=phone or "",
            temperature=temperature,
            fever=fever,
            fever_event=fever or Symptom.DRY_COUGH in symptoms,
            symptoms=symptoms,
            origin_region=region[0],
            high_risk=region[1],
            arrived_on=arrived_on,
            purpose=purpose or "",
            outcome=outcome,
            note=note or "",
            vehicle_id=vehicle.pk if vehicle else None,
            recorded_by_id=user.pk if user else None,
            source=source,
            client_uuid=client_uuid,
        ),
    )
    return _with_related(passage, checkpoint=checkpoint, vehicle=vehicle, recorded_by=user)


def _with_related(obj: Any, **related: Any) -> Any:
    """Attach the related objects already in hand (what `obj.checkpoint = c` does, without its checks).

    Building a thousand rows, the relation descriptors' routing checks cost more than the row itself.
    """
    for name, value in related.items():
        if value is not None:
            obj._meta.get_field(name).set_cached_value(obj, value)
    return obj


def _passage_increments(p: Passage) -> dict[str, int]:
    return {
        "people_in": int(p.direction == Direction.IN),
        "people_out": int(p.direction == Direction.OUT),
        "turned_back": int(p.outcome == Outcome.TURNED_BACK),
        "referred": int(p.outcome in (Outcome.REFERRED_COMMUNITY, Outcome.REFERRED_HEALTH)),
        "fevers": int(p.fever),
        "fever_events": int(p.fever_event),
        "high_risk": int(p.high_risk and p.direction == Direction.IN),
    }


def _vehicle_increments(v: VehiclePassage) -> dict[str, int]:
    return {"vehicles": 1, "vehicles_turned_back": int(v.outcome == VehicleOutcome.TURNED_BACK)}


def _quoted(*names: str) -> list[str]:
    return [connection.ops.quote_name(n) for n in names]


def tally_add(groups: dict[tuple[int, date], dict[str, int]]) -> None:
    """Add to the counters of (checkpoint, day) groups, creating missing rows, in ONE statement.

    `INSERT … ON CONFLICT (checkpoint_id, day) DO UPDATE SET n = n + EXCLUDED.n` (PostgreSQL,
    SQLite ≥ 3.24) is atomic under concurrent writers: a second writer of the same row waits for
    the first one's commit and then adds to its figures. Rows go in a fixed order, so two batches
    lock the rows they share in the same order and cannot deadlock. Runs in the caller's transaction.
    """
    rows = [(key, incs) for key, incs in sorted(groups.items()) if any(incs.values())]
    if not rows:
        return
    counters = DailyTally.COUNTERS
    table, checkpoint_col, day_col, *cols = _quoted(DailyTally._meta.db_table, "checkpoint_id", "day", *counters)
    day_field = DailyTally._meta.get_field("day")
    placeholders = "(" + ", ".join(["%s"] * (2 + len(counters))) + ")"
    params: list[Any] = []
    for (checkpoint_id, day), incs in rows:
        params += [checkpoint_id, day_field.get_db_prep_value(day, connection)]
        params += [incs.get(name, 0) for name in counters]
    used = [col for name, col in zip(counters, cols, strict=True) if any(incs.get(name) for _k, incs in rows)]
    sql = (
        f"INSERT INTO {table} ({checkpoint_col}, {day_col}, {', '.join(cols)}) "  # noqa: S608 (names only)
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({checkpoint_col}, {day_col}) DO UPDATE SET "
        + ", ".join(f"{col} = {table}.{col} + EXCLUDED.{col}" for col in used)
    )
    with hot_cursor() as cursor:
        cursor.execute(sql, params)


def tally_bump(*, checkpoint_id: int, day: date, increments: dict[str, int]) -> None:
    """Add to one checkpoint's counters of a day, creating the row; safe under concurrent writers."""
    tally_add({(checkpoint_id, day): increments})


def _tally_groups(objs: Sequence[Any], increments: Any) -> dict[tuple[int, date], dict[str, int]]:
    grouped: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for obj in objs:
        group = grouped[(obj.checkpoint_id, obj.day)]
        for name, value in increments(obj).items():
            group[name] += value
    return grouped


def _send_safely(signal: Signal, **kwargs: Any) -> None:
    """Send a signal; a receiver that raises is logged and its signal's writes are undone."""
    if not signal.has_listeners(Passage):
        return
    try:
        with transaction.atomic():
            for receiver, response in signal.send_robust(sender=Passage, **kwargs):
                if isinstance(response, Exception):
                    log.error("receiver %r of a checkpoints signal failed: %r", receiver, response)
                    raise _ReceiverFailed
    except _ReceiverFailed:
        pass


class _ReceiverFailed(Exception):
    pass


def fever_event_raise(*, passage: Passage) -> None:
    """Raise a fever event for a passage: tell the health workflow now, the office after commit."""
    _send_safely(fever_detected, passage=passage)
    checkpoint = passage.checkpoint
    title = later(
        _("Fever at %(checkpoint)s: %(temperature)s °C"),
        {
            "checkpoint": checkpoint.name,
            "temperature": passage.temperature if passage.temperature is not None else "—",
        },
    )
    symptoms = [Symptom(s).label for s in passage.symptoms]
    body = later(
        _("%(time)s, %(name)s. Symptoms: %(symptoms)s. Outcome: %(outcome)s."),
        {
            "time": timezone.localtime(passage.at).strftime("%H:%M"),
            "name": passage.name[:1] + "**" if passage.name else "—",
            "symptoms": lazy(lambda: "、".join(str(s) for s in symptoms) or "—", str)(),
            "outcome": Outcome(passage.outcome).label if passage.outcome in Outcome.values else passage.outcome,
        },
    )
    link = reverse("checkpoints:fever_today")
    pk = passage.pk

    def send() -> None:
        notify(
            users=users_with_role(Role.OFFICE),
            kind="checkpoints.fever",
            title=title,
            body=body,
            link=link,
            dedupe_key=f"checkpoints.fever:{pk}",
        )

    transaction.on_commit(send)


@dataclass
class Submission:
    """Records one actor sends at once (a request: one record or a batch), and where from."""

    actor: Any
    items: Sequence[Any]
    source: str = Source.API
    ip: str | None = None


def _actor_key(actor: Any) -> Any:
    pk = getattr(actor, "pk", None)
    return ("user", pk) if pk else ("name", str(actor))


def _contexts(subs: Sequence[Submission]) -> dict[Any, _Context]:
    """One context per actor (their checkpoints, the campaign's rules), whatever they sent."""
    ids: dict[Any, list[Any]] = defaultdict(list)
    actors: dict[Any, Any] = {}
    for sub in subs:
        key = _actor_key(sub.actor)
        actors[key] = sub.actor
        ids[key] += [d.checkpoint_id for d in sub.items]
    return {key: _context(actors[key], ids[key]) for key in actors}


def _store(
    model: type[Any], prepared: list[list[tuple[int, Any]]], results: list[dict[int, RecordResult]]
) -> list[list[Any]]:
    """Insert the prepared rows of every submission not stored before, in one statement.

    A client UUID sent twice (in one submission or two) is stored once; the later ones, and the
    ones stored by an earlier request, are reported as duplicates with the stored row's id.
    """
    fresh: list[tuple[int, int, Any]] = []
    repeats: list[tuple[int, int, Any]] = []
    seen: set[uuid.UUID] = set()
    for s, rows in enumerate(prepared):
        for index, obj in rows:
            (repeats if obj.client_uuid in seen else fresh).append((s, index, obj))
            seen.add(obj.client_uuid)
    insert_rows(model, [obj for _s, _i, obj in fresh], skip_conflicts_on="client_uuid")
    known = {obj.client_uuid: obj.pk for _s, _i, obj in fresh if obj.pk is not None}
    missing = [obj.client_uuid for _s, _i, obj in fresh if obj.pk is None]
    if missing:  # sent before: report the stored row's id
        known.update(model.objects.filter(client_uuid__in=missing).values_list("client_uuid", "pk"))
    stored: list[list[Any]] = [[] for _ in prepared]
    for s, index, obj in fresh:
        if obj.pk is not None:
            results[s][index] = RecordResult(index, str(obj.client_uuid), "created", obj)
            stored[s].append(obj)
    for s, index, obj in [(s, i, o) for s, i, o in fresh if o.pk is None] + repeats:
        pk = known.get(obj.client_uuid)
        results[s][index] = RecordResult(index, str(obj.client_uuid), "duplicate", model(pk=pk) if pk else None)
    return stored


def _audit_entries(sub: Submission, stored: list[Any], action: str) -> list[dict[str, Any]]:
    """One entry per single record, one per batch (how many, which ids and UUIDs; no personal data)."""
    if len(stored) == 1:
        obj = stored[0]
        changes = {"checkpoint": obj.checkpoint.code, "outcome": obj.outcome, "source": obj.source}
        return [{"actor": sub.actor, "action": action, "target": obj, "changes": changes, "ip": sub.ip}]
    if not stored:
        return []
    changes = {
        "created": len(stored),
        "checkpoints": sorted({o.checkpoint.code for o in stored}),
        "ids": [o.pk for o in stored],
        "client_uuids": [str(o.client_uuid) for o in stored],
    }
    return [{"actor": sub.actor, "action": f"{action}_batch", "changes": changes, "ip": sub.ip}]


def _record(
    subs: Sequence[Submission],
    *,
    model: type[Any],
    prepare: Any,
    action: str,
    increments: Any,
    announce: Any = None,
    atomic: bool = False,
) -> list[list[RecordResult]]:
    """Validate every submission's records, then store all the valid ones in ONE transaction.

    One INSERT for the rows, one for the audit entries, one counter upsert, one signal: the cost
    of a transaction is shared by every record and every submission in it. With atomic=True
    (imports) nothing is stored unless every record is valid.
    """
    contexts = _contexts(subs)
    results: list[dict[int, RecordResult]] = [{} for _ in subs]
    prepared: list[list[tuple[int, Any]]] = [[] for _ in subs]
    for s, sub in enumerate(subs):
        ctx = contexts[_actor_key(sub.actor)]
        for index, data in enumerate(sub.items):
            try:
                prepared[s].append((index, prepare(ctx, data, sub.source)))
            except RecordInvalid as exc:
                results[s][index] = RecordResult(index, str(data.client_uuid or ""), "error", errors=exc.errors)
    if atomic and any(results):
        return [
            [results[s].get(i) or RecordResult(i, str(d.client_uuid), "skipped") for i, d in enumerate(sub.items)]
            for s, sub in enumerate(subs)
        ]
    if any(prepared):
        with transaction.atomic():
            stored = _store(model, prepared, results)
            entries = [e for sub, objs in zip(subs, stored, strict=True) for e in _audit_entries(sub, objs, action)]
            if entries:
                audit_record_many(entries)
            every = [obj for objs in stored for obj in objs]
            if every:
                if announce is not None:
                    announce(every)
                tally_add(_tally_groups(every, increments))  # last: the row locks are held briefly
    return [[results[s][i] for i in range(len(sub.items))] for s, sub in enumerate(subs)]


def _announce(passages: list[Passage]) -> None:
    """Send the signals of new passages: once for the batch, per passage only where needed."""
    _send_safely(passages_recorded, passages=passages)
    if passage_recorded.has_listeners(Passage):
        for passage in passages:
            _send_safely(passage_recorded, passage=passage)
    for passage in passages:
        if passage.fever_event:
            fever_event_raise(passage=passage)


def passage_record_submissions(subs: Sequence[Submission], *, atomic: bool = False) -> list[list[RecordResult]]:
    """Record the passages of several submissions together; a list of results per submission."""
    keys = []
    for sub in subs:
        for d in sub.items:
            try:
                if d.vehicle_uuid:
                    keys.append(_uuid(d.vehicle_uuid))
            except DomainError:
                pass
    vehicles = {v.client_uuid: v for v in VehiclePassage.objects.filter(client_uuid__in=keys)} if keys else {}

    def prepare(ctx: _Context, data: PassageData, source: str) -> Passage:
        return _prepare_passage(ctx, data, vehicles, source)

    return _record(
        subs,
        model=Passage,
        prepare=prepare,
        action="passage.record",
        increments=_passage_increments,
        announce=_announce,
        atomic=atomic,
    )


def passage_record_batch(
    *, actor: Any, items: Sequence[PassageData], source: str = Source.API, atomic: bool = False
) -> list[RecordResult]:
    """Record many passages, each exactly once by its client UUID; return a result per item.

    With atomic=True (imports) nothing is stored unless every item is valid.
    """
    sub = Submission(actor=actor, items=items, source=source, ip=client_ip.get())
    return passage_record_submissions([sub], atomic=atomic)[0]


def _record_singles(subs: Sequence[Submission]) -> list[RecordResult]:
    with translation.override(settings.LANGUAGE_CODE):  # notifications read the same whoever leads
        return [results[0] for results in passage_record_submissions(subs)]


# Concurrent single registrations of this process are written together (see core.groupcommit).
_singles: GroupCommit[Submission, RecordResult] = GroupCommit(_record_singles)


def passage_record(*, actor: Any, data: PassageData, source: str = Source.API) -> RecordResult:
    """Record one passage (idempotent by client UUID); raise RecordInvalid when it breaks a rule.

    The passage is committed when this returns; it may share its transaction with passages other
    threads of this process recorded at the same moment.
    """
    sub = Submission(actor=actor, items=[data], source=source, ip=client_ip.get())
    result = _singles.submit(sub) if settings.GROUP_COMMIT else passage_record_submissions([sub])[0][0]
    if result.status == "error":
        raise RecordInvalid(result.errors)
    return result


# --- passages of vehicles -----------------------------------------------------------------------


def _occupants(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if not 1 <= value <= 80:
        raise DomainError(_("Occupants: enter a number from 1 to 80."), code="occupants.range", field="occupants")
    return value


def _prepare_vehicle(ctx: _Context, data: VehicleData, source: str) -> VehiclePassage:
    c = _Collector()
    client_uuid = c.run(_uuid, data.client_uuid)
    checkpoint = c.run(_checkpoint, ctx, data.checkpoint_id)
    when = c.run(_when, ctx, data.at, checkpoint)
    at, day = when if when else (ctx.now, ctx.localdate(ctx.now))
    plate = c.run(validate_plate, data.plate, field="plate")
    vehicle_type = c.run(
        _choice, data.vehicle_type or VehicleType.CAR, VehicleType, field="vehicle_type", label=_("Vehicle type")
    )
    occupants = c.run(_occupants, data.occupants)
    direction = c.run(_choice, data.direction or Direction.IN, Direction, field="direction", label=_("Direction"))
    region = c.run(_region, ctx, data.origin_region) or ("", False)
    outcome = c.run(_choice, data.outcome, VehicleOutcome, field="outcome", label=_("Outcome"))
    note = c.run(_text, data.note, field="note", label=_("Note"), limit=1000)
    if c.errors:
        raise RecordInvalid(c.errors)
    assert checkpoint is not None
    user = _user_of(ctx.actor)
    vehicle = VehiclePassage(
        checkpoint_id=checkpoint.pk,
        at=at,
        day=day,
        direction=direction,
        plate=plate,
        vehicle_type=vehicle_type,
        occupants=occupants,
        origin_region=region[0],
        high_risk=region[1],
        outcome=outcome,
        note=note or "",
        recorded_by_id=user.pk if user else None,
        source=source,
        client_uuid=client_uuid,
    )
    return _with_related(vehicle, checkpoint=checkpoint, recorded_by=user)


def vehicle_record_batch(*, actor: Any, items: Sequence[VehicleData], source: str = Source.API) -> list[RecordResult]:
    """Record many vehicle passages, each exactly once by its client UUID; a result per item."""
    sub = Submission(actor=actor, items=items, source=source, ip=client_ip.get())
    return _record(
        [sub], model=VehiclePassage, prepare=_prepare_vehicle, action="vehicle.record", increments=_vehicle_increments
    )[0]


def vehicle_record(*, actor: Any, data: VehicleData, source: str = Source.API) -> RecordResult:
    """Record one vehicle passage (idempotent by client UUID); raise RecordInvalid on bad input."""
    result = vehicle_record_batch(actor=actor, items=[data], source=source)[0]
    if result.status == "error":
        raise RecordInvalid(result.errors)
    return result


# --- QR self-registration -----------------------------------------------------------------------

SELF_REGISTRATION_MOVES: dict[str, set[str]] = {
    SelfRegistration.Status.PENDING: {SelfRegistration.Status.CONFIRMED, SelfRegistration.Status.EXPIRED},
    SelfRegistration.Status.CONFIRMED: set(),
    SelfRegistration.Status.EXPIRED: set(),
}


def self_registration_move(registration: SelfRegistration, to: str) -> None:
    """Change a self-registration's status, refusing moves the workflow does not allow."""
    if to not in SELF_REGISTRATION_MOVES[registration.status]:
        raise DomainError(
            _("Status: a registration that is %(current)s cannot become %(new)s."),
            code="status.illegal_move",
            field="status",
            params={
                "current": registration.get_status_display(),
                "new": SelfRegistration.Status(to).label,
            },
        )
    registration.status = to
    registration.decided_at = timezone.now()


def self_registration_submit(
    *,
    checkpoint: Checkpoint,
    name: str,
    id_number: str,
    phone: str,
    origin_region: str = "",
    arrived_on: date | None = None,
    symptoms: Sequence[str] = (),
    consent: bool,
) -> SelfRegistration:
    """Store a resident's own registration from a checkpoint's QR code, waiting for the staff."""
    ctx = _context(None, [checkpoint.pk])
    c = _Collector()
    if not checkpoint.active:
        c.fail(_("Checkpoint: this checkpoint is closed."), code="checkpoint.closed", field="checkpoint")
    if not consent:
        c.fail(
            _("Consent: tick the box to agree that your details are used for epidemic prevention."),
            code="consent.required",
            field="consent",
        )
    clean_name = c.run(_text, name, field="name", label=_("Name"), limit=50)
    if not clean_name and not any(e.field == "name" for e in c.errors):
        c.fail(_("Name: enter your name."), code="name.required", field="name")
    today = timezone.localdate()
    resident = c.run(validate_resident_id, id_number, field="id_number", today=today)
    clean_phone = c.run(validate_mobile, phone, field="phone")
    region = c.run(_region, ctx, origin_region) or ("", False)
    clean_symptoms = c.run(_symptoms, symptoms) or []
    arrival = c.run(_arrival, arrived_on, today)
    if c.errors:
        raise RecordInvalid(c.errors)
    with transaction.atomic():
        registration = SelfRegistration.objects.create(
            checkpoint=checkpoint,
            name=clean_name,
            id_number=resident.number,
            phone=clean_phone,
            origin_region=region[0],
            arrived_on=arrival,
            symptoms=clean_symptoms,
            consented_at=timezone.now(),
        )
        audit_record(
            actor="public",
            action="self_registration.submit",
            target=registration,
            changes={"checkpoint": checkpoint.code},
        )
    return registration


def self_registration_confirm(
    *, actor: Any, registration: SelfRegistration, temperature: Any, outcome: str, client_uuid: Any = None
) -> Passage:
    """Turn a waiting self-registration into a passage with the measured temperature and the outcome."""
    with transaction.atomic():
        locked = SelfRegistration.objects.select_for_update().get(pk=registration.pk)
        self_registration_move(locked, SelfRegistration.Status.CONFIRMED)
        data = PassageData(
            checkpoint_id=locked.checkpoint_id,
            client_uuid=client_uuid or uuid.uuid4(),
            outcome=outcome,
            id_number=locked.id_number,
            temperature=temperature,
            name=locked.name,
            phone=locked.phone,
            symptoms=list(locked.symptoms),
            origin_region=locked.origin_region,
            arrived_on=locked.arrived_on,
            purpose=stored(_("QR self-registration %(code)s"), {"code": locked.receipt}),
        )
        result = passage_record(actor=actor, data=data, source=Source.QR)
        locked.passage = result.obj if result.status == "created" else Passage.objects.get(client_uuid=data.client_uuid)
        locked.save(update_fields=["status", "decided_at", "passage"])
        audit_record(
            actor=actor, action="self_registration.confirm", target=locked, changes={"passage": locked.passage_id}
        )
    registration.refresh_from_db()
    return locked.passage  # type: ignore[return-value]


def self_registrations_expire(*, now: datetime | None = None) -> int:
    """Mark self-registrations that waited longer than a day as expired; return how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=selectors.PENDING_HOURS)
    count = 0
    for registration in SelfRegistration.objects.filter(status=SelfRegistration.Status.PENDING, created_at__lt=cutoff):
        with transaction.atomic():
            self_registration_move(registration, SelfRegistration.Status.EXPIRED)
            registration.save(update_fields=["status", "decided_at"])
            audit_record(actor="system", action="self_registration.expire", target=registration)
        count += 1
    return count
