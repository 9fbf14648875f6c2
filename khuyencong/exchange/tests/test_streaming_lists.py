"""Every list page and every API list exports CSV and XLSX: same filters, same area scoping, no N+1.

Records of commune A carry the marker "LEAKA", records of commune B "LEAKB" (as in the permission
matrix); an export by commune officer A must never contain a B marker or B's establishment.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from khuyencong.exchange.tests.test_streaming import body, column, csv_rows, xlsx_rows
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_establishment, unit

PAGES = [
    "/co-so/", "/de-an/", "/de-an/ke-hoach/", "/de-an/dinh-muc/", "/dao-tao/", "/dao-tao/nguoi/",
    "/dao-tao/theo-doi-den-han/", "/hop-tac/", "/hop-tac/doi-tac/", "/san-pham/", "/san-pham/cong-nhan/",
    "/hoi-cho/?khi=past", "/hoi-cho/diem-gioi-thieu/", "/nhat-ky/truy-cap-du-lieu-ca-nhan/",
    "/nhat-ky/thay-doi/schemes.scheme/",
]
EMPTY_IN_WORLD = {"/san-pham/", "/san-pham/cong-nhan/", "/hoi-cho/diem-gioi-thieu/"}  # no round, certificate, showroom
# Pages a commune officer may open (the audit pages are for auditors and the province administrator).
AREA_PAGES = [p for p in PAGES if not p.startswith("/nhat-ky/")]


def _api_export_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, ops in schema["paths"].items()
                  if "get" in ops and any(p["name"] == "format" for p in ops["get"].get("parameters", [])))


API_EXPORTS = _api_export_paths()
API_LISTS = [p for p in API_EXPORTS if "{" not in p]  # lists; the others are list-valued actions of one record
_ids = itertools.count(1)


def _side(marker: str, commune: str, establishment: Any, actor: Any) -> None:
    """One record of every kind on one side of the province, named with the marker."""
    from khuyencong.cooperation.models import Partner
    from khuyencong.cooperation.tests.conftest import attend, make_activity, official
    from khuyencong.fairs.tests.conftest import make_fair, make_participation
    from khuyencong.products.tests.conftest import make_product
    from khuyencong.schemes.tests.conftest import make_scheme
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    person = make_person(f"{marker} Học Viên", commune=commune, national_id=f"079{next(_ids):06d}234",
                         phone="0912345678")
    enrol(person, make_course(organising=commune, title=f"{marker} lớp", end=dt.date(2026, 6, 30)))
    make_scheme(actor, [establishment], code=f"{marker}-01", title=f"{marker} đề án")
    # Fairs and partners are province-wide records (everyone may read them): no marker on them.
    fair = make_fair(f"Hội chợ {commune} {next(_ids)}", start=dt.date(2026, 3, 1))
    make_participation(fair, establishment, notes=f"{marker} ghi chú")
    make_product(establishment, f"{marker} sản phẩm")
    partner, _new = Partner.objects.get_or_create(name=f"Đối tác {commune}", country="Nhật Bản")
    attend(make_activity(partner, organising=commune, title=f"{marker} hoạt động"), official(f"{marker} Cán Bộ",
                                                                                              commune=commune))
    establishment.notes = f"{marker} cơ sở"
    establishment.save()


@pytest.fixture
def world(personas, est_a, est_b) -> None:  # type: ignore[no-untyped-def]
    from khuyencong.schemes.models import AnnualPlan, Programme
    from khuyencong.training.models import AccessKind, Person, PersonalDataAccess

    actor = personas["province_admin"]
    _side("LEAKA", COMMUNE_A, est_a, actor)
    _side("LEAKB", COMMUNE_B, est_b, actor)
    programme = Programme.objects.create(name="=Chương trình khuyến công", level="national", start_year=2026,
                                         end_year=2030)
    AnnualPlan.objects.create(programme=programme, year=2026, funding_source="national", approved_total=2_000_000_000)
    PersonalDataAccess.objects.create(actor=personas["auditor"], person=Person.objects.first(),
                                      kind=AccessKind.UNMASKED_ID)


def _with_format(url: str, fmt: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}format={fmt}"


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_list_page_exports_csv_and_xlsx(client, personas, world, url: str) -> None:
    client.force_login(personas["province_admin"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xuất Excel" in html and "Xuất CSV" in html and "format=xlsx" in html
    csv_data = csv_rows(client.get(_with_format(url, "csv")))
    xlsx_data = xlsx_rows(client.get(_with_format(url, "xlsx")))
    assert csv_data[0] == xlsx_data[0] and len(csv_data) == len(xlsx_data), url
    assert len(csv_data) > 1 or url in EMPTY_IN_WORLD, url
    assert all(row[0] != "" for row in xlsx_data[1:])


@pytest.mark.parametrize("url", PAGES)
def test_bad_format_on_a_page_is_a_400(client, personas, url: str) -> None:
    client.force_login(personas["province_admin"])
    response = client.get(_with_format(url, "docx"))
    assert response.status_code == 400
    assert "Định dạng xuất “docx” không được hỗ trợ" in response.content.decode()


@pytest.mark.parametrize("url", AREA_PAGES)
def test_commune_officer_exports_only_their_area(client, personas, world, est_b, url: str) -> None:
    client.force_login(personas["commune_officer_a"])
    for fmt in ("csv", "xlsx"):
        text = str(csv_rows(client.get(_with_format(url, fmt)))) if fmt == "csv" else str(
            xlsx_rows(client.get(_with_format(url, fmt))))
        assert "LEAKB" not in text and est_b.name not in text, (url, fmt)


def test_area_exports_contain_the_officers_own_rows(client, personas, world) -> None:
    client.force_login(personas["commune_officer_a"])
    for url, header in [("/de-an/", "Tên đề án"), ("/dao-tao/", "Tên lớp"), ("/dao-tao/nguoi/", "Họ và tên"),
                        ("/hop-tac/", "Hoạt động")]:
        assert any("LEAKA" in v for v in column(csv_rows(client.get(_with_format(url, "csv"))), header)), url


def test_page_filters_apply_to_the_export(client, personas, world) -> None:
    client.force_login(personas["province_admin"])
    rows = csv_rows(client.get("/de-an/?q=LEAKB&format=csv"))
    assert column(rows, "Mã đề án") == ["LEAKB-01"]
    rows = csv_rows(client.get("/dao-tao/nguoi/?q=LEAKA&format=csv"))
    assert column(rows, "Họ và tên") == ["LEAKA Cán Bộ", "LEAKA Học Viên"]


def test_scheme_export_types(client, personas, world) -> None:
    client.force_login(personas["province_officer"])
    rows = xlsx_rows(client.get("/de-an/?q=LEAKA&format=xlsx"))
    assert column(rows, "Kinh phí khuyến công hỗ trợ (đồng)") == [250_000_000]
    assert column(rows, "Bắt đầu (kế hoạch)") == [dt.date(2026, 3, 1)]
    assert column(rows, "Cơ sở thụ hưởng") == ["Cơ sở chế biến hạt điều Phước Nguyên"]


def test_person_export_reveals_no_more_than_the_list_page(client, personas, world) -> None:
    client.force_login(personas["province_admin"])  # even the role that may unmask gets the list's columns
    text = str(csv_rows(client.get("/dao-tao/nguoi/?format=csv")))
    assert "0912345678" not in text and "07901" not in text and "0001234" not in text


def test_public_register_export_needs_no_login(client, personas) -> None:
    rows = csv_rows(client.get("/san-pham/cong-nhan/?format=csv"))
    assert rows[0][:2] == ["Sản phẩm", "Cơ sở"]


def test_audit_exports_stay_with_auditors(client, personas) -> None:
    client.force_login(personas["commune_officer_a"])
    assert client.get("/nhat-ky/thay-doi/?format=csv").status_code == 403


def test_fair_participants_csv_is_scoped_and_matches_the_workbook(client, personas, world, est_a, est_b) -> None:
    from khuyencong.fairs.models import Fair

    fair = Fair.objects.get(name__startswith=f"Hội chợ {COMMUNE_B}")
    client.force_login(personas["commune_officer_a"])
    assert column(csv_rows(client.get(f"/hoi-cho/{fair.pk}/xuat-excel/?format=csv")), "Cơ sở CNNT") == []
    client.force_login(personas["commune_officer_b"])
    rows = csv_rows(client.get(f"/hoi-cho/{fair.pk}/xuat-excel/?format=csv"))
    assert column(rows, "Cơ sở CNNT") == [est_b.name]
    assert column(rows, "Ghi chú") == ["LEAKB ghi chú"]
    assert client.get(f"/hoi-cho/{fair.pk}/xuat-excel/?format=pdf").status_code == 400


QUERY_COUNTED = ["/co-so/", "/de-an/", "/dao-tao/", "/dao-tao/nguoi/", "/dao-tao/theo-doi-den-han/", "/hop-tac/",
                 "/hoi-cho/?khi=past", "/san-pham/", "/nhat-ky/thay-doi/schemes.scheme/",
                 "/nhat-ky/truy-cap-du-lieu-ca-nhan/"]


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        body(response)
    return len(queries)


def test_query_count_does_not_grow_with_rows(client, personas, world) -> None:
    from khuyencong.training.models import AccessKind, Person, PersonalDataAccess

    client.force_login(personas["province_admin"])
    urls = [_with_format(u, fmt) for u in QUERY_COUNTED for fmt in ("csv", "xlsx")]
    _queries(client, urls[0])  # warm up the session
    before = {u: _queries(client, u) for u in urls}
    for n in range(3):
        more = make_establishment(f"Cơ sở thêm {n}", unit(COMMUNE_A))
        _side(f"MORE{n}", COMMUNE_A, more, personas["province_admin"])
        PersonalDataAccess.objects.create(actor=personas["auditor"], person=Person.objects.last(),
                                          kind=AccessKind.UNMASKED_ID)
    after = {u: _queries(client, u) for u in urls}
    assert after == before


# --- API lists ----------------------------------------------------------------------------------


def test_every_domain_api_list_is_exportable() -> None:
    resources = {p.split("/")[3] for p in API_LISTS}
    assert resources >= {"establishments", "schemes", "plans", "programmes", "supportnorms", "courses", "persons",
                         "participations", "partners", "agreements", "activities", "products", "rounds",
                         "nominations", "certificates", "fairs", "fairparticipations", "showrooms", "units"}


@pytest.mark.parametrize("path", API_LISTS)
def test_every_api_list_exports_csv_and_xlsx_within_scope(personas, world, est_b, path: str) -> None:
    api = APIClient()
    api.force_authenticate(personas["province_admin"])
    json_count = api.get(path).json()
    total = json_count["count"] if isinstance(json_count, dict) else len(json_count)
    rows = csv_rows(api.get(path, {"format": "csv"}))
    assert len(rows) - 1 == total
    assert len(xlsx_rows(api.get(path, {"format": "xlsx"}))) == len(rows)
    assert api.get(path, {"format": "ods"}).status_code == 400
    api.force_authenticate(personas["commune_officer_a"])
    text = str(csv_rows(api.get(path, {"format": "csv"})))
    assert "LEAKB" not in text and est_b.name not in text, path


def test_api_person_export_keeps_the_serializer_masking(personas, world) -> None:
    api = APIClient()
    api.force_authenticate(personas["auditor"])
    rows = csv_rows(api.get("/api/v1/persons", {"format": "csv"}))
    assert set(column(rows, "national_id")) == {"", "**********34"}  # officials without an ID number: empty
    assert set(column(rows, "phone")) == {"", "09******78"}


def test_api_export_query_count_does_not_grow_with_rows(personas, world) -> None:
    api = APIClient()
    api.force_authenticate(personas["province_admin"])
    urls = [f"{p}?format=csv" for p in ("/api/v1/schemes", "/api/v1/persons", "/api/v1/fairparticipations",
                                        "/api/v1/activities", "/api/v1/courses", "/api/v1/products")]
    before = {u: _queries(api, u) for u in urls}
    for n in range(3):
        _side(f"MORE{n}", COMMUNE_A, make_establishment(f"Cơ sở thêm {n}", unit(COMMUNE_A)),
              personas["province_admin"])
    assert {u: _queries(api, u) for u in urls} == before


def test_unit_export_follows_the_date_and_level_filters(personas) -> None:
    """The reference list exports like the others: communes in force on a date, before or after the reform."""
    api = APIClient()
    api.force_authenticate(personas["commune_officer_a"])
    before = csv_rows(api.get("/api/v1/units", {"level": "province", "on": "2025-06-30", "format": "csv"}))
    after = csv_rows(api.get("/api/v1/units", {"level": "province", "on": "2025-07-01", "format": "csv"}))
    assert (len(before) - 1, len(after) - 1) == (63, 34)
    assert api.get("/api/v1/units", {"on": "30/06/2025", "format": "csv"}).status_code == 400


def test_course_page_exports_its_participant_table(client, personas) -> None:
    """A detail page's list exports too: the course's own participants, as the page shows them."""
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    course, other = make_course(code="XUAT-1"), make_course(code="XUAT-2")
    enrol(make_person("Nguyễn Văn An", national_id="077090000001"), course)
    enrol(make_person("Trần Thị Bình", gender="female"), other)
    client.force_login(personas["province_officer"])
    page = client.get(f"/dao-tao/lop/{course.pk}/").content.decode()
    assert "?format=xlsx" in page

    rows = csv_rows(client.get(f"/dao-tao/lop/{course.pk}/", {"format": "csv"}))

    assert rows == [["Họ và tên", "Xã/phường", "Trạng thái", "Số chứng chỉ", "Lần theo dõi"],
                    ["Nguyễn Văn An", unit(COMMUNE_A).name, "Hoàn thành", "", "0"]]
    assert xlsx_rows(client.get(f"/dao-tao/lop/{course.pk}/", {"format": "xlsx"}))[1][0] == "Nguyễn Văn An"
    assert client.get(f"/dao-tao/lop/{course.pk}/", {"format": "ods"}).status_code == 400
    client.force_login(personas["commune_officer_b"])  # a course of commune A: not theirs to read
    assert client.get(f"/dao-tao/lop/{course.pk}/", {"format": "csv"}).status_code in (403, 404)


def test_list_valued_api_actions_export_too(personas) -> None:
    """A course's participants and a round's results export like the lists, in the JSON's own columns."""
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    assert {p for p in API_EXPORTS if "{" in p} == {"/api/v1/courses/{id}/participants",
                                                     "/api/v1/rounds/{id}/results"}
    course = make_course(code="XUAT-API")
    enrol(make_person("Nguyễn Văn An"), course)
    api = APIClient()
    api.force_authenticate(personas["province_officer"])
    path = f"/api/v1/courses/{course.pk}/participants"

    json_rows = api.get(path).json()
    rows = csv_rows(api.get(path, {"format": "csv"}))

    assert len(rows) - 1 == len(json_rows) == 1
    assert len(rows[0]) == len(json_rows[0])  # one column per JSON field
    assert "Nguyễn Văn An" in rows[1] and "XUAT-API" in rows[1]
    assert len(xlsx_rows(api.get(path, {"format": "xlsx"}))) == 2
    assert api.get(path, {"format": "ods"}).status_code == 400
    assert api.get("/api/v1/rounds/999999/results", {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/fairs", "/api/v1/courses", "/api/v1/schemes"])
@pytest.mark.parametrize("year", ["65536", "1999", "20x5", "-2020"])
def test_year_filters_outside_the_programme_are_a_400_even_when_exported(personas, path: str, year: str) -> None:
    """An export runs the query the paginated JSON may never reach: a year no date can hold must be refused."""
    api = APIClient()
    api.force_authenticate(personas["province_admin"])
    for params in ({"year": year}, {"year": year, "format": "csv"}):
        response = api.get(path, params)
        assert response.status_code == 400, (path, params)
        assert "Năm phải là số từ 2000 đến 2100" in response.content.decode()
    assert api.get(path, {"year": "2026", "format": "csv"}).status_code == 200
