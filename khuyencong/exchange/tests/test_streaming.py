"""The export building blocks (neutralising, CSV with BOM, typed XLSX) and the registry's page and API exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook
from rest_framework.test import APIClient

from khuyencong.core.streaming import (
    BOM,
    col,
    csv_response,
    export_table,
    neutralise,
    plain_value,
    text_value,
    xlsx_response,
)
from khuyencong.testing.fixtures import make_establishment, unit

# --- helpers shared by the per-app export tests -------------------------------------------------


def body(response: Any) -> bytes:
    if isinstance(response, StreamingHttpResponse | FileResponse):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response: Any) -> list[list[str]]:
    """The CSV as rows; asserts the BOM and the streamed response type."""
    assert isinstance(response, StreamingHttpResponse), type(response)
    assert response["Content-Type"].startswith("text/csv")
    data = body(response).decode("utf-8")
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[1:])))


def xlsx_rows(response: Any) -> list[list[Any]]:
    """The first sheet's cells as Python values (numbers, dates and text as typed in the file)."""
    assert isinstance(response, FileResponse), type(response)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(body(response)))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def column(rows: list[list[Any]], header: str) -> list[Any]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


# --- building blocks ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=SUM(A1:A2)", "+84912", "-1+2", "@cmd", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Gốm Long Hương", "", "1=1", -5, Decimal("-2.5"), None, dt.date(2026, 1, 2)])
def test_other_values_are_left_alone(value: Any) -> None:
    assert neutralise(value) == value


def test_text_values_for_csv() -> None:
    assert text_value(dt.date(2026, 3, 9)) == "09/03/2026"
    assert text_value(None) == ""
    assert text_value(True) == "Có"
    assert text_value(-1500) == "-1500"  # a real negative number, not text: not prefixed
    assert text_value("-1500") == "'-1500"
    assert plain_value(["a", None, "b"]) == "a; b"


def test_csv_has_bom_and_is_streamed() -> None:
    rows = ([n, f"=HYPERLINK(\"x{n}\")"] for n in range(3))
    response = csv_response("thu.csv", ["Số", "Văn bản"], rows)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="thu.csv"')
    parsed = csv_rows(response)
    assert parsed[0] == ["Số", "Văn bản"]
    assert parsed[1] == ["0", "'=HYPERLINK(\"x0\")"]


def test_xlsx_keeps_numbers_and_dates_typed_and_neutralises_text() -> None:
    moment = dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.UTC)
    rows = [[-24_700_000_000, Decimal("4.5"), dt.date(2026, 2, 1), moment, "=1+1", None, False, "Bà Rịa"]]
    response = xlsx_response("thu.xlsx", "Trang/tính:1", ["a", "b", "c", "d", "e", "f", "g", "h"], iter(rows))
    data = xlsx_rows(response)
    assert data[0] == ["a", "b", "c", "d", "e", "f", "g", "h"]
    amount, decimal, day, at, formula, empty, flag, text = data[1]
    assert amount == -24_700_000_000 and decimal == 4.5
    assert day == dt.date(2026, 2, 1)
    assert at == dt.datetime(2026, 11, 26, 15, 30)  # noqa: DTZ001 — shown in the province's time (UTC+7)
    assert formula == "'=1+1" and empty == "" and flag == "Không" and text == "Bà Rịa"


def test_xlsx_header_is_bold_and_frozen() -> None:
    import zipfile

    content = body(xlsx_response("t.xlsx", "S", ["Tên"], iter([["x"]])))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet
    assert "<b/>" in styles
    assert "<cols>" in sheet  # widths were set


def test_export_table_reads_queryset_in_chunks(est_a, est_b) -> None:
    from khuyencong.establishments.models import Establishment

    columns = [col("Tên", "name"), col("Xã", "commune.name")]
    response = export_table("csv", filename="x", sheet_name="x", columns=columns,
                            items=Establishment.objects.select_related("commune").order_by("pk"))
    assert [r[0] for r in csv_rows(response)[1:]] == [est_a.name, est_b.name]


# --- the registry: page and API -----------------------------------------------------------------


def test_page_export_respects_filters_and_scope(client, personas, est_a, est_b) -> None:
    client.force_login(personas["commune_officer_a"])
    rows = csv_rows(client.get("/co-so/", {"format": "csv"}))
    assert column(rows, "Tên cơ sở") == [est_a.name]  # officer A never gets commune B's record
    client.force_login(personas["province_officer"])
    rows = csv_rows(client.get("/co-so/", {"format": "csv", "legal_form": "cooperative"}))
    assert column(rows, "Tên cơ sở") == [est_b.name]


def test_page_export_masks_phone_like_the_detail_page(client, personas, est_a) -> None:
    client.force_login(personas["auditor"])
    assert column(csv_rows(client.get("/co-so/?format=csv")), "Điện thoại") == ["09******78"]
    client.force_login(personas["province_officer"])
    assert column(csv_rows(client.get("/co-so/?format=csv")), "Điện thoại") == ["0912345678"]


def test_page_export_xlsx_types(client, personas, est_a) -> None:
    est_a.employees = 12
    est_a.notes = "=cmd"
    est_a.craft_village = "-Làng gốm"
    est_a.save()
    client.force_login(personas["province_admin"])
    rows = xlsx_rows(client.get("/co-so/?format=xlsx"))
    assert column(rows, "Số lao động") == [12]
    assert column(rows, "Ngày đăng ký") == [dt.date(2018, 6, 1)]
    assert column(rows, "Làng nghề") == ["'-Làng gốm"]


def test_page_offers_the_export_buttons_with_current_filters(client, personas) -> None:
    client.force_login(personas["province_admin"])
    html = client.get("/co-so/", {"q": "điều", "page": "2"}).content.decode()
    assert "Xuất Excel" in html and "Xuất CSV" in html
    assert "?q=%C4%91i%E1%BB%81u&amp;format=xlsx" in html


def test_bad_format_is_a_400_in_vietnamese(client, personas) -> None:
    client.force_login(personas["province_admin"])
    response = client.get("/co-so/?format=pdf")
    assert response.status_code == 400
    assert "không được hỗ trợ" in response.content.decode()
    api = APIClient()
    api.force_authenticate(personas["province_admin"])
    response = api.get("/api/v1/establishments?format=pdf")
    assert response.status_code == 400
    assert "không được hỗ trợ" in response.json()["format"][0]


def test_page_export_query_count_does_not_grow_with_rows(client, personas, est_a) -> None:
    client.force_login(personas["province_admin"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            body(client.get("/co-so/?format=xlsx"))
        return len(queries)

    count()  # warm up session and per-process caches
    few = count()
    for n in range(15):
        make_establishment(f"Cơ sở thêm {n}", unit("26560"))
    assert count() == few


def test_api_export_uses_the_serializer_masking_filters_and_scope(personas, est_a, est_b) -> None:
    api = APIClient()
    api.force_authenticate(personas["council_member"])
    rows = csv_rows(api.get("/api/v1/establishments", {"format": "csv"}))
    assert rows[0][:2] == ["id", "name"] and "commune.code" in rows[0]
    assert "09******78" in column(rows, "representative_phone")
    api.force_authenticate(personas["commune_officer_b"])
    rows = xlsx_rows(api.get("/api/v1/establishments", {"format": "xlsx"}))
    assert column(rows, "name") == [est_b.name]
    assert column(rows, "registered_on") == [dt.date(2018, 6, 1)]
    assert column(rows, "employees") == [0]
    api.force_authenticate(personas["province_officer"])
    rows = csv_rows(api.get("/api/v1/establishments", {"format": "csv", "sector_group": "handicrafts"}))
    assert column(rows, "name") == [est_b.name]


def test_api_export_refusals_are_json(personas, est_a) -> None:
    response = APIClient().get("/api/v1/establishments?format=csv")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_api_json_list_is_unchanged(personas, est_a) -> None:
    api = APIClient()
    api.force_authenticate(personas["province_admin"])
    assert api.get("/api/v1/establishments").json()["count"] == 1
    assert api.get("/api/v1/establishments?format=json").status_code == 200
