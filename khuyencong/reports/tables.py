"""The report's tables, built from the engine's figures and the apps' SQL breakdowns."""

from __future__ import annotations

from dataclasses import dataclass, field

from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import Figures, compute
from khuyencong.indicators.periods import Period, years_in

Cell = str | int | None

BY_YEAR_CODES = [
    "training.vocational.persons", "training.intermediate.persons", "training.management.persons",
    "demo_models.count", "machinery.establishments", "fairs.participations", "cooperation.official_participations",
    "schemes.count", "schemes.support_vnd",
]
FUNDING = {"national": "Khuyến công quốc gia", "local": "Khuyến công địa phương"}


@dataclass
class Table:
    sheet: str  # short name for the XLSX sheet (≤ 31 characters)
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def main_results(figures: Figures) -> Table:
    table = Table("Ket qua chu yeu", "Bảng 1. Kết quả chủ yếu", ["STT", "Chỉ tiêu", "Mã", "Đơn vị", "Giá trị"],
                  note="Chỉ tiêu tính theo người/cơ sở/sản phẩm đếm mỗi đối tượng một lần; chỉ tiêu tính theo "
                       "lượt đếm mỗi lần tham gia.")
    for number, (code, value) in enumerate(figures.values.items(), start=1):
        indicator = BY_CODE[code]
        table.rows.append([number, indicator.label_vi, code, indicator.unit, value])
    return table


def schemes_by_activity(figures: Figures) -> Table:
    from khuyencong.schemes import counting
    from khuyencong.schemes.models import ActivityType

    labels = dict(ActivityType.objects.values_list("code", "label"))
    ids = set(figures.area.unit_ids) if figures.area.unit_ids is not None else None
    breakdown = counting.schemes_breakdown(figures.period.date_from, figures.period.date_to, ids)
    table = Table("De an theo hoat dong", "Bảng 2. Đề án được nghiệm thu theo loại hoạt động và nguồn kinh phí",
                  ["Loại hoạt động", "Nguồn kinh phí", "Số đề án", "Kinh phí hỗ trợ (đồng)", "Vốn đối ứng (đồng)",
                   "Đã giải ngân (đồng)"], note="Các dòng cộng lại bằng tổng ở Bảng 1.")
    for (activity, source), sums in breakdown.items():
        table.rows.append([labels.get(activity, activity), FUNDING.get(source, source), sums.get("count"),
                           sums.get("support_vnd"), sums.get("counterpart_vnd"), sums.get("disbursed_vnd")])
    return table


def by_year(figures: Figures) -> Table:
    """Key indicators per calendar year inside the period (distinct counts per year may overlap)."""
    years = years_in(figures.period)
    table = Table("Theo nam", "Bảng 3. Một số chỉ tiêu theo năm", ["Chỉ tiêu", *[str(y) for y in years]],
                  note="Số người/cơ sở đếm riêng từng năm: một người tham gia nhiều năm được đếm ở mỗi năm, nên "
                       "tổng các năm có thể lớn hơn số của cả giai đoạn.")
    per_year = {}
    for year in years:
        start = max(figures.period.date_from, figures.period.date_from.replace(year=year, month=1, day=1))
        end = min(figures.period.date_to, figures.period.date_to.replace(year=year, month=12, day=31))
        per_year[year] = compute(Period(start, end), figures.area, BY_YEAR_CODES).values
    for code in BY_YEAR_CODES:
        table.rows.append([BY_CODE[code].label_vi, *[per_year[y][code] for y in years]])
    return table


def all_tables(figures: Figures) -> list[Table]:
    return [main_results(figures), schemes_by_activity(figures), by_year(figures)]
