"""Vietnamese number formats and the generated narrative."""

from __future__ import annotations

import datetime as dt

from khuyencong.indicators.engine import Area, Figures
from khuyencong.indicators.periods import Period
from khuyencong.reports.narrative import paragraphs
from khuyencong.reports.numbers import integer, million_range, money


def test_integer_uses_dot_thousands() -> None:
    assert integer(1234567) == "1.234.567" and integer(285) == "285" and integer(None) == "—"


def test_money_in_ty_and_trieu() -> None:
    assert money(24_700_000_000) == "24,7 tỷ đồng"
    assert money(3_000_000_000) == "3 tỷ đồng"
    assert money(5_500_000) == "5,5 triệu đồng"
    assert money(950_000) == "950.000 đồng"
    assert money(1_234_567_890_123) == "1.234,6 tỷ đồng"


def test_income_range() -> None:
    assert million_range(5_000_000, 7_000_000) == "5–7 triệu đồng"
    assert million_range(6_000_000, 6_000_000) == "6 triệu đồng"


def figures(**values: int) -> Figures:
    period = Period(dt.date(2014, 1, 1), dt.date(2020, 12, 31))
    return Figures(period, Area(None, dt.date(2020, 12, 31), None), dict(values))


def test_narrative_in_the_register_of_the_seed_report() -> None:
    text = " ".join(paragraphs(figures(**{
        "training.vocational.persons": 285, "training.intermediate.persons": 480,
        "training.intermediate.employed": 450, "demo_models.count": 6,
        "demo_models.counterpart_vnd": 24_700_000_000, "demo_models.worker_income_min_vnd": 5_000_000,
        "demo_models.worker_income_max_vnd": 7_000_000, "fairs.participations": 258, "fairs.establishments": 120,
    })))
    assert "đã hỗ trợ đào tạo nghề, nâng cao tay nghề cho 285 người" in text
    assert "480 người, trong đó 450 người có việc làm sau đào tạo" in text
    assert "vốn đối ứng của doanh nghiệp là 24,7 tỷ đồng" in text
    assert "5–7 triệu đồng/người/tháng" in text
    assert "258 lượt cơ sở" in text


def test_activities_without_figures_are_left_out() -> None:
    text = " ".join(paragraphs(figures(**{"fairs.participations": 3, "fairs.establishments": 2})))
    assert "đào tạo" not in text and "mô hình" not in text and "3 lượt" in text
