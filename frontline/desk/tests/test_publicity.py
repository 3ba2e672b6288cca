"""Publicity log: fields each kind needs, photo checks by the bytes, the per-community page."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frontline.core.errors import DomainError
from frontline.desk import services
from frontline.desk.models import Publicity
from frontline.desk.tests.conftest import png_bytes


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _poster(org, **kw):
    data = {
        "kind": "poster",
        "happened_on": date.today().isoformat(),
        "title": "防疫海报",
        "community": org.community_a.pk,
        "place": "3号楼门口",
        "quantity": "40",
    }
    data.update(kw)
    return data


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("notes.jpg", b"this is not a picture at all", "不是"),  # a text file named .jpg
        ("script.png", b"<script>alert(1)</script>", "不是"),
        ("half.png", png_bytes()[:40], "不是"),  # a truncated image
    ],
)
def test_an_upload_that_is_not_an_image_is_refused_with_a_clear_message(org, client_as, name, content, message):
    c = client_as(org.office)
    response = c.post(
        reverse("desk:publicity_create"), {**_poster(org), "photo": SimpleUploadedFile(name, content, "image/jpeg")}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-field="photo"' in body and "JPEG" in body and message in body
    assert Publicity.objects.count() == 0


def test_an_upload_that_is_too_large_is_refused_with_a_clear_message(org, client_as, monkeypatch):
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 1024)
    big = png_bytes((600, 600))
    assert len(big) > 1024
    response = client_as(org.office).post(
        reverse("desk:publicity_create"), {**_poster(org), "photo": SimpleUploadedFile("big.png", big, "image/png")}
    )
    body = response.content.decode()
    assert response.status_code == 422 and 'data-field="photo"' in body and "MB" in body
    assert Publicity.objects.count() == 0


def test_a_real_image_is_kept_under_a_new_name_and_served_to_staff_only(org, client_as, media):
    c = client_as(org.office)
    response = c.post(
        reverse("desk:publicity_create"),
        {**_poster(org), "photo": SimpleUploadedFile("../../evil.exe", png_bytes(), "image/png")},
    )
    assert response.status_code == 302
    item = Publicity.objects.get()
    assert item.photo.name.endswith(".png") and "evil" not in item.photo.name
    served = c.get(reverse("desk:publicity_photo", args=[item.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert client_as(org.lawyer).get(reverse("desk:publicity_photo", args=[item.pk])).status_code == 403


@pytest.mark.parametrize(
    "kind,missing,field",
    [
        ("poster", {"quantity": None}, "quantity"),
        ("van", {"route": ""}, "route"),
        ("van", {"end_time": time(8, 0)}, "end_time"),
        ("wechat", {"link": ""}, "link"),
        ("rumour", {"facts": ""}, "facts"),
    ],
)
def test_each_kind_needs_its_own_fields(org, kind, missing, field):
    from django.utils import timezone

    data = {
        "actor": org.office,
        "campaign": org.campaign,
        "kind": kind,
        "happened_on": date.today(),
        "title": "标题",
        "community": org.community_a,
        "place": "门口",
        "quantity": 10,
        "route": "钢铁大街",
        "start_time": time(9, 0),
        "end_time": time(11, 0),
        "link": "https://mp.weixin.qq.com/s/x",
        "published_at": timezone.now(),
        "rumour": "谣言",
        "facts": "事实",
    }
    data.update(missing)
    with pytest.raises(DomainError) as exc:
        services.publicity_save(**data)
    assert exc.value.field == field


def test_a_page_per_community_shows_what_was_done_there(org, client_as):
    services.publicity_save(
        actor=org.office,
        campaign=org.campaign,
        kind="poster",
        happened_on=date.today(),
        title="富强海报",
        community=org.community_a,
        place="东门",
        quantity=30,
    )
    services.publicity_save(
        actor=org.office,
        campaign=org.campaign,
        kind="poster",
        happened_on=date.today(),
        title="幸福海报",
        community=org.community_b,
        place="北门",
        quantity=50,
    )
    page = client_as(org.office).get(reverse("desk:community_detail", args=[org.community_a.pk])).content.decode()
    assert "富强海报" in page and "幸福海报" not in page
    assert 'id="posters-total">30<' in page
    # A liaison of community B cannot open community A's page.
    assert client_as(org.liaison_b).get(reverse("desk:community_detail", args=[org.community_a.pk])).status_code == 404


def test_a_van_route_and_a_wechat_post_are_recorded(org):
    from django.utils import timezone

    van = services.publicity_save(
        actor=org.office,
        campaign=org.campaign,
        kind="van",
        happened_on=date.today(),
        title="宣传车巡回",
        community=org.community_a,
        route="钢铁大街—青年路",
        start_time=time(9, 0),
        end_time=time(11, 30),
    )
    post = services.publicity_save(
        actor=org.office,
        campaign=org.campaign,
        kind="wechat",
        happened_on=date.today(),
        title="疫情期间这些行为可能构成犯罪",
        link="https://mp.weixin.qq.com/s/x",
        published_at=timezone.now(),
        reads=1200,
    )
    assert van.end_time == time(11, 30) and post.reads == 1200 and post.community is None
