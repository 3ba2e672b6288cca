"""Must-show 2, in Chromium: the office sets up a temporary branch for two communities, records three
members reporting there, records a dues collection and prints its list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontline.conftest import login
from frontline.party.models import Branch, CommunityReport, DuesCollection


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_sets_up_a_temporary_branch_records_reports_and_dues(org, desktop, artifacts):
    page = desktop
    day = org.campaign.start_date + timedelta(days=2)
    secretary, m2, m3 = org.staff[1], org.staff[3], org.staff[5]  # the fixture's party members
    login(page, "office")

    # A temporary branch for two communities.
    page.goto(page.base_url + "/party/branches/new/")
    page.fill("#id_name", "驻富强幸福社区临时党支部")
    page.select_option("#id_kind", "temporary")
    page.fill("#id_established_on", day.isoformat())
    page.select_option("#id_secretary", str(secretary.pk))
    page.click("#save")
    assert page.locator('[data-field="communities"]').is_visible(), "a temporary branch needs a community"
    page.screenshot(path=artifacts / "01-branch-no-community.png", full_page=True)
    page.check(f'input[name="communities"][value="{org.community_a.pk}"]')
    page.check(f'input[name="communities"][value="{org.community_b.pk}"]')
    page.screenshot(path=artifacts / "02-branch-form.png", full_page=True)
    page.click("#save")
    page.wait_for_url("**/party/branches/*/")
    branch = Branch.objects.get(name="驻富强幸福社区临时党支部")
    assert branch.kind == Branch.Kind.TEMPORARY and branch.communities.count() == 2

    # Two more members join it; the secretary is one already.
    page.click("text=添加党员")
    page.select_option("#id_staff", [str(m2.pk), str(m3.pk)])
    page.fill("#id_joined_on", day.isoformat())
    page.click("#save")
    page.wait_for_url(f"**/party/branches/{branch.pk}/")
    assert page.locator("#memberships tbody tr").count() == 3

    # Three members report to a community the branch serves.
    page.click("text=登记党员到社区报到")
    page.select_option("#id_community", str(org.community_b.pk))
    page.select_option("#id_staff", [str(secretary.pk), str(m2.pk), str(m3.pk)])
    page.fill("#id_reported_on", (day + timedelta(days=1)).isoformat())
    page.fill("#id_activity", "在幸福北门登记出入人员、测量体温")
    page.click("#save")
    page.wait_for_url(f"**/party/communities/{org.community_b.pk}/")
    assert page.locator("#serving-count").inner_text() == "3"
    assert CommunityReport.objects.filter(community=org.community_b, branch=branch).count() == 3
    page.screenshot(path=artifacts / "03-community-members.png", full_page=True)

    # A special dues collection with three entries; a zero amount is refused on the field.
    page.goto(page.base_url + "/party/dues/new/")
    page.fill("#id_title", "抗击疫情特殊党费")
    page.fill("#id_purpose", "支持疫情防控工作")
    page.fill("#id_collected_on", day.isoformat())
    page.click("#save")
    page.wait_for_url("**/party/dues/*/")
    collection = DuesCollection.objects.get(title="抗击疫情特殊党费")
    for person, amount in ((secretary, "0"), (secretary, "200"), (m2, "100"), (m3, "50.5")):
        page.select_option("#id_staff", str(person.pk))
        page.fill("#id_amount", amount)
        page.click("#add-entry")
        page.wait_for_load_state("networkidle")
        if amount == "0":
            assert "金额：必须大于零" in page.locator('[data-field="amount"]').inner_text()
            page.screenshot(path=artifacts / "04-dues-zero-refused.png", full_page=True)
    assert page.locator("#dues-total").inner_text() == "350.50"
    assert collection.total() == 350.5
    page.screenshot(path=artifacts / "05-dues-detail.png", full_page=True)

    # …and prints its receipt list.
    page.click("#print-list")
    page.wait_for_url(f"**/party/dues/{collection.pk}/print/")
    assert page.locator("#receipt-list tbody tr").count() == 3
    assert page.locator("#print-total").inner_text() == "350.50"
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "06-receipt-list-print.png", full_page=True)
    assert not page.locator("#print-now").is_visible(), "the print button is not printed"
    page.pdf(path=str(artifacts / "06-receipt-list.pdf"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_party_pages_on_a_phone_in_both_languages(org, phone, artifacts):
    from frontline.party import services

    start = org.campaign.start_date
    branch = services.branch_save(
        actor="t",
        name="驻富强社区临时党支部",
        kind="temporary",
        established_on=start,
        secretary=org.staff[1],
        communities=[org.community_a],
    )
    services.report_record(
        actor="t",
        staff=[org.staff[1]],
        community=org.community_a,
        branch=branch,
        reported_on=start,
        activity="入户排查返包人员",
    )
    services.commendation_save(
        actor="t", title="先进集体", awarding_body="区委", awarded_on=start, level="district", recipient_unit=org.bureau
    )
    services.commendation_save(
        actor="t",
        title="优秀共产党员",
        awarding_body="区委",
        awarded_on=start,
        level="district",
        recipient_staff=org.staff[1],
    )
    login(phone, "office")
    phone.goto(phone.base_url + f"/party/communities/{org.community_a.pk}/")
    assert "服务富强社区的党员" in phone.content()
    phone.screenshot(path=artifacts / "phone-community-zh.png", full_page=True)
    phone.goto(phone.base_url + "/party/honours/")
    assert "先进集体" in phone.locator("#collective").inner_text()
    phone.screenshot(path=artifacts / "phone-honours-zh.png", full_page=True)
    phone.goto(phone.base_url + "/party/overview/")
    phone.screenshot(path=artifacts / "phone-overview-zh.png", full_page=True)
    # Switch to English.
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": phone.base_url}])
    phone.goto(phone.base_url + "/party/honours/")
    assert "Advanced collectives" in phone.content()
    phone.screenshot(path=artifacts / "phone-honours-en.png", full_page=True)
    phone.goto(phone.base_url + "/party/overview/")
    assert "Temporary branches" in phone.content()
    phone.screenshot(path=artifacts / "phone-overview-en.png", full_page=True)
