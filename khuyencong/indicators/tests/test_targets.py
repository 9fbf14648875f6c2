"""Plan versus actual on a small constructed dataset: plans, their schemes, courses with planned places."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.targets import plan_vs_actual
from khuyencong.reports import exports
from khuyencong.reports.narrative import paragraphs
from khuyencong.reports.tables import all_tables
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B
from khuyencong.training.models import ParticipationStatus
from khuyencong.training.tests.conftest import enrol, make_course, make_person

PERIOD = Period(dt.date(2025, 1, 1), dt.date(2026, 11, 26))


def plan(year: int, source: str, total: int):  # type: ignore[no-untyped-def]
    from khuyencong.schemes.models import AnnualPlan, Programme

    programme, _ = Programme.objects.get_or_create(name="Chương trình khuyến công", level="local", start_year=2021,
                                                   end_year=2030)
    return AnnualPlan.objects.create(programme=programme, year=year, funding_source=source, approved_total=total)


def scheme(code: str, establishment, the_plan, *, accepted: dt.date | None, support: int,  # type: ignore[no-untyped-def]
           status: str = "accepted", disbursed: int = 0):
    from khuyencong.schemes.models import Disbursement, Scheme
    from khuyencong.training.tests.conftest import make_scheme

    item = make_scheme(code, establishment)
    Scheme.objects.filter(pk=item.pk).update(status=status, acceptance_date=accepted, plan=the_plan,
                                             funding_source=the_plan.funding_source, public_support=support,
                                             counterpart_capital=support, total_cost=2 * support)
    if disbursed:
        Disbursement.objects.create(scheme=item, date=accepted or dt.date(2026, 1, 1), amount=disbursed)
    return item


@pytest.fixture
def planned(db, est_a, est_b) -> None:
    """2025 local plan 1 tỷ: two accepted schemes (A 300 tr., B 200 tr.), one cancelled, one not yet accepted.
    2026 national plan 2 tỷ: one scheme in A accepted after the period. A 2024 plan lies outside the period."""
    p25, p26, p24 = plan(2025, "local", 1_000_000_000), plan(2026, "national", 2_000_000_000), plan(2024, "local", 9)
    scheme("S1", est_a, p25, accepted=dt.date(2025, 6, 1), support=300_000_000, disbursed=250_000_000)
    scheme("S2", est_b, p25, accepted=dt.date(2026, 2, 1), support=200_000_000, disbursed=200_000_000)
    scheme("S3", est_a, p25, accepted=dt.date(2025, 7, 1), support=400_000_000, status="cancelled")
    scheme("S4", est_a, p25, accepted=None, support=100_000_000, status="in_progress")
    scheme("S5", est_a, p26, accepted=dt.date(2026, 12, 1), support=500_000_000)
    scheme("S6", est_a, p24, accepted=dt.date(2025, 1, 5), support=1)  # its plan's year is outside the period
    # Courses: A plans 20 places, 2 complete and 1 drops out; B plans 20, 1 completes; one course ends later.
    an, binh, chi = make_person("An"), make_person("Bình", commune=COMMUNE_B), make_person("Chi")
    in_a = make_course(end=dt.date(2025, 5, 31))
    enrol(an, in_a)
    enrol(binh, in_a)
    enrol(chi, in_a, status=ParticipationStatus.DROPPED)
    enrol(an, make_course(organising=COMMUNE_B, end=dt.date(2026, 3, 31)))
    enrol(binh, make_course(end=dt.date(2026, 12, 31)))
    make_course(type_code="management", end=dt.date(2026, 4, 30), planned_participants=0)  # nothing planned or done


def test_budget_lines_come_from_plans_and_their_counted_schemes(planned) -> None:
    result = plan_vs_actual(PERIOD, resolve_area("79", None))
    assert [(b.year, b.funding_source, b.planned_vnd, b.schemes, b.support_vnd, b.disbursed_vnd, b.rate)
            for b in result.budget] == [
        (2025, "local", 1_000_000_000, 2, 500_000_000, 450_000_000, 50.0),
        (2026, "national", 2_000_000_000, 0, 0, 0, 0.0),
    ]
    total = result.budget_total()
    assert total is not None and (total.planned_vnd, total.support_vnd, total.rate) == (3_000_000_000,
                                                                                       500_000_000, 16.7)


def test_training_lines_compare_planned_places_with_completed_participations(planned) -> None:
    result = plan_vs_actual(PERIOD, resolve_area("79", None))
    assert [(t.course_type, t.courses, t.planned_participants, t.completed_participations, t.rate)
            for t in result.training] == [("vocational", 2, 40, 3, 7.5)]


def test_a_commune_gets_its_own_actuals_and_no_rate(planned) -> None:
    result = plan_vs_actual(PERIOD, resolve_area(COMMUNE_A, None))
    assert [(b.year, b.support_vnd) for b in result.budget] == [(2025, 300_000_000), (2026, 0)]
    assert not result.rates_apply and result.as_json()["budget"][0]["rate_percent"] is None
    assert [(t.planned_participants, t.completed_participations) for t in result.training] == [(20, 2)]


def test_no_plans_no_table_no_sentence(db) -> None:
    figures = compute(PERIOD, resolve_area("79", None))
    result = plan_vs_actual(PERIOD, figures.area)
    assert result.budget == [] and result.training == []
    assert [t for t in all_tables(figures, result) if t.sheet.startswith("Ke hoach")] == []
    assert not any("kế hoạch" in p for p in paragraphs(figures, result))


def test_report_json_has_a_separate_key_and_the_files_hold_the_table(planned, tmp_path) -> None:
    out = io.StringIO()
    call_command("report", "--from", "2025-01-01", "--to", "2026-11-26", "--area", "79", "--format", "json",
                 stdout=out)
    body = json.loads(out.getvalue())
    assert "plan_vs_actual" not in body["indicators"]
    assert body["plan_vs_actual"]["budget"][0] == {
        "year": 2025, "funding_source": "local", "planned_vnd": 1_000_000_000, "schemes": 2,
        "support_vnd": 500_000_000, "disbursed_vnd": 450_000_000, "rate_percent": 50.0}
    assert body["plan_vs_actual"]["training"][0]["planned_participants"] == 40

    figures = compute(PERIOD, resolve_area("79", None))
    result = plan_vs_actual(PERIOD, figures.area)
    sentence = paragraphs(figures, result)[-1]
    assert sentence.startswith("So với kế hoạch kinh phí khuyến công được duyệt các năm 2025–2026 là 3 tỷ đồng")
    assert "500 triệu đồng, đạt 16,7% kế hoạch" in sentence

    from docx import Document
    from python_calamine import CalamineWorkbook

    xlsx = tmp_path / "r.xlsx"
    xlsx.write_bytes(exports.render(figures, "xlsx"))
    book = CalamineWorkbook.from_path(str(xlsx))
    rows = book.get_sheet_by_name("Ke hoach - kinh phi").to_python()
    assert ["2025", "Khuyến công địa phương", 1_000_000_000, 2, 500_000_000, 450_000_000, "50%"] in [
        [int(c) if isinstance(c, float) else c for c in row] for row in rows]
    assert "Ke hoach - dao tao" in book.sheet_names
    docx = tmp_path / "r.docx"
    docx.write_bytes(exports.render(figures, "docx"))
    doc = Document(str(docx))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows
                                                         for c in r.cells])
    assert "Bảng 6. Kinh phí kế hoạch và thực hiện" in text and "1.000.000.000" in text and sentence in text
    from pypdf import PdfReader

    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(exports.render(figures, "pdf"))
    pdf_text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(pdf)).pages).split())
    assert "Bảng 6. Kinh phí kế hoạch và thực hiện" in pdf_text and "đạt 16,7% kế hoạch" in pdf_text
