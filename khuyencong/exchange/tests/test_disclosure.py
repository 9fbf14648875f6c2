"""Disclosures of full personal data through files (issue 21, points 3, 5 and 12).

Stored import files of personal-data registers only for roles that may see full ID numbers; every
download of a stored file, every register export and every list export writing full ID numbers or
phones is a row of the personal-data access log; every such file says ``Cache-Control: no-store``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.testing.fixtures import COMMUNE_B
from khuyencong.training.models import AccessKind, PersonalDataAccess
from khuyencong.training.sheets import COURSES
from khuyencong.training.tests.conftest import MAN_1990, WOMAN_1995, enrol, make_course, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored_job(owner: Any, register: str = "training", rows: int = 3) -> ImportJob:
    job = ImportJob(register=register, filename="hoc-vien.xlsx", fingerprint="0" * 64, size=4,
                    status=ImportStatus.PREVIEWED, dry_run=True, rows_total=rows, created_by=owner)
    job.file.save("hoc-vien.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.save()
    return job


@pytest.fixture
def trainees(db):  # type: ignore[no-untyped-def]
    """Two persons with ID numbers (communes A and B), one without, each in a course organised in A."""
    course = make_course(code="NGHE-A", end=dt.date(2026, 6, 30))
    an = make_person("Nguyễn Văn An", national_id=MAN_1990, birth_year=1990, phone="0912345678")
    binh = make_person("Trần Thị Bình", commune=COMMUNE_B, gender="female", national_id=WOMAN_1995,
                       birth_year=1995)
    no_id = make_person("Lê Văn Cường", birth_year=1988)
    for person in (an, binh, no_id):
        enrol(person, course)
    return an, binh, no_id


def _page(response: Any) -> str:
    """The page without its per-response CSRF token and the address it was asked for."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r"lan-nhap/\d+/", "", page)


def log_rows(kind: str) -> list[PersonalDataAccess]:
    return list(PersonalDataAccess.objects.filter(kind=kind).order_by("pk"))


# --- Point 3: stored import files -------------------------------------------------------------------

@pytest.mark.parametrize("register", ["training", "cooperation"])
def test_auditor_gets_no_personal_data_file_and_the_answer_of_an_unknown_job(personas, register: str) -> None:
    job = stored_job(personas["province_officer"], register)
    auditor = client_for(personas["auditor"])

    refused = auditor.get(reverse("exchange:file", args=[job.pk]))
    unknown = auditor.get(reverse("exchange:file", args=[job.pk + 1000]))

    assert refused.status_code == unknown.status_code == 404
    assert _page(refused) == _page(unknown)
    assert not PersonalDataAccess.objects.exists()
    # The job itself stays visible to the auditor (who imported what), only the file is withheld.
    assert auditor.get(reverse("exchange:job", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["province_admin", "province_officer"])
def test_file_download_is_logged_with_who_which_job_and_when(personas, persona: str) -> None:
    owner = personas["province_officer"]
    job = stored_job(owner, rows=3)
    user = personas[persona]

    response = client_for(user).get(reverse("exchange:file", args=[job.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04"  # type: ignore[attr-defined]
    assert "no-store" in response["Cache-Control"]
    [row] = log_rows(AccessKind.IMPORT_FILE)
    assert (row.actor, row.person, row.count) == (user, None, 3)
    assert f"#{job.pk}" in row.subject and "hoc-vien.xlsx" in row.subject
    assert row.at is not None


def test_file_of_a_register_without_personal_data_is_open_to_the_auditor_and_logged(personas) -> None:
    job = stored_job(personas["province_officer"], "establishments")
    response = client_for(personas["auditor"]).get(reverse("exchange:file", args=[job.pk]))
    assert response.status_code == 200
    assert [r.actor for r in log_rows(AccessKind.IMPORT_FILE)] == [personas["auditor"]]


# --- Point 5: register exports ------------------------------------------------------------------------

def export_training(user: Any) -> Any:
    return client_for(user).get(reverse("exchange:export", args=["training"]))


def test_register_export_with_full_ids_is_logged_with_the_number_of_persons(personas, trainees) -> None:
    officer = personas["province_officer"]
    response = export_training(officer)
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]

    [row] = log_rows(AccessKind.REGISTER_EXPORT)
    # An (ID and phone) and Bình (ID) are disclosed; Cường has neither, nothing of his is unmasked.
    assert (row.actor, row.person, row.count) == (officer, None, 2)
    assert "Đào tạo" in row.subject


def test_commune_officer_export_counts_only_the_persons_shown_in_full(personas, trainees) -> None:
    export_training(personas["commune_officer_a"])
    [row] = log_rows(AccessKind.REGISTER_EXPORT)
    assert row.count == 1  # An lives in commune A; Bình's ID is masked for this officer


def test_masked_register_export_discloses_nothing_and_logs_nothing(personas, trainees) -> None:
    export_training(personas["auditor"])
    assert not log_rows(AccessKind.REGISTER_EXPORT)


def test_register_export_from_the_command_line_is_logged(personas, trainees, tmp_path) -> None:
    from django.core.management import call_command

    call_command("export_register", "training", "--user", personas["province_officer"].username,
                 "--output", str(tmp_path / "dao-tao.xlsx"), stdout=io.StringIO())
    [row] = log_rows(AccessKind.REGISTER_EXPORT)
    assert row.count == 2


# --- Point 5: list exports ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_person_list_export_with_full_phones_is_logged(personas, trainees, fmt: str) -> None:
    officer = personas["province_officer"]
    response = client_for(officer).get(f"/api/v1/persons?format={fmt}")
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    [row] = log_rows(AccessKind.LIST_EXPORT)
    assert (row.actor, row.count) == (officer, 1)  # only An has a phone; ID numbers are always masked there
    assert "/api/v1/persons" in row.subject


def test_api_person_list_export_without_full_data_logs_nothing(personas, trainees) -> None:
    response = client_for(personas["auditor"]).get("/api/v1/persons?format=csv")
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert not log_rows(AccessKind.LIST_EXPORT)


# --- Point 12: formula-like text in register exports ----------------------------------------------

def test_register_export_neutralises_formula_like_text_and_imports_back_unchanged(personas) -> None:
    from khuyencong.exchange.pipeline import run_import
    from khuyencong.training.models import Course

    make_course(code="NGHE-F", title="=HYPERLINK(\"http://x\";\"bấm\")", notes="@SUM(A1)")
    response = export_training(personas["province_officer"])
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(COURSES.name).to_python()
    [row] = [r for r in rows[1:] if r[0] == "NGHE-F"]
    assert row[1] == "'=HYPERLINK(\"http://x\";\"bấm\")"
    assert "'@SUM(A1)" in row

    result = run_import(data, filename="dao-tao.xlsx", actor=personas["province_officer"], register_code="training")
    assert result.committed, [p.message for p in result.problems]
    course = Course.objects.get(code="NGHE-F")
    assert (course.title, course.notes) == ("=HYPERLINK(\"http://x\";\"bấm\")", "@SUM(A1)")


# --- Point 12: Cache-Control on every export and personal-data response ----------------------------

def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", [
    "/trao-doi/xuat/training/", "/trao-doi/xuat/establishments/", "/trao-doi/mau/training/",
    "/co-so/?format=csv", "/co-so/?format=xlsx", "/dao-tao/nguoi/?format=csv", "/dao-tao/nguoi/?format=xlsx",
    "/api/v1/persons?format=csv", "/api/v1/persons?format=xlsx", "/api/v1/establishments?format=csv",
    "/api/v1/establishments?format=xlsx", "/api/v1/persons",
    "/bao-cao/?date_from=2024-01-01&date_to=2026-11-26&format=xlsx",
    "/bao-cao/?date_from=2024-01-01&date_to=2026-11-26&format=docx",
    "/bao-cao/?date_from=2024-01-01&date_to=2026-11-26&format=pdf",
])
def test_exports_and_personal_data_are_not_stored_by_caches(personas, trainees, url: str) -> None:
    response = client_for(personas["province_officer"]).get(url)
    assert response.status_code == 200, url
    assert _no_store(response), (url, response.get("Cache-Control"))


def test_person_pages_unmask_and_subject_export_are_not_stored(personas, trainees) -> None:
    an = trainees[0]
    client = client_for(personas["province_officer"])
    pages = [client.get(reverse("training:person_detail", args=[an.pk])),
             client.post(reverse("training:person_unmask", args=[an.pk])),
             client.post(reverse("training:person_export", args=[an.pk])),
             client.get(f"/api/v1/persons/{an.pk}"),
             client.post(f"/api/v1/persons/{an.pk}/unmask"),
             client.post(f"/api/v1/persons/{an.pk}/export")]
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert _no_store(response), response.request["PATH_INFO"]


# --- Point 5: the auditor reads these rows ----------------------------------------------------------

def test_auditor_access_log_page_shows_who_what_how_many(personas, trainees) -> None:
    export_training(personas["province_officer"])
    auditor = client_for(personas["auditor"])
    page = auditor.get(reverse("audit:access_log")).content.decode()
    assert "officer" in page and "Xuất sổ “Đào tạo" in page and '<td class="num">2</td>' in page
    assert "Xuất sổ dữ liệu theo mẫu nhập" in page
    filtered = auditor.get(reverse("audit:access_log"), {"text": "Đào tạo"}).content.decode()
    assert '<td class="num">2</td>' in filtered
    csv_text = b"".join(auditor.get(reverse("audit:access_log"), {"format": "csv"}).streaming_content).decode()
    assert "Số người" in csv_text and "Xuất sổ “Đào tạo" in csv_text
