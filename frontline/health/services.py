"""Every change to key populations, measures, health reports and escalations goes through these functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.access import Role
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.masking import mask_name
from frontline.core.notify import later, notify, stored
from frontline.core.services import save_instance
from frontline.core.validators import validate_mobile, validate_resident_id
from frontline.health.models import (
    Category,
    Escalation,
    EscalationStep,
    HealthReport,
    HealthSettings,
    Measure,
    MissedReport,
    Person,
    Slot,
    SlotCheck,
)
from frontline.health.selectors import due_for_release, health_settings, open_measure_of, release_checks, slot_by_code
from frontline.org.models import Campaign, Community, Staff, User
from frontline.org.selectors import current_campaign, liaisons_of

PERSON_SENSITIVE = frozenset({"id_number", "phone", "address"})
TEMPERATURE_MIN, TEMPERATURE_MAX = Decimal("34.0"), Decimal("43.0")


# --- settings ------------------------------------------------------------------------------


def health_settings_save(
    *,
    actor: Any,
    campaign: Campaign,
    slots: Sequence[dict[str, str]],
    notify_within_minutes: int = 30,
    category_days: dict[str, int] | None = None,
    extend_days: int = 7,
    normal_days_for_release: int = 3,
) -> HealthSettings:
    """Save a campaign's reporting slots, notification time and measure lengths."""
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in slots:
        try:
            slot = Slot.from_dict(raw)
        except (KeyError, ValueError) as exc:
            raise DomainError(
                _("Reporting slots: “%(slot)s” needs a code and times like 10:00."),
                code="health.slot_invalid",
                field="slots",
                params={"slot": raw.get("code", "?") if isinstance(raw, dict) else raw},
            ) from exc
        if slot.code in seen:
            raise DomainError(
                _("Reporting slots: the code “%(code)s” is used twice."),
                code="health.slot_twice",
                field="slots",
                params={"code": slot.code},
            )
        if slot.opens >= slot.cutoff:
            raise DomainError(
                _("Reporting slots: “%(code)s” must open before its cutoff."),
                code="health.slot_order",
                field="slots",
                params={"code": slot.code},
            )
        seen.add(slot.code)
        cleaned.append(
            {"code": slot.code, "name": slot.name, "opens": f"{slot.opens:%H:%M}", "cutoff": f"{slot.cutoff:%H:%M}"}
        )
    if not cleaned:
        raise DomainError(_("Reporting slots: at least one slot is needed."), code="health.no_slots", field="slots")
    cleaned.sort(key=lambda s: s["cutoff"])
    known = set(Category.objects.values_list("code", flat=True))
    days = {}
    for code, n in (category_days or {}).items():
        if code not in known:
            raise DomainError(
                _("Days per category: no category “%(code)s”."),
                code="health.category_unknown",
                field="category_days",
                params={"code": code},
            )
        if not 1 <= int(n) <= 60:
            raise DomainError(
                _("Days per category: %(code)s must be between 1 and 60 days."),
                code="health.category_days",
                field="category_days",
                params={"code": code},
            )
        days[code] = int(n)
    instance = HealthSettings.objects.filter(campaign=campaign).first() or HealthSettings(campaign=campaign)
    return save_instance(
        actor=actor,
        instance=instance,
        fields={
            "slots": cleaned,
            "notify_within_minutes": notify_within_minutes,
            "category_days": days,
            "extend_days": extend_days,
            "normal_days_for_release": normal_days_for_release,
        },
        action="isolation.settings",
    )


# --- people --------------------------------------------------------------------------------


def _categories(codes: Iterable[str]) -> list[Category]:
    codes = [c for c in codes if c]
    found = {c.code: c for c in Category.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise DomainError(
            _("Categories: unknown %(codes)s."),
            code="person.category_unknown",
            field="categories",
            params={"codes": "、".join(unknown)},
        )
    return list(found.values())


def _clean_person_fields(*, name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name: this field is required."), code="person.name_required", field="name")
    if len(name) > 50:
        raise DomainError(_("Name: at most 50 characters."), code="person.name_long", field="name")
    id_number = validate_resident_id(id_number, field="id_number").number if (id_number or "").strip() else ""
    phone = validate_mobile(phone, field="phone") if (phone or "").strip() else ""
    return name, id_number, phone


def person_watch_create(
    *,
    actor: Any,
    name: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    community: Community | None = None,
    category_codes: Sequence[str] = (),
    found_by: str = "manual",
    note: str = "",
    contact_of: Person | None = None,
    staff: Staff | None = None,
    risk: str = "",
) -> Person:
    """Put a person on the watch list, or add to the record of the person with the same resident ID."""
    name, id_number, phone = _clean_person_fields(name=name, id_number=id_number, phone=phone)
    if found_by not in Person.FoundBy.values:
        raise DomainError(_("Found by: not a valid choice."), code="person.found_by", field="found_by")
    categories = _categories(category_codes)
    with transaction.atomic():
        existing = None
        if id_number:
            from frontline.core.crypto import blind_index

            existing = (
                Person.objects.select_for_update().filter(id_number_hash=blind_index("id_number", id_number)).first()
            )
        if existing is None and staff is not None:
            existing = Person.objects.select_for_update().filter(staff=staff).first()
        if existing is not None:
            # Matched: fill what was missing, add categories and the note; never overwrite known facts silently.
            fields: dict[str, Any] = {}
            for key, value in (("phone", phone), ("address", address), ("id_number", id_number)):
                if value and not getattr(existing, key):
                    fields[key] = value
            if community is not None and existing.community_id is None:
                fields["community"] = community
            if contact_of is not None and existing.contact_of_id is None and contact_of.pk != existing.pk:
                fields["contact_of"] = contact_of
            if staff is not None and existing.staff_id is None:
                fields["staff"] = staff
            if risk and risk != existing.risk:
                fields["risk"] = risk
            if note:
                stamp = timezone.localtime().strftime("%Y-%m-%d")
                fields["note"] = (existing.note + "\n" if existing.note else "") + f"[{stamp}] {note}"
            merged = list({c.pk: c for c in [*existing.categories.all(), *categories]}.values())
            return save_instance(
                actor=actor,
                instance=existing,
                fields=fields,
                action="person.match",
                sensitive=PERSON_SENSITIVE,
                m2m={"categories": merged},
            )
        fields = {
            "name": name,
            "id_number": id_number,
            "phone": phone,
            "address": (address or "").strip(),
            "community": community,
            "found_by": found_by,
            "note": note,
            "contact_of": contact_of,
            "staff": staff,
            "risk": risk or Person.Risk.MEDIUM,
        }
        return save_instance(
            actor=actor,
            instance=Person(),
            fields=fields,
            action="person.create",
            sensitive=PERSON_SENSITIVE,
            m2m={"categories": categories},
        )


def person_update(
    *,
    actor: Any,
    person: Person,
    name: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    community: Community | None = None,
    category_codes: Sequence[str] = (),
    found_by: str = "manual",
    note: str = "",
    contact_of: Person | None = None,
    staff: Staff | None = None,
    risk: str = Person.Risk.MEDIUM,
) -> Person:
    """Edit a watched person's record."""
    name, id_number, phone = _clean_person_fields(name=name, id_number=id_number, phone=phone)
    if contact_of is not None and contact_of.pk == person.pk:
        raise DomainError(
            _("Contact of: a person cannot be their own contact."), code="person.self_contact", field="contact_of"
        )
    fields = {
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "address": (address or "").strip(),
        "community": community,
        "found_by": found_by,
        "note": note,
        "contact_of": contact_of,
        "staff": staff,
        "risk": risk,
    }
    if id_number:
        from frontline.core.crypto import blind_index

        if Person.objects.filter(id_number_hash=blind_index("id_number", id_number)).exclude(pk=person.pk).exists():
            raise DomainError(
                _("ID number: another watched person has this ID number."), code="person.id_taken", field="id_number"
            )
    return save_instance(
        actor=actor,
        instance=person,
        fields=fields,
        action="person.update",
        sensitive=PERSON_SENSITIVE,
        m2m={"categories": _categories(category_codes)},
    )


# --- measures ------------------------------------------------------------------------------

MEASURE_MOVES: dict[str, set[str]] = {
    Measure.Status.ACTIVE: {
        Measure.Status.EXTENDED,
        Measure.Status.RELEASED,
        Measure.Status.HOSPITAL,
        Measure.Status.ENDED,
    },
    Measure.Status.EXTENDED: {
        Measure.Status.EXTENDED,
        Measure.Status.RELEASED,
        Measure.Status.HOSPITAL,
        Measure.Status.ENDED,
    },
    Measure.Status.RELEASED: set(),
    Measure.Status.HOSPITAL: set(),
    Measure.Status.ENDED: set(),
}


def _measure_move(*, actor: Any, measure: Measure, to: str, fields: dict[str, Any], action: str) -> Measure:
    """Move a measure to another status, refusing moves the status list does not allow."""
    if to not in MEASURE_MOVES[measure.status]:
        raise DomainError(
            _("Status: a measure that is “%(old)s” cannot become “%(new)s”."),
            code="measure.illegal_status",
            field="status",
            params={"old": measure.get_status_display(), "new": Measure.Status(to).label},
        )
    return save_instance(actor=actor, instance=measure, fields={"status": to, **fields}, action=action)


def _planned_days_for(person: Person, cfg: HealthSettings, campaign: Campaign | None) -> int:
    days = [cfg.category_days.get(c.code) or c.default_days for c in person.categories.all()]
    if days:
        return max(days)
    return campaign.isolation_days if campaign else 14


def _user_of(staff: Staff | None) -> User | None:
    return getattr(staff, "user", None) if staff is not None else None


def _watchers(measure: Measure | None, person: Person) -> list[User]:
    """The people told about a person: the measure's liaison (or the community's) and the staff member."""
    users: list[User] = []
    if measure is not None and measure.liaison_id:
        users.append(measure.liaison)  # type: ignore[arg-type]
    elif person.community_id:
        users.extend(liaisons_of(person.community))
    if measure is not None:
        user = _user_of(measure.responsible_staff)
        if user is not None:
            users.append(user)
    return users


def measure_start(
    *,
    actor: Any,
    person: Person,
    kind: str = Measure.Kind.HOME,
    start_date: date | None = None,
    planned_days: int | None = None,
    responsible_staff: Staff | None = None,
    liaison: User | None = None,
    note: str = "",
) -> Measure:
    """Put a person under home isolation, medical observation or centralised isolation."""
    today = timezone.localdate()
    start_date = start_date or today
    campaign = current_campaign()
    cfg = health_settings(campaign)
    if kind not in Measure.Kind.values:
        raise DomainError(_("Kind: not a valid choice."), code="measure.kind", field="kind")
    if start_date > today + timedelta(days=7):
        raise DomainError(_("Start date: at most a week ahead."), code="measure.start_future", field="start_date")
    if liaison is not None and (liaison.role != Role.LIAISON or liaison.community_id != person.community_id):
        raise DomainError(
            _("Community liaison: choose a liaison of the person's community."), code="measure.liaison", field="liaison"
        )
    days = planned_days or _planned_days_for(person, cfg, campaign)
    if not 1 <= days <= 90:
        raise DomainError(_("Planned days: between 1 and 90."), code="measure.days", field="planned_days")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if open_measure_of(person) is not None:
            raise DomainError(
                _("Person: %(name)s is already under an open measure; extend or end it first."),
                code="measure.already_open",
                field="person",
                params={"name": person.name},
                status=409,
            )
        measure = save_instance(
            actor=actor,
            instance=Measure(),
            fields={
                "person": person,
                "kind": kind,
                "start_date": start_date,
                "planned_days": days,
                "planned_end": start_date + timedelta(days=days - 1),
                "responsible_staff": responsible_staff,
                "liaison": liaison,
                "note": note,
                # A measure entered after it began counts from the start of its first day.
                "started_at": timezone.now()
                if start_date >= today
                else timezone.make_aware(datetime.combine(start_date, datetime.min.time())),
            },
            action="isolation.start",
        )
        if person.staff_id:
            from frontline.health.signals import staff_measure_started

            staff = person.staff
            transaction.on_commit(lambda: staff_measure_started.send(sender=Measure, staff=staff, measure=measure))
    return measure


def measure_extend(*, actor: Any, measure: Measure, days: int, reason: str = "") -> Measure:
    """Add days to an open measure (an abnormal end, or a decision of the community)."""
    if not 1 <= int(days) <= 30:
        raise DomainError(_("Days: between 1 and 30."), code="measure.extend_days", field="days")
    note = measure.note
    if reason:
        note = (note + "\n" if note else "") + f"[{timezone.localdate():%Y-%m-%d}] {reason}"
    with transaction.atomic():
        return _measure_move(
            actor=actor,
            measure=measure,
            to=Measure.Status.EXTENDED,
            fields={
                "planned_end": measure.planned_end + timedelta(days=int(days)),
                "planned_days": measure.planned_days + int(days),
                "note": note,
            },
            action="isolation.extend",
        )


def measure_release(*, actor: Any, measure: Measure, confirm: bool, note: str = "") -> Measure:
    """Release a person whose measure ended with normal reports; a staff member returns to their post."""
    if not confirm:
        raise DomainError(
            _("Confirm: tick the box to confirm the release."), code="measure.release_unconfirmed", field="confirm"
        )
    today = timezone.localdate()
    if measure.is_open and measure.planned_end > today:
        raise DomainError(
            _("Release: the measure runs until %(end)s."),
            code="measure.not_due",
            field="confirm",
            params={"end": measure.planned_end},
        )
    check = release_checks([measure])[0] if measure.is_open else None
    if check is not None and not check.normal:
        raise DomainError(
            _("Release: the last days were not normal (%(why)s); extend the measure instead."),
            code="measure.not_normal",
            field="confirm",
            params={"why": "; ".join(check.reasons)},
        )
    fields: dict[str, Any] = {"ended_on": today, "ended_by": actor if getattr(actor, "pk", None) else None}
    if note:
        fields["note"] = (measure.note + "\n" if measure.note else "") + note
    staff = measure.person.staff
    if staff is not None:
        fields["returned_to_post_at"] = timezone.now()
    with transaction.atomic():
        measure = _measure_move(
            actor=actor, measure=measure, to=Measure.Status.RELEASED, fields=fields, action="isolation.release"
        )
        if staff is not None:
            from frontline.health.signals import staff_returned_to_post

            audit_record(actor=actor, action="isolation.return_to_post", target=staff, changes={"measure": measure.pk})
            transaction.on_commit(lambda: staff_returned_to_post.send(sender=Measure, staff=staff, measure=measure))
    return measure


def measure_end(*, actor: Any, measure: Measure, status: str, note: str = "") -> Measure:
    """End a measure otherwise than by release: moved to hospital, or ended for another reason."""
    if status not in (Measure.Status.HOSPITAL, Measure.Status.ENDED):
        raise DomainError(_("Status: choose hospital or ended."), code="measure.end_status", field="status")
    if status == Measure.Status.ENDED and not note.strip():
        raise DomainError(_("Note: say why the measure ends."), code="measure.end_note", field="note")
    fields = {
        "ended_on": max(timezone.localdate(), measure.start_date),
        "ended_by": actor if getattr(actor, "pk", None) else None,
        "note": (measure.note + "\n" if measure.note else "") + note if note else measure.note,
    }
    with transaction.atomic():
        return _measure_move(actor=actor, measure=measure, to=status, fields=fields, action="isolation.end")


# --- health reports ------------------------------------------------------------------------


def _temperature(value: Any) -> Decimal:
    try:
        temp = Decimal(str(value).strip().replace("，", ".").replace(",", ".")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(
            _("Temperature: enter a reading such as 36.5."), code="report.temperature", field="temperature"
        ) from exc
    if not TEMPERATURE_MIN <= temp <= TEMPERATURE_MAX:
        raise DomainError(
            _("Temperature: enter a reading between 34.0 and 43.0 °C."),
            code="report.temperature_range",
            field="temperature",
        )
    return temp


def report_submit(
    *,
    actor: Any,
    measure: Measure,
    slot: str,
    temperature: Any,
    day: date | None = None,
    dry_cough: bool = False,
    fatigue: bool = False,
    sore_throat: bool = False,
    short_breath: bool = False,
    diarrhoea: bool = False,
    other_symptoms: str = "",
    reported_by: str = HealthReport.By.SELF,
    at: datetime | None = None,
) -> HealthReport:
    """Record a slot's report; a second one for the same slot replaces the first and keeps it as history.

    `at` is when the reading was taken, for paper or phone records entered afterwards (and the demo).
    """
    now = min(at, timezone.now()) if at is not None else timezone.now()
    today = timezone.localdate(now)
    day = day or today
    cfg = health_settings()
    chosen = slot_by_code(cfg, slot)
    if chosen is None:
        raise DomainError(_("Slot: not a reporting slot."), code="report.slot", field="slot")
    if not measure.is_open:
        raise DomainError(_("This measure has ended; reports are closed."), code="report.closed", status=410)
    if day > today or day < measure.start_date:
        raise DomainError(_("Day: a day of the measure, not in the future."), code="report.day", field="day")
    temp = _temperature(temperature)  # a reading that cannot be right is said first, whatever the hour
    if chosen.opens_at(day) > now:
        raise DomainError(
            _("Slot: reporting for %(slot)s opens at %(time)s."),
            code="report.not_open",
            field="slot",
            params={"slot": chosen.label, "time": f"{chosen.opens:%H:%M}"},
        )
    campaign = current_campaign()
    threshold = campaign.fever_threshold if campaign else Decimal("37.3")
    symptoms = any((dry_cough, fatigue, sore_throat, short_breath, diarrhoea, bool(other_symptoms.strip())))
    fever = temp >= threshold
    recorder = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        previous = list(
            HealthReport.objects.select_for_update().filter(
                measure=measure, day=day, slot=chosen.code, superseded=False
            )
        )
        HealthReport.objects.filter(pk__in=[p.pk for p in previous]).update(superseded=True)
        report = HealthReport.objects.create(
            measure=measure,
            day=day,
            slot=chosen.code,
            temperature=temp,
            dry_cough=dry_cough,
            fatigue=fatigue,
            sore_throat=sore_throat,
            short_breath=short_breath,
            diarrhoea=diarrhoea,
            other_symptoms=other_symptoms.strip()[:200],
            reported_by=reported_by,
            recorded_by=recorder,
            submitted_at=now,
            late=now > chosen.cutoff_at(day),
            abnormal=fever or symptoms,
        )
        audit_record(
            actor=actor or "self-report",
            action="isolation.report",
            target=measure,
            changes={
                "day": day,
                "slot": chosen.code,
                "temperature": temp,
                "late": report.late,
                "replaces": [p.pk for p in previous],
            },
        )
        if fever or dry_cough:
            signs = [f"{temp} °C"] + report.symptom_list
            escalation_open(
                actor=actor or "self-report",
                person=measure.person,
                source=Escalation.Source.REPORT,
                temperature=temp,
                symptoms="、".join(signs)[:200],
                report=report,
                measure=measure,
            )
    return report


# --- escalations ---------------------------------------------------------------------------

ESCALATION_MOVES: dict[str, list[str]] = {
    Escalation.State.DETECTED: [Escalation.State.COMMUNITY_NOTIFIED, Escalation.State.CLOSED],
    Escalation.State.COMMUNITY_NOTIFIED: [Escalation.State.HANDED_TO_HEALTH, Escalation.State.CLOSED],
    Escalation.State.HANDED_TO_HEALTH: [Escalation.State.AT_HOSPITAL, Escalation.State.CLOSED],
    Escalation.State.AT_HOSPITAL: [Escalation.State.CLOSED],
    Escalation.State.CLOSED: [],
}
NEEDS_RECIPIENT = {Escalation.State.COMMUNITY_NOTIFIED, Escalation.State.HANDED_TO_HEALTH, Escalation.State.AT_HOSPITAL}


def escalation_open(
    *,
    actor: Any,
    person: Person,
    source: str,
    temperature: Decimal | None = None,
    symptoms: str = "",
    passage_id: int | None = None,
    report: HealthReport | None = None,
    measure: Measure | None = None,
    note: str = "",
) -> Escalation:
    """Open a fever escalation; an open one for the same person takes the new sign instead."""
    if source not in Escalation.Source.values:
        raise DomainError(_("Source: not a valid choice."), code="escalation.source", field="source")
    if source == Escalation.Source.MANUAL and not (symptoms.strip() or temperature is not None):
        raise DomainError(
            _("Symptoms: give a temperature or the symptoms seen."), code="escalation.signs", field="symptoms"
        )
    now = timezone.now()
    by = actor if getattr(actor, "pk", None) else None
    by_name = actor.get_username() if by else str(actor or "system")
    with transaction.atomic():
        if passage_id is not None:
            done = Escalation.objects.filter(passage_id=passage_id).first()
            if done is not None:
                return done
        current = (
            Escalation.objects.select_for_update().filter(person=person).exclude(state=Escalation.State.CLOSED).first()
        )
        if current is not None:
            current.person = person  # named in the audit entry: no second read
            sign = " · ".join(x for x in (str(Escalation.Source(source).label), symptoms, note) if x)
            EscalationStep.objects.create(
                escalation=current,
                from_state=current.state,
                to_state=current.state,
                at=now,
                by=by,
                by_name=by_name[:150],
                note=sign,
            )
            audit_record(actor=actor, action="escalation.sign", target=current, changes={"source": source})
            return current
        cfg = health_settings()  # only a new case needs these
        measure = measure or open_measure_of(person)
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    person=person,
                    measure=measure,
                    source=source,
                    passage_id=passage_id,
                    report=report,
                    temperature=temperature,
                    symptoms=symptoms[:200],
                    detected_at=now,
                    notify_due_at=now + timedelta(minutes=cfg.notify_within_minutes),
                    opened_by=by,
                    note=note,
                )
        except IntegrityError:
            return Escalation.objects.get(passage_id=passage_id)
        EscalationStep.objects.create(
            escalation=escalation,
            from_state="",
            to_state=Escalation.State.DETECTED,
            at=now,
            by=by,
            by_name=by_name[:150],
            note=note,
        )
        audit_record(
            actor=actor,
            action="escalation.open",
            target=escalation,
            changes={"source": source, "temperature": temperature, "symptoms": symptoms},
        )
        users = _watchers(measure, person)
        link = reverse("health:escalation_detail", args=[escalation.pk])
        community = person.community.name if person.community else ""
        title = later(
            _("Fever case to notify: %(name)s %(community)s"), {"name": mask_name(person.name), "community": community}
        )
        body = later(
            _("%(signs)s. Source: %(source)s. Notify the community within %(minutes)s minutes."),
            {
                "signs": symptoms or (f"{temperature} °C" if temperature is not None else ""),
                "source": Escalation.Source(source).label,
                "minutes": cfg.notify_within_minutes,
            },
        )
        transaction.on_commit(
            lambda: notify(
                users=users,
                kind="health.escalation",
                title=title,
                body=body,
                link=link,
                dedupe_key=f"health.escalation:{escalation.pk}",
            )
        )
    return escalation


def escalation_advance(
    *,
    actor: Any,
    escalation: Escalation,
    to_state: str,
    to_whom: str = "",
    note: str = "",
    outcome: str = "",
) -> Escalation:
    """Move an escalation one step on, recording who moved it, when and to whom it was handed."""
    if to_state not in Escalation.State.values:
        raise DomainError(_("State: not a valid choice."), code="escalation.state", field="to_state")
    allowed = ESCALATION_MOVES[escalation.state]
    if to_state not in allowed:
        raise DomainError(
            _("State: a case that is “%(old)s” cannot move to “%(new)s”; next: %(allowed)s."),
            code="escalation.illegal_step",
            field="to_state",
            params={
                "old": escalation.get_state_display(),
                "new": Escalation.State(to_state).label,
                "allowed": "、".join(str(Escalation.State(s).label) for s in allowed) or "—",
            },
        )
    to_whom = to_whom.strip()
    if to_state in NEEDS_RECIPIENT and not to_whom:
        raise DomainError(
            _("To whom: say who took the case over (a name, office or hospital)."),
            code="escalation.to_whom",
            field="to_whom",
        )
    if to_state == Escalation.State.CLOSED and outcome not in Escalation.Outcome.values:
        raise DomainError(_("Outcome: choose how the case ended."), code="escalation.outcome", field="outcome")
    now = timezone.now()
    by = actor if getattr(actor, "pk", None) else None
    fields: dict[str, Any] = {"state": to_state}
    if to_state == Escalation.State.COMMUNITY_NOTIFIED:
        fields["notified_at"] = now
    if to_state == Escalation.State.CLOSED:
        fields["outcome"] = outcome
        fields["closed_at"] = now
    with transaction.atomic():
        locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if locked.state != escalation.state:
            raise DomainError(
                _("State: someone else moved this case meanwhile; reload the page."),
                code="escalation.stale",
                field="to_state",
                status=409,
            )
        from_state = escalation.state
        escalation = save_instance(actor=actor, instance=escalation, fields=fields, action="escalation.advance")
        EscalationStep.objects.create(
            escalation=escalation,
            from_state=from_state,
            to_state=to_state,
            at=now,
            by=by,
            by_name=(actor.get_username() if by else str(actor or "system"))[:150],
            to_whom=to_whom[:200],
            note=note,
        )
        if to_state == Escalation.State.AT_HOSPITAL:
            measure = open_measure_of(escalation.person)
            if measure is not None:
                _measure_move(
                    actor=actor,
                    measure=measure,
                    to=Measure.Status.HOSPITAL,
                    fields={"ended_on": max(timezone.localdate(), measure.start_date), "ended_by": by},
                    action="isolation.end",
                )
    return escalation


# --- checkpoint passages -------------------------------------------------------------------


def passage_fever_escalate(*, passage: Any) -> Escalation | None:
    """Open an escalation for the person of a fever passage, creating their record when new."""
    id_hash = getattr(passage, "id_number_hash", "") or ""
    checkpoint = getattr(passage, "checkpoint", None)
    community = getattr(checkpoint, "community", None)
    with transaction.atomic():
        person = Person.objects.filter(id_number_hash=id_hash).first() if id_hash else None
        if person is None:
            id_number = getattr(passage, "id_number", "") or ""
            try:
                person = person_watch_create(
                    actor="checkpoint",
                    name=getattr(passage, "name", "") or "?",
                    id_number=id_number,
                    phone=getattr(passage, "phone", "") or "",
                    community=community,
                    category_codes=["fever_case"],
                    found_by=Person.FoundBy.CHECKPOINT,
                    note=stored(_("Fever at checkpoint %(cp)s"), {"cp": checkpoint or ""}),
                )
            except DomainError:
                # A passage with a malformed ID or phone still opens a case: keep the name only.
                person = person_watch_create(
                    actor="checkpoint",
                    name=getattr(passage, "name", "") or "?",
                    community=community,
                    category_codes=["fever_case"],
                    found_by=Person.FoundBy.CHECKPOINT,
                )
        temperature = getattr(passage, "temperature", None)
        symptoms = [f"{temperature} °C"] if temperature is not None else []
        signs = getattr(passage, "symptoms", None) or []
        if getattr(passage, "dry_cough", False) or "dry_cough" in signs:
            symptoms.append(stored(_("dry cough")))
        return escalation_open(
            actor=getattr(passage, "recorded_by", None) or "checkpoint",
            person=person,
            source=Escalation.Source.CHECKPOINT,
            temperature=Decimal(str(temperature)) if temperature is not None else None,
            symptoms="、".join(symptoms) or stored(_("fever")),
            passage_id=passage.pk,
            note=stored(_("At checkpoint %(cp)s"), {"cp": checkpoint or ""}),
        )


def passage_under_measure_alert(*, passage: Any) -> int:
    """Tell the liaison and responsible staff member when a person under a measure passes a checkpoint."""
    from frontline.health.selectors import open_measure_for_id_hash

    measure = open_measure_for_id_hash(getattr(passage, "id_number_hash", "") or "")
    if measure is None:
        return 0
    person = measure.person
    checkpoint = getattr(passage, "checkpoint", None)
    audit_record(
        actor=getattr(passage, "recorded_by", None) or "checkpoint",
        action="isolation.seen_at_checkpoint",
        target=measure,
        changes={"passage": passage.pk, "checkpoint": str(checkpoint or "")},
    )
    title = later(
        _("%(name)s, under %(kind)s, was registered at %(cp)s"),
        {"name": mask_name(person.name), "kind": Measure.Kind(measure.kind).label, "cp": checkpoint or ""},
    )
    body = later(_("Planned end %(end)s. Check on the person and stop them leaving."), {"end": measure.planned_end})
    users = _watchers(measure, person)
    link = reverse("health:person_detail", args=[person.pk])
    key = f"health.passage:{passage.pk}"
    transaction.on_commit(
        lambda: notify(users=users, kind="health.checkpoint", title=title, body=body, link=link, dedupe_key=key)
    )
    return len(users)


# --- scheduled checks ----------------------------------------------------------------------


def _missed_insert_sql() -> str:
    missed, measure, report = MissedReport._meta.db_table, Measure._meta.db_table, HealthReport._meta.db_table
    # One INSERT … SELECT per slot: the database finds who has not reported, the unique constraint
    # makes a second run add nothing.
    return (
        f"INSERT INTO {missed} (measure_id, day, slot, created_at) "  # noqa: S608 (table names only)
        f"SELECT m.id, %s, %s, %s FROM {measure} m "
        f"WHERE m.status IN ('active', 'extended') AND m.start_date <= %s AND m.started_at < %s "
        f"AND NOT EXISTS (SELECT 1 FROM {report} r WHERE r.measure_id = m.id AND r.day = %s AND r.slot = %s "
        f"AND r.superseded = %s) "
        f"ON CONFLICT (measure_id, day, slot) DO NOTHING"
    )


def missed_reports_check(*, now: datetime | None = None) -> dict[str, int]:
    """After each slot's cutoff, write the missed reports once and tell each responsible person once.

    Yesterday is checked too, so a scheduler that was down overnight catches up. A slot of a day is
    done once its cutoff has passed and it was checked: a report after the cutoff is late (it does
    not undo the missed record) and a measure started after it owes nothing for it.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    cfg = health_settings()
    ops = connection.ops
    created = notified = 0
    checked = set(SlotCheck.objects.filter(day__gte=today - timedelta(days=1)).values_list("day", "slot"))
    for day, slot in [(d, s) for d in (today - timedelta(days=1), today) for s in cfg.slot_list()]:
        cutoff = slot.cutoff_at(day)
        if now < cutoff or (day, slot.code) in checked:
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _missed_insert_sql(),
                [
                    ops.adapt_datefield_value(day),
                    slot.code,
                    ops.adapt_datetimefield_value(now),
                    ops.adapt_datefield_value(day),
                    ops.adapt_datetimefield_value(cutoff),
                    ops.adapt_datefield_value(day),
                    slot.code,
                    False,
                ],
            )
            created += max(cursor.rowcount, 0)
        # Notified before the slot is marked done: a crash in between re-sends nothing (dedupe keys).
        sent, missed = _missed_notify(day=day, slot=slot)
        notified += sent
        SlotCheck.objects.get_or_create(day=day, slot=slot.code, defaults={"checked_at": now, "missed": missed})
    return {"created": created, "notified": notified}


MISSED_NAMES_UP_TO = 200  # above this many missed slots, messages give counts and the link, not names


def _missed_notify(*, day: date, slot: Slot) -> tuple[int, int]:
    """Tell each liaison and responsible staff member once about a slot's missed reports; return (sent, missed)."""
    from django.db.models import Count, Max, Min

    pending = MissedReport.objects.filter(day=day, slot=slot.code)
    # Grouped in the database: a few thousand (liaison, community, staff member) groups, not every row.
    groups = list(
        pending.values("measure__liaison_id", "measure__person__community_id", "measure__responsible_staff__user_id")
        .annotate(n=Count("id"), first=Min("id"), last=Max("id"))
        .order_by()
    )
    if not groups:
        return 0, 0
    last_id = max(g["last"] for g in groups)
    communities = {g["measure__person__community_id"] for g in groups if not g["measure__liaison_id"]}
    by_community: dict[int, list[int]] = defaultdict(list)
    for user_id, community_id in User.objects.filter(
        is_active=True, role=Role.LIAISON, community_id__in=[c for c in communities if c]
    ).values_list("id", "community_id"):
        by_community[community_id].append(user_id)
    per_user: dict[int, dict[str, Any]] = defaultdict(lambda: {"n": 0, "first": None, "keys": []})
    for g in groups:
        liaison_id = g["measure__liaison_id"]
        recipients = {liaison_id} if liaison_id else set(by_community.get(g["measure__person__community_id"], []))
        if g["measure__responsible_staff__user_id"]:
            recipients.add(g["measure__responsible_staff__user_id"])
        key = (liaison_id, g["measure__person__community_id"], g["measure__responsible_staff__user_id"])
        for user_id in recipients:
            entry = per_user[user_id]
            entry["n"] += g["n"]
            entry["first"] = g["first"] if entry["first"] is None else min(entry["first"], g["first"])
            entry["keys"].append(key)
    total = sum(g["n"] for g in groups)
    names: dict[tuple[Any, Any, Any], list[str]] = defaultdict(list)
    if total <= MISSED_NAMES_UP_TO:
        for liaison_id, community_id, staff_user_id, name in pending.filter(id__lte=last_id).values_list(
            "measure__liaison_id",
            "measure__person__community_id",
            "measure__responsible_staff__user_id",
            "measure__person__name",
        ):
            names[(liaison_id, community_id, staff_user_id)].append(mask_name(name))
    users = User.objects.in_bulk(list(per_user))
    link = reverse("health:missed_today")
    sent = 0
    for user_id, entry in per_user.items():
        listed = sorted({n for key in entry["keys"] for n in names.get(key, [])})
        body = "、".join(listed) if listed else _("See the missed list.")
        title = later(
            _("%(n)s people missed the %(slot)s report of %(day)s"), {"n": entry["n"], "slot": slot.label, "day": day}
        )
        # The first missed row in the batch names the event, so a re-run after a crash is not sent twice.
        dedupe = f"health.missed:{day}:{slot.code}:{user_id}:{entry['first']}"
        sent += notify(
            users=[users[user_id]], kind="health.missed", title=title, body=body, link=link, dedupe_key=dedupe
        )
    return sent, total


def releases_review(*, now: datetime | None = None) -> dict[str, int]:
    """Extend measures that end with abnormal reports; tell liaisons which people are due for release."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cfg = health_settings()
    last_cutoff = max(s.cutoff_at(today) for s in cfg.slot_list())
    extended = due = 0
    for check in due_for_release(Measure.objects.all(), now=now):
        m = check.measure
        abnormal = HealthReport.objects.filter(
            measure=m, superseded=False, abnormal=True, day__gte=today - timedelta(days=cfg.normal_days_for_release - 1)
        ).exists()
        day_over = m.planned_end < today or now >= last_cutoff
        if abnormal and day_over:
            measure_extend(
                actor="system",
                measure=m,
                days=cfg.extend_days,
                reason=stored(_("Extended automatically: abnormal reports at the planned end.")),
            )
            extended += 1
        elif check.normal:
            users = _watchers(m, m.person)
            title = later(_("%(name)s is due for release"), {"name": mask_name(m.person.name)})
            notify(
                users=users,
                kind="health.release_due",
                title=title,
                body=later(_("Planned end %(end)s; reports were normal."), {"end": m.planned_end}),
                link=reverse("health:release_due"),
                dedupe_key=f"health.release_due:{m.pk}:{m.planned_end}",
            )
            due += 1
    return {"extended": extended, "due": due}


def escalations_overdue_check(*, now: datetime | None = None) -> int:
    """Tell the bureau once about each case whose community was not notified in time."""
    now = now or timezone.now()
    late = Escalation.objects.filter(state=Escalation.State.DETECTED, notify_due_at__lt=now).select_related(
        "person", "person__community"
    )
    bureau = list(User.objects.filter(is_active=True, role__in=[Role.LEADER, Role.OFFICE]))
    n = 0
    for e in late:
        users = bureau + list(liaisons_of(e.person.community)) if e.person.community_id else bureau
        n += notify(
            users=users,
            kind="health.escalation_overdue",
            title=later(
                _("Overdue: the community was not notified of %(name)s's case"), {"name": mask_name(e.person.name)}
            ),
            body=later(_("Detected %(at)s."), {"at": timezone.localtime(e.detected_at).strftime("%m-%d %H:%M")}),
            link=reverse("health:escalation_detail", args=[e.pk]),
            dedupe_key=f"health.escalation_overdue:{e.pk}",
        )
    return n
