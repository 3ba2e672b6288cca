"""Phones are encrypted at rest, masked on screen, and every reveal is logged with who and when."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from frontline.core.models import AuditLog
from frontline.org.models import Staff


def raw_table_text(table: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return " ".join(str(v) for row in cur.fetchall() for v in row)


def test_the_database_holds_no_plain_phone_number(org):
    text = raw_table_text(Staff._meta.db_table)
    for phone in ("13800001111", "13900002222", "15000003333"):
        assert phone not in text
    assert "v1:" in text  # the encrypted form is there instead


def test_phones_are_found_by_their_keyed_hash(org):
    from frontline.core.crypto import blind_index

    assert Staff.objects.get(phone_hash=blind_index("phone", "13800001111")).name == "王建国"


def test_lists_and_profiles_show_phones_masked(org, client_as):
    c = client_as(org.office)
    listing = c.get(reverse("org:staff_list")).content.decode()
    assert "138****1111" in listing
    assert "13800001111" not in listing
    profile = c.get(reverse("org:staff_detail", args=[org.staff[0].pk])).content.decode()
    assert "138****1111" in profile
    assert "13800001111" not in profile


def test_revealing_a_phone_is_logged_with_who_and_when(org, client_as):
    staff = org.staff[0]
    url = reverse("core:reveal", args=["org.staff", staff.pk, "phone"])
    response = client_as(org.office).post(url)
    assert response.status_code == 200
    assert "13800001111" in response.content.decode()
    entry = AuditLog.objects.get(action="sensitive.reveal", target_id=str(staff.pk))
    assert entry.actor == org.office
    assert entry.changes == {"field": "phone"}
    assert entry.at is not None
    assert entry.ip == "127.0.0.1"


def test_roles_that_may_not_see_a_value_cannot_reveal_it(org, client_as):
    url = reverse("core:reveal", args=["org.staff", org.staff[0].pk, "phone"])
    for user in (org.duty, org.viewer, org.lawyer):
        assert client_as(user).post(url).status_code == 403
    assert not AuditLog.objects.filter(action="sensitive.reveal").exists()


def test_only_encrypted_fields_can_be_revealed(org, client_as):
    url = reverse("core:reveal", args=["org.staff", org.staff[0].pk, "name"])
    assert client_as(org.office).post(url).status_code == 404


def test_the_full_contact_list_is_logged(org, client_as):
    page = client_as(org.office).get(reverse("org:contact_list") + "?full=1").content.decode()
    assert "13800001111" in page
    assert AuditLog.objects.filter(action="sensitive.reveal", actor=org.office).exists()


def test_the_audit_log_records_staff_changes_without_plain_phones(org, client_as):
    entry = AuditLog.objects.filter(action="staff.create").first()
    assert entry is not None
    assert "13800001111" not in str(entry.changes)
    page = client_as(org.leader).get(reverse("core:audit_list") + "?q=staff.create").content.decode()
    assert "staff.create" in page
