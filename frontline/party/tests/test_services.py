"""Must-show 3 and the other rules of party work, tested on the services and the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from frontline.core.errors import DomainError
from frontline.core.models import AuditLog
from frontline.party import services
from frontline.party.models import (
    Application,
    Branch,
    BranchMembership,
    Commendation,
    CommunityReport,
    DuesCollection,
    DuesEntry,
    PartyStatusChange,
    VanguardPost,
)
from frontline.party.selectors import members_serving, vanguard_checkpoint_ids


@pytest.fixture(autouse=True)
def english():
    """Check messages in English here; pages check the Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def collection(party):
    return services.collection_save(
        actor=party.office, title="特殊党费", purpose="支持疫情防控", collected_on=party.campaign.start_date
    )


# --- dues -----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [0, "0", "0.00", -5, "-100", "-0.01"])
def test_a_dues_entry_of_zero_or_less_is_refused(party, collection, amount):
    with pytest.raises(DomainError) as exc:
        services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[1], amount=amount)
    assert exc.value.field == "amount"
    assert exc.value.code == "dues.amount_not_positive"
    assert not DuesEntry.objects.exists()


@pytest.mark.parametrize("amount", ["abc", "", "  ", "12a", "NaN", "Infinity", "1e", None, True])
def test_a_non_numeric_dues_entry_is_refused(party, collection, amount):
    with pytest.raises(DomainError) as exc:
        services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[1], amount=amount)
    assert exc.value.field == "amount"
    assert exc.value.code == "dues.amount_not_number"
    assert not DuesEntry.objects.exists()


def test_a_dues_entry_with_fractions_of_a_fen_is_refused(party, collection):
    with pytest.raises(DomainError, match="two decimal"):
        services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[1], amount="10.005")


def test_the_database_refuses_a_zero_amount_even_without_the_service(party, collection):
    with pytest.raises(IntegrityError), transaction.atomic():
        DuesEntry.objects.create(
            collection=collection, staff=party.staff[1], amount=Decimal("0"), paid_on=collection.collected_on
        )


def test_the_total_is_the_sum_of_the_entries(party, collection):
    assert collection.total() == 0
    services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[1], amount="200")
    services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[3], amount="1,000.50元")
    entry = services.dues_entry_add(
        actor=party.office, collection=collection, staff=party.staff[5], amount=Decimal("99.5")
    )
    assert collection.total() == Decimal("1300.00")
    services.dues_entry_remove(actor=party.office, entry=entry)
    assert collection.total() == Decimal("1200.50")
    annotated = DuesCollection.objects.with_totals().get(pk=collection.pk)
    assert annotated.total_amount == Decimal("1200.50") and annotated.entry_count == 2
    assert AuditLog.objects.filter(action="party.dues.entry_remove").exists()


def test_a_member_pays_once_per_collection_and_only_members_pay_special_dues(party, collection):
    services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[1], amount="100")
    with pytest.raises(DomainError, match="already has an entry"):
        services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[1], amount="50")
    with pytest.raises(DomainError) as exc:
        services.dues_entry_add(actor=party.office, collection=collection, staff=party.staff[0], amount="50")
    assert exc.value.field == "staff"


# --- branches -------------------------------------------------------------------------------


def _temporary(party, **kw):
    return services.branch_save(
        actor=party.office,
        name=kw.get("name", "驻富强幸福社区临时党支部"),
        kind=Branch.Kind.TEMPORARY,
        established_on=kw.get("established_on", party.campaign.start_date + timedelta(days=2)),
        parent=party.general,
        secretary=party.staff[3],
        communities=kw.get("communities", [party.community_a, party.community_b]),
    )


def test_a_temporary_branch_serves_at_least_one_community(party):
    with pytest.raises(DomainError) as exc:
        _temporary(party, communities=[])
    assert exc.value.field == "communities"


def test_setting_up_a_temporary_branch_makes_its_secretary_a_member(party):
    branch = _temporary(party)
    assert list(branch.memberships.values_list("staff_id", flat=True)) == [party.staff[3].pk]
    assert {c.pk for c in branch.communities.all()} == {party.community_a.pk, party.community_b.pk}
    assert AuditLog.objects.filter(action="party.branch.create", target_id=str(branch.pk)).exists()


def test_dissolving_a_branch_keeps_its_history(party):
    branch = _temporary(party)
    services.branch_members_add(
        actor=party.office, branch=branch, staff=[party.staff[1], party.staff[5]], joined_on=branch.established_on
    )
    reports = services.report_record(
        actor=party.office,
        staff=[party.staff[1], party.staff[5]],
        community=party.community_a,
        branch=branch,
        reported_on=branch.established_on,
        activity="登记测温",
    )
    on = branch.established_on + timedelta(days=3)

    services.branch_dissolve(actor=party.office, branch=branch, on=on)

    branch.refresh_from_db()
    assert branch.status == Branch.Status.DISSOLVED and branch.dissolved_on == on
    memberships = BranchMembership.objects.filter(branch=branch)
    assert memberships.count() == 3, "no membership is deleted"
    assert set(memberships.values_list("left_on", flat=True)) == {on}
    assert CommunityReport.objects.filter(pk__in=[r.pk for r in reports], branch=branch).count() == 2
    assert branch.communities.count() == 2
    assert AuditLog.objects.filter(action="party.branch.dissolve", target_id=str(branch.pk)).exists()
    # …and it cannot be changed or joined any more, nor dissolved twice.
    with pytest.raises(DomainError, match="already dissolved"):
        services.branch_dissolve(actor=party.office, branch=branch, on=on)
    with pytest.raises(DomainError) as exc:
        services.branch_members_add(actor=party.office, branch=branch, staff=[party.staff[1]], joined_on=on)
    assert exc.value.field == "status"
    with pytest.raises(DomainError):
        services.branch_save(
            actor=party.office,
            branch=branch,
            name="x",
            kind=branch.kind,
            established_on=branch.established_on,
            communities=[party.community_a],
        )


def test_a_branch_cannot_be_dissolved_before_it_was_established(party):
    branch = _temporary(party)
    with pytest.raises(DomainError) as exc:
        services.branch_dissolve(actor=party.office, branch=branch, on=branch.established_on - timedelta(days=1))
    assert exc.value.field == "dissolved_on"
    assert Branch.objects.get(pk=branch.pk).is_active


def test_the_database_insists_a_dissolved_branch_has_a_date(party):
    with pytest.raises(IntegrityError), transaction.atomic():
        Branch.objects.filter(pk=party.general.pk).update(status=Branch.Status.DISSOLVED)


def test_only_party_members_join_a_branch(party):
    with pytest.raises(DomainError, match=party.staff[0].name):
        services.branch_members_add(
            actor=party.office, branch=party.general, staff=[party.staff[0]], joined_on=party.general.established_on
        )


# --- members' status --------------------------------------------------------------------------


def test_party_status_moves_one_step_at_a_time_and_keeps_history(party):
    person = party.staff[0]
    today = party.campaign.start_date + timedelta(days=1)
    services.party_status_change(actor=party.office, staff=person, status="activist", on=today)
    with pytest.raises(DomainError) as exc:
        services.party_status_change(actor=party.office, staff=person, status="member", on=today)
    assert exc.value.field == "status"
    services.party_status_change(actor=party.office, staff=person, status="probationary", on=today + timedelta(days=1))
    person.refresh_from_db()
    assert person.party_status == "probationary" and person.party_since == today + timedelta(days=1)
    history = list(
        PartyStatusChange.objects.filter(staff=person).order_by("changed_on").values_list("from_status", "to_status")
    )
    assert history == [("none", "activist"), ("activist", "probationary")]


# --- reports to communities -------------------------------------------------------------------


def test_reports_are_all_or_nothing_and_shown_per_community(party):
    branch = _temporary(party)
    services.report_record(
        actor=party.office,
        staff=[party.staff[3]],
        community=party.community_a,
        branch=branch,
        reported_on=branch.established_on,
        activity="测温",
    )
    with pytest.raises(DomainError, match="already reported"):
        services.report_record(
            actor=party.office,
            staff=[party.staff[5], party.staff[3]],
            community=party.community_a,
            branch=branch,
            reported_on=branch.established_on,
            activity="测温",
        )
    assert CommunityReport.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        services.report_record(
            actor=party.office,
            staff=[party.staff[0]],
            community=party.community_a,
            reported_on=branch.established_on,
            activity="测温",
        )
    assert exc.value.field == "staff"
    serving = members_serving(party.community_a)
    assert [s.staff for s in serving] == [party.staff[3]] and serving[0].reports == 1


def test_a_branch_reports_only_to_communities_it_serves(party):
    branch = _temporary(party, communities=[party.community_a])
    with pytest.raises(DomainError) as exc:
        services.report_record(
            actor=party.office,
            staff=[party.staff[3]],
            community=party.community_b,
            branch=branch,
            reported_on=branch.established_on,
            activity="测温",
        )
    assert exc.value.field == "branch"


# --- applications ----------------------------------------------------------------------------


def test_an_application_moves_through_its_steps_and_changes_party_status(party):
    person = party.staff[0]
    start = party.campaign.start_date
    app = services.application_submit(actor=party.office, applicant=person, branch=party.general, submitted_on=start)
    services.application_move(
        actor=party.office, application=app, status=Application.Status.ACTIVIST, on=start + timedelta(days=1)
    )
    person.refresh_from_db()
    assert person.party_status == "activist"
    with pytest.raises(DomainError) as exc:
        services.application_move(
            actor=party.office, application=app, status=Application.Status.FULL, on=start + timedelta(days=2)
        )
    assert exc.value.field == "status"
    with pytest.raises(DomainError, match="in progress"):
        services.application_submit(actor=party.office, applicant=person, branch=party.general, submitted_on=start)
    assert [e.to_status for e in app.events.all()] == ["submitted", "activist"]


def test_members_do_not_apply(party):
    with pytest.raises(DomainError) as exc:
        services.application_submit(
            actor=party.office, applicant=party.staff[1], branch=party.general, submitted_on=party.campaign.start_date
        )
    assert exc.value.field == "applicant"


# --- vanguard posts --------------------------------------------------------------------------


def test_vanguard_posts_are_shared_with_rosters(party):
    post = services.vanguard_designate(
        actor=party.office,
        name="东门先锋岗",
        checkpoint=party.checkpoint_a,
        leader=party.staff[1],
        designated_on=party.campaign.start_date,
    )
    assert vanguard_checkpoint_ids() == {party.checkpoint_a.pk}
    with pytest.raises(DomainError):
        services.vanguard_designate(
            actor=party.office,
            name="x",
            checkpoint=party.checkpoint_a,
            team=None,
            leader=party.staff[1],
            designated_on=party.campaign.start_date,
        )
    with pytest.raises(DomainError) as exc:
        services.vanguard_designate(
            actor=party.office,
            name="x",
            checkpoint=party.checkpoint_b,
            leader=party.staff[0],
            designated_on=party.campaign.start_date,
        )
    assert exc.value.field == "leader"
    services.vanguard_revoke(actor=party.office, post=post, on=party.campaign.start_date + timedelta(days=2))
    assert vanguard_checkpoint_ids() == set()
    assert vanguard_checkpoint_ids(on=party.campaign.start_date + timedelta(days=1)) == {party.checkpoint_a.pk}
    assert VanguardPost.objects.count() == 1


# --- commendations ---------------------------------------------------------------------------


def _commend(party, **recipients):
    return services.commendation_save(
        actor=party.office,
        title="先进集体",
        awarding_body="区委",
        awarded_on=party.campaign.start_date,
        level="district",
        **recipients,
    )


def test_a_commendation_names_exactly_one_kind_of_recipient(party):
    from frontline.org.models import Team

    team = Team.objects.create(name="巾帼志愿服务队", kind="women")
    for recipients in (
        {},
        {"recipient_unit": party.bureau, "recipient_staff": party.staff[0]},
        {"recipient_unit": party.bureau, "recipient_team": team},
        {"recipient_unit": party.bureau, "recipient_team": team, "recipient_staff": party.staff[0]},
    ):
        with pytest.raises(DomainError) as exc:
            _commend(party, **recipients)
        assert exc.value.code == "commendation.recipient"
        assert "exactly one" in str(exc.value)
    assert not Commendation.objects.exists()
    assert _commend(party, recipient_team=team).kind == Commendation.Kind.COLLECTIVE
    assert _commend(party, recipient_staff=party.staff[0]).kind == Commendation.Kind.INDIVIDUAL


@pytest.mark.parametrize("recipients", [{}, {"recipient_unit": True, "recipient_staff": True}])
def test_the_database_refuses_a_commendation_without_exactly_one_recipient(party, recipients):
    values = {k: (party.bureau if k == "recipient_unit" else party.staff[0]) for k in recipients}
    with pytest.raises(IntegrityError), transaction.atomic():
        Commendation.objects.create(title="x", awarding_body="y", awarded_on=party.campaign.start_date, **values)
