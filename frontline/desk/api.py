"""Service-desk endpoints: the legal-aid queue (a lawyer's own), replies, and hotline tips."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from frontline.core.access import get_scoped, require, scope
from frontline.core.masking import mask_phone
from frontline.desk import services
from frontline.desk.models import Channel, LegalAidMessage, LegalAidRequest, Tip
from frontline.org.models import Community
from frontline.org.selectors import current_campaign

PREFIX = "/desk"
router = Router(tags=["service desk"])


class MessageOut(Schema):
    author_kind: str
    body: str
    created_at: datetime


class LegalAidOut(Schema):
    id: int
    code: str
    topic: str
    channel: str
    status: str
    lawyer: str | None
    requester_phone_masked: str
    description: str
    submitted_at: datetime
    first_reply_due_at: datetime
    first_replied_at: datetime | None
    overdue: bool
    rating: int | None

    @staticmethod
    def resolve_code(obj: LegalAidRequest) -> str:
        return obj.display_code

    @staticmethod
    def resolve_lawyer(obj: LegalAidRequest) -> str | None:
        return obj.lawyer.username if obj.lawyer else None

    @staticmethod
    def resolve_requester_phone_masked(obj: LegalAidRequest) -> str:
        return mask_phone(obj.requester_phone)

    @staticmethod
    def resolve_overdue(obj: LegalAidRequest) -> bool:
        return obj.is_overdue()


class LegalAidDetailOut(LegalAidOut):
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj: LegalAidRequest) -> list[LegalAidMessage]:
        return list(obj.messages.all())


class ReplyIn(Schema):
    body: str


class TipOut(Schema):
    id: int
    code: str
    category: str
    channel: str
    status: str
    community: str | None
    received_at: datetime
    due_at: datetime
    overdue: bool
    watch_status: str

    @staticmethod
    def resolve_code(obj: Tip) -> str:
        return obj.display_code

    @staticmethod
    def resolve_community(obj: Tip) -> str | None:
        return obj.community.name if obj.community else None

    @staticmethod
    def resolve_overdue(obj: Tip) -> bool:
        return obj.is_overdue()


class TipIn(Schema):
    category: str
    description: str
    channel: str = Channel.PHONE
    community_id: int | None = None
    location: str = ""
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    subject_name: str = ""
    subject_id_number: str = ""
    subject_phone: str = ""
    subject_address: str = ""
    came_from: str = ""


class TipCreated(TipOut):
    lookup_secret: str


@router.get("/legal-aid", response=list[LegalAidOut])
def legalaid_list(request: HttpRequest, status: str = "") -> list[LegalAidRequest]:
    """The legal-aid requests this user may see (a lawyer: only their own)."""
    require(request.user, "legalaid.view")
    qs = scope(LegalAidRequest.objects.select_related("lawyer"), request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs[:500])


@router.get("/legal-aid/{request_id}", response=LegalAidDetailOut)
def legalaid_get(request: HttpRequest, request_id: int) -> LegalAidRequest:
    """One request with its thread (404 outside the user's queue)."""
    require(request.user, "legalaid.view")
    return get_scoped(LegalAidRequest.objects.select_related("lawyer"), request.user, pk=request_id)


@router.post("/legal-aid/{request_id}/reply", response={201: LegalAidDetailOut})
def legalaid_reply(request: HttpRequest, request_id: int, payload: ReplyIn) -> tuple[int, LegalAidRequest]:
    """The assigned lawyer replies."""
    require(request.user, "legalaid.answer")
    item = get_scoped(LegalAidRequest.objects.all(), request.user, pk=request_id)
    services.legalaid_reply(actor=request.user, request=item, body=payload.body)
    item.refresh_from_db()
    return 201, item


@router.get("/tips", response=list[TipOut])
def tip_list(request: HttpRequest, status: str = "") -> list[Tip]:
    """Hotline tips this user may see (a liaison: their community's)."""
    require(request.user, "desk.view")
    qs = scope(Tip.objects.select_related("community"), request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs[:500])


@router.post("/tips", response={201: TipCreated})
def tip_create(request: HttpRequest, payload: TipIn) -> tuple[int, Tip]:
    """Take a tip on the phone; the answer carries the secret to tell the caller (PIN or phone digits)."""
    require(request.user, "desk.manage")
    campaign = current_campaign()
    if campaign is None:
        from django.http import Http404

        raise Http404
    data = payload.dict()
    community_id = data.pop("community_id")
    community = get_scoped(Community.objects.all(), request.user, pk=community_id) if community_id else None
    tip, secret = services.tip_submit(actor=request.user, campaign=campaign, community=community, **data)
    tip.lookup_secret = secret  # type: ignore[attr-defined]
    return 201, tip
