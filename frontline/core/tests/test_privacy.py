"""Across every app: the raw database holds no plain resident ID number, phone or home address."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.urls import reverse

from frontline.core.models import AuditLog

ID_NUMBER = "420102199003071232"  # a valid GB 11643 number (check digit 2)
PHONE = "13971234567"
ADDRESS = "湖北省武汉市江岸区某某路88号"


def all_text_in_database() -> str:
    """Dump every text-like column of every table, as stored."""
    chunks = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(str(v) for row in cur.fetchall() for v in row if v is not None)
    return "\n".join(chunks)


@pytest.mark.django_db
def test_no_plain_identifier_is_stored_anywhere_and_reveals_are_logged(org, client_as):
    from frontline.core.validators import validate_resident_id
    from frontline.health.services import person_watch_create

    assert validate_resident_id(ID_NUMBER).number == ID_NUMBER
    duty = client_as(org.duty)
    body = {
        "checkpoint": org.checkpoint_a.pk,
        "client_uuid": str(uuid.uuid4()),
        "outcome": "allowed",
        "id_number": ID_NUMBER,
        "temperature": "36.6",
        "name": "测试居民",
        "phone": PHONE,
        "origin_region": "420102",
    }
    response = duty.post("/api/v1/passages", body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    person = person_watch_create(
        actor=org.office,
        name="测试居民",
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
        community=org.community_a,
        category_codes=["returnee"],
    )

    text = all_text_in_database()
    assert ID_NUMBER not in text
    assert PHONE not in text
    assert ADDRESS not in text

    # On screen the values are masked; a reveal shows them and is logged with who and when.
    page = client_as(org.office).get(reverse("health:person_detail", args=[person.pk])).content.decode()
    assert ID_NUMBER not in page and "420102********1232" in page
    url = reverse("core:reveal", args=[person._meta.label_lower, person.pk, "id_number"])
    assert ID_NUMBER in client_as(org.office).post(url).content.decode()
    entry = AuditLog.objects.get(action="sensitive.reveal", target_id=str(person.pk))
    assert entry.actor == org.office and entry.changes == {"field": "id_number"}
