"""Import/export pages: upload → preview → confirm, refusals (4xx, Vietnamese, nothing saved), scoping, queries."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from khuyencong.establishments.models import Establishment
from khuyencong.establishments.sheets import SHEET
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, VALID_TAX_CODES

UPLOAD = reverse("exchange:upload", args=["establishments"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def establishment_row(**values: Any) -> list[Any]:
    """A row of the establishments sheet: a valid household in commune A unless told otherwise."""
    defaults = {"tax_code": VALID_TAX_CODES[2], "name": "Cơ sở gốm Tân Hạnh", "legal_form": "Hộ kinh doanh",
                "commune": COMMUNE_A, "vsic_code": "2393", "sector_group": "Thủ công mỹ nghệ",
                "registered_on": dt.date(2026, 10, 1), "employees": 7}
    merged = {**defaults, **values}
    return [merged.get(c.field, "") for c in SHEET.columns]


def establishments_file(*rows: list[Any]) -> bytes:
    return workbook_bytes({SHEET.name: [[c.header for c in SHEET.columns], *rows]})


def two_establishments() -> bytes:
    return establishments_file(
        establishment_row(),
        establishment_row(tax_code=VALID_TAX_CODES[3], name="Cơ sở mộc Long Phước", vsic_code="1622"),
    )


def upload(client: Client, data: bytes, name: str = "co-so.xlsx", url: str = UPLOAD) -> Any:
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def job_of(response: Any) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def media_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Pages and roles --------------------------------------------------------------------------------

# persona → index, template, export, upload form
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200),
    "commune_officer_a": (200, 200, 200, 200),
    "council_member": (200, 200, 200, 403),
    "establishment_rep": (200, 200, 200, 403),
    "auditor": (200, 200, 200, 403),
    "outsider": (403, 403, 403, 403),
}


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, persona: str, expected: tuple[int, ...]) -> None:
    client = client_for(personas[persona])
    urls = [reverse("exchange:index"), reverse("exchange:template", args=["establishments"]),
            reverse("exchange:export", args=["establishments"]), UPLOAD]
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_anonymous_is_sent_to_login(db) -> None:
    response = Client().get(reverse("exchange:index"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_index_offers_upload_only_to_importers(personas) -> None:
    officer = client_for(personas["province_officer"]).get(reverse("exchange:index")).content.decode()
    auditor = client_for(personas["auditor"]).get(reverse("exchange:index")).content.decode()
    assert "Tải mẫu" in officer and "Xuất dữ liệu" in officer and UPLOAD in officer
    assert "Tải mẫu" in auditor and UPLOAD not in auditor


def test_menu_links_to_the_exchange_page(personas) -> None:
    html = client_for(personas["commune_officer_a"]).get(reverse("home")).content.decode()
    assert reverse("exchange:index") in html


def test_unknown_register_is_404(personas) -> None:
    client = client_for(personas["province_officer"])
    assert client.get(reverse("exchange:upload", args=["khong-co"])).status_code == 404
    assert client.get(reverse("exchange:template", args=["khong-co"])).status_code == 404


def test_template_and_scoped_export_are_workbooks(personas, est_a, est_b) -> None:
    client = client_for(personas["commune_officer_a"])
    template = client.get(reverse("exchange:template", args=["establishments"]))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert SHEET.name in CalamineWorkbook.from_filelike(io.BytesIO(template.content)).sheet_names
    export = client.get(reverse("exchange:export", args=["establishments"]))
    body = b"".join(export.streaming_content)  # type: ignore[attr-defined]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_name(SHEET.name).to_python()
    names = [row[1] for row in rows[1:]]
    assert names == [est_a.name]  # est_b is in commune B


# --- Happy path -------------------------------------------------------------------------------------

def test_upload_preview_confirm(personas) -> None:
    officer = personas["province_officer"]
    client = client_for(officer)
    before = Establishment.objects.count()
    data = two_establishments()
    job = job_of(upload(client, data))
    assert job.status == ImportStatus.PREVIEWED and job.dry_run and job.created_by == officer
    assert job.size == len(data) and job.rows_total == 2 and job.problems == []
    import hashlib

    assert job.fingerprint == hashlib.sha256(data).hexdigest()
    assert Path(job.file.path).read_bytes() == data and "co-so" not in job.file.name  # generated name on disk
    assert Establishment.objects.count() == before  # a dry run saves nothing

    page = client.get(reverse("exchange:job", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Sẽ thêm" in html and "Sẽ cập nhật" in html and "Không đổi" in html
    assert page.context["outcomes"] == [{"sheet": SHEET.name, "created": 2, "updated": 0, "unchanged": 0}]
    assert page.context["can_confirm"] is True and "Xác nhận nhập" in html

    confirmed = client.post(reverse("exchange:confirm", args=[job.pk]))
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and not job.dry_run
    assert Establishment.objects.count() == before + 2
    assert Establishment.objects.get(tax_code=VALID_TAX_CODES[2]).created_by == officer
    done = client.get(reverse("exchange:job", args=[job.pk]))
    assert "Đã thêm" in done.content.decode() and done.context["can_confirm"] is False

    # The audit trail: every step of the job is a history row carrying the file's fingerprint.
    history = list(job.history.order_by("history_id"))
    assert {h.status for h in history} >= {ImportStatus.QUEUED, ImportStatus.PREVIEWED, ImportStatus.COMMITTED}
    assert all(h.fingerprint == job.fingerprint and h.history_user == officer for h in history)

    # Confirming again is refused: the job no longer waits for confirmation.
    again = client.post(reverse("exchange:confirm", args=[job.pk]))
    assert again.status_code == 409 and Establishment.objects.count() == before + 2

    # Re-importing the same file changes nothing.
    second = job_of(upload(client, data))
    assert second.outcomes == {SHEET.name: {"created": 0, "updated": 0, "unchanged": 2}}
    client.post(reverse("exchange:confirm", args=[second.pk]))
    assert Establishment.objects.count() == before + 2


# --- Problems ---------------------------------------------------------------------------------------

def test_problems_listed_confirm_refused_and_report_parses(personas) -> None:
    client = client_for(personas["province_officer"])
    before = Establishment.objects.count()
    data = establishments_file(establishment_row(),
                               establishment_row(tax_code=VALID_TAX_CODES[3], registered_on="31/02/2026"))
    job = job_of(upload(client, data))
    assert job.status == ImportStatus.REJECTED and job.problems
    problem = job.problems[0]
    assert problem["sheet"] == SHEET.name and problem["row"] == 3 and problem["column"] == "Ngày đăng ký"

    page = client.get(reverse("exchange:job", args=[job.pk]))
    html = page.content.decode()
    assert problem["message"] in html and page.context["can_confirm"] is False
    assert "disabled" in html and reverse("exchange:problems", args=[job.pk]) in html

    refused = client.post(reverse("exchange:confirm", args=[job.pk]))
    assert refused.status_code == 400 and "còn lỗi" in refused.content.decode()
    assert Establishment.objects.count() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED

    report = client.get(reverse("exchange:problems", args=[job.pk]))
    body = b"".join(report.streaming_content)  # type: ignore[attr-defined]
    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[0] == ["Trang", "Dòng", "Cột", "Lỗi"]
    assert [rows[1][0], int(rows[1][1]), rows[1][2], rows[1][3]] == [SHEET.name, 3, "Ngày đăng ký", problem["message"]]
    assert len(rows) == len(job.problems) + 1


def test_not_a_spreadsheet_is_refused_by_content(personas) -> None:
    client = client_for(personas["province_officer"])
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as archive:  # a Word document is a ZIP too
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    for name, data in [("co-so.xlsx", b"Ten co so;MST\nGom;123\n"), ("co-so.xlsx", word.getvalue()),
                       ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100)]:
        response = upload(client, data, name)
        assert response.status_code == 400
        assert "không phải là bảng tính" in response.content.decode()
    assert upload(client, b"", "trong.xlsx").status_code == 400
    assert ImportJob.objects.count() == 0 and media_files() == []


def test_over_large_file_is_refused(personas, settings) -> None:
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 4_000
    client = client_for(personas["province_officer"])
    data = establishments_file(*[establishment_row(name=f"Cơ sở số {i}", tax_code="") for i in range(60)])
    assert len(data) > 4_000
    response = upload(client, data)
    assert response.status_code == 413 and "Tệp quá lớn" in response.content.decode()
    # Far over the limit: refused from the declared length, before the body is read.
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 100
    response = upload(client, data)
    assert response.status_code == 413 and "Tệp quá lớn" in response.content.decode()
    assert ImportJob.objects.count() == 0 and media_files() == []


def test_upload_still_checks_csrf(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["province_officer"])
    assert upload(client, two_establishments()).status_code == 403
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("persona", ["auditor", "council_member", "establishment_rep", "outsider"])
def test_roles_that_may_not_create_cannot_import(personas, persona: str) -> None:
    response = upload(client_for(personas[persona]), two_establishments())
    assert response.status_code == 403 and ImportJob.objects.count() == 0


def test_commune_officer_cannot_import_into_another_commune(personas, est_b) -> None:
    client = client_for(personas["commune_officer_a"])
    before = Establishment.objects.count()
    data = establishments_file(
        establishment_row(),  # in commune A: fine
        establishment_row(tax_code=VALID_TAX_CODES[3], name="Cơ sở ở xã khác", commune=COMMUNE_B),
    )
    job = job_of(upload(client, data))
    assert job.status == ImportStatus.REJECTED
    assert [(p["row"]) for p in job.problems] == [3]
    html = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    assert job.problems[0]["message"] in html
    assert client.post(reverse("exchange:confirm", args=[job.pk])).status_code == 400
    assert Establishment.objects.count() == before
    assert not Establishment.objects.filter(name="Cơ sở ở xã khác").exists()


def test_fingerprint_change_refuses_confirmation(personas) -> None:
    client = client_for(personas["province_officer"])
    before = Establishment.objects.count()
    job = job_of(upload(client, two_establishments()))
    Path(job.file.path).write_bytes(establishments_file(establishment_row(name="Cơ sở bị tráo")))
    response = client.post(reverse("exchange:confirm", args=[job.pk]))
    assert response.status_code == 409 and "dấu vân tay" in response.content.decode()
    assert Establishment.objects.count() == before


# --- Scoping ----------------------------------------------------------------------------------------

def test_other_users_cannot_see_or_confirm_my_job(personas) -> None:
    mine = client_for(personas["province_officer"])
    job = job_of(upload(mine, two_establishments()))
    before = Establishment.objects.count()
    urls = [reverse(name, args=[job.pk]) for name in ("exchange:job", "exchange:progress", "exchange:problems",
                                                       "exchange:file")]
    other = client_for(personas["commune_officer_a"])
    assert [other.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert other.post(reverse("exchange:confirm", args=[job.pk])).status_code == 404
    assert job.filename not in other.get(reverse("exchange:jobs")).content.decode()
    # The province administrator and the auditor see every job, but only its owner confirms it.
    for persona in ("province_admin", "auditor"):
        viewer = client_for(personas[persona])
        assert [viewer.get(url).status_code for url in urls] == [200, 200, 200, 200]
        assert job.filename in viewer.get(reverse("exchange:jobs")).content.decode()
        assert viewer.post(reverse("exchange:confirm", args=[job.pk])).status_code == 403
    assert Establishment.objects.count() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_stored_file_downloads_as_uploaded(personas) -> None:
    client = client_for(personas["province_officer"])
    data = two_establishments()
    job = job_of(upload(client, data, "danh sách.xlsx"))
    response = client.get(reverse("exchange:file", args=[job.pk]))
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def _job_list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("exchange:jobs")).status_code == 200
    return len(ctx.captured_queries)


def test_job_list_queries_do_not_grow_with_jobs(personas) -> None:
    officers = [personas["province_officer"], personas["commune_officer_a"], personas["province_admin"]]

    def add_jobs(n: int) -> None:
        for i in range(n):
            ImportJob.objects.create(register="establishments", filename=f"tep-{i}.xlsx", fingerprint=f"{i:064d}",
                                     created_by=officers[i % 3], status=ImportStatus.PREVIEWED)

    client = client_for(personas["auditor"])
    add_jobs(3)
    _job_list_queries(client)  # the first request of a session also refreshes it
    few = _job_list_queries(client)
    add_jobs(15)
    assert _job_list_queries(client) == few
    html = client.get(reverse("exchange:jobs")).content.decode()
    assert "tep-14.xlsx" in html and "officer_a" in html
    index = client.get(reverse("exchange:index"))
    assert len(index.context["recent"]) == 10


def test_job_list_shows_only_my_jobs(personas) -> None:
    ImportJob.objects.create(register="establishments", filename="cua-toi.xlsx", fingerprint="a" * 64,
                             created_by=personas["commune_officer_a"])
    ImportJob.objects.create(register="establishments", filename="cua-nguoi-khac.xlsx", fingerprint="b" * 64,
                             created_by=personas["commune_officer_b"])
    html = client_for(personas["commune_officer_a"]).get(reverse("exchange:jobs")).content.decode()
    assert "cua-toi.xlsx" in html and "cua-nguoi-khac.xlsx" not in html
