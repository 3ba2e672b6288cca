"""Every state change of party work: one keyword-only, transactional, audited function each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.notify import later
from frontline.core.services import save_instance
from frontline.org.models import Campaign, Checkpoint, Community, Staff, Team, Unit
from frontline.party.models import (
    Application,
    ApplicationEvent,
    Branch,
    BranchMembership,
    Commendation,
    CommunityReport,
    DuesCollection,
    DuesEntry,
    PartyStatusChange,
    VanguardPost,
)

PS = Staff.PartyStatus
MEMBER_STATUSES = (PS.MEMBER, PS.PROBATIONARY)
AMOUNT_MAX = Decimal("99999999.99")


def _actor_name(actor: Any) -> str:
    if getattr(actor, "pk", None):
        return str(actor.get_username())[:150]
    return str(actor or "system")[:150]


def _not_future(day: date, *, field: str, label: Any) -> None:
    if day > timezone.localdate():
        raise DomainError(
            _("%(field)s: cannot be in the future."), code="party.future_date", field=field, params={"field": label}
        )


# --- organisation --------------------------------------------------------------------------


def _would_cycle(branch: Branch, parent: Branch | None) -> bool:
    seen = set()
    while parent is not None and parent.pk not in seen:
        if parent.pk == branch.pk:
            return True
        seen.add(parent.pk)
        parent = parent.parent
    return False


@transaction.atomic
def branch_save(
    *,
    actor: Any,
    branch: Branch | None = None,
    name: str,
    kind: str,
    established_on: date,
    parent: Branch | None = None,
    unit: Unit | None = None,
    campaign: Campaign | None = None,
    secretary: Staff | None = None,
    communities: Sequence[Community] = (),
    note: str = "",
) -> Branch:
    """Set up or edit a party branch; its secretary becomes one of its members."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Name: this field is required."), code="branch.name_required", field="name")
    if branch is not None and not branch.is_active:
        raise DomainError(
            _("Status: a dissolved branch cannot be changed; its history is kept as it was."),
            code="branch.dissolved",
            field="status",
        )
    communities = list(communities)
    if kind == Branch.Kind.TEMPORARY and not communities:
        raise DomainError(
            _("Communities served: a temporary branch must serve at least one community."),
            code="branch.no_community",
            field="communities",
        )
    if parent is not None:
        if branch is not None and _would_cycle(branch, parent):
            raise DomainError(
                _("Parent organisation: a branch cannot sit under itself."), code="branch.cycle", field="parent"
            )
        if not parent.is_active:
            raise DomainError(
                _("Parent organisation: %(name)s has been dissolved."),
                code="branch.parent_dissolved",
                field="parent",
                params={"name": parent.name},
            )
    if secretary is not None and secretary.party_status not in MEMBER_STATUSES:
        raise DomainError(
            _("Secretary: %(name)s is not a party member."),
            code="branch.secretary_not_member",
            field="secretary",
            params={"name": secretary.name},
        )
    if branch is not None:
        first_join = branch.memberships.order_by("joined_on").values_list("joined_on", flat=True).first()
        if first_join and established_on > first_join:
            raise DomainError(
                _("Established on: members joined on %(day)s, before this date."),
                code="branch.established_after_members",
                field="established_on",
                params={"day": first_join},
            )
    saved = save_instance(
        actor=actor,
        instance=branch or Branch(),
        fields={
            "name": name,
            "kind": kind,
            "established_on": established_on,
            "parent": parent,
            "unit": unit,
            "campaign": campaign,
            "secretary": secretary,
            "note": note,
        },
        action="party.branch.update" if branch else "party.branch.create",
        m2m={"communities": communities},
    )
    if secretary is not None and not saved.memberships.filter(staff=secretary, left_on__isnull=True).exists():
        joined_on = established_on if branch is None else max(established_on, timezone.localdate())
        branch_members_add(actor=actor, branch=saved, staff=[secretary], joined_on=joined_on)
    return saved


@transaction.atomic
def branch_members_add(
    *, actor: Any, branch: Branch, staff: Sequence[Staff], joined_on: date
) -> list[BranchMembership]:
    """Add party members to an active branch from a date."""
    people = list(staff)
    if not people:
        raise DomainError(_("Members: choose at least one member."), code="branch.no_members", field="staff")
    if not branch.is_active:
        raise DomainError(
            _("Status: %(name)s has been dissolved; no members can join it."),
            code="branch.dissolved",
            field="status",
            params={"name": branch.name},
        )
    if joined_on < branch.established_on:
        raise DomainError(
            _("Joined on: the branch was established on %(day)s."),
            code="branch.joined_before_established",
            field="joined_on",
            params={"day": branch.established_on},
        )
    made = []
    for person in people:
        if person.party_status not in MEMBER_STATUSES:
            raise DomainError(
                _("Members: %(name)s is not a party member."),
                code="branch.not_member",
                field="staff",
                params={"name": person.name},
            )
        if branch.memberships.filter(staff=person, left_on__isnull=True).exists():
            raise DomainError(
                _("Members: %(name)s is already a member of this branch."),
                code="branch.already_member",
                field="staff",
                params={"name": person.name},
            )
        membership = BranchMembership.objects.create(branch=branch, staff=person, joined_on=joined_on)
        audit_record(
            actor=actor,
            action="party.branch.member_add",
            target=branch,
            changes={"member": person.name, "joined_on": joined_on},
        )
        made.append(membership)
    return made


@transaction.atomic
def branch_member_leave(*, actor: Any, membership: BranchMembership, left_on: date) -> BranchMembership:
    """Record that a member left a branch; the membership row is kept."""
    if membership.left_on is not None:
        raise DomainError(
            _("Left on: %(name)s already left on %(day)s."),
            code="branch.already_left",
            field="left_on",
            params={"name": membership.staff.name, "day": membership.left_on},
        )
    if left_on < membership.joined_on:
        raise DomainError(
            _("Left on: cannot be before they joined (%(day)s)."),
            code="branch.left_before_joined",
            field="left_on",
            params={"day": membership.joined_on},
        )
    save_instance(actor=actor, instance=membership, fields={"left_on": left_on}, action="party.branch.member_leave")
    return membership


BRANCH_MOVES = {Branch.Status.ACTIVE: {Branch.Status.DISSOLVED}, Branch.Status.DISSOLVED: set()}


@transaction.atomic
def branch_dissolve(*, actor: Any, branch: Branch, on: date) -> Branch:
    """Dissolve a branch on a date: its members leave then, and every record of it is kept."""
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    if Branch.Status.DISSOLVED not in BRANCH_MOVES[Branch.Status(branch.status)]:
        raise DomainError(
            _("Status: %(name)s was already dissolved on %(day)s."),
            code="branch.already_dissolved",
            field="status",
            params={"name": branch.name, "day": branch.dissolved_on},
        )
    if on < branch.established_on:
        raise DomainError(
            _("Dissolved on: cannot be before the branch was established (%(day)s)."),
            code="branch.dissolved_before_established",
            field="dissolved_on",
            params={"day": branch.established_on},
        )
    last_join = branch.memberships.filter(left_on__isnull=True).order_by("-joined_on").first()
    if last_join and on < last_join.joined_on:
        raise DomainError(
            _("Dissolved on: %(name)s joined on %(day)s, after this date."),
            code="branch.dissolved_before_join",
            field="dissolved_on",
            params={"name": last_join.staff.name, "day": last_join.joined_on},
        )
    if branch.children.filter(status=Branch.Status.ACTIVE).exists():
        raise DomainError(
            _("Status: dissolve the branches under this one first."), code="branch.has_children", field="status"
        )
    left = branch.memberships.filter(left_on__isnull=True).update(left_on=on)
    saved = save_instance(
        actor=actor,
        instance=branch,
        fields={"status": Branch.Status.DISSOLVED, "dissolved_on": on},
        action="party.branch.dissolve",
    )
    audit_record(actor=actor, action="party.branch.members_left", target=branch, changes={"members": left, "on": on})
    return saved


# --- members' status -----------------------------------------------------------------------

PARTY_MOVES: dict[str, set[str]] = {
    PS.NONE: {PS.ACTIVIST},
    PS.ACTIVIST: {PS.PROBATIONARY, PS.NONE},
    PS.PROBATIONARY: {PS.MEMBER, PS.NONE},
    PS.MEMBER: {PS.NONE},
}


@transaction.atomic
def party_status_change(*, actor: Any, staff: Staff, status: str, on: date, note: str = "") -> PartyStatusChange:
    """Move a staff member's party status one legal step (activist → probationary → member) and keep the history."""
    staff = Staff.objects.select_for_update().get(pk=staff.pk)
    if status not in PS.values:
        raise DomainError(_("Party status: choose a valid status."), code="party.status_invalid", field="status")
    old = staff.party_status
    if status not in PARTY_MOVES[old]:
        raise DomainError(
            _("Party status: cannot go from %(old)s to %(new)s."),
            code="party.status_illegal",
            field="status",
            params={"old": PS(old).label, "new": PS(status).label},
        )
    _not_future(on, field="changed_on", label=_("Date"))
    if staff.party_since and on < staff.party_since:
        raise DomainError(
            _("Date: the current status dates from %(day)s."),
            code="party.status_before_since",
            field="changed_on",
            params={"day": staff.party_since},
        )
    change = PartyStatusChange.objects.create(
        staff=staff, from_status=old, to_status=status, changed_on=on, note=note[:200], recorded_by=_actor_name(actor)
    )
    save_instance(
        actor=actor,
        instance=staff,
        fields={"party_status": status, "party_since": on if status != PS.NONE else None},
        action="staff.party_status",
    )
    return change


# --- reporting to communities --------------------------------------------------------------


@transaction.atomic
def report_record(
    *,
    actor: Any,
    staff: Sequence[Staff],
    community: Community,
    reported_on: date,
    activity: str,
    branch: Branch | None = None,
) -> list[CommunityReport]:
    """Record party members and activists reporting to a community to serve there, all or none."""
    people = list(staff)
    if not people:
        raise DomainError(_("Members: choose at least one member."), code="report.no_members", field="staff")
    activity = (activity or "").strip()
    if not activity:
        raise DomainError(
            _("What they did: say what the members did in the community."), code="report.no_activity", field="activity"
        )
    _not_future(reported_on, field="reported_on", label=_("Reported on"))
    if branch is not None:
        if not branch.communities.filter(pk=community.pk).exists():
            raise DomainError(
                _("Branch: %(branch)s does not serve %(community)s."),
                code="report.branch_community",
                field="branch",
                params={"branch": branch.name, "community": community.name},
            )
        if reported_on < branch.established_on or (branch.dissolved_on and reported_on > branch.dissolved_on):
            raise DomainError(
                _("Reported on: %(branch)s did not exist on that day."),
                code="report.branch_not_active",
                field="reported_on",
                params={"branch": branch.name},
            )
    made = []
    for person in people:
        if person.party_status == PS.NONE:
            raise DomainError(
                _("Members: %(name)s is neither a party member nor an activist."),
                code="report.not_member",
                field="staff",
                params={"name": person.name},
            )
        if CommunityReport.objects.filter(staff=person, community=community, reported_on=reported_on).exists():
            raise DomainError(
                _("Members: %(name)s has already reported to %(community)s on %(day)s."),
                code="report.duplicate",
                field="staff",
                params={"name": person.name, "community": community.name, "day": reported_on},
            )
        made.append(
            save_instance(
                actor=actor,
                instance=CommunityReport(),
                fields={
                    "staff": person,
                    "community": community,
                    "branch": branch,
                    "reported_on": reported_on,
                    "activity": activity,
                },
                action="party.report.record",
            )
        )
    return made


# --- special dues and donations -------------------------------------------------------------


@transaction.atomic
def collection_save(
    *,
    actor: Any,
    collection: DuesCollection | None = None,
    title: str,
    purpose: str,
    collected_on: date,
    kind: str = DuesCollection.Kind.SPECIAL_DUES,
    branch: Branch | None = None,
    campaign: Campaign | None = None,
    note: str = "",
) -> DuesCollection:
    """Open or edit a dues collection; its total is never typed, only summed from entries."""
    if not (title or "").strip():
        raise DomainError(_("Title: this field is required."), code="dues.title_required", field="title")
    if not (purpose or "").strip():
        raise DomainError(_("Purpose: say what the money is for."), code="dues.purpose_required", field="purpose")
    _not_future(collected_on, field="collected_on", label=_("Date"))
    return save_instance(
        actor=actor,
        instance=collection or DuesCollection(),
        fields={
            "title": title.strip(),
            "purpose": purpose.strip(),
            "collected_on": collected_on,
            "kind": kind,
            "branch": branch,
            "campaign": campaign,
            "note": note,
        },
        action="party.dues.update" if collection else "party.dues.create",
    )


def parse_amount(value: Any) -> Decimal:
    """Turn a typed amount into yuan, refusing anything but a positive sum with at most two decimals."""
    if isinstance(value, bool):
        value = "x"
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    if text.endswith("元"):
        text = text[:-1].strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Amount: enter a number of yuan, e.g. 200."), code="dues.amount_not_number", field="amount"
        ) from None
    if not amount.is_finite():
        raise DomainError(_("Amount: enter a number of yuan, e.g. 200."), code="dues.amount_not_number", field="amount")
    if amount <= 0:
        raise DomainError(_("Amount: must be more than zero."), code="dues.amount_not_positive", field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Amount: at most two decimal places (fen)."), code="dues.amount_precision", field="amount")
    if amount > AMOUNT_MAX:
        raise DomainError(_("Amount: too large."), code="dues.amount_too_large", field="amount")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def dues_entry_add(
    *,
    actor: Any,
    collection: DuesCollection,
    staff: Staff,
    amount: Decimal | str | int | float,
    paid_on: date | None = None,
    note: str = "",
) -> DuesEntry:
    """Record one member's amount in a collection."""
    value = parse_amount(amount)
    paid_on = paid_on or collection.collected_on
    _not_future(paid_on, field="paid_on", label=_("Paid on"))
    if collection.kind == DuesCollection.Kind.SPECIAL_DUES and staff.party_status not in MEMBER_STATUSES:
        raise DomainError(
            _("Member: special party dues are paid by party members; %(name)s is not one."),
            code="dues.not_member",
            field="staff",
            params={"name": staff.name},
        )
    if collection.entries.filter(staff=staff).exists():
        raise DomainError(
            _("Member: %(name)s already has an entry in this collection."),
            code="dues.duplicate",
            field="staff",
            params={"name": staff.name},
        )
    try:
        with transaction.atomic():
            entry = DuesEntry.objects.create(
                collection=collection, staff=staff, amount=value, paid_on=paid_on, note=(note or "")[:200]
            )
    except IntegrityError as exc:  # a concurrent entry for the same member
        raise DomainError(
            _("Member: %(name)s already has an entry in this collection."),
            code="dues.duplicate",
            field="staff",
            params={"name": staff.name},
        ) from exc
    audit_record(
        actor=actor,
        action="party.dues.entry_add",
        target=collection,
        changes={"member": staff.name, "amount": value, "paid_on": paid_on},
    )
    return entry


@transaction.atomic
def dues_entry_remove(*, actor: Any, entry: DuesEntry) -> None:
    """Remove an entry recorded by mistake; the audit log keeps what it was."""
    audit_record(
        actor=actor,
        action="party.dues.entry_remove",
        target=entry.collection,
        changes={"member": entry.staff.name, "amount": entry.amount},
    )
    entry.delete()


# --- membership applications ---------------------------------------------------------------

APPLICATION_MOVES: dict[str, set[str]] = {
    Application.Status.SUBMITTED: {
        Application.Status.ACTIVIST,
        Application.Status.DECLINED,
        Application.Status.WITHDRAWN,
    },
    Application.Status.ACTIVIST: {
        Application.Status.CANDIDATE,
        Application.Status.DECLINED,
        Application.Status.WITHDRAWN,
    },
    Application.Status.CANDIDATE: {
        Application.Status.PROBATIONARY,
        Application.Status.DECLINED,
        Application.Status.WITHDRAWN,
    },
    Application.Status.PROBATIONARY: {Application.Status.FULL, Application.Status.DECLINED},
    Application.Status.FULL: set(),
    Application.Status.DECLINED: set(),
    Application.Status.WITHDRAWN: set(),
}

# The party status an application step gives the applicant.
STATUS_FOR_STEP = {
    Application.Status.ACTIVIST: PS.ACTIVIST,
    Application.Status.PROBATIONARY: PS.PROBATIONARY,
    Application.Status.FULL: PS.MEMBER,
}


def _notify_applicant(application: Application, text: Any) -> None:
    user = application.applicant.user
    if user is None:
        return
    from frontline.core.notify import notify

    notify(
        users=[user],
        kind="party.application",
        title=text,
        link=reverse("party:application_detail", args=[application.pk]),
        dedupe_key=f"party.application.{application.pk}.{application.status}",
        channels=False,
    )


@transaction.atomic
def application_submit(
    *, actor: Any, applicant: Staff, branch: Branch, submitted_on: date, reason: str = ""
) -> Application:
    """Record a membership application handed to a branch."""
    if applicant.party_status in MEMBER_STATUSES:
        raise DomainError(
            _("Applicant: %(name)s is already a party member."),
            code="application.already_member",
            field="applicant",
            params={"name": applicant.name},
        )
    if Application.objects.filter(applicant=applicant, status__in=Application.OPEN).exists():
        raise DomainError(
            _("Applicant: %(name)s already has an application in progress."),
            code="application.open_exists",
            field="applicant",
            params={"name": applicant.name},
        )
    if not branch.is_active:
        raise DomainError(
            _("Branch: %(name)s has been dissolved."),
            code="application.branch_dissolved",
            field="branch",
            params={"name": branch.name},
        )
    _not_future(submitted_on, field="submitted_on", label=_("Submitted on"))
    application = save_instance(
        actor=actor,
        instance=Application(),
        fields={
            "applicant": applicant,
            "branch": branch,
            "submitted_on": submitted_on,
            "status": Application.Status.SUBMITTED,
            "status_on": submitted_on,
            "reason": reason,
        },
        action="party.application.submit",
    )
    ApplicationEvent.objects.create(
        application=application,
        from_status="",
        to_status=Application.Status.SUBMITTED,
        on=submitted_on,
        recorded_by=_actor_name(actor),
    )
    return application


@transaction.atomic
def application_move(*, actor: Any, application: Application, status: str, on: date, note: str = "") -> Application:
    """Move an application one legal step; steps that change party status record that change too."""
    application = Application.objects.select_for_update().select_related("applicant").get(pk=application.pk)
    old = application.status
    if status not in Application.Status.values or status not in APPLICATION_MOVES[old]:
        raise DomainError(
            _("Status: an application cannot go from %(old)s to %(new)s."),
            code="application.illegal_status",
            field="status",
            params={
                "old": Application.Status(old).label,
                "new": Application.Status(status).label if status in Application.Status.values else status,
            },
        )
    if on < application.status_on:
        raise DomainError(
            _("Date: the previous step was on %(day)s."),
            code="application.step_before_previous",
            field="on",
            params={"day": application.status_on},
        )
    _not_future(on, field="on", label=_("Date"))
    staff = application.applicant
    target = STATUS_FOR_STEP.get(Application.Status(status))
    if status == Application.Status.DECLINED and staff.party_status == PS.PROBATIONARY:
        target = PS.NONE  # probation cancelled
    if target is not None and staff.party_status != target:
        party_status_change(actor=actor, staff=staff, status=target, on=on, note=str(Application.Status(status).label))
    save_instance(
        actor=actor,
        instance=application,
        fields={"status": status, "status_on": on},
        action="party.application.move",
    )
    ApplicationEvent.objects.create(
        application=application,
        from_status=old,
        to_status=status,
        on=on,
        note=note[:200],
        recorded_by=_actor_name(actor),
    )
    transaction.on_commit(
        lambda: _notify_applicant(
            application,
            later(_("Your membership application: %(status)s"), {"status": Application.Status(status).label}),
        )
    )
    return application


# --- vanguard posts ------------------------------------------------------------------------


@transaction.atomic
def vanguard_designate(
    *,
    actor: Any,
    name: str,
    leader: Staff,
    designated_on: date,
    checkpoint: Checkpoint | None = None,
    team: Team | None = None,
    branch: Branch | None = None,
    note: str = "",
) -> VanguardPost:
    """Designate a checkpoint or a team as a vanguard post led by a party member."""
    if (checkpoint is None) == (team is None):
        raise DomainError(
            _("Post: choose exactly one checkpoint or one team."), code="vanguard.place", field="checkpoint"
        )
    if not (name or "").strip():
        raise DomainError(_("Name: this field is required."), code="vanguard.name_required", field="name")
    if leader.party_status not in MEMBER_STATUSES:
        raise DomainError(
            _("Led by: %(name)s is not a party member."),
            code="vanguard.leader_not_member",
            field="leader",
            params={"name": leader.name},
        )
    _not_future(designated_on, field="designated_on", label=_("Designated on"))
    open_posts = VanguardPost.objects.filter(revoked_on__isnull=True)
    if checkpoint is not None and open_posts.filter(checkpoint=checkpoint).exists():
        raise DomainError(
            _("Checkpoint: %(name)s is already a vanguard post."),
            code="vanguard.duplicate",
            field="checkpoint",
            params={"name": str(checkpoint)},
        )
    if team is not None and open_posts.filter(team=team).exists():
        raise DomainError(
            _("Team: %(name)s is already a vanguard post."),
            code="vanguard.duplicate",
            field="team",
            params={"name": team.name},
        )
    return save_instance(
        actor=actor,
        instance=VanguardPost(),
        fields={
            "name": name.strip(),
            "checkpoint": checkpoint,
            "team": team,
            "leader": leader,
            "branch": branch,
            "designated_on": designated_on,
            "note": note,
        },
        action="party.vanguard.designate",
    )


@transaction.atomic
def vanguard_revoke(*, actor: Any, post: VanguardPost, on: date) -> VanguardPost:
    """End a vanguard post's designation; the record is kept."""
    if post.revoked_on is not None:
        raise DomainError(
            _("Revoked on: this post has already been revoked."), code="vanguard.revoked", field="revoked_on"
        )
    if on < post.designated_on:
        raise DomainError(
            _("Revoked on: cannot be before it was designated (%(day)s)."),
            code="vanguard.revoked_before",
            field="revoked_on",
            params={"day": post.designated_on},
        )
    return save_instance(actor=actor, instance=post, fields={"revoked_on": on}, action="party.vanguard.revoke")


# --- commendations -------------------------------------------------------------------------


@transaction.atomic
def commendation_save(
    *,
    actor: Any,
    commendation: Commendation | None = None,
    title: str,
    awarding_body: str,
    awarded_on: date,
    level: str,
    recipient_unit: Unit | None = None,
    recipient_team: Team | None = None,
    recipient_staff: Staff | None = None,
    citation: str = "",
    campaign: Campaign | None = None,
) -> Commendation:
    """Record or edit a commendation of exactly one unit, team or staff member."""
    named = [r for r in (recipient_unit, recipient_team, recipient_staff) if r is not None]
    if len(named) != 1:
        raise DomainError(
            _("Recipient: choose exactly one of a unit, a team or a staff member."),
            code="commendation.recipient",
            field="recipient_unit",
        )
    if not (title or "").strip():
        raise DomainError(_("Title: this field is required."), code="commendation.title_required", field="title")
    if not (awarding_body or "").strip():
        raise DomainError(
            _("Awarding body: this field is required."), code="commendation.body_required", field="awarding_body"
        )
    _not_future(awarded_on, field="awarded_on", label=_("Awarded on"))
    return save_instance(
        actor=actor,
        instance=commendation or Commendation(),
        fields={
            "title": title.strip(),
            "awarding_body": awarding_body.strip(),
            "awarded_on": awarded_on,
            "level": level,
            "recipient_unit": recipient_unit,
            "recipient_team": recipient_team,
            "recipient_staff": recipient_staff,
            "citation": citation,
            "campaign": campaign,
        },
        action="party.commendation.update" if commendation else "party.commendation.create",
    )
