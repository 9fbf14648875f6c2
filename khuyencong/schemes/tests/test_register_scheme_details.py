"""The schemes workbook's communication-output and cleaner-production sheets: written through the services,
exported and imported back unchanged, bad rows refused with their sheet, row and column, nothing saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from khuyencong.schemes import services
from khuyencong.schemes.models import CleanerProductionAssessment, CommunicationOutput, Scheme, SchemeStatus
from khuyencong.schemes.tests.test_register_schemes import (
    EST_A_REF,
    PLAN,
    PROGRAMME,
    assert_refused,
    book,
    exported,
    run,
    scheme_row,
)

pytestmark = pytest.mark.django_db
COMMUNICATION = "Sản phẩm truyền thông"
ASSESSMENTS = "Đánh giá sản xuất sạch hơn"
EST_A = {"establishment_name": "Cơ sở chế biến hạt điều Phước Nguyên", "establishment_commune": "26554"}
OUTPUTS = [
    {"scheme_code": "TT-01", "number": 1, "kind": "broadcast", "title": "Phóng sự về lò sấy hạt điều",
     "quantity": 2, "reach": 40_000},
    {"scheme_code": "TT-01", "number": 2, "kind": "publication", "title": "Tờ rơi giới thiệu mô hình"},
]
ASSESSED = [
    {"scheme_code": "SX-01", "number": 1, **EST_A, "assessed_on": dt.date(2024, 6, 15),
     "findings": "Thay lò đốt củi bằng lò sấy hơi", "annual_savings_vnd": 120_000_000, "energy_saving_kwh": 45_000,
     "water_saving_m3": 1_200},
]


def detail_book(*, schemes: list[dict[str, Any]] | None = None, **sheets: list[dict[str, Any]]) -> bytes:
    """A communication scheme (TT-01) and a cleaner-production scheme (SX-01), with the given detail rows."""
    rows = schemes if schemes is not None else [
        scheme_row("TT-01", activity="communication", progress="in_progress"),
        scheme_row("SX-01", activity="cleaner_production", progress="in_progress")]
    return book(programmes=[PROGRAMME], plans=[PLAN], schemes=rows, **sheets)


def recorded() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "outputs": list(CommunicationOutput.objects.order_by("pk").values_list(
            "scheme__code", "kind", "title", "quantity", "reach")),
        "assessments": list(CleanerProductionAssessment.objects.order_by("pk").values_list(
            "scheme__code", "establishment_id", "assessed_on", "findings", "annual_savings_vnd", "energy_saving_kwh",
            "water_saving_m3")),
    }


def history_rows() -> int:
    return CommunicationOutput.history.count() + CleanerProductionAssessment.history.count()  # type: ignore[attr-defined]


@pytest.fixture
def officer(personas):  # type: ignore[no-untyped-def]
    return personas["province_officer"]


def test_the_sheets_write_through_the_services(officer, est_a) -> None:
    result = run(detail_book(communication=OUTPUTS, assessments=ASSESSED), officer)
    assert result.problems == [] and result.committed
    assert recorded() == {
        "outputs": [("TT-01", "broadcast", "Phóng sự về lò sấy hạt điều", 2, 40_000),
                    ("TT-01", "publication", "Tờ rơi giới thiệu mô hình", 1, None)],
        "assessments": [("SX-01", est_a.pk, dt.date(2024, 6, 15), "Thay lò đốt củi bằng lò sấy hơi", 120_000_000,
                         45_000, 1_200)],
    }
    assert result.outcomes[COMMUNICATION].created == 2 and result.outcomes[ASSESSMENTS].created == 1
    assert CommunicationOutput.history.first().history_user == officer  # type: ignore[attr-defined]


def test_export_then_import_changes_nothing_even_after_settlement(officer, est_a) -> None:
    run(detail_book(communication=OUTPUTS, assessments=ASSESSED), officer)
    # Text typed on the web keeps its line breaks; the file reads them back as spaces, which is no change.
    services.cleaner_production_assessment_add(actor=officer, scheme=Scheme.objects.get(code="SX-01"), data={
        "establishment": est_a, "assessed_on": dt.date(2024, 9, 1), "findings": "Thu hồi nhiệt.\nTái sử dụng nước."})
    for code in ("TT-01", "SX-01"):
        scheme = Scheme.objects.get(code=code)
        accepted = {"acceptance_date": dt.date(2024, 11, 20), "acceptance_record_no": f"{code}/BB-NT"}
        for target, fields in (("accepted", accepted),
                               ("settled", {"settled_amount": 300_000_000, "settlement_date": dt.date(2024, 12, 30)})):
            scheme = services.scheme_transition(actor=officer, scheme=scheme, target=target, fields=fields)
    before, history = recorded(), history_rows()
    again = run(exported(officer), officer)
    assert again.problems == [] and again.committed
    assert again.outcomes[COMMUNICATION].unchanged == 2 and again.outcomes[ASSESSMENTS].unchanged == 2
    assert all(o.created == o.updated == 0 for o in again.outcomes.values()), again.outcomes
    assert recorded() == before and history_rows() == history
    assert Scheme.objects.get(code="SX-01").status == SchemeStatus.SETTLED


def test_the_exported_details_rebuild_the_same_records(officer, est_a) -> None:
    run(detail_book(communication=OUTPUTS, assessments=ASSESSED), officer)
    data, before = exported(officer), recorded()
    CommunicationOutput.objects.all().delete()
    CleanerProductionAssessment.objects.all().delete()
    result = run(data, officer)
    assert result.problems == [] and result.committed
    assert recorded() == before


def test_reimporting_the_same_file_is_idempotent(officer, est_a) -> None:
    data = detail_book(communication=OUTPUTS, assessments=ASSESSED)
    run(data, officer)
    before, history = recorded(), history_rows()
    again = run(data, officer)
    assert again.problems == [] and again.committed
    assert again.outcomes[COMMUNICATION].unchanged == 2 and again.outcomes[ASSESSMENTS].unchanged == 1
    assert recorded() == before and history_rows() == history


# --- bad rows: Vietnamese problem naming sheet, row and column; nothing saved ----------------------------------


def nothing_saved() -> bool:
    return not (Scheme.objects.exists() or CommunicationOutput.objects.exists()
                or CleanerProductionAssessment.objects.exists())


def test_a_negative_reach_is_refused_on_its_column(officer, est_a) -> None:
    bad = [OUTPUTS[0], {**OUTPUTS[1], "reach": -5}]
    result = run(detail_book(communication=bad, assessments=ASSESSED), officer)
    assert_refused(result, COMMUNICATION, 3, "Số lượt tiếp cận", "không được âm")
    assert nothing_saved()


def test_a_zero_quantity_and_an_unknown_kind_are_refused(officer, est_a) -> None:
    bad = [{**OUTPUTS[0], "quantity": 0}, {**OUTPUTS[1], "kind": "Podcast"}]
    result = run(detail_book(communication=bad), officer)
    assert_refused(result, COMMUNICATION, 2, "Số lượng", "lớn hơn 0")
    assert_refused(result, COMMUNICATION, 3, "Loại sản phẩm truyền thông", "Podcast")
    assert nothing_saved()


def test_a_negative_saving_and_a_bad_date_are_refused(officer, est_a) -> None:
    bad = [{**ASSESSED[0], "water_saving_m3": -1}, {**ASSESSED[0], "number": 2, "assessed_on": "31/02/2024"}]
    result = run(detail_book(assessments=bad), officer)
    assert_refused(result, ASSESSMENTS, 2, "Tiết kiệm nước (m³/năm)", "không được âm")
    assert any(p.sheet == ASSESSMENTS and p.row == 3 and p.column == "Ngày đánh giá" for p in result.problems)
    assert nothing_saved()


def test_details_of_another_activity_are_refused(officer, est_a) -> None:
    result = run(detail_book(communication=[{**OUTPUTS[0], "scheme_code": "SX-01"}]), officer)
    assert_refused(result, COMMUNICATION, 2, None, "chỉ dùng cho đề án loại")
    assert nothing_saved()


def test_numbers_must_follow_on_within_a_scheme(officer, est_a) -> None:
    result = run(detail_book(communication=[{**OUTPUTS[1], "number": 3}]), officer)
    assert_refused(result, COMMUNICATION, 2, "Số thứ tự", "1, 2, 3… liên tiếp")
    assert nothing_saved()


def test_a_recorded_item_is_not_rewritten_by_a_file(officer, est_a) -> None:
    run(detail_book(communication=OUTPUTS, assessments=ASSESSED), officer)
    before = recorded()
    result = run(detail_book(assessments=[{**ASSESSED[0], "annual_savings_vnd": 1}]), officer)
    assert_refused(result, ASSESSMENTS, 2, "Tiết kiệm hằng năm (đồng)", "đã ghi nhận khác với dòng này")
    assert recorded() == before


# --- out of scope reads exactly like unknown --------------------------------------------------------------------


def _messages(result: Any, sheet: str) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in result.problems if p.sheet == sheet]


def test_a_scheme_outside_the_actors_area_reads_like_an_unknown_one(personas, officer, est_a) -> None:
    run(detail_book(), officer)  # TT-01 and SX-01 have est_a, in commune A, as beneficiary
    officer_b = personas["commune_officer_b"]
    answers = {}
    for code in ("TT-01", "KHONG-CO"):
        result = run(book(communication=[{**OUTPUTS[0], "scheme_code": code}]), officer_b)
        assert not result.committed
        answers[code] = [(r, c, m.replace(code, "…")) for r, c, m in _messages(result, COMMUNICATION)]
    unknown = [(2, "Mã đề án", "Không có đề án mã “…” trong phạm vi bạn quản lý.")]
    assert answers["TT-01"] == answers["KHONG-CO"] == unknown
    assert not CommunicationOutput.objects.exists()


def test_an_establishment_outside_the_actors_area_reads_like_an_unknown_one(personas, est_a, est_b) -> None:
    officer_a = personas["commune_officer_a"]
    proposal = scheme_row("SX-01", activity="cleaner_production", progress="proposed", plan_year=None,
                          appraisal_score=None, beneficiaries=EST_A_REF)
    answers = {}
    for name, commune in (("Hợp tác xã mây tre đan Cù Bị", "26599"), ("Cơ sở không có thật", "26554")):
        row = {**ASSESSED[0], "establishment_name": name, "establishment_commune": commune}
        result = run(book(schemes=[proposal], assessments=[row]), officer_a)
        assert not result.committed
        answers[name] = [(r, c, m.replace(name, "…").replace(commune, "…")) for r, c, m in
                         _messages(result, ASSESSMENTS)]
    assert answers["Hợp tác xã mây tre đan Cù Bị"] == answers["Cơ sở không có thật"]
    assert answers["Cơ sở không có thật"][0][:2] == (2, "Tên cơ sở")
    assert not Scheme.objects.exists() and not CleanerProductionAssessment.objects.exists()
    # Their own establishment goes in on their own proposal.
    own = run(book(schemes=[proposal], assessments=ASSESSED), officer_a)
    assert own.problems == [] and CleanerProductionAssessment.objects.get().establishment == est_a


def test_a_file_from_the_template_before_these_sheets_still_imports(officer, est_a) -> None:
    """Workbooks exported before the two sheets existed lack them: they import, and add no detail."""
    older = book(programmes=[PROGRAMME], plans=[PLAN], leave_out=(COMMUNICATION, ASSESSMENTS), schemes=[
        scheme_row("TT-01", activity="communication", progress="in_progress"),
        scheme_row("SX-01", activity="cleaner_production", progress="in_progress")])
    result = run(older, officer)
    assert result.problems == [] and result.committed
    assert Scheme.objects.filter(code__in=["TT-01", "SX-01"]).count() == 2
    assert recorded() == {"outputs": [], "assessments": []}
