"""Party pages answer the roles that may use them, refuse the others, and show errors on the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from frontline.party import services
from frontline.party.models import Branch, Commendation, CommunityReport, DuesCollection, DuesEntry


@pytest.fixture
def full(party):
    """A temporary branch with reports, a collection with an entry, a vanguard post, an application, a commendation."""
    o = party
    start = o.campaign.start_date
    o.branch = services.branch_save(
        actor="t",
        name="临时党支部一",
        kind=Branch.Kind.TEMPORARY,
        established_on=start,
        parent=o.general,
        secretary=o.staff[3],
        communities=[o.community_a, o.community_b],
    )
    services.report_record(
        actor="t", staff=[o.staff[3]], community=o.community_a, branch=o.branch, reported_on=start, activity="测温登记"
    )
    o.collection = services.collection_save(
        actor="t", title="特殊党费", purpose="防控", collected_on=start, branch=o.general
    )
    services.dues_entry_add(actor="t", collection=o.collection, staff=o.staff[1], amount="300")
    o.post = services.vanguard_designate(
        actor="t", name="东门党员先锋岗", checkpoint=o.checkpoint_a, leader=o.staff[3], designated_on=start
    )
    o.application = services.application_submit(actor="t", applicant=o.staff[0], branch=o.general, submitted_on=start)
    o.commendation = services.commendation_save(
        actor="t",
        title="先进个人",
        awarding_body="区委",
        awarded_on=start,
        level="district",
        recipient_staff=o.staff[3],
    )
    return o


def _pages(o):
    return [
        reverse("party:home"),
        reverse("party:branch_list"),
        reverse("party:branch_detail", args=[o.branch.pk]),
        reverse("party:member_list"),
        reverse("party:report_list"),
        reverse("party:community_list"),
        reverse("party:community_members", args=[o.community_a.pk]),
        reverse("party:dues_list"),
        reverse("party:dues_detail", args=[o.collection.pk]),
        reverse("party:dues_print", args=[o.collection.pk]),
        reverse("party:application_list"),
        reverse("party:application_detail", args=[o.application.pk]),
        reverse("party:vanguard_list"),
        reverse("party:honours"),
        reverse("party:honours_print"),
    ]


def _manage_pages(o):
    return [
        reverse("party:branch_create"),
        reverse("party:branch_edit", args=[o.branch.pk]),
        reverse("party:branch_members", args=[o.branch.pk]),
        reverse("party:branch_dissolve", args=[o.branch.pk]),
        reverse("party:member_status", args=[o.staff[0].pk]),
        reverse("party:report_create") + f"?branch={o.branch.pk}",
        reverse("party:dues_create"),
        reverse("party:dues_edit", args=[o.collection.pk]),
        reverse("party:application_create"),
        reverse("party:vanguard_create"),
        reverse("party:commendation_create"),
        reverse("party:commendation_edit", args=[o.commendation.pk]),
    ]


def test_office_opens_every_party_page(full, client_as):
    c = client_as(full.office)
    for url in _pages(full) + _manage_pages(full):
        assert c.get(url).status_code == 200, url


def test_viewers_see_but_do_not_manage(full, client_as):
    c = client_as(full.viewer)
    for url in _pages(full):
        assert c.get(url).status_code == 200, url
    for url in _manage_pages(full):
        assert c.get(url).status_code == 403, url
    assert (
        c.post(
            reverse("party:dues_detail", args=[full.collection.pk]), {"staff": full.staff[5].pk, "amount": "5"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("user", ["duty", "liaison_a", "lawyer"])
def test_field_roles_may_not_open_party_pages(full, client_as, user):
    c = client_as(getattr(full, user))
    for url in _pages(full)[:3]:
        assert c.get(url).status_code == 403, url


def test_the_party_menu_is_shown_to_bureau_roles_only(full, client_as):
    assert reverse("party:honours") in client_as(full.leader).get(reverse("org:profile")).content.decode()
    assert reverse("party:honours") not in client_as(full.duty).get(reverse("org:profile")).content.decode()


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        ("0", "金额：必须大于零", "Amount: must be more than zero."),
        ("-50", "金额：必须大于零", "Amount: must be more than zero."),
        ("五十", "金额：请输入元数", "Amount: enter a number of yuan"),
    ],
)
def test_a_bad_amount_is_refused_on_the_page_in_chinese_and_english(full, client_as, amount, zh, en):
    c = client_as(full.office)
    url = reverse("party:dues_detail", args=[full.collection.pk])
    response = c.post(url, {"staff": full.staff[5].pk, "amount": amount})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="amount"' in page and zh in page
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert en in c.post(url, {"staff": full.staff[5].pk, "amount": amount}).content.decode()
    assert DuesEntry.objects.count() == 1


def test_office_records_an_amount_and_the_total_follows(full, client_as):
    c = client_as(full.office)
    url = reverse("party:dues_detail", args=[full.collection.pk])
    assert (
        c.post(
            url, {"staff": full.staff[5].pk, "amount": "200.50", "paid_on": full.collection.collected_on}
        ).status_code
        == 302
    )
    page = c.get(reverse("party:dues_print", args=[full.collection.pk])).content.decode()
    assert "500.50" in page and full.staff[5].name in page


def test_a_commendation_form_with_two_recipients_is_refused(full, client_as):
    c = client_as(full.office)
    data = {
        "title": "先进集体",
        "awarding_body": "区委",
        "awarded_on": full.campaign.start_date,
        "level": "district",
        "recipient_unit": full.bureau.pk,
        "recipient_staff": full.staff[0].pk,
    }
    response = c.post(reverse("party:commendation_create"), data)
    assert response.status_code == 200
    assert "只能选择一个" in response.content.decode()
    assert Commendation.objects.count() == 1


def test_dissolving_through_the_page_keeps_the_history(full, client_as):
    c = client_as(full.office)
    on = full.branch.established_on + timedelta(days=1)
    response = c.post(reverse("party:branch_dissolve", args=[full.branch.pk]), {"on": on})
    assert response.status_code == 302
    page = c.get(reverse("party:branch_detail", args=[full.branch.pk])).content.decode()
    assert full.staff[3].name in page and "测温登记" in page and "历史记录保留" in page
    assert 'id="dissolve"' not in page
    assert CommunityReport.objects.filter(branch=full.branch).count() == 1


def test_the_staff_profile_shows_the_party_record_and_honours(full, client_as):
    person = full.staff[3]
    page = client_as(full.office).get(reverse("org:staff_detail", args=[person.pk])).content.decode()
    assert "党员档案" in page and "临时党支部一" in page and "先进个人" in page and "测温登记" in page


def test_the_checkpoint_page_shows_its_vanguard_post(full, client_as):
    page = client_as(full.duty).get(reverse("org:checkpoint_detail", args=[full.checkpoint_a.pk])).content.decode()
    assert "东门党员先锋岗" in page
    other = client_as(full.duty).get(reverse("org:checkpoint_detail", args=[full.checkpoint_b.pk])).content.decode()
    assert "东门党员先锋岗" not in other


def test_the_community_view_lists_the_members_serving_it(full, client_as):
    page = client_as(full.office).get(reverse("party:community_members", args=[full.community_a.pk])).content.decode()
    assert full.staff[3].name in page and "临时党支部一" in page


@pytest.mark.parametrize("name", ["party:branch_list", "party:member_list", "party:report_list", "party:dues_list"])
def test_list_pages_do_not_query_per_row(full, client_as, django_assert_max_num_queries, name):
    c = client_as(full.office)
    for i in range(5):
        services.collection_save(actor="t", title=f"捐款{i}", purpose="防控", collected_on=full.campaign.start_date)
        services.branch_save(
            actor="t",
            name=f"支部{i}",
            kind=Branch.Kind.BRANCH,
            established_on=full.campaign.start_date,
            parent=full.general,
        )
    c.get(reverse(name))
    with django_assert_max_num_queries(16):
        assert c.get(reverse(name)).status_code == 200


def test_the_report_form_records_several_members_at_once(full, client_as):
    c = client_as(full.office)
    services.branch_members_add(
        actor="t", branch=full.branch, staff=[full.staff[1], full.staff[5]], joined_on=full.branch.established_on
    )
    day = full.branch.established_on + timedelta(days=1)
    response = c.post(
        reverse("party:report_create") + f"?branch={full.branch.pk}",
        {
            "community": full.community_b.pk,
            "branch": full.branch.pk,
            "staff": [full.staff[1].pk, full.staff[3].pk, full.staff[5].pk],
            "reported_on": day,
            "activity": "入户排查",
        },
    )
    assert response.status_code == 302
    assert CommunityReport.objects.filter(community=full.community_b, reported_on=day).count() == 3


def test_total_is_not_a_form_field(full):
    from frontline.party.forms import CollectionForm

    assert not [f for f in CollectionForm().fields if "total" in f]
    assert DuesCollection.objects.with_totals().get().total_amount == 300
