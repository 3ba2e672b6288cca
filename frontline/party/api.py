"""Party work endpoints: branches, dues collections (totals summed) and entries, vanguard posts, honours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from frontline.core.access import get_scoped, require
from frontline.org.models import Staff
from frontline.party import selectors, services
from frontline.party.models import Branch, Commendation, DuesCollection

router = Router(tags=["party"])


class BranchOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    established_on: date
    dissolved_on: date | None
    status: str
    communities: list[str]
    secretary: str | None
    members: int

    @staticmethod
    def resolve_communities(obj: Branch) -> list[str]:
        return [c.name for c in obj.communities.all()]

    @staticmethod
    def resolve_secretary(obj: Branch) -> str | None:
        return obj.secretary.name if obj.secretary else None

    @staticmethod
    def resolve_members(obj: Branch) -> int:
        return int(getattr(obj, "n_members", 0))


class EntryOut(Schema):
    id: int
    staff_id: int
    staff: str
    amount: Decimal
    paid_on: date

    @staticmethod
    def resolve_staff(obj: object) -> str:
        return obj.staff.name  # type: ignore[attr-defined]


class CollectionOut(Schema):
    id: int
    title: str
    kind: str
    purpose: str
    collected_on: date
    total: Decimal
    entries: list[EntryOut]

    @staticmethod
    def resolve_total(obj: DuesCollection) -> Decimal:
        return obj.total()

    @staticmethod
    def resolve_entries(obj: DuesCollection) -> list[object]:
        return list(obj.entries.select_related("staff").order_by("id"))


class EntryIn(Schema):
    staff_id: int
    # Text or number: the service refuses zero, negative and non-numeric amounts with a message naming the field.
    amount: str | int | float
    paid_on: date | None = None
    note: str = ""


class CommendationOut(Schema):
    id: int
    title: str
    awarding_body: str
    awarded_on: date
    level: str
    kind: str
    recipient: str
    citation: str

    @staticmethod
    def resolve_recipient(obj: Commendation) -> str:
        return str(obj.recipient)


@router.get("/party/branches", response=list[BranchOut])
def branch_list(request: HttpRequest) -> list[Branch]:
    require(request.user, "party.view")
    return list(selectors.branches_with_counts().prefetch_related("communities"))


@router.get("/party/dues/{collection_id}", response=CollectionOut)
def collection_get(request: HttpRequest, collection_id: int) -> DuesCollection:
    require(request.user, "party.view")
    return get_scoped(DuesCollection.objects.all(), request.user, pk=collection_id)


@router.post("/party/dues/{collection_id}/entries", response={201: EntryOut})
def entry_add(request: HttpRequest, collection_id: int, payload: EntryIn) -> tuple[int, object]:
    require(request.user, "party.manage")
    collection = get_scoped(DuesCollection.objects.all(), request.user, pk=collection_id)
    staff = get_scoped(Staff.objects.all(), request.user, pk=payload.staff_id)
    entry = services.dues_entry_add(
        actor=request.user,
        collection=collection,
        staff=staff,
        amount=str(payload.amount),
        paid_on=payload.paid_on,
        note=payload.note,
    )
    return 201, entry


@router.get("/party/vanguard-checkpoints", response=list[int])
def vanguard_checkpoints(request: HttpRequest, on: date | None = None) -> list[int]:
    require(request.user, "roster.own")
    return sorted(selectors.vanguard_checkpoint_ids(on=on))


@router.get("/party/commendations", response=list[CommendationOut])
def commendation_list(request: HttpRequest) -> list[Commendation]:
    require(request.user, "party.view")
    return selectors.honours()["all"]
