"""The typical-products register: a past round recorded from a workbook, re-imported, edited, refused."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F

from khuyencong.accounts.models import Role
from khuyencong.core.errors import StaleEditError
from khuyencong.exchange import registry
from khuyencong.exchange.export import write_register
from khuyencong.exchange.pipeline import ImportResult, run_import
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.products.models import (
    Certificate,
    ConflictDeclaration,
    Council,
    CouncilMember,
    Nomination,
    NominationStatus,
    Product,
    RecognitionDecision,
    Result,
    RoundEvent,
    Score,
    SelectionRound,
)
from khuyencong.products.sheets import (
    CERTIFICATES,
    MEMBERS,
    NOMINATIONS,
    PRODUCTS,
    ROUNDS,
    SCORES,
    ProductsRegister,
)
from khuyencong.products.sheets.state import ImportState
from khuyencong.products.tests.conftest import recognised
from khuyencong.testing.fixtures import OLD_DAY, OLD_IN_A, make_user, unit

JURORS = ("giamkhao1", "giamkhao2", "giamkhao3")
MODELS = (Product, SelectionRound, RoundEvent, Council, CouncilMember, Nomination, Score, Result, RecognitionDecision,
          Certificate)
PRODUCT_NAME = "Hạt điều rang muối Phước Nguyên"
PASSING = {"1": 32, "2": 30, "3": 8, "4": 8}  # 78 of 100


@pytest.fixture
def council_users(db):  # type: ignore[no-untyped-def]
    return [make_user(name, Role.COUNCIL_MEMBER) for name in (*JURORS, "thuky")]


@pytest.fixture
def officer(personas, council_users):  # type: ignore[no-untyped-def]
    return personas["province_officer"]


def district_code() -> str:
    district = unit(OLD_IN_A, OLD_DAY).parent
    assert district is not None
    return district.code


def headers(sheet: Any) -> list[str]:
    return [c.header for c in sheet.columns]


def product_ref(est: Any, name: str = PRODUCT_NAME) -> list[Any]:
    return [est.tax_code or "", est.name, est.commune.code, name]


def round_ref(year: int) -> list[Any]:
    return ["Cấp huyện", district_code(), year]


def history_book(est: Any, *, years: tuple[int, ...] = (2016,), points: dict[str, Any] | None = None,
                 edit: Callable[[dict[str, list[list[Any]]]], None] | None = None) -> bytes:
    """A decided district round per year, three jurors, the product recognised in each round."""
    points = points or PASSING
    rows: dict[str, list[list[Any]]] = {
        PRODUCTS.name: [[*product_ref(est), "agro_food", "Điều rang củi", "Không"]],
        ROUNDS.name: [], MEMBERS.name: [], NOMINATIONS.name: [], SCORES.name: [], CERTIFICATES.name: [],
    }
    for year in years:
        rows[ROUNDS.name].append([
            *round_ref(year), f"Bình chọn sản phẩm CNNT tiêu biểu cấp huyện năm {year}", f"{year}/KH-UBND",
            dt.date(year, 6, 30), None, "Đã có quyết định công nhận", f"Hội đồng bình chọn {year}", f"{year}/QĐ-HĐ",
            f"{year}/QĐ-UBND", dt.date(year, 11, 20)])
        rows[MEMBERS.name] += [[*round_ref(year), j, "Giám khảo", ""] for j in JURORS]
        rows[MEMBERS.name].append([*round_ref(year), "thuky", "Thư ký", "Chuyên viên"])
        rows[NOMINATIONS.name].append(round_ref(year) + product_ref(est) + [
            "", dt.date(year, 5, 15), "", "Có", "", "Được công nhận"])
        rows[SCORES.name] += [round_ref(year) + product_ref(est) + [j, code, value]
                              for j in JURORS for code, value in points.items()]
        rows[CERTIFICATES.name].append(round_ref(year) + product_ref(est) + [
            f"DI-{year}-001", dt.date(year, 11, 20), dt.date(year + 3, 12, 31), "Không", None, ""])
    if edit:
        edit(rows)
    return workbook_bytes({sheet.name: [headers(sheet), *rows[sheet.name]] for sheet in ProductsRegister.sheets})


def run(data: bytes, actor: Any) -> ImportResult:
    return run_import(data, filename="san-pham.xlsx", actor=actor, register_code="products")


def history_rows() -> int:
    return sum(m.history.count() for m in MODELS)  # type: ignore[attr-defined]


def nothing_saved() -> bool:
    return not any(m.objects.exists() for m in (Product, SelectionRound, Nomination, Score, Certificate))


def only_problem(result: ImportResult) -> tuple[str, int | None, str | None, str]:
    assert len(result.problems) == 1, [(p.where(), p.message) for p in result.problems]
    p = result.problems[0]
    return p.sheet, p.row, p.column, p.message


# ---- a past round recorded from a workbook -----------------------------------------------------

def test_a_decided_round_is_recorded_with_its_council_scores_and_certificate(officer, est_a):  # type: ignore[no-untyped-def]
    result = run(history_book(est_a), officer)

    assert result.committed, [(p.where(), p.message) for p in result.problems]
    assert {k: (o.created, o.updated, o.unchanged) for k, o in result.outcomes.items()} == {
        PRODUCTS.name: (1, 0, 0), ROUNDS.name: (1, 0, 0), MEMBERS.name: (4, 0, 0), NOMINATIONS.name: (1, 0, 0),
        SCORES.name: (12, 0, 0), CERTIFICATES.name: (1, 0, 0)}
    certificate = Certificate.objects.select_related("decision", "level", "nomination__result").get()
    assert (certificate.number, certificate.level.code, certificate.year) == ("DI-2016-001", "district", 2016)
    assert certificate.decision.decided_on == dt.date(2016, 11, 20)
    assert certificate.nomination.status == NominationStatus.RECOGNISED
    assert certificate.nomination.result.combined_score == 78 and certificate.nomination.result.approved
    # The event says the round was recorded, not driven through its steps.
    assert RoundEvent.objects.get().note.startswith("Ghi nhận")
    assert recognised("district") == 1


def test_a_product_recognised_twice_at_one_level_stays_one_product_with_two_certificates(officer, est_a):  # type: ignore[no-untyped-def]
    result = run(history_book(est_a, years=(2015, 2019)), officer)

    assert result.committed, [(p.where(), p.message) for p in result.problems]
    assert Product.objects.count() == 1
    assert recognised("district") == 1
    assert Certificate.objects.filter(revoked=False).count() == 2


def test_reimporting_the_same_file_changes_nothing(officer, est_a):  # type: ignore[no-untyped-def]
    data = history_book(est_a)
    assert run(data, officer).committed
    before = history_rows()

    again = run(data, officer)

    assert again.committed, [(p.where(), p.message) for p in again.problems]
    assert all(o.created == o.updated == 0 for o in again.outcomes.values())
    assert sum(o.unchanged for o in again.outcomes.values()) == 1 + 1 + 4 + 1 + 12 + 1
    assert history_rows() == before


def test_the_export_imports_back_unchanged_and_rebuilds_an_emptied_register(officer, est_a):  # type: ignore[no-untyped-def]
    assert run(history_book(est_a, years=(2015, 2019)), officer).committed
    buffer = io.BytesIO()
    write_register(registry.get("products"), officer, buffer)
    before = history_rows()

    same = run(buffer.getvalue(), officer)
    assert same.committed and all(o.created == o.updated == 0 for o in same.outcomes.values())
    assert history_rows() == before

    for model in (Certificate, RecognitionDecision, Result, Score, Nomination, CouncilMember, Council, RoundEvent,
                  SelectionRound, Product):
        model.objects.all().delete()
    rebuilt = run(buffer.getvalue(), officer)
    assert rebuilt.committed, [(p.where(), p.message) for p in rebuilt.problems]
    assert Certificate.objects.count() == 2 and Score.objects.count() == 24
    assert Certificate.objects.filter(revoked=False).count() == 2


def test_an_edited_cell_updates_the_record_it_names(officer, est_a):  # type: ignore[no-untyped-def]
    assert run(history_book(est_a), officer).committed

    def edit(rows: dict[str, list[list[Any]]]) -> None:
        rows[PRODUCTS.name][0][5] = "Điều rang củi, đóng hộp thiếc"
        rows[SCORES.name][0][-1] = 33

    result = run(history_book(est_a, edit=edit), officer)

    assert result.committed, [(p.where(), p.message) for p in result.problems]
    assert result.outcomes[PRODUCTS.name].updated == 1 and result.outcomes[SCORES.name].updated == 1
    assert Product.objects.get().description == "Điều rang củi, đóng hộp thiếc"
    assert Result.objects.get().combined_score == Decimal("78.33")  # recomputed: (79 + 78 + 78) / 3


def test_the_status_of_a_stored_round_does_not_change_through_a_file(officer, est_a):  # type: ignore[no-untyped-def]
    assert run(history_book(est_a), officer).committed

    def reopen(rows: dict[str, list[list[Any]]]) -> None:
        rows[ROUNDS.name][0][7] = "Đang nhận hồ sơ"

    result = run(history_book(est_a, edit=reopen), officer)

    sheet, row, column, message = only_problem(result)
    assert (sheet, row, column) == (ROUNDS.name, 2, "Trạng thái")
    assert "Không đổi trạng thái" in message
    assert not result.committed


# ---- bad rows: a Vietnamese problem with sheet, row and column, nothing saved -------------------

def test_a_score_above_the_criterion_maximum_is_refused(officer, est_a):  # type: ignore[no-untyped-def]
    result = run(history_book(est_a, points={"1": 32, "2": 30, "3": 12, "4": 8}), officer)

    assert not result.committed
    assert {(p.sheet, p.column) for p in result.problems} == {(SCORES.name, "Điểm")}
    assert [p.row for p in result.problems] == [4, 8, 12]  # criterion 3 of each juror's sheet
    assert "phải từ 0 đến 10" in result.problems[0].message
    assert nothing_saved()


def test_an_unknown_juror_is_refused(officer, est_a):  # type: ignore[no-untyped-def]
    def stranger(rows: dict[str, list[list[Any]]]) -> None:
        rows[SCORES.name][0][7] = "nguoila"

    result = run(history_book(est_a, edit=stranger), officer)

    assert not result.committed
    sheet, row, column, message = (result.problems[0].sheet, result.problems[0].row, result.problems[0].column,
                                   result.problems[0].message)
    assert (sheet, row, column) == (SCORES.name, 2, "Giám khảo (tên đăng nhập)")
    assert "Không có tài khoản “nguoila”" in message
    assert nothing_saved()


def test_a_user_who_is_not_a_juror_of_the_round_is_refused(officer, est_a, personas):  # type: ignore[no-untyped-def]
    def auditor(rows: dict[str, list[list[Any]]]) -> None:
        rows[SCORES.name][0][7] = personas["auditor"].username

    result = run(history_book(est_a, edit=auditor), officer)

    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (SCORES.name, 2, "Giám khảo (tên đăng nhập)")
    assert "không phải giám khảo" in problem.message
    assert nothing_saved()


def test_a_nomination_for_a_product_the_actor_may_not_see_is_refused(officer, personas, est_a, est_b):  # type: ignore[no-untyped-def]
    def other_product(rows: dict[str, list[list[Any]]]) -> None:
        rows[PRODUCTS.name].append([*product_ref(est_b, "Giỏ mây đan Cù Bị"), "handicrafts", "", "Không"])

    assert run(history_book(est_a, edit=other_product), officer).committed
    before = history_rows()
    commune_officer_a = personas["commune_officer_a"]  # sees est_a only
    row = round_ref(2016) + product_ref(est_b, "Giỏ mây đan Cù Bị") + ["", dt.date(2016, 5, 15), "", "Có", "",
                                                                        "Không được công nhận"]
    data = workbook_bytes({sheet.name: [headers(sheet), *([row] if sheet is NOMINATIONS else [])]
                           for sheet in ProductsRegister.sheets})

    result = run(data, commune_officer_a)

    sheet, number, column, message = only_problem(result)
    assert (sheet, number, column) == (NOMINATIONS.name, 2, "Tên cơ sở")
    assert "trong phạm vi bạn quản lý" in message
    assert Nomination.objects.count() == 1 and history_rows() == before


def test_a_duplicate_key_in_one_file_is_refused(officer, est_a):  # type: ignore[no-untyped-def]
    def twice(rows: dict[str, list[list[Any]]]) -> None:
        rows[PRODUCTS.name].append([*product_ref(est_a, PRODUCT_NAME.upper()), "agro_food", "", "Không"])

    result = run(history_book(est_a, edit=twice), officer)

    assert not result.committed
    assert [(p.sheet, p.row) for p in result.problems] == [(PRODUCTS.name, 3)]
    assert "Trùng khoá" in result.problems[0].message
    assert nothing_saved()


def test_a_recognised_dossier_below_the_pass_mark_is_refused(officer, est_a):  # type: ignore[no-untyped-def]
    result = run(history_book(est_a, points={"1": 20, "2": 20, "3": 5, "4": 5}), officer)

    assert not result.committed
    problem = result.problems[0]
    assert (problem.sheet, problem.column) == (NOMINATIONS.name, "Kết quả")
    assert "đạt điểm tối thiểu" in problem.message
    assert nothing_saved()


def test_a_live_round_takes_dossiers_through_the_live_eligibility_check(officer, est_a):  # type: ignore[no-untyped-def]
    """An open round is not history: a dossier missing its documents is refused as on the form."""
    def open_round(rows: dict[str, list[list[Any]]]) -> None:
        rows[ROUNDS.name][0][6:11] = [None, "Đang nhận hồ sơ", "Hội đồng 2026", "", ""]
        rows[ROUNDS.name][0][11] = None
        rows[ROUNDS.name][0][0:3] = ["Cấp tỉnh", "77", 2025]
        rows[ROUNDS.name][0][5] = dt.date(2025, 6, 30)
        rows[NOMINATIONS.name][0][0:3] = ["Cấp tỉnh", "77", 2025]
        rows[NOMINATIONS.name][0][8] = dt.date(2025, 5, 15)
        rows[NOMINATIONS.name][0][12] = None
        rows[MEMBERS.name][:] = rows[SCORES.name][:] = rows[CERTIFICATES.name][:] = []

    result = run(history_book(est_a, edit=open_round), officer)

    assert not result.committed
    problem = result.problems[0]
    assert (problem.sheet, problem.row) == (NOMINATIONS.name, 2)
    assert "thiếu giấy tờ" in problem.message


def test_a_recused_juror_may_not_be_given_scores(officer, est_a):  # type: ignore[no-untyped-def]
    assert run(history_book(est_a), officer).committed
    nomination = Nomination.objects.get()
    seat = CouncilMember.objects.get(user__username=JURORS[0])
    ConflictDeclaration.objects.create(member=seat, nomination=nomination, reason="Người thân của chủ cơ sở")

    def rescore(rows: dict[str, list[list[Any]]]) -> None:
        rows[SCORES.name][0][-1] = 33

    result = run(history_book(est_a, edit=rescore), officer)

    sheet, row, column, message = only_problem(result)
    assert (sheet, row, column) == (SCORES.name, 2, "Giám khảo (tên đăng nhập)")
    assert "xung đột lợi ích" in message
    assert Score.objects.get(member=seat, criterion__code="1").points == 32


def test_a_score_saved_by_someone_else_during_the_import_is_a_problem_on_its_row(  # type: ignore[no-untyped-def]
        officer, est_a, monkeypatch):
    """A stale edit (the score changed after the import read it) is reported on its row, never a crash."""
    assert run(history_book(est_a), officer).committed
    read = ImportState.scores_of

    def read_then_someone_saves(state: ImportState, selection_round: SelectionRound) -> Any:
        scores = read(state, selection_round)
        Score.objects.filter(nomination__round=selection_round).update(version=F("version") + 1)
        return scores

    monkeypatch.setattr(ImportState, "scores_of", read_then_someone_saves)

    def rescore(rows: dict[str, list[list[Any]]]) -> None:
        rows[SCORES.name][0][-1] = 33

    result = run(history_book(est_a, edit=rescore), officer)

    assert only_problem(result) == (SCORES.name, 2, None, str(StaleEditError.message))
    assert not result.committed
    assert Score.objects.get(member__user__username=JURORS[0], criterion__code="1").points == 32


def test_exporting_every_sheet_takes_the_same_few_queries_whatever_the_number_of_rounds(  # type: ignore[no-untyped-def]
        officer, est_a, django_assert_max_num_queries):
    assert run(history_book(est_a, years=(2015, 2017, 2019)), officer).committed
    register = registry.get("products")

    with django_assert_max_num_queries(len(register.sheets) + 2):
        rows = {sheet.name: list(register.export_rows(sheet, actor=officer)) for sheet in register.sheets}

    assert [len(rows[s.name]) for s in register.sheets] == [1, 3, 12, 3, 36, 3]
