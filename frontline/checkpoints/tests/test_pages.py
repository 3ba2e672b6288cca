"""Pages: field page, lists, fever today, tallies, import, QR poster and the public form."""

from __future__ import annotations

import io
import json
import re
import uuid
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from frontline.checkpoints import services
from frontline.checkpoints.models import DailyTally, Passage, SelfRegistration
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit
from frontline.core.models import Notification

pytestmark = pytest.mark.django_db


def record(org, actor, checkpoint=None, **kw):
    data = {
        "checkpoint_id": (checkpoint or org.checkpoint_a).pk,
        "client_uuid": uuid.uuid4(),
        "outcome": "allowed",
        "id_number": make_id(seq=kw.pop("seq", 1)),
        "temperature": "36.6",
    } | kw
    return services.passage_record(actor=actor, data=services.PassageData(**data))


@pytest.mark.parametrize("name", ["field", "passage_list", "vehicle_list", "fever_today", "tallies", "passage_import"])
def test_duty_and_office_staff_open_the_pages(org, client_as, name):
    for user in (org.duty, org.office):
        response = client_as(user).get(reverse(f"checkpoints:{name}"))
        assert response.status_code == 200, (user, name)


def test_viewers_may_not_register_or_import(org, client_as):
    c = client_as(org.viewer)
    assert c.get(reverse("checkpoints:field")).status_code == 403
    assert c.get(reverse("checkpoints:passage_import")).status_code == 403
    assert c.get(reverse("checkpoints:passage_list")).status_code == 200


def test_the_field_page_is_chinese_by_default_and_english_after_switching(org, client_as):
    c = client_as(org.duty)
    assert "体温" in c.get(reverse("checkpoints:field")).content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Temperature (°C)" in c.get(reverse("checkpoints:field")).content.decode()


def test_the_service_worker_is_served_for_the_field_page_scope(org, client):
    response = client.get(reverse("checkpoints:field_sw"))
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == reverse("checkpoints:field")
    assert "/static/checkpoints/field.js" in response.content.decode()


def test_a_fever_notifies_the_office_once_and_shows_in_fever_today(org, client_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = record(org, org.duty, temperature="38.4", name="王五")
    assert result.obj.fever and result.obj.fever_event
    notes = Notification.objects.filter(kind="checkpoints.fever")
    assert [n.user for n in notes] == [org.office]
    page = client_as(org.office).get(reverse("checkpoints:fever_today")).content.decode()
    assert "38.4" in page and "王五" in page
    with django_capture_on_commit_callbacks(execute=True):
        record(org, org.duty, seq=2, temperature="36.5", symptoms=["dry_cough"])
    assert Notification.objects.filter(kind="checkpoints.fever").count() == 2


def test_a_fever_recorded_in_english_is_told_to_the_office_in_chinese(org, django_capture_on_commit_callbacks):
    # The duty officer's phone is set to English; the office reads the campaign's language.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        record(org, org.duty, temperature="38.4", name="王五", symptoms=["dry_cough"])
    note = Notification.objects.get(kind="checkpoints.fever")
    assert "发现发热：38.4 °C" in note.title
    assert "症状：" in note.body and "处置：" in note.body and "Outcome" not in note.body


def test_a_failing_signal_receiver_does_not_lose_the_passage(org):
    from frontline.checkpoints.signals import passage_recorded

    def broken(sender, passage, **kwargs):
        raise RuntimeError("boom")

    passage_recorded.connect(broken, dispatch_uid="test-broken")
    try:
        result = record(org, org.duty)
    finally:
        passage_recorded.disconnect(dispatch_uid="test-broken")
    assert Passage.objects.filter(pk=result.obj.pk).exists()


def test_signals_are_sent_with_the_passage(org):
    from frontline.checkpoints.signals import fever_detected, passage_recorded

    seen = []
    passage_recorded.connect(
        lambda sender, passage, **kw: seen.append(("recorded", passage.pk)), weak=False, dispatch_uid="t1"
    )
    fever_detected.connect(
        lambda sender, passage, **kw: seen.append(("fever", passage.pk)), weak=False, dispatch_uid="t2"
    )
    try:
        pk = record(org, org.duty, temperature="39.0").obj.pk
        record(org, org.duty, seq=2)
    finally:
        passage_recorded.disconnect(dispatch_uid="t1")
        fever_detected.disconnect(dispatch_uid="t2")
    assert ("recorded", pk) in seen and ("fever", pk) in seen
    assert len([s for s in seen if s[0] == "fever"]) == 1


def test_lists_filter_and_export_masked(org, client_as):
    number = make_id(seq=77)
    record(org, org.duty, id_number=number, outcome="turned_back", origin_region="420100")
    record(org, org.duty, seq=2)
    c = client_as(org.office)
    page = c.get(reverse("checkpoints:passage_list") + "?turned_back=1").content.decode()
    assert number[:6] + "********" + number[-4:] in page and number not in page
    assert c.get(reverse("checkpoints:passage_list") + "?high_risk=1").context["total"] == 1
    export = c.get(reverse("checkpoints:passage_export") + "?turned_back=1")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws.max_row == 2
    assert number not in json.dumps([[str(c.value) for c in row] for row in ws.iter_rows()])


def test_the_passage_list_query_count_is_fixed(org, client_as, django_assert_max_num_queries):
    for i in range(30):
        record(org, org.duty, seq=i)
    c = client_as(org.office)
    with django_assert_max_num_queries(12):
        c.get(reverse("checkpoints:passage_list"))


def test_the_tally_page_reads_tallies_not_passages(org, client_as, django_assert_num_queries):
    record(org, org.duty)
    record(org, org.duty, seq=2, temperature="38.0")
    c = client_as(org.office)
    response = c.get(reverse("checkpoints:tallies"))
    assert response.context["totals"]["people_in"] == 2
    assert response.context["totals"]["fever_events"] == 1
    chart = response.context["chart"]  # the last 7 days, each one, a quiet day as a 0
    today = timezone.localdate()
    assert chart["days"] == [(today - timedelta(days=k)).isoformat() for k in range(6, -1, -1)]
    assert chart["people"] == [0] * 6 + [2] and chart["fevers"] == [0] * 6 + [1]
    assert "Server-Timing" in response
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        c.get(reverse("checkpoints:tallies"))
    assert not any("checkpoints_passage" in q["sql"] for q in queries.captured_queries)


def _sheet(rows, *, title=None):
    from frontline.checkpoints.imports import HEADERS

    wb = Workbook()
    ws = wb.active
    if title:
        wb.properties.title = title  # another file with the same rows (as Excel's "save as" makes)
    ws.append([str(h) for h in HEADERS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "sheet.xlsx"
    return buf


def test_the_paper_sheet_import_is_all_or_nothing(org, client_as):
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    good = ["A01", day, "08:30", "进", "张三", "居民身份证", make_id(seq=5), "", 36.6, "", "", "", "", "放行", ""]
    bad = [
        "A01",
        day,
        "09:00",
        "进",
        "李四",
        "居民身份证",
        wrong_check_digit(make_id(seq=6)),
        "",
        50,
        "",
        "",
        "",
        "",
        "放行",
        "",
    ]
    c = client_as(org.duty)
    response = c.post(reverse("checkpoints:passage_import"), {"file": _sheet([good, bad])})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [e.row for e in errors] == [3], [e.reasons for e in errors]
    assert len(errors[0].reasons) == 2
    assert Passage.objects.count() == 0
    response = c.post(reverse("checkpoints:passage_import"), {"file": _sheet([good])})
    assert response.status_code == 302
    assert Passage.objects.get().source == "import"
    c.post(reverse("checkpoints:passage_import"), {"file": _sheet([good])})
    assert Passage.objects.count() == 1  # the same sheet again adds nothing
    again = c.post(reverse("checkpoints:passage_import"), {"file": _sheet([good, good], title="re-saved")})
    assert again.status_code == 302
    assert Passage.objects.count() == 1  # nor does a re-saved copy, nor the row twice


def test_the_import_template_downloads(org, client_as):
    response = client_as(org.duty).get(reverse("checkpoints:passage_import_template"))
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "防控点编号"


def _inflated(pdf: bytes) -> bytes:
    """Return the PDF with its compressed streams (object streams hold the font dictionaries) inflated."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() : match.end() + 2_000_000]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_qr_poster_is_a_pdf_with_an_embedded_cjk_font(org, client_as):
    response = client_as(org.office).get(reverse("checkpoints:poster", args=[org.checkpoint_a.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+(Noto-?Sans-?CJK|Noto-?Serif-?CJK|WenQuanYi)", _inflated(pdf))
    import shutil
    import subprocess
    import tempfile

    if shutil.which("pdffonts"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        assert "CJK" in fonts and "yes" in fonts  # embedded


def test_a_resident_registers_by_qr_and_staff_confirm_in_one_tap(org, client, client_as):
    url = reverse("checkpoints:qr_register", args=[org.checkpoint_a.public_token])
    page = client.get(url).content.decode()
    assert "富强东门" in page and "隐私" in page
    body = {
        "name": "赵六",
        "id_number": make_id(seq=9),
        "phone": "13912345678",
        "origin_region": "420100",
        "consent": "on",
    }
    response = client.post(url, body)
    assert response.status_code == 200
    registration = SelfRegistration.objects.get()
    assert registration.receipt in response.content.decode()
    pending = client_as(org.duty).get(f"/api/v1/self-registrations?checkpoint={org.checkpoint_a.pk}").json()
    assert [p["receipt"] for p in pending] == [registration.receipt]
    assert pending[0]["high_risk"] is True
    assert client_as(org.duty).get(f"/api/v1/self-registrations?checkpoint={org.checkpoint_b.pk}").json() == []
    confirm = client_as(org.duty).post(
        f"/api/v1/self-registrations/{registration.pk}/confirm",
        json.dumps({"temperature": "36.7", "outcome": "allowed"}),
        content_type="application/json",
    )
    assert confirm.status_code == 201, confirm.content
    passage = Passage.objects.get()
    assert (passage.source, passage.name, passage.high_risk) == ("qr", "赵六", True)
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.passage == passage
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).high_risk == 1
    again = client_as(org.duty).post(
        f"/api/v1/self-registrations/{registration.pk}/confirm",
        json.dumps({"temperature": "36.7", "outcome": "allowed"}),
        content_type="application/json",
    )
    assert again.status_code == 422 and again.json()["field"] == "status"


def test_the_qr_form_needs_consent_and_valid_details(org, client):
    url = reverse("checkpoints:qr_register", args=[org.checkpoint_a.pk and org.checkpoint_a.public_token])
    response = client.post(url, {"name": "", "id_number": wrong_check_digit(make_id()), "phone": "123"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "id_number", "phone", "consent"}
    assert SelfRegistration.objects.count() == 0


def test_unknown_or_retired_qr_codes_get_a_clear_page(org, client):
    assert client.get(reverse("checkpoints:qr_register", args=[uuid.uuid4()])).status_code == 404
    assert "不在使用" in client.get(reverse("checkpoints:qr_register", args=["not-a-uuid"])).content.decode()
    org.checkpoint_b.active = False
    org.checkpoint_b.save()
    assert client.get(reverse("checkpoints:qr_register", args=[org.checkpoint_b.public_token])).status_code == 404


def test_the_qr_form_is_rate_limited_per_address_and_checkpoint(org, client, settings):
    settings.FRONTLINE_RATE_LIMIT_PER_HOUR = 2
    url = reverse("checkpoints:qr_register", args=[org.checkpoint_a.public_token])
    for seq in range(2):
        body = {"name": "赵六", "id_number": make_id(seq=seq), "phone": "13912345678", "consent": "on"}
        assert client.post(url, body).status_code == 200
    assert client.post(url, body).status_code == 429
    other = reverse("checkpoints:qr_register", args=[org.checkpoint_b.public_token])
    assert client.post(other, body).status_code == 200
    assert SelfRegistration.objects.count() == 3


def test_waiting_self_registrations_expire_after_a_day(org):
    import time_machine

    registration = services.self_registration_submit(
        checkpoint=org.checkpoint_a, name="赵六", id_number=make_id(), phone="13912345678", consent=True
    )
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert services.self_registrations_expire() == 1
    registration.refresh_from_db()
    assert registration.status == "expired"
