"""The fairs register: create and update through the services, idempotent re-import, round trip, bad rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db.models import Sum

from khuyencong.accounts.policy import other_provinces_allowed
from khuyencong.exchange.export import write_register
from khuyencong.exchange.pipeline import ImportResult, run_import
from khuyencong.exchange.registry import get
from khuyencong.exchange.spec import ImportContext, Row
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.fairs.indicators import counted
from khuyencong.fairs.models import Fair, FairParticipation, Showroom, ShowroomDisplay
from khuyencong.fairs.sheets import DISPLAYS, FAIRS, PARTICIPATIONS, SHOWROOMS
from khuyencong.fairs.tests.conftest import fair_figures
from khuyencong.testing.fixtures import COMMUNE_A, VALID_TAX_CODES, make_establishment, unit

pytestmark = pytest.mark.django_db
REGISTER = get("fairs")
MODELS = (Fair, FairParticipation, Showroom, ShowroomDisplay)
TAX = VALID_TAX_CODES[0]
EST_A = {"establishment_name": "Cơ sở chế biến hạt điều Phước Nguyên", "establishment_commune": "26554"}
EST_TAXED = {"establishment_tax_code": TAX, "establishment_name": "Công ty TNHH Gốm Long Điền"}
FAIR_2019 = {"name": "Hội chợ Công thương Bà Rịa - Vũng Tàu 2019", "start_date": dt.date(2019, 12, 4),
             "end_date": dt.date(2019, 12, 9), "organiser": "Sở Công Thương", "scope": "Cấp tỉnh",
             "venue_unit": "26554", "booth_support_vnd": 12_000_000,
             "support_policy": "Hỗ trợ 80% chi phí thuê gian hàng tiêu chuẩn"}
FAIR_SANJO = {"name": "Hội chợ Xúc tiến thương mại Sanjo 2019", "start_date": dt.date(2019, 5, 22),
              "end_date": dt.date(2019, 5, 27), "organiser": "Sở Công Thương", "scope": "international",
              "venue_country": "Nhật Bản", "venue_city": "Sanjo", "booth_support_vnd": 30_000_000}
SHOWROOM = {"name": "Điểm giới thiệu sản phẩm CNNT Bà Rịa", "location_unit": COMMUNE_A, "operator": "Trung tâm "
            "Khuyến công tỉnh", "opened_on": dt.date(2025, 8, 1)}


def at(fair: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"fair_name": fair["name"], "fair_start_date": fair["start_date"], **extra}


def book(fairs: list[dict[str, Any]] = (), participations: list[dict[str, Any]] = (),  # type: ignore[assignment]
         showrooms: list[dict[str, Any]] = (), displays: list[dict[str, Any]] = ()) -> bytes:  # type: ignore[assignment]
    content = {}
    for spec, rows in ((FAIRS, fairs), (PARTICIPATIONS, participations), (SHOWROOMS, showrooms),
                       (DISPLAYS, displays)):
        content[spec.name] = [[c.header for c in spec.columns], *[[r.get(c.field) for c in spec.columns]
                                                                  for r in rows]]
    return workbook_bytes(content)


def full_book(**edits: Any) -> bytes:
    return book(
        fairs=[FAIR_2019, FAIR_SANJO],
        participations=[
            at(FAIR_2019, **EST_A, products="Hạt điều rang muối; Hạt điều tẩm gia vị", contracts_signed=2,
               sales_vnd=edits.get("sales_vnd", 45_000_000), new_distributors=1),
            at(FAIR_2019, **EST_TAXED, support_vnd=6_000_000),
            at(FAIR_SANJO, **EST_A, booths=2, sales_vnd=120_000_000),
            at(FAIR_SANJO, **EST_TAXED, withdrawn="Có"),
        ],
        showrooms=[SHOWROOM],
        displays=[{"showroom": SHOWROOM["name"], **EST_A, "displayed_from": dt.date(2025, 9, 1),
                   "products": "Hạt điều rang muối"}],
    )


def load(data: bytes, actor: Any, **kwargs: Any) -> ImportResult:
    return run_import(data, filename="hoi-cho.xlsx", actor=actor, register_code="fairs", **kwargs)


def history_rows() -> int:
    return sum(m.history.count() for m in MODELS)  # type: ignore[attr-defined]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in MODELS)


def where(result: ImportResult) -> list[tuple[str, str]]:
    return [(p.where(), p.message) for p in result.problems]


@pytest.fixture
def officer(personas):  # type: ignore[no-untyped-def]
    return personas["province_officer"]


@pytest.fixture
def taxed(db):  # type: ignore[no-untyped-def]
    return make_establishment("Công ty TNHH Gốm Long Điền", unit(COMMUNE_A), tax_code=TAX)


def test_workbook_creates_fairs_participations_and_showrooms(officer, est_a, taxed) -> None:
    result = load(full_book(), officer)
    assert result.problems == [] and result.committed, where(result)
    assert counts() == (2, 4, 1, 1)
    assert result.outcomes[PARTICIPATIONS.name].created == 4
    # One establishment at two fairs stays one establishment with two participations (lượt).
    assert est_a.fair_participations.count() == 2
    fair = Fair.objects.get(name=FAIR_2019["name"])
    assert fair.scope == "provincial" and fair.venue_unit == unit("26554", dt.date(2019, 12, 4))
    taxed_2019 = FairParticipation.objects.get(fair=fair, establishment=taxed)
    assert taxed_2019.support_vnd == 6_000_000 and taxed_2019.booths == 1
    sanjo = FairParticipation.objects.get(fair__name=FAIR_SANJO["name"], establishment=est_a)
    assert sanjo.support_vnd == 30_000_000  # empty cell: the fair's booth support
    assert FairParticipation.objects.get(fair=fair, establishment=est_a).products_shown == [
        "Hạt điều rang muối", "Hạt điều tẩm gia vị"]
    assert fair_figures(dt.date(2019, 1, 1), dt.date(2019, 12, 31)) == (3, 2)


def test_reimporting_the_same_file_writes_nothing(officer, est_a, taxed) -> None:
    data = full_book()
    assert load(data, officer).committed
    before, versions = history_rows(), list(FairParticipation.objects.values_list("version", flat=True))
    again = load(data, officer)
    assert again.problems == [] and again.committed
    assert {name: (o.created, o.updated) for name, o in again.outcomes.items()} == {
        name: (0, 0) for name in (FAIRS.name, PARTICIPATIONS.name, SHOWROOMS.name, DISPLAYS.name)}
    assert again.outcomes[PARTICIPATIONS.name].unchanged == 4
    assert history_rows() == before
    assert list(FairParticipation.objects.values_list("version", flat=True)) == versions


def test_an_edited_cell_updates_that_participation_only(officer, est_a, taxed) -> None:
    assert load(full_book(), officer).committed
    before = FairParticipation.history.count()  # type: ignore[attr-defined]
    result = load(full_book(sales_vnd=99_000_000), officer)
    assert result.committed, where(result)
    assert result.outcomes[PARTICIPATIONS.name].updated == 1 and result.outcomes[PARTICIPATIONS.name].unchanged == 3
    assert FairParticipation.objects.get(fair__name=FAIR_2019["name"], establishment=est_a).sales_vnd == 99_000_000
    assert FairParticipation.history.count() == before + 1  # type: ignore[attr-defined]


def _support_by_scope(period: tuple[dt.date, dt.date]) -> dict[str, int]:
    """Support paid (fairs and listings) per fair scope over the rows the fair indicators count."""
    rows = counted(*period, None, kind=None).values("fair__scope").annotate(s=Sum("support_vnd")).order_by()
    return {row["fair__scope"]: row["s"] for row in rows}


def test_export_imports_back_and_into_an_empty_database_gives_the_same_figures(officer, est_a, taxed) -> None:
    assert load(full_book(), officer).committed
    buffer = io.BytesIO()
    write_register(REGISTER, officer, buffer)
    exported = buffer.getvalue()
    before = history_rows()
    same = load(exported, officer)
    assert same.problems == [] and same.committed and history_rows() == before, where(same)

    period = (dt.date(2014, 1, 1), dt.date(2026, 12, 31))
    figures = (fair_figures(*period), _support_by_scope(period))
    ShowroomDisplay.objects.all().delete()
    FairParticipation.objects.all().delete()
    Fair.objects.all().delete()
    Showroom.objects.all().delete()
    again = load(exported, officer)
    assert again.problems == [] and again.committed, where(again)
    assert counts() == (2, 4, 1, 1)
    assert (fair_figures(*period), _support_by_scope(period)) == figures


def test_register_methods_work_on_hand_built_rows(officer, est_a) -> None:
    ctx = ImportContext(actor=officer)
    values = {c.field: "" if c.kind == "text" else None for c in FAIRS.columns}
    values.update(FAIR_SANJO, scope="international")
    REGISTER.import_rows(FAIRS, [Row(2, values)], ctx)
    assert ctx.problems == [] and ctx.outcome(FAIRS).created == 1
    row = next(iter(REGISTER.export_rows(FAIRS, actor=officer)))
    assert row[:5] == [FAIR_SANJO["name"], dt.date(2019, 5, 22), dt.date(2019, 5, 27), "Sở Công Thương",
                       "international"]


# --- Bad rows: each reported in Vietnamese with sheet, row and column; nothing saved -------------------------------

def test_unknown_fair_in_participations(officer, est_a) -> None:
    result = load(book(fairs=[FAIR_2019], participations=[at(FAIR_SANJO, **EST_A)]), officer)
    assert not result.committed
    assert where(result) == [("Trang “Tham gia hội chợ”, dòng 2, cột “Tên hội chợ, triển lãm”",
                              "Không tìm thấy hội chợ “Hội chợ Xúc tiến thương mại Sanjo 2019” khai mạc ngày "
                              "22/05/2019. Hãy ghi hội chợ này ở trang “Hội chợ” hoặc kiểm tra lại tên và ngày "
                              "khai mạc.")]
    assert counts() == (0, 0, 0, 0)


def test_end_date_before_start_date(officer, est_a) -> None:
    result = load(book(fairs=[{**FAIR_2019, "end_date": dt.date(2019, 12, 1)}], showrooms=[SHOWROOM],
                       displays=[{"showroom": SHOWROOM["name"], **EST_A, "displayed_from": dt.date(2025, 9, 1),
                                  "displayed_to": dt.date(2025, 8, 20)}]), officer)
    assert not result.committed
    assert where(result) == [
        ("Trang “Hội chợ”, dòng 2, cột “Ngày bế mạc”",
         "Ngày bế mạc (01/12/2019) không được trước ngày khai mạc (04/12/2019)."),
        ("Trang “Trưng bày”, dòng 2, cột “Trưng bày đến”",
         "Ngày kết thúc (20/08/2025) không được trước ngày bắt đầu (01/09/2025)."),
    ]
    assert counts() == (0, 0, 0, 0)


def test_establishment_the_actor_may_not_see(personas, est_a, taxed) -> None:
    fair = Fair.objects.create(name="Hội chợ hàng CNNT 2026", organiser="Sở Công Thương", scope="provincial",
                               venue_unit=unit(COMMUNE_A), start_date=dt.date(2026, 5, 1),
                               end_date=dt.date(2026, 5, 5))
    row = {"fair_name": fair.name, "fair_start_date": fair.start_date}
    # Commune officer B covers neither establishment (both are in commune A).
    result = load(book(participations=[{**row, **EST_A}, {**row, **EST_TAXED}]), personas["commune_officer_b"])
    assert not result.committed
    assert where(result) == [
        ("Trang “Tham gia hội chợ”, dòng 2, cột “Tên cơ sở”",
         "Không có cơ sở “Cơ sở chế biến hạt điều Phước Nguyên” (xã/phường 26554) trong phạm vi bạn quản lý. "
         "Hãy nhập cơ sở vào danh sách cơ sở trước hoặc kiểm tra lại."),
        ("Trang “Tham gia hội chợ”, dòng 3, cột “Mã số thuế cơ sở”",
         f"Không có cơ sở có mã số thuế {TAX} trong phạm vi bạn quản lý. "
         "Hãy nhập cơ sở vào danh sách cơ sở trước hoặc kiểm tra lại."),
    ]
    assert FairParticipation.objects.count() == 0
    # Commune officer A may register them, but not create or change a fair.
    officer_a = personas["commune_officer_a"]
    assert load(book(participations=[{**row, **EST_A}]), officer_a).committed
    refused = load(book(fairs=[FAIR_2019]), officer_a)
    assert not refused.committed and where(refused) == [
        ("Trang “Hội chợ”, dòng 2", "Bạn không có quyền thực hiện thao tác này.")]


def test_duplicate_key_within_one_file(officer, est_a, taxed) -> None:
    same_row = at(FAIR_2019, **EST_A)
    # The same establishment written once by tax code and once by name + commune is the same key too.
    by_name = at(FAIR_2019, establishment_name=taxed.name, establishment_commune=taxed.commune.code)
    result = load(book(fairs=[FAIR_2019, FAIR_2019],
                       participations=[same_row, same_row, at(FAIR_2019, **EST_TAXED), by_name]), officer)
    assert not result.committed
    assert where(result) == [
        ("Trang “Hội chợ”, dòng 3, cột “Tên hội chợ, triển lãm”",
         "Trùng khoá (Tên hội chợ, triển lãm, Ngày khai mạc) với dòng 2 trong cùng tệp."),
        ("Trang “Tham gia hội chợ”, dòng 3, cột “Tên hội chợ, triển lãm”",
         "Trùng khoá (Tên hội chợ, triển lãm, Ngày khai mạc, Mã số thuế cơ sở, Tên cơ sở, Mã xã/phường của cơ sở) "
         "với dòng 2 trong cùng tệp."),
        ("Trang “Tham gia hội chợ”, dòng 5, cột “Tên cơ sở”",
         "Dòng này trùng khóa nhận diện với dòng 4 trong cùng trang; mỗi bản ghi chỉ ghi một dòng."),
    ]
    assert counts() == (0, 0, 0, 0)


def test_other_province_exhibitors_go_back_only_in_a_system_migration(officer, est_a) -> None:
    """The services register no establishment of another province, except inside other_provinces_allowed()."""
    outside = make_establishment("Cơ sở chế biến gỗ Đồng Nai 1", unit("26014", dt.date(2018, 1, 1)),
                                 registered_on=dt.date(2018, 1, 1))
    fair = Fair.objects.create(name="Hội chợ vùng 2019", organiser="Bộ Công Thương", scope="regional",
                               venue_unit=unit("79"), start_date=dt.date(2019, 6, 1), end_date=dt.date(2019, 6, 5))
    FairParticipation.objects.create(fair=fair, establishment=outside)
    FairParticipation.objects.create(fair=fair, establishment=est_a)
    buffer = io.BytesIO()
    write_register(REGISTER, officer, buffer)
    FairParticipation.objects.all().delete()
    refused = load(buffer.getvalue(), officer)
    assert not refused.committed and [p.row for p in refused.problems] == [2]  # in name order: Đồng Nai first
    assert FairParticipation.objects.count() == 0
    with other_provinces_allowed():
        result = load(buffer.getvalue(), officer)
    assert result.committed, where(result)
    assert set(FairParticipation.objects.values_list("establishment__name", flat=True)) == {outside.name, est_a.name}


def test_export_queries_do_not_grow_with_the_rows(officer, est_a, taxed, django_assert_max_num_queries) -> None:
    assert load(full_book(), officer).committed
    for spec in REGISTER.sheets:
        with django_assert_max_num_queries(4):  # records, prefetched products, the province's communes
            rows = list(REGISTER.export_rows(spec, actor=officer))
        assert rows
