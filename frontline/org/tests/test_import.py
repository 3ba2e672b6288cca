"""Staff import: every row checked, all or nothing, each bad row listed with its reasons."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from frontline.org.imports import HEADERS
from frontline.org.models import Staff


def make_rows(n: int) -> list[list]:
    rows = []
    for i in range(n):
        rows.append(
            [
                f"导入{i:03d}",
                "女" if i % 2 else "男",
                f"19{70 + i % 30}-0{1 + i % 9}-1{i % 9}",
                f"139{i:08d}",
                "区司法局",
                "科员",
                "中共党员" if i % 3 == 0 else "群众",
                i % 4,
                "",
                "",
                "富强社区",
                "家属",
                "",
            ]
        )
    return rows


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append([str(h) for h in HEADERS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("staff.xlsx", buf.getvalue())


def test_a_file_with_three_bad_rows_writes_nothing_and_lists_them(org, client_as):
    rows = make_rows(500)
    rows[9][3] = "12345"  # row 11: not a mobile number
    rows[199][1] = "未知"  # row 201: sex
    rows[449][4] = "不存在的单位"  # row 451: unit
    rows[449][2] = "1980-13-45"  # and a bad date on the same row
    before = Staff.objects.count()
    c = client_as(org.office)
    with translation_en(c):
        response = c.post(reverse("org:staff_import"), {"file": xlsx(rows)})
    assert response.status_code == 200
    assert Staff.objects.count() == before
    result = response.context["result"]
    assert [e.row for e in result.errors] == [11, 201, 451]
    assert any("Phone" in r for r in result.errors[0].reasons)
    assert len(result.errors[2].reasons) == 2
    page = response.content.decode()
    assert page.count("import-error-row") == 3

    rows[9][3] = "13912345678"
    rows[199][1] = "女"
    rows[449][4] = "区司法局"
    rows[449][2] = "1980-12-15"
    response = c.post(reverse("org:staff_import"), {"file": xlsx(rows)})
    assert response.status_code == 302
    assert Staff.objects.count() == before + 500


def test_a_file_that_is_not_excel_is_refused_on_the_field(org, client_as):
    response = client_as(org.office).post(
        reverse("org:staff_import"), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_template_downloads_with_every_column(org, client_as):
    response = client_as(org.office).get(reverse("org:staff_import_template"))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == [str(h) for h in HEADERS]


def test_the_export_has_masked_phones(org, client_as):
    response = client_as(org.office).get(reverse("org:staff_export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for row in ws.iter_rows(min_row=2) for c in row]
    assert "138****1111" in values
    assert "13800001111" not in values


class translation_en:
    """Ask for English pages in a test client."""

    def __init__(self, client):
        self.client = client

    def __enter__(self):
        self.client.cookies["django_language"] = "en"

    def __exit__(self, *exc):
        self.client.cookies.pop("django_language", None)
