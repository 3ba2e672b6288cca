"""Every organisation page answers its users, and refuses the roles that may not use it."""

from __future__ import annotations

import pytest
from django.urls import reverse

LIST_PAGES = [
    "org:staff_list",
    "org:contact_list",
    "org:group_list",
    "org:team_list",
    "org:unit_list",
    "org:campaign_list",
    "org:community_list",
    "org:checkpoint_list",
    "org:user_list",
    "org:profile",
    "core:audit_list",
    "core:inbox",
    "core:jobs",
    "org:staff_create",
    "org:checkpoint_create",
    "org:community_create",
    "org:campaign_create",
    "org:team_create",
    "org:group_create",
    "org:unit_create",
    "org:staff_import",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_office_staff_can_open_every_organisation_page(org, client_as, name):
    response = client_as(org.office).get(reverse(name))
    assert response.status_code == 200


def test_detail_pages_open(org, client_as):
    c = client_as(org.office)
    for url in [
        reverse("org:staff_detail", args=[org.staff[0].pk]),
        reverse("org:community_detail", args=[org.community_a.pk]),
        reverse("org:checkpoint_detail", args=[org.checkpoint_a.pk]),
        reverse("org:campaign_detail", args=[org.campaign.pk]),
        reverse("org:staff_edit", args=[org.staff[0].pk]),
    ]:
        assert c.get(url).status_code == 200, url


def test_the_menu_shows_only_what_a_role_may_use(org, client_as):
    office_page = client_as(org.office).get(reverse("org:profile")).content.decode()
    duty_page = client_as(org.duty).get(reverse("org:profile")).content.decode()
    assert reverse("core:audit_list") in office_page
    assert reverse("core:audit_list") not in duty_page
    assert reverse("org:user_list") not in duty_page


def test_duty_staff_may_not_manage_staff(org, client_as):
    c = client_as(org.duty)
    assert c.get(reverse("org:staff_create")).status_code == 403
    assert c.get(reverse("core:audit_list")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, org):
    response = client.get(reverse("org:staff_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_log_in_page_is_chinese_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-CN"' in page


def test_editing_a_staff_member_audits_what_changed(org, client_as):
    from frontline.core.models import AuditLog

    staff = org.staff[0]
    data = {
        "name": staff.name,
        "sex": staff.sex,
        "birth_date": "1980-01-01",
        "phone": "13800001111",
        "unit": org.bureau.pk,
        "position": "科长",
        "party_status": staff.party_status,
        "military_years": 0,
        "active": "on",
    }
    response = client_as(org.office).post(reverse("org:staff_edit", args=[staff.pk]), data)
    assert response.status_code == 302
    entry = AuditLog.objects.filter(action="staff.update", target_id=str(staff.pk)).latest("at")
    assert entry.changes["position"] == ["", "科长"]
    assert "phone" not in entry.changes  # unchanged, so not listed


def test_a_broken_rule_between_two_fields_is_shown_under_the_field_it_is_about(org, client_as):
    """A database check (closing before opening, maximum below minimum) answers under its
    field in the user's language, and nothing is saved."""
    cp = org.checkpoint_a
    url = reverse("org:checkpoint_edit", args=[cp.pk])
    data = {
        "code": cp.code,
        "name": cp.name,
        "community": cp.community_id,
        "address": cp.address,
        "kind": cp.kind,
        "opened_on": "2020-02-10",
        "closed_on": "2020-02-01",
        "shift_pattern": "07:00-13:00, 13:00-19:00",
        "staff_min": 3,
        "staff_max": 1,
    }
    response = client_as(org.office).post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["closed_on"] == ["撤点日期早于启用日期。"]
    assert form.errors["staff_max"] == ["每班最多人数小于最少人数。"]
    assert "__all__" not in form.errors
    before = (cp.staff_min, cp.staff_max, cp.closed_on)
    cp.refresh_from_db()
    assert (cp.staff_min, cp.staff_max, cp.closed_on) == before
