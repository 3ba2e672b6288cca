"""Backfill of paper registration sheets from an Excel template: every row checked, all or nothing."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.checkpoints import services
from frontline.checkpoints.models import Direction, DocumentType, Outcome, Source, Symptom
from frontline.core.errors import DomainError
from frontline.core.excel import RowError, RowInvalid, Sheet, cell_date, cell_text, read_rows
from frontline.org.models import Checkpoint

H_CHECKPOINT, H_DATE, H_TIME, H_DIRECTION = _("Checkpoint code"), _("Date"), _("Time"), _("Direction")
H_NAME, H_DOC_TYPE, H_NUMBER, H_PHONE = _("Name"), _("Document type"), _("Document number"), _("Phone")
H_TEMP, H_SYMPTOMS, H_FROM, H_ARRIVED = _("Temperature"), _("Symptoms"), _("Coming from (region code)"), _("Arrived on")
H_PURPOSE, H_OUTCOME, H_NOTE = _("Purpose"), _("Outcome"), _("Note")
HEADERS = [
    H_CHECKPOINT,
    H_DATE,
    H_TIME,
    H_DIRECTION,
    H_NAME,
    H_DOC_TYPE,
    H_NUMBER,
    H_PHONE,
    H_TEMP,
    H_SYMPTOMS,
    H_FROM,
    H_ARRIVED,
    H_PURPOSE,
    H_OUTCOME,
    H_NOTE,
]


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    total: int = 0
    errors: list[RowError] = field(default_factory=list)


def _labels(choices: Any) -> dict[str, str]:
    """Map values and labels (in either language) of a choice list to the value."""
    from django.utils import translation

    out = {}
    for value, label in choices:
        out[value] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out[str(label)] = value
    return out


def _split(text: str) -> list[str]:
    for sep in ("，", ",", "、", ";", "；"):
        text = text.replace(sep, "|")
    return [p.strip() for p in text.split("|") if p.strip()]


def _row_uuid(values: dict[Any, Any]) -> uuid.UUID:
    """The row's client UUID, from what it says: the same row imported again (from this file, a re-saved copy or
    another sheet) is stored once, wherever it stands. Two identical rows are one record."""
    text = "\x1f".join(cell_text(values.get(str(h))) for h in HEADERS)
    return uuid.uuid5(uuid.NAMESPACE_URL, "frontline-import:" + hashlib.sha256(text.encode()).hexdigest())


def _parse(values: dict[Any, Any], *, codes: dict[str, int]) -> services.PassageData:
    reasons: list[str] = []
    directions, documents = _labels(Direction.choices), _labels(DocumentType.choices)
    outcomes, symptoms = _labels(Outcome.choices), _labels(Symptom.choices)

    def get(header: Any) -> str:
        return cell_text(values.get(str(header)))

    code = get(H_CHECKPOINT).upper()
    checkpoint_id = codes.get(code, -1)
    day = time_of_day = None
    try:
        day = cell_date(values.get(str(H_DATE)))
    except ValueError:
        pass
    if day is None:
        reasons.append(str(_("Date: enter the date as YYYY-MM-DD.")))
    raw_time = values.get(str(H_TIME))
    if isinstance(raw_time, time):
        time_of_day = raw_time
    elif isinstance(raw_time, datetime):
        time_of_day = raw_time.time()
    elif cell_text(raw_time):
        try:
            time_of_day = datetime.strptime(cell_text(raw_time)[:5], "%H:%M").time()
        except ValueError:
            reasons.append(str(_("Time: enter the time as HH:MM.")))
    arrived = None
    try:
        arrived = cell_date(values.get(str(H_ARRIVED)))
    except ValueError:
        reasons.append(str(_("Arrived on: enter the date as YYYY-MM-DD.")))
    at = timezone.make_aware(datetime.combine(day, time_of_day or time(12, 0))) if day else None
    picked_symptoms = [symptoms.get(s, s) for s in _split(get(H_SYMPTOMS))]
    if reasons:
        raise RowInvalid(reasons)
    return services.PassageData(
        checkpoint_id=checkpoint_id,
        client_uuid=_row_uuid(values),
        outcome=outcomes.get(get(H_OUTCOME), get(H_OUTCOME)),
        id_number=get(H_NUMBER),
        temperature=get(H_TEMP) or None,
        direction=directions.get(get(H_DIRECTION), get(H_DIRECTION)) or Direction.IN,
        document_type=documents.get(get(H_DOC_TYPE), get(H_DOC_TYPE)) or DocumentType.RESIDENT_ID,
        name=get(H_NAME),
        phone=get(H_PHONE),
        symptoms=picked_symptoms,
        origin_region=get(H_FROM),
        arrived_on=arrived,
        purpose=get(H_PURPOSE),
        note=get(H_NOTE),
        at=at,
    )


def passages_import(*, actor: Any, upload: IO[bytes]) -> ImportResult:
    """Import a filled-in template; if any row is wrong nothing is stored and every bad row is listed."""
    content = upload.read()
    import io

    rows = read_rows(io.BytesIO(content), HEADERS)
    # The template's notes sit below the data: a row with only its first cell filled is not a record.
    rows = [(n, v) for n, v in rows if any(cell_text(v.get(str(h))) for h in HEADERS[1:])]
    if not rows:
        raise DomainError(_("File: the sheet has no rows to import."), code="import.empty", field="file")
    codes = {c.code.upper(): c.pk for c in Checkpoint.objects.all()}
    result = ImportResult(total=len(rows))
    parsed: list[tuple[int, dict[Any, Any], services.PassageData]] = []
    for number, values in rows:
        try:
            parsed.append((number, values, _parse(values, codes=codes)))
        except RowInvalid as exc:
            result.errors.append(RowError(row=number, reasons=exc.reasons, values=values))
    outcomes = services.passage_record_batch(
        actor=actor, items=[d for _n, _v, d in parsed], source=Source.IMPORT, atomic=True
    )
    for (number, values, _data), outcome in zip(parsed, outcomes, strict=True):
        if outcome.status == "error":
            # Every service message starts with the name of its field, e.g. "体温：…".
            result.errors.append(RowError(row=number, reasons=[str(e) for e in outcome.errors], values=values))
    result.errors.sort(key=lambda e: e.row)
    if result.errors:
        return result
    result.created = sum(o.status == "created" for o in outcomes)
    result.duplicates = sum(o.status == "duplicate" for o in outcomes)
    return result


def template_sheet() -> Sheet:
    today = timezone.localdate()
    example = [
        "QS01",
        today.isoformat(),
        "08:30",
        str(Direction.IN.label),
        "张三",
        str(DocumentType.RESIDENT_ID.label),
        "150204199001011239",
        "13800001111",
        36.5,
        "",
        "150204",
        "",
        "上班",
        str(Outcome.ALLOWED.label),
        "",
    ]
    return Sheet(
        _("Passages"),
        HEADERS,
        [example],
        notes=[
            _(
                "One row per person. Required: checkpoint code, date, document number, temperature (people coming in), outcome."
            ),
            _("Outcome: %(values)s. Symptoms, separated by commas: %(symptoms)s.")
            % {
                "values": "、".join(str(label) for _v, label in Outcome.choices),
                "symptoms": "、".join(str(label) for _v, label in Symptom.choices),
            },
            _("Delete the example row before importing."),
        ],
    )
