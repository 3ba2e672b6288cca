"""A community liaison sees only their own community: other communities' records are 404 everywhere."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook


def other_community_urls(org):
    b, cp_b = org.community_b, org.checkpoint_b
    return [
        reverse("org:community_detail", args=[b.pk]),
        reverse("org:checkpoint_detail", args=[cp_b.pk]),
        f"/api/v1/communities/{b.pk}",
        f"/api/v1/checkpoints/{cp_b.pk}",
    ]


def test_a_liaison_gets_404_for_another_communitys_records(org, client_as):
    c = client_as(org.liaison_a)
    for url in other_community_urls(org):
        assert c.get(url).status_code == 404, url


def test_a_liaison_sees_their_own_communitys_records(org, client_as):
    c = client_as(org.liaison_a)
    assert c.get(reverse("org:community_detail", args=[org.community_a.pk])).status_code == 200
    assert c.get(reverse("org:checkpoint_detail", args=[org.checkpoint_a.pk])).status_code == 200
    assert c.get(f"/api/v1/checkpoints/{org.checkpoint_a.pk}").status_code == 200


def test_bureau_roles_see_every_community(org, client_as):
    for user in (org.leader, org.office, org.viewer):
        c = client_as(user)
        for url in other_community_urls(org):
            assert c.get(url).status_code == 200, (user.username, url)


def test_lists_and_api_lists_leave_out_other_communities(org, client_as):
    c = client_as(org.liaison_a)
    page = c.get(reverse("org:checkpoint_list")).content.decode()
    assert org.checkpoint_a.name in page
    assert org.checkpoint_b.name not in page
    communities = c.get("/api/v1/communities").json()
    assert [x["name"] for x in communities] == [org.community_a.name]
    checkpoints = c.get("/api/v1/checkpoints").json()
    assert {x["code"] for x in checkpoints} == {org.checkpoint_a.code, org.checkpoint_a2.code}


@pytest.mark.parametrize("name", ["org:checkpoint_export", "org:community_export"])
def test_exports_leave_out_other_communities(org, client_as, name):
    response = client_as(org.liaison_a).get(reverse(name))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert org.community_a.name in text
    assert org.community_b.name not in text
    assert org.checkpoint_b.name not in text


def test_a_liaison_cannot_edit_or_close_another_communitys_checkpoint(org, client_as):
    # Editing is an office capability: a liaison is refused before anything is looked up.
    c = client_as(org.liaison_a)
    assert c.get(reverse("org:checkpoint_edit", args=[org.checkpoint_b.pk])).status_code == 403
    assert c.post(reverse("org:checkpoint_close", args=[org.checkpoint_b.pk])).status_code == 403
    org.checkpoint_b.refresh_from_db()
    assert org.checkpoint_b.active
