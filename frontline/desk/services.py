"""Every change at the service desk goes through these functions."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from frontline.core.access import Role
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.notify import later, notify, stored
from frontline.core.services import save_instance
from frontline.core.validators import validate_mobile, validate_resident_id
from frontline.desk.models import (
    Channel,
    DeskSettings,
    DutyLawyer,
    HotlineNumber,
    LegalAidMessage,
    LegalAidRequest,
    Publicity,
    Tip,
)
from frontline.desk.selectors import CODE_ALPHABET, desk_settings, lawyer_on_duty, lookup_digest
from frontline.org.models import Campaign, Community, User
from frontline.org.selectors import users_with_role

# The category the health module files a returnee found by the hotline under (the agreed interface).
WATCH_CATEGORY = "returnee"  # health's category for returnees from a high-risk area
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
PHOTO_MAX_BYTES = int(getattr(settings, "FRONTLINE_DESK_PHOTO_MAX_BYTES", 5 * 1024 * 1024))
PHOTO_MAX_PIXELS = 40_000_000  # a 40-megapixel photo is plenty; larger ones are decompression bombs
TIP_SENSITIVE = frozenset({"reporter_phone", "subject_id_number", "subject_phone", "subject_address"})


def _office() -> list[User]:
    return list(users_with_role(Role.OFFICE))


def _new_code(prefix: str, model: type[Tip] | type[LegalAidRequest]) -> str:
    for _attempt in range(10):
        code = prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not model.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find a free tracking code")  # 32^8 codes: never happens in practice


def _text(value: str, *, field: str, label: Any, required: bool = True, max_length: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(
            _("%(label)s: this field is required."), code=f"{field}.required", field=field, params={"label": label}
        )
    if max_length and len(value) > max_length:
        raise DomainError(
            _("%(label)s: at most %(n)s characters."),
            code=f"{field}.too_long",
            field=field,
            params={"label": label, "n": max_length},
        )
    return value


# --- settings -----------------------------------------------------------------------------------


def desk_settings_save(
    *,
    actor: Any,
    campaign: Campaign,
    tip_response_hours: int,
    legalaid_first_reply_hours: int,
    public_submissions_per_hour: int,
) -> DeskSettings:
    """Set the desk's response targets and the public rate limit for a campaign."""
    instance = DeskSettings.objects.filter(campaign=campaign).first() or DeskSettings(campaign=campaign)
    return save_instance(
        actor=actor,
        instance=instance,
        fields={
            "tip_response_hours": tip_response_hours,
            "legalaid_first_reply_hours": legalaid_first_reply_hours,
            "public_submissions_per_hour": public_submissions_per_hour,
        },
        action="desk.settings",
    )


# --- publicity ----------------------------------------------------------------------------------


def photo_check(upload: UploadedFile, *, field: str = "photo") -> str:
    """Refuse anything but a real JPEG, PNG or WebP image within the size limit; return its extension."""
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise DomainError(
            _("Photo: the file is %(size)s MB; the limit is %(limit)s MB."),
            code="photo.too_large",
            field=field,
            params={"size": round(upload.size / 1024 / 1024, 1), "limit": round(PHOTO_MAX_BYTES / 1024 / 1024, 1)},
        )
    not_image = DomainError(_("Photo: the file is not a JPEG, PNG or WebP image."), code="photo.not_image", field=field)
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format or ""
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise DomainError(_("Photo: the image has too many pixels."), code="photo.too_large", field=field)
            image.verify()  # reads the whole file: a truncated or forged image fails here
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise not_image from exc
    finally:
        upload.seek(0)
    if fmt not in PHOTO_FORMATS:
        raise not_image
    return PHOTO_FORMATS[fmt]


def publicity_save(
    *,
    actor: Any,
    publicity: Publicity | None = None,
    campaign: Campaign,
    kind: str,
    happened_on: date,
    title: str,
    community: Community | None = None,
    place: str = "",
    quantity: int | None = None,
    route: str = "",
    start_time: time | None = None,
    end_time: time | None = None,
    link: str = "",
    published_at: datetime | None = None,
    reads: int | None = None,
    rumour: str = "",
    facts: str = "",
    answered_where: str = "",
    note: str = "",
    photo: UploadedFile | None = None,
) -> Publicity:
    """Record or edit a publicity action, checking the fields its kind needs and any photo."""
    if kind not in Publicity.Kind.values:
        raise DomainError(_("Kind: choose a kind of publicity."), code="kind.invalid", field="kind")
    if kind == Publicity.Kind.POSTER and not quantity:
        raise DomainError(
            _("Number of posters: enter how many were put up."), code="quantity.required", field="quantity"
        )
    if kind == Publicity.Kind.POSTER and not (place or "").strip():
        raise DomainError(_("Place: say where the posters were put up."), code="place.required", field="place")
    if kind == Publicity.Kind.VAN:
        if not (route or "").strip():
            raise DomainError(_("Route: list the streets the van drove."), code="route.required", field="route")
        if start_time is None or end_time is None:
            raise DomainError(
                _("Times: enter when the van started and finished."), code="start_time.required", field="start_time"
            )
        if end_time <= start_time:
            raise DomainError(
                _("End time: must be after the start time."), code="end_time.before_start", field="end_time"
            )
    if kind == Publicity.Kind.WECHAT:
        if not (link or "").strip():
            raise DomainError(_("Link: enter the post's address."), code="link.required", field="link")
        if published_at is None:
            raise DomainError(
                _("Published at: enter when the post went out."), code="published_at.required", field="published_at"
            )
    if kind == Publicity.Kind.RUMOUR and not ((rumour or "").strip() and (facts or "").strip()):
        field = "rumour" if not (rumour or "").strip() else "facts"
        raise DomainError(_("Rumour: write down both the rumour and the facts."), code=f"{field}.required", field=field)
    fields: dict[str, Any] = {
        "campaign": campaign,
        "kind": kind,
        "happened_on": happened_on,
        "title": _text(title, field="title", label=_("Title"), max_length=200),
        "community": community,
        "place": (place or "").strip(),
        "quantity": quantity if kind == Publicity.Kind.POSTER else None,
        "route": (route or "").strip() if kind == Publicity.Kind.VAN else "",
        "start_time": start_time if kind == Publicity.Kind.VAN else None,
        "end_time": end_time if kind == Publicity.Kind.VAN else None,
        "link": (link or "").strip() if kind == Publicity.Kind.WECHAT else "",
        "published_at": published_at if kind == Publicity.Kind.WECHAT else None,
        "reads": reads if kind == Publicity.Kind.WECHAT else None,
        "rumour": (rumour or "").strip() if kind == Publicity.Kind.RUMOUR else "",
        "facts": (facts or "").strip() if kind == Publicity.Kind.RUMOUR else "",
        "answered_where": (answered_where or "").strip() if kind == Publicity.Kind.RUMOUR else "",
        "note": (note or "").strip(),
    }
    if photo is not None:
        ext = photo_check(photo)
        photo.name = f"{uuid.uuid4().hex}{ext}"  # never trust the uploaded name or extension
        fields["photo"] = photo
    instance = publicity or Publicity(created_by=actor if getattr(actor, "pk", None) else None)
    return save_instance(
        actor=actor,
        instance=instance,
        fields=fields,
        action="publicity.update" if publicity else "publicity.create",
        # An upload is not JSON, nor (in the kernel's audit encoder) is a time of day: the entry
        # says only that these changed.
        sensitive=frozenset({"photo", "start_time", "end_time"}),
    )


def publicity_delete(*, actor: Any, publicity: Publicity) -> None:
    """Remove a publicity entry recorded by mistake, and its photo."""
    with transaction.atomic():
        audit_record(actor=actor, action="publicity.delete", target=publicity, changes={"title": publicity.title})
        photo = publicity.photo.name if publicity.photo else ""
        publicity.delete()
        if photo:
            storage = Publicity._meta.get_field("photo").storage  # type: ignore[attr-defined]
            transaction.on_commit(lambda: storage.delete(photo))


# --- hotline numbers ----------------------------------------------------------------------------


def hotline_number_save(
    *,
    actor: Any,
    hotline: HotlineNumber | None = None,
    campaign: Campaign,
    label: str,
    number: str,
    hours: str = "",
    order: int = 0,
    active: bool = True,
) -> HotlineNumber:
    """Publish or edit a reporting-hotline number."""
    number = (number or "").strip()
    if not number or not all(c.isdigit() or c in "-+ ()" for c in number) or sum(c.isdigit() for c in number) < 3:
        raise DomainError(
            _("Number: enter a telephone number (digits and dashes)."), code="number.invalid", field="number"
        )
    fields = {
        "campaign": campaign,
        "label": _text(label, field="label", label=_("Label"), max_length=100),
        "number": number,
        "hours": (hours or "").strip(),
        "order": order,
        "active": active,
    }
    return save_instance(actor=actor, instance=hotline or HotlineNumber(), fields=fields, action="hotline.save")


# --- tips ---------------------------------------------------------------------------------------


def tip_submit(
    *,
    actor: Any,
    campaign: Campaign,
    category: str,
    description: str,
    channel: str = Channel.WEB,
    community: Community | None = None,
    location: str = "",
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    subject_name: str = "",
    subject_id_number: str = "",
    subject_phone: str = "",
    subject_address: str = "",
    came_from: str = "",
    received_at: datetime | None = None,
) -> tuple[Tip, str]:
    """Take a tip from the public or from a call; return it and the secret its status is looked up with.

    The secret is the last four digits of the reporter's phone, or, for a tip without a phone, a
    four-digit PIN made up here and shown once.
    """
    if category not in Tip.Category.values:
        raise DomainError(_("Category: choose what the tip is about."), code="category.invalid", field="category")
    if channel not in Channel.values:
        raise DomainError(_("Channel: choose how the tip came in."), code="channel.invalid", field="channel")
    description = _text(description, field="description", label=_("What happened"), max_length=4000)
    phone = validate_mobile(reporter_phone, field="reporter_phone") if (reporter_phone or "").strip() else ""
    id_number = (
        validate_resident_id(subject_id_number, field="subject_id_number").number
        if (subject_id_number or "").strip()
        else ""
    )
    s_phone = validate_mobile(subject_phone, field="subject_phone") if (subject_phone or "").strip() else ""
    secret = phone[-4:] if phone else f"{secrets.randbelow(10000):04d}"
    received_at = received_at or timezone.now()
    hours = desk_settings(campaign).tip_response_hours
    with transaction.atomic():
        code = _new_code("T", Tip)
        tip = save_instance(
            actor=actor,
            instance=Tip(taken_by=actor if getattr(actor, "pk", None) else None),
            fields={
                "campaign": campaign,
                "code": code,
                "lookup_digest": lookup_digest(code, secret),
                "channel": channel,
                "category": category,
                "community": community,
                "location": _text(location, field="location", label=_("Where"), required=False, max_length=200),
                "description": description,
                "anonymous": anonymous,
                "reporter_name": ""
                if anonymous
                else _text(reporter_name, field="reporter_name", label=_("Your name"), required=False, max_length=50),
                "reporter_phone": phone,
                "subject_name": _text(
                    subject_name, field="subject_name", label=_("Name"), required=False, max_length=50
                ),
                "subject_id_number": id_number,
                "subject_phone": s_phone,
                "subject_address": (subject_address or "").strip(),
                "came_from": (came_from or "").strip()[:100],
                "received_at": received_at,
                "due_at": received_at + timedelta(hours=hours),
            },
            action="tip.create",
            sensitive=TIP_SENSITIVE | {"lookup_digest", "description", "reporter_name", "subject_name"},
        )
        link = reverse("desk:tip_detail", args=[tip.pk])
        title = later(
            _("New hotline tip %(code)s: %(category)s"),
            {"code": tip.display_code, "category": Tip.Category(tip.category).label},
        )
        transaction.on_commit(
            lambda: notify(
                users=_office(), kind="desk.tip_new", title=title, link=link, dedupe_key=f"desk.tip_new:{tip.pk}"
            )
        )
    return tip, secret


TIP_MOVES: dict[str, set[str]] = {
    Tip.Status.RECEIVED: {Tip.Status.ASSIGNED, Tip.Status.CLOSED},
    Tip.Status.ASSIGNED: {Tip.Status.ASSIGNED, Tip.Status.VERIFIED, Tip.Status.CLOSED},
    Tip.Status.VERIFIED: {Tip.Status.HANDLED, Tip.Status.ANSWERED},
    Tip.Status.HANDLED: {Tip.Status.ANSWERED},
    Tip.Status.ANSWERED: {Tip.Status.CLOSED},
    Tip.Status.CLOSED: set(),
}


def tip_transition(
    *,
    actor: Any,
    tip: Tip,
    to: str,
    assignee: User | None = None,
    verified_true: bool | None = None,
    handling: str = "",
    answer: str = "",
) -> Tip:
    """Move a tip along received → assigned → verified → handled → answered → closed.

    Assigning needs a person; verifying says whether it was true; handling says what was done;
    answering writes the reply the reporter reads with the tracking code. A tip closed before
    verification (a duplicate, a prank) needs a note in `handling`.
    """
    if to not in Tip.Status.values or to not in TIP_MOVES[tip.status]:
        raise DomainError(
            _("Status: a tip cannot go from %(old)s to %(new)s."),
            code="tip.illegal_status",
            field="status",
            params={"old": tip.get_status_display(), "new": Tip.Status(to).label if to in Tip.Status.values else to},
        )
    fields: dict[str, Any] = {"status": to}
    now = timezone.now()
    if to == Tip.Status.ASSIGNED:
        if assignee is None or not assignee.is_active:
            raise DomainError(_("Handled by: choose who handles the tip."), code="assignee.required", field="assignee")
        fields["assignee"] = assignee
    elif to == Tip.Status.VERIFIED:
        if verified_true is None:
            raise DomainError(
                _("Found to be true: say whether the tip was true."),
                code="verified_true.required",
                field="verified_true",
            )
        fields["verified_true"] = verified_true
        if handling.strip():
            fields["handling"] = handling.strip()
    elif to == Tip.Status.HANDLED:
        fields["handling"] = _text(handling, field="handling", label=_("How it was handled"))
    elif to == Tip.Status.ANSWERED:
        fields["answer"] = _text(answer, field="answer", label=_("Answer to the reporter"), max_length=2000)
        fields["answered_at"] = now
        if handling.strip():
            fields["handling"] = handling.strip()
    elif to == Tip.Status.CLOSED:
        fields["closed_at"] = now
        if tip.status in (Tip.Status.RECEIVED, Tip.Status.ASSIGNED):
            fields["handling"] = _text(handling, field="handling", label=_("Why it is closed"))
            fields["answer"] = answer.strip() or stored(_("Thank you. The tip was checked and closed."))
    with transaction.atomic():
        saved = save_instance(actor=actor, instance=tip, fields=fields, action=f"tip.{to}")
        if to == Tip.Status.ASSIGNED and assignee is not None and assignee != actor:
            link = reverse("desk:tip_detail", args=[tip.pk])
            title = later(_("Hotline tip %(code)s is yours to handle"), {"code": tip.display_code})
            key = f"desk.tip_assigned:{tip.pk}:{assignee.pk}"
            transaction.on_commit(
                lambda: notify(users=[assignee], kind="desk.tip_assigned", title=title, link=link, dedupe_key=key)
            )
    return saved


def _person_watch_create() -> Any:
    """Import the health module's service lazily: the desk works before that module exists."""
    from frontline.health.services import person_watch_create  # type: ignore[attr-defined,unused-ignore]

    return person_watch_create


def tip_convert_to_watch(*, actor: Any, tip: Tip) -> Tip:
    """Make the person a returnee tip names into a person to watch, or queue it until health exists."""
    if tip.category != Tip.Category.RETURNEE:
        raise DomainError(
            _("Category: only a tip about a returnee can become a person to watch."),
            code="tip.not_returnee",
            field="category",
        )
    if tip.watch_status == Tip.Watch.DONE:
        raise DomainError(
            _("This tip has already become a person to watch."), code="tip.already_watched", field="watch_status"
        )
    if not tip.subject_name.strip():
        raise DomainError(
            _("Name of the person reported: needed to create a person to watch."),
            code="subject_name.required",
            field="subject_name",
        )
    if tip.community_id is None:
        raise DomainError(
            _("Community: needed to create a person to watch."), code="community.required", field="community"
        )
    try:
        create = _person_watch_create()
    except ImportError as exc:
        with transaction.atomic():
            saved = save_instance(
                actor=actor,
                instance=tip,
                fields={
                    "watch_status": Tip.Watch.PENDING,
                    "watch_error": str(exc)[:300],
                    "watch_requested_by": actor if getattr(actor, "pk", None) else None,
                },
                action="tip.watch_queued",
            )
        return saved
    note = stored(_("From hotline tip %(code)s: %(text)s"), {"code": tip.display_code, "text": tip.description[:500]})
    if tip.came_from:
        note += " · " + stored(_("Returned from: %(place)s"), {"place": tip.came_from})
    with transaction.atomic():
        person = create(
            actor=actor,
            name=tip.subject_name,
            id_number=tip.subject_id_number,
            phone=tip.subject_phone,
            address=tip.subject_address or tip.location,
            community=tip.community,
            category_codes=[WATCH_CATEGORY],
            found_by="hotline",
            note=note,
        )
        saved = save_instance(
            actor=actor,
            instance=tip,
            fields={
                "watch_status": Tip.Watch.DONE,
                "watch_person_ref": str(getattr(person, "pk", "") or ""),
                "watch_error": "",
            },
            action="tip.watch_created",
        )
    return saved


def tip_watch_retry() -> dict[str, int]:
    """Convert the tips queued while the health module was missing, now that it may exist."""
    done = failed = 0
    for tip in Tip.objects.filter(watch_status=Tip.Watch.PENDING).select_related("watch_requested_by"):
        actor = tip.watch_requested_by or "desk.watch_queue"
        try:
            result = tip_convert_to_watch(actor=actor, tip=tip)
        except DomainError as exc:
            Tip.objects.filter(pk=tip.pk).update(watch_error=str(exc)[:300])
            failed += 1
            continue
        if result.watch_status == Tip.Watch.DONE:
            done += 1
    return {"converted": done, "failed": failed}


# --- legal aid: the duty schedule ------------------------------------------------------------------


def _check_lawyer(lawyer: User | None, field: str = "lawyer") -> User:
    if lawyer is None or lawyer.role != Role.LAWYER or not lawyer.is_active:
        raise DomainError(_("Lawyer: choose an active duty lawyer."), code="lawyer.invalid", field=field)
    return lawyer


def duty_lawyer_add(
    *, actor: Any, campaign: Campaign, lawyer: User, first_day: date, last_day: date | None = None
) -> list[DutyLawyer]:
    """Put a lawyer on duty for each day of a range (days already rostered are kept)."""
    _check_lawyer(lawyer)
    last_day = last_day or first_day
    if last_day < first_day:
        raise DomainError(
            _("Last day: must not be before the first day."), code="last_day.before_first", field="last_day"
        )
    if (last_day - first_day).days > 62:
        raise DomainError(_("Last day: roster at most 63 days at once."), code="last_day.too_far", field="last_day")
    added = []
    with transaction.atomic():
        for i in range((last_day - first_day).days + 1):
            day = first_day + timedelta(days=i)
            slot, created = DutyLawyer.objects.get_or_create(campaign=campaign, day=day, lawyer=lawyer)
            if created:
                added.append(slot)
        audit_record(
            actor=actor, action="legalaid.duty_add", target=lawyer, changes={"days": [str(s.day) for s in added]}
        )
    return added


def duty_lawyer_remove(*, actor: Any, slot: DutyLawyer) -> None:
    """Take a lawyer off duty for one day; requests already assigned stay with them."""
    with transaction.atomic():
        audit_record(actor=actor, action="legalaid.duty_remove", target=slot.lawyer, changes={"day": str(slot.day)})
        slot.delete()


# --- legal aid: requests ----------------------------------------------------------------------------

LEGALAID_MOVES: dict[str, set[str]] = {
    LegalAidRequest.Status.WAITING: {LegalAidRequest.Status.ASSIGNED, LegalAidRequest.Status.CLOSED},
    LegalAidRequest.Status.ASSIGNED: {
        LegalAidRequest.Status.ASSIGNED,
        LegalAidRequest.Status.ANSWERED,
        LegalAidRequest.Status.CLOSED,
    },
    LegalAidRequest.Status.ANSWERED: {
        LegalAidRequest.Status.ANSWERED,
        LegalAidRequest.Status.FOLLOW_UP,
        LegalAidRequest.Status.CLOSED,
    },
    LegalAidRequest.Status.FOLLOW_UP: {
        LegalAidRequest.Status.FOLLOW_UP,
        LegalAidRequest.Status.ANSWERED,
        LegalAidRequest.Status.CLOSED,
    },
    LegalAidRequest.Status.CLOSED: set(),
}


def legalaid_move(request: LegalAidRequest, to: str) -> None:
    """The one place a legal-aid request changes status: refuse a move the workflow does not allow."""
    if to not in LEGALAID_MOVES[request.status]:
        raise DomainError(
            _("Status: a request cannot go from %(old)s to %(new)s."),
            code="legalaid.illegal_status",
            field="status",
            params={"old": request.get_status_display(), "new": LegalAidRequest.Status(to).label},
        )
    request.status = to


def _notify_lawyer(request: LegalAidRequest, lawyer: User, *, kind: str, title: Any, key: str) -> None:
    link = reverse("desk:legalaid_detail", args=[request.pk])
    transaction.on_commit(lambda: notify(users=[lawyer], kind=kind, title=title, link=link, dedupe_key=key))


def legalaid_submit(
    *,
    actor: Any,
    campaign: Campaign,
    topic: str,
    description: str,
    requester_name: str,
    requester_phone: str,
    channel: str = Channel.WEB,
    community: Community | None = None,
    submitted_at: datetime | None = None,
) -> LegalAidRequest:
    """Take a legal-aid request and give it to the lawyer on duty today (or leave it waiting)."""
    if topic not in LegalAidRequest.Topic.values:
        raise DomainError(_("Topic: choose what your question is about."), code="topic.invalid", field="topic")
    if channel not in Channel.values:
        raise DomainError(_("Channel: choose how the request came in."), code="channel.invalid", field="channel")
    description = _text(description, field="description", label=_("Your question"), max_length=4000)
    if len(description) < 10:
        raise DomainError(
            _("Your question: describe it in at least 10 characters."),
            code="description.too_short",
            field="description",
        )
    name = _text(requester_name, field="requester_name", label=_("Name"), max_length=50)
    phone = validate_mobile(requester_phone, field="requester_phone")
    submitted_at = submitted_at or timezone.now()
    hours = desk_settings(campaign).legalaid_first_reply_hours
    lawyer = lawyer_on_duty(campaign, timezone.localdate(submitted_at))
    with transaction.atomic():
        code = _new_code("L", LegalAidRequest)
        request = save_instance(
            actor=actor,
            instance=LegalAidRequest(taken_by=actor if getattr(actor, "pk", None) else None),
            fields={
                "campaign": campaign,
                "code": code,
                "lookup_digest": lookup_digest(code, phone[-4:]),
                "channel": channel,
                "topic": topic,
                "description": description,
                "requester_name": name,
                "requester_phone": phone,
                "community": community,
                "status": LegalAidRequest.Status.ASSIGNED if lawyer else LegalAidRequest.Status.WAITING,
                "lawyer": lawyer,
                "submitted_at": submitted_at,
                "first_reply_due_at": submitted_at + timedelta(hours=hours),
            },
            action="legalaid.create",
            sensitive=frozenset({"requester_phone", "requester_name", "description", "lookup_digest"}),
        )
        params = {"code": request.display_code, "topic": LegalAidRequest.Topic(request.topic).label}
        if lawyer is not None:
            _notify_lawyer(
                request,
                lawyer,
                kind="legalaid.assigned",
                title=later(_("New legal-aid request %(code)s: %(topic)s"), params),
                key=f"legalaid.assigned:{request.pk}:{lawyer.pk}",
            )
        else:
            link = reverse("desk:legalaid_detail", args=[request.pk])
            title = later(_("Legal-aid request %(code)s has no lawyer on duty: assign one"), params)
            transaction.on_commit(
                lambda: notify(
                    users=_office(),
                    kind="legalaid.unassigned",
                    title=title,
                    link=link,
                    dedupe_key=f"legalaid.unassigned:{request.pk}",
                )
            )
    return request


def legalaid_assign(*, actor: Any, request: LegalAidRequest, lawyer: User) -> LegalAidRequest:
    """Give a request to a lawyer (or to another one); its status stays unless it was waiting."""
    _check_lawyer(lawyer)
    if request.lawyer_id == lawyer.pk:
        raise DomainError(_("Lawyer: the request is already with this lawyer."), code="lawyer.same", field="lawyer")
    with transaction.atomic():
        locked = LegalAidRequest.objects.select_for_update().get(pk=request.pk)
        legalaid_move(
            locked,
            LegalAidRequest.Status.ASSIGNED if locked.status == LegalAidRequest.Status.WAITING else locked.status,
        )
        saved = save_instance(
            actor=actor, instance=locked, fields={"status": locked.status, "lawyer": lawyer}, action="legalaid.assign"
        )
        _notify_lawyer(
            saved,
            lawyer,
            kind="legalaid.assigned",
            title=later(_("Legal-aid request %(code)s was assigned to you"), {"code": saved.display_code}),
            key=f"legalaid.assigned:{saved.pk}:{lawyer.pk}",
        )
    return saved


def legalaid_reply(*, actor: Any, request: LegalAidRequest, body: str) -> LegalAidMessage:
    """The assigned lawyer answers; the requester reads it with the tracking code."""
    if not (getattr(actor, "is_superuser", False) or (actor.role == Role.LAWYER and request.lawyer_id == actor.pk)):
        raise DomainError(
            _("Only the lawyer the request is assigned to may reply."),
            code="legalaid.not_your_request",
            field="body",
            status=403,
        )
    body = _text(body, field="body", label=_("Reply"), max_length=8000)
    with transaction.atomic():
        locked = LegalAidRequest.objects.select_for_update().get(pk=request.pk)
        legalaid_move(locked, LegalAidRequest.Status.ANSWERED)
        now = timezone.now()
        fields: dict[str, Any] = {"status": locked.status}
        if locked.first_replied_at is None:
            fields["first_replied_at"] = now
        save_instance(actor=actor, instance=locked, fields=fields, action="legalaid.reply")
        message = LegalAidMessage.objects.create(
            request=locked, author_kind=LegalAidMessage.Author.LAWYER, author=actor, body=body, created_at=now
        )
    request.refresh_from_db()
    return message


def legalaid_follow_up(*, request: LegalAidRequest, body: str, actor: Any = "requester") -> LegalAidMessage:
    """The requester asks a follow-up question after an answer; the lawyer is told."""
    body = _text(body, field="body", label=_("Follow-up question"), max_length=4000)
    with transaction.atomic():
        locked = LegalAidRequest.objects.select_for_update().get(pk=request.pk)
        legalaid_move(locked, LegalAidRequest.Status.FOLLOW_UP)
        save_instance(actor=actor, instance=locked, fields={"status": locked.status}, action="legalaid.follow_up")
        message = LegalAidMessage.objects.create(
            request=locked, author_kind=LegalAidMessage.Author.REQUESTER, body=body
        )
        if locked.lawyer is not None:
            n = locked.messages.count()
            _notify_lawyer(
                locked,
                locked.lawyer,
                kind="legalaid.follow_up",
                title=later(_("Follow-up question on legal-aid request %(code)s"), {"code": locked.display_code}),
                key=f"legalaid.follow_up:{locked.pk}:{n}",
            )
    request.refresh_from_db()
    return message


def legalaid_close(*, actor: Any, request: LegalAidRequest, note: str = "") -> LegalAidRequest:
    """Close a request: the lawyer once it is answered, the office at any time (with a note)."""
    is_office = getattr(actor, "is_superuser", False) or getattr(actor, "role", "") in (Role.OFFICE, Role.LEADER)
    is_lawyer = getattr(actor, "role", "") == Role.LAWYER and request.lawyer_id == getattr(actor, "pk", None)
    if not (is_office or is_lawyer):
        raise DomainError(
            _("You may not close this request."), code="legalaid.not_your_request", field="status", status=403
        )
    if not request.first_replied_at and not note.strip():
        raise DomainError(_("Note: say why a request is closed without a reply."), code="note.required", field="note")
    with transaction.atomic():
        locked = LegalAidRequest.objects.select_for_update().get(pk=request.pk)
        legalaid_move(locked, LegalAidRequest.Status.CLOSED)
        saved = save_instance(
            actor=actor,
            instance=locked,
            fields={"status": locked.status, "closed_at": timezone.now()},
            action="legalaid.close",
        )
        if note.strip():
            LegalAidMessage.objects.create(
                request=locked, author_kind=LegalAidMessage.Author.STAFF, author=actor, body=note.strip()
            )
    return saved


def legalaid_rate(
    *, request: LegalAidRequest, rating: int, comment: str = "", actor: Any = "requester"
) -> LegalAidRequest:
    """The requester rates the answer (1–5) once; a rating closes an answered request."""
    if request.first_replied_at is None:
        raise DomainError(_("Rating: you can rate once a lawyer has replied."), code="rating.too_early", field="rating")
    if request.rating is not None:
        raise DomainError(_("Rating: this request has already been rated."), code="rating.done", field="rating")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("Rating: choose from 1 to 5 stars."), code="rating.range", field="rating")
    with transaction.atomic():
        locked = LegalAidRequest.objects.select_for_update().get(pk=request.pk)
        fields: dict[str, Any] = {"rating": rating, "rating_comment": (comment or "").strip()[:2000]}
        if locked.status != LegalAidRequest.Status.CLOSED:
            legalaid_move(locked, LegalAidRequest.Status.CLOSED)
            fields.update(status=locked.status, closed_at=timezone.now())
        saved = save_instance(actor=actor, instance=locked, fields=fields, action="legalaid.rate")
    request.refresh_from_db()
    return saved


# --- the overdue check (run by the scheduler) -----------------------------------------------------


def desk_overdue_check(*, now: datetime | None = None) -> dict[str, int]:
    """Flag legal-aid requests without a first reply and tips past their target; notify once each."""
    now = now or timezone.now()
    office = _office()
    flagged_requests = flagged_tips = 0
    late_requests = LegalAidRequest.objects.filter(
        first_replied_at__isnull=True, overdue_flagged_at__isnull=True, first_reply_due_at__lte=now
    ).exclude(status=LegalAidRequest.Status.CLOSED)
    for request in late_requests.select_related("lawyer"):
        with transaction.atomic():
            # The update is the claim: a second scheduler running at the same time flags nothing.
            if not LegalAidRequest.objects.filter(pk=request.pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=now
            ):
                continue
            audit_record(
                actor="desk.overdue",
                action="legalaid.overdue",
                target=request,
                changes={"due": request.first_reply_due_at},
            )
            title = later(
                _("Legal-aid request %(code)s has had no reply for %(hours)s hours"),
                {"code": request.display_code, "hours": int((now - request.submitted_at).total_seconds() // 3600)},
            )
            users = [*office, request.lawyer] if request.lawyer else office
            link = reverse("desk:legalaid_detail", args=[request.pk])
            key = f"legalaid.overdue:{request.pk}"
            transaction.on_commit(
                partial(notify, users=users, kind="legalaid.overdue", title=title, link=link, dedupe_key=key)
            )
            flagged_requests += 1
    late_tips = Tip.objects.filter(overdue_flagged_at__isnull=True, due_at__lte=now).exclude(
        status__in=[Tip.Status.ANSWERED, Tip.Status.CLOSED]
    )
    for tip in late_tips.select_related("assignee"):
        with transaction.atomic():
            if not Tip.objects.filter(pk=tip.pk, overdue_flagged_at__isnull=True).update(overdue_flagged_at=now):
                continue
            audit_record(actor="desk.overdue", action="tip.overdue", target=tip, changes={"due": tip.due_at})
            title = later(_("Hotline tip %(code)s is past its response target"), {"code": tip.display_code})
            users = [*office, tip.assignee] if tip.assignee else office
            link = reverse("desk:tip_detail", args=[tip.pk])
            key = f"desk.tip_overdue:{tip.pk}"
            transaction.on_commit(
                partial(notify, users=users, kind="desk.tip_overdue", title=title, link=link, dedupe_key=key)
            )
            flagged_tips += 1
    return {"legalaid": flagged_requests, "tips": flagged_tips}
