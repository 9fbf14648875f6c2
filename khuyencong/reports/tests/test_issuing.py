"""Issued reports: frozen bytes and figures, drift, the number rule, area scope, no edits, the API."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from rest_framework.test import APIClient

from khuyencong.fairs.tests.conftest import make_fair, make_participation
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.reports.admin import IssuedReportAdmin
from khuyencong.reports.models import IssuedReport
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B

ISSUE = {"number": "12/BC-SCT", "issued_on": "2026-11-26", "signer_name": "Nguyễn Văn An",
         "signer_title": "Giám đốc", "date_from": "2026-01-01", "date_to": "2026-11-26", "area": ""}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def issued(personas, est_a) -> IssuedReport:
    make_participation(make_fair(), est_a)
    response = client_for(personas["province_officer"]).post("/bao-cao/ban-hanh/", ISSUE)
    assert response.status_code == 302, response.content.decode()[:2000]
    return IssuedReport.objects.get()


def test_issued_report_stays_byte_identical_and_its_page_shows_the_drift(personas, issued, est_b) -> None:
    pdf_before, docx_before = bytes(issued.pdf), bytes(issued.docx)
    assert issued.pdf_sha256 == _sha(pdf_before) and issued.docx_sha256 == _sha(docx_before)
    assert pdf_before.startswith(b"%PDF") and issued.figures["indicators"]["fairs.participations"] == 1
    client = client_for(personas["auditor"])
    page = client.get(f"/bao-cao/da-ban-hanh/{issued.pk}/").content.decode()
    assert "vẫn bằng số đã ban hành" in page

    make_participation(make_fair("Hội chợ Công Thương 2026"), est_b)  # a record changes a figure

    stored = IssuedReport.objects.get(pk=issued.pk)
    assert _sha(bytes(stored.pdf)) == issued.pdf_sha256 and bytes(stored.docx) == docx_before
    assert stored.figures == issued.figures
    assert client.get(f"/bao-cao/da-ban-hanh/{issued.pk}/tep/pdf/").content == pdf_before
    page = client.get(f"/bao-cao/da-ban-hanh/{issued.pk}/").content.decode()
    assert "Số liệu hôm nay đã khác số đã ban hành ở" in page
    drift = page.split('id="drift"')[1].split("</table>")[0]
    label = BY_CODE["fairs.participations"].label_vi
    row = drift.split(label)[1].split("</tr>")[0]
    assert '<td class="num">1 ' in row and '<td class="num">2 ' in row  # issued 1, today 2

def test_issue_records_number_date_signer_period_area(personas, issued) -> None:
    assert (issued.number, issued.year, str(issued.issued_on)) == ("12/BC-SCT", 2026, "2026-11-26")
    assert (issued.signer_name, issued.signer_title, issued.area_code) == ("Nguyễn Văn An", "Giám đốc", "")
    assert str(issued.date_from) == "2026-01-01" and issued.issued_by == personas["province_officer"]
    assert issued.history.count() == 1


def test_same_number_in_the_same_year_is_refused(personas, issued) -> None:
    response = client_for(personas["province_admin"]).post("/bao-cao/ban-hanh/", {**ISSUE, "date_from": "2025-01-01"})
    assert response.status_code == 400
    assert "Số 12/BC-SCT đã được dùng cho một báo cáo ban hành năm 2026" in response.content.decode()
    assert IssuedReport.objects.count() == 1
    api = api_for(personas["province_officer"]).post("/api/v1/issued-reports", {
        **{k: v for k, v in ISSUE.items() if k != "area"}, "area_code": ""}, format="json")
    assert api.status_code == 400 and "đã được dùng" in api.json()["number"][0]


def test_badly_formed_number_is_refused(personas, db) -> None:
    response = client_for(personas["province_officer"]).post("/bao-cao/ban-hanh/", {**ISSUE, "number": "<b>"})
    assert response.status_code == 400 and "Số văn bản phải có dạng số/ký hiệu" in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_area_the_user_may_not_see_is_answered_like_an_unknown_area(personas, db) -> None:
    client = client_for(personas["commune_officer_a"])
    other = client.post("/bao-cao/ban-hanh/", {**ISSUE, "area": COMMUNE_B})
    unknown = client.post("/bao-cao/ban-hanh/", {**ISSUE, "area": "99999"})
    assert other.status_code == unknown.status_code == 400
    assert f"Không có địa bàn mã {COMMUNE_B} hoặc bạn không được báo cáo về địa bàn này" in other.content.decode()
    assert "Không có địa bàn mã 99999 hoặc bạn không được báo cáo về địa bàn này" in unknown.content.decode()
    assert not IssuedReport.objects.exists()
    own = client.post("/bao-cao/ban-hanh/", {**ISSUE, "area": COMMUNE_A})
    assert own.status_code == 302 and IssuedReport.objects.get().area_code == COMMUNE_A


def test_commune_officer_sees_only_reports_of_their_commune(personas, issued) -> None:
    assert client_for(personas["commune_officer_a"]).get(f"/bao-cao/da-ban-hanh/{issued.pk}/").status_code == 404
    assert api_for(personas["commune_officer_a"]).get("/api/v1/issued-reports").json()["count"] == 0
    assert client_for(personas["outsider"]).get("/bao-cao/da-ban-hanh/").status_code == 403


def test_who_may_issue(personas, db) -> None:
    for key in ("auditor", "council_member", "establishment_rep", "outsider"):
        assert client_for(personas[key]).get("/bao-cao/ban-hanh/").status_code == 403
        response = api_for(personas[key]).post("/api/v1/issued-reports", {**ISSUE, "area_code": ""}, format="json")
        assert response.status_code == 403
    page = client_for(personas["province_officer"]).get("/bao-cao/", ISSUE).content.decode()
    assert "Ban hành báo cáo" in page
    assert "Ban hành báo cáo" not in client_for(personas["auditor"]).get("/bao-cao/", ISSUE).content.decode()
    assert not IssuedReport.objects.exists()


def test_an_issued_report_cannot_be_edited_or_deleted(personas, issued) -> None:
    api = api_for(personas["province_admin"])
    url = f"/api/v1/issued-reports/{issued.pk}"
    for method in (api.put, api.patch, api.delete):
        response = method(url, {"number": "13/BC-SCT"}, format="json")
        assert response.status_code == 405 and "đã ban hành nên không thể sửa hoặc xóa" in response.json()["detail"]
    stored = IssuedReport.objects.get(pk=issued.pk)
    assert stored.number == "12/BC-SCT" and stored.history.count() == 1
    admin = IssuedReportAdmin(IssuedReport, None)  # type: ignore[arg-type]
    assert not admin.has_change_permission(None, stored) and not admin.has_delete_permission(None, stored)


def test_api_issue_list_retrieve_and_files(personas, est_a) -> None:
    make_participation(make_fair(), est_a)
    api = api_for(personas["province_officer"])
    created = api.post("/api/v1/issued-reports", {**{k: v for k, v in ISSUE.items() if k != "area"},
                                                  "area_code": "79"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["number"] == "12/BC-SCT" and body["drift"] == [] and body["area_code"] == "79"
    assert body["figures"]["indicators"]["fairs.participations"] == 1
    listed = api_for(personas["auditor"]).get("/api/v1/issued-reports").json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    pdf = api.get(f"/api/v1/issued-reports/{body['id']}/files/pdf")
    assert pdf.status_code == 200 and _sha(pdf.content) == body["pdf_sha256"]
    assert api.get(f"/api/v1/issued-reports/{body['id']}/files/signed-pdf").status_code == 404
    assert api.get("/api/v1/issued-reports/999999").status_code == 404
