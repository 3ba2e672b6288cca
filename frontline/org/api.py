"""Organisation endpoints: communities, checkpoints and staff (phones masked)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from frontline.core.access import get_scoped, require, scope
from frontline.core.masking import mask_phone
from frontline.org.models import Checkpoint, Community, Staff

router = Router(tags=["organisation"])


class CommunityOut(Schema):
    id: int
    name: str
    subdistrict: str
    address: str
    liaison_name: str
    liaison_phone: str


class CheckpointOut(Schema):
    id: int
    code: str
    name: str
    community_id: int
    community: str
    address: str
    kind: str
    opened_on: date
    closed_on: date | None
    shift_pattern: list[str]
    staff_min: int
    staff_max: int
    active: bool

    @staticmethod
    def resolve_community(obj: Checkpoint) -> str:
        return obj.community.name


class StaffOut(Schema):
    id: int
    name: str
    sex: str
    unit: str
    position: str
    party_status: str
    phone_masked: str

    @staticmethod
    def resolve_unit(obj: Staff) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_phone_masked(obj: Staff) -> str:
        return mask_phone(obj.phone)


@router.get("/communities", response=list[CommunityOut])
def community_list(request: HttpRequest) -> list[Community]:
    require(request.user, "community.view")
    return list(scope(Community.objects.all(), request.user))


@router.get("/communities/{community_id}", response=CommunityOut)
def community_get(request: HttpRequest, community_id: int) -> Community:
    require(request.user, "community.view")
    return get_scoped(Community.objects.all(), request.user, pk=community_id)


@router.get("/checkpoints", response=list[CheckpointOut])
def checkpoint_list(request: HttpRequest, active: bool | None = None) -> list[Checkpoint]:
    require(request.user, "checkpoint.view")
    qs = scope(Checkpoint.objects.select_related("community"), request.user)
    if active is not None:
        qs = qs.filter(active=active)
    return list(qs)


@router.get("/checkpoints/{checkpoint_id}", response=CheckpointOut)
def checkpoint_get(request: HttpRequest, checkpoint_id: int) -> Checkpoint:
    require(request.user, "checkpoint.view")
    return get_scoped(Checkpoint.objects.select_related("community"), request.user, pk=checkpoint_id)


@router.get("/staff", response=list[StaffOut])
def staff_list(request: HttpRequest, q: str = "") -> list[Staff]:
    require(request.user, "staff.view")
    qs = Staff.objects.select_related("unit").filter(active=True)
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs[:500])
