"""Must-show 1: the demo campaign holds the article's party organisation and honours."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from frontline.party.models import Application, Branch, Commendation, DuesCollection, DuesEntry, VanguardPost
from frontline.party.selectors import vanguard_checkpoint_ids


def test_the_demo_has_the_articles_party_organisation(demo):
    day = lambda n: demo.start + timedelta(days=n - 1)  # noqa: E731

    general = Branch.objects.get(kind=Branch.Kind.GENERAL)
    assert general.is_active and general.memberships.filter(left_on__isnull=True).exists()

    temporary = Branch.objects.filter(kind=Branch.Kind.TEMPORARY)
    assert temporary.count() == 3
    assert {b.established_on for b in temporary} == {day(18)}
    assert all(b.parent_id == general.pk for b in temporary)
    served = {c.pk for b in temporary for c in b.communities.all()}
    assert len(served) == 4
    for branch in temporary:
        assert branch.secretary is not None and branch.memberships.count() >= 5
        assert branch.reports.exists(), "its members reported to the communities it serves"

    dues = DuesCollection.objects.get(collected_on=day(17))
    assert dues.kind == DuesCollection.Kind.SPECIAL_DUES
    assert dues.total() == Decimal("6600.00")
    assert dues.total() == DuesEntry.objects.filter(collection=dues).aggregate(s=Sum("amount"))["s"]
    assert dues.entries.count() > 10 and not dues.entries.filter(amount__lte=0).exists()
    assert not [f.name for f in DuesCollection._meta.fields if "total" in f.name], "the total is never stored"

    assert demo.campaign.start_date == demo.start
    # The 26-year-old volunteer applied during the campaign, after weeks of 6-hour shifts.
    (young,) = Application.objects.filter(submitted_on__gte=demo.start)
    assert young.applicant.age_on(demo.today) == 26
    assert young.applicant.teams.filter(kind="women").exists()
    assert young.events.count() >= 2
    assert Application.objects.filter(status=Application.Status.ACTIVIST).count() >= 2
    assert young.applicant.party_status == "activist"

    honours = Commendation.objects.all()
    assert honours.count() == 15
    collective = [c for c in honours if c.kind == Commendation.Kind.COLLECTIVE]
    individual = [c for c in honours if c.kind == Commendation.Kind.INDIVIDUAL]
    assert len(collective) + len(individual) == 15 and collective and individual
    assert any(c.recipient_unit_id for c in collective)
    assert any(c.recipient_team and c.recipient_team.kind == "women" for c in collective)
    assert all(c.awarded_on <= demo.today for c in honours)

    assert VanguardPost.objects.filter(revoked_on__isnull=True).exists()
    assert len(vanguard_checkpoint_ids()) == 4


def test_the_demo_party_pages_show_it(demo, client_as):
    from django.urls import reverse

    office = demo.users["office"]
    c = client_as(office)
    home = c.get(reverse("party:home")).content.decode()
    assert "中共青山区司法局总支部委员会" in home and "临时党支部" in home
    dues = DuesCollection.objects.get()
    page = c.get(reverse("party:dues_print", args=[dues.pk])).content.decode()
    assert "6,600.00" in page
    honours = c.get(reverse("party:honours")).content.decode()
    assert honours.count("fl-honour") == 15
