"""The schemes register: lifecycle replayed through the services, idempotent re-import, round trip, bad rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from khuyencong.exchange.export import write_register
from khuyencong.exchange.pipeline import ImportResult, run_import
from khuyencong.exchange.registry import get
from khuyencong.exchange.spec import ImportContext, Row
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.schemes.models import (
    AnnualPlan,
    DemonstrationModel,
    Disbursement,
    MachineryItem,
    Programme,
    Scheme,
    SchemeBeneficiary,
    SchemeEvent,
    SchemeStatus,
)
from khuyencong.schemes.sheets import PLANS, PROGRAMMES, SCHEMES, SchemesRegister
from khuyencong.schemes.tests.conftest import scheme_figures

pytestmark = pytest.mark.django_db
REGISTER = get("schemes")
HISTORY_MODELS = (Programme, AnnualPlan, Scheme, SchemeBeneficiary, SchemeEvent, Disbursement, MachineryItem,
                  DemonstrationModel)
EST_A_REF = "Cơ sở chế biến hạt điều Phước Nguyên (26554)"  # household without tax code: name (commune code)


def history_rows() -> int:
    return sum(m.history.count() for m in HISTORY_MODELS)  # type: ignore[attr-defined]


def book(*, leave_out: tuple[str, ...] = (), **sheets: list[dict[str, Any]]) -> bytes:
    """A workbook with every sheet of the register but those named in ``leave_out``; ``sheets`` maps a spec's
    attribute-like key to its rows."""
    by_name = {"programmes": "Chương trình", "plans": "Kế hoạch năm", "schemes": "Đề án",
               "disbursements": "Giải ngân", "machinery": "Máy móc thiết bị", "demonstrations": "Mô hình trình diễn",
               "communication": "Sản phẩm truyền thông", "assessments": "Đánh giá sản xuất sạch hơn",
               "closing": "Quyết toán, hủy"}
    content = {}
    for spec in (s for s in REGISTER.sheets if s.name not in leave_out):
        key = next(k for k, v in by_name.items() if v == spec.name)
        rows = [[row.get(c.field) for c in spec.columns] for row in sheets.get(key, [])]
        content[spec.name] = [[c.header for c in spec.columns], *rows]
    return workbook_bytes(content)


PROGRAMME = {"level": "national", "start_year": 2021, "end_year": 2025, "name": "Chương trình khuyến công quốc gia "
             "giai đoạn 2021–2025", "decision_no": "1881/QĐ-TTg", "decision_date": dt.date(2020, 11, 24)}
PLAN = {"programme_level": "national", "programme_start_year": 2021, "year": 2024, "funding_source": "national",
        "approved_total": 5_000_000_000, "decision_no": "124/QĐ-SCT", "decision_date": dt.date(2024, 1, 15)}


def scheme_row(code: str, *, activity: str = "machinery", progress: str = "accepted", **extra: Any) -> dict[str, Any]:
    row = {"code": code, "title": f"Hỗ trợ máy móc {code}", "activity_type": activity, "funding_source": "national",
           "plan_year": 2024, "implementing_unit_name": "Trung tâm Khuyến công tỉnh", "implementing_unit": "77",
           "beneficiaries": EST_A_REF, "planned_start": dt.date(2024, 3, 1), "planned_end": dt.date(2024, 11, 30),
           "total_cost": 600_000_000, "public_support": 300_000_000, "counterpart_capital": 300_000_000,
           "progress": progress, "appraisal_score": 85, "approval_decision_no": f"{code}/QĐ-SCT",
           "approval_decision_date": dt.date(2024, 3, 1), "contract_no": f"{code}/HĐ",
           "contract_date": dt.date(2024, 3, 11), "acceptance_date": dt.date(2024, 11, 20),
           "acceptance_record_no": f"{code}/BB-NT"}
    if progress != "accepted":
        row.update(acceptance_date=None, acceptance_record_no="")
    return {**row, **extra}


def full_book() -> bytes:
    return book(
        programmes=[PROGRAMME], plans=[PLAN],
        schemes=[scheme_row("MM-01"), scheme_row("MM-02", progress="contracted"),
                 scheme_row("MH-01", activity="demo_model", total_cost=1_000_000_000, public_support=300_000_000,
                            counterpart_capital=700_000_000)],
        disbursements=[{"scheme_code": "MM-01", "number": 1, "date": dt.date(2024, 3, 21), "amount": 150_000_000},
                       {"scheme_code": "MM-01", "number": 2, "date": dt.date(2024, 12, 10), "amount": 150_000_000}],
        machinery=[{"scheme_code": "MM-01", "number": 1, "name": "Máy sấy", "quantity": 2, "unit_price": 300_000_000}],
        demonstrations=[{"scheme_code": "MH-01", "establishment_name": "Cơ sở chế biến hạt điều Phước Nguyên",
                         "establishment_commune": "26554", "technology": "Lò sấy tiết kiệm năng lượng",
                         "workers_employed": 12, "avg_worker_income_vnd": 6_500_000}],
        closing=[{"scheme_code": "MM-01", "outcome": "settled", "settled_amount": 300_000_000,
                  "settlement_date": dt.date(2024, 12, 30)},
                 {"scheme_code": "MM-02", "outcome": "cancelled", "cancel_reason": "Cơ sở xin rút khỏi đề án."}],
    )


def run(data: bytes, actor: Any, **kwargs: Any) -> ImportResult:
    return run_import(data, filename="de-an.xlsx", actor=actor, register_code="schemes", **kwargs)


def exported(actor: Any) -> bytes:
    buffer = io.BytesIO()
    write_register(REGISTER, actor, buffer)
    return buffer.getvalue()


def figures() -> dict[str, Any]:
    return scheme_figures(dt.date(2014, 1, 1), dt.date(2026, 12, 31))


@pytest.fixture
def officer(personas):  # type: ignore[no-untyped-def]
    return personas["province_officer"]


def test_workbook_replays_the_lifecycle_through_the_services(officer, est_a) -> None:
    result = run(full_book(), officer)
    assert result.problems == [] and result.committed
    settled, cancelled, model = (Scheme.objects.get(code=c) for c in ("MM-01", "MM-02", "MH-01"))
    assert settled.status == SchemeStatus.SETTLED and settled.settled_amount == 300_000_000
    assert cancelled.status == SchemeStatus.CANCELLED
    assert model.status == SchemeStatus.ACCEPTED and model.demonstration.avg_worker_income_vnd == 6_500_000
    assert list(settled.events.values_list("to_status", flat=True)) == [
        "proposed", "appraised", "approved", "contracted", "in_progress", "accepted", "settled"]
    assert cancelled.events.last().note == "Cơ sở xin rút khỏi đề án."  # type: ignore[union-attr]
    assert list(settled.beneficiaries.all()) == [est_a]
    assert sum(settled.disbursements.values_list("amount", flat=True)) == 300_000_000
    assert result.outcomes["Đề án"].created == 3 and result.outcomes["Quyết toán, hủy"].updated == 2


def test_reimporting_the_same_or_exported_file_writes_nothing(officer, est_a) -> None:
    assert run(full_book(), officer).committed
    before = history_rows()
    for data in (full_book(), exported(officer)):
        again = run(data, officer)
        assert again.problems == []
        assert all(o.created == o.updated == 0 for o in again.outcomes.values()), again.outcomes
        assert again.outcomes["Đề án"].unchanged == 3
    assert history_rows() == before


def test_editing_one_cell_updates_that_scheme_only(officer, est_a) -> None:
    run(full_book(), officer)
    rows = [scheme_row("MM-01", title="Hỗ trợ máy sấy hạt điều (đã sửa)"), scheme_row("MM-02", progress="contracted")]
    before = Scheme.history.filter(code="MM-02").count()  # type: ignore[attr-defined]
    # MM-01 is settled: its figures are frozen, so the edit is refused with the service's message …
    refused = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=rows[:1]), officer)
    assert not refused.committed and "quyết toán" in refused.problems[0].message
    # … while an open scheme takes the edit, with one history row.
    open_row = scheme_row("MH-01", activity="demo_model", total_cost=1_000_000_000, public_support=300_000_000,
                          counterpart_capital=700_000_000, title="Mô hình lò sấy (tên mới)")
    result = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=[open_row]), officer)
    assert result.committed and result.outcomes["Đề án"].updated == 1
    assert Scheme.objects.get(code="MH-01").title == "Mô hình lò sấy (tên mới)"
    assert Scheme.history.filter(code="MM-02").count() == before  # type: ignore[attr-defined]


def test_round_trip_into_an_empty_database_gives_the_same_figures(officer, est_a) -> None:
    run(full_book(), officer)
    data, expected = exported(officer), figures()
    for model in (Disbursement, MachineryItem, DemonstrationModel, SchemeEvent, SchemeBeneficiary, Scheme,
                  AnnualPlan, Programme):
        model.objects.all().delete()
    result = run(data, officer)
    assert result.problems == [] and result.committed
    assert figures() == expected
    assert Scheme.objects.get(code="MM-02").status == SchemeStatus.CANCELLED


def test_register_methods_work_on_hand_built_rows(officer) -> None:
    register = SchemesRegister()
    ctx = ImportContext(actor=officer)
    register.import_rows(PROGRAMMES, [Row(2, dict(PROGRAMME))], ctx)
    register.import_rows(PLANS, [Row(2, dict(PLAN))], ctx)
    row = {c.field: None for c in SCHEMES.columns} | scheme_row("DX-01", progress="proposed", beneficiaries="",
                                                                 appraisal_score=None)
    register.import_rows(SCHEMES, [Row(2, row)], ctx)
    assert ctx.problems == []
    assert Scheme.objects.get(code="DX-01").status == SchemeStatus.PROPOSED
    exported_rows = list(register.export_rows(SCHEMES, actor=officer))
    assert exported_rows[0][0] == "DX-01" and exported_rows[0][16] == "proposed"


# --- bad rows: Vietnamese problem naming sheet, row and column; nothing saved ----------------------------------


def assert_refused(result: ImportResult, sheet: str, row: int, column: str | None, words: str) -> None:
    assert not result.committed
    assert any(p.sheet == sheet and p.row == row and p.column == column and words in p.message
               for p in result.problems), [(p.where(), p.message) for p in result.problems]


def test_unknown_scheme_code_in_the_disbursement_sheet(officer, est_a) -> None:
    result = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=[scheme_row("MM-01")], disbursements=[
        {"scheme_code": "KHONG-CO", "number": 1, "date": dt.date(2024, 3, 21), "amount": 1_000_000}]), officer)
    assert_refused(result, "Giải ngân", 2, "Mã đề án", "Không có đề án mã “KHONG-CO”")
    assert not Scheme.objects.exists() and not Programme.objects.exists()


def test_disbursement_beyond_the_approved_support_is_refused(officer, est_a) -> None:
    result = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=[scheme_row("MM-01")], disbursements=[
        {"scheme_code": "MM-01", "number": 1, "date": dt.date(2024, 3, 21), "amount": 300_000_001}]), officer)
    assert_refused(result, "Giải ngân", 2, "Số tiền (đồng)", "vượt kinh phí hỗ trợ được duyệt")
    assert not Disbursement.objects.exists() and not Scheme.objects.exists()


def test_negative_amounts_are_refused(officer, est_a) -> None:
    result = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=[scheme_row("MM-01", total_cost="-5")]), officer)
    assert_refused(result, "Đề án", 2, "Tổng kinh phí (đồng)", "không được âm")
    assert not Scheme.objects.exists()


def test_support_above_the_norm_on_the_approval_date_is_refused(officer, est_a) -> None:
    row = scheme_row("MM-01", total_cost=800_000_000, public_support=400_000_000, counterpart_capital=400_000_000)
    result = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=[row]), officer)
    assert_refused(result, "Đề án", 2, "Kinh phí khuyến công hỗ trợ (đồng)", "vượt định mức")
    assert not Scheme.objects.exists()


def test_commune_officer_may_not_name_an_establishment_outside_their_area(personas, est_a, est_b) -> None:
    officer_a = personas["commune_officer_a"]
    row = scheme_row("DX-01", progress="proposed", beneficiaries="Hợp tác xã mây tre đan Cù Bị (26599)",
                     plan_year=None, appraisal_score=None)
    result = run(book(schemes=[row]), officer_a)
    assert_refused(result, "Đề án", 2, "Cơ sở thụ hưởng", "trong phạm vi bạn quản lý")
    assert not Scheme.objects.exists()
    # Their own establishment goes in as a proposal; driving the lifecycle is for province staff.
    own = run(book(schemes=[{**row, "beneficiaries": EST_A_REF}]), officer_a)
    assert own.committed and Scheme.objects.get(code="DX-01").status == SchemeStatus.PROPOSED
    beyond = run(book(schemes=[{**row, "code": "DX-02", "beneficiaries": EST_A_REF, "progress": "appraised",
                                "appraisal_score": 80}]), officer_a)
    assert_refused(beyond, "Đề án", 2, None, "cán bộ cấp tỉnh")


def test_a_scheme_code_outside_the_actors_area_is_not_overwritten(personas, officer, est_a) -> None:
    run(full_book(), officer)
    row = scheme_row("MM-02", progress="proposed", plan_year=None, appraisal_score=None, beneficiaries="")
    result = run(book(schemes=[{**row, "implementing_unit": "26596"}]), personas["commune_officer_b"])
    assert_refused(result, "Đề án", 2, "Mã đề án", "đã được chuyển Sở Công Thương xem xét")
    assert Scheme.objects.get(code="MM-02").status == SchemeStatus.CANCELLED


def test_recorded_decisions_cannot_be_rewritten_by_a_file(officer, est_a) -> None:
    run(full_book(), officer)
    row = scheme_row("MH-01", activity="demo_model", total_cost=1_000_000_000, public_support=300_000_000,
                     counterpart_capital=700_000_000, approval_decision_no="99/QĐ-KHAC")
    result = run(book(programmes=[PROGRAMME], plans=[PLAN], schemes=[row]), officer)
    assert_refused(result, "Đề án", 2, "Số quyết định phê duyệt", "không sửa được bằng nhập tệp")
