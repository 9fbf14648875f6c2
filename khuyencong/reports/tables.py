"""The report's tables, built from the engine's figures and the apps' SQL breakdowns."""

from __future__ import annotations

from dataclasses import dataclass, field

from khuyencong.indicators.breakdowns import NONE_KEY, OVERLAP, compute_breakdown
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import Figures
from khuyencong.indicators.periods import years_in
from khuyencong.indicators.sources import Dimension
from khuyencong.indicators.targets import PlanVsActual, plan_vs_actual
from khuyencong.reports.numbers import percent

Cell = str | int | None

BY_YEAR_CODES = [
    "training.vocational.persons", "training.intermediate.persons", "training.management.persons",
    "demo_models.count", "machinery.establishments", "fairs.participations", "cooperation.official_participations",
    "schemes.count", "schemes.support_vnd",
]
BY_SECTOR_CODES = ["machinery.establishments", "demo_models.count", "products.recognized.province",
                   "fairs.participations", "schemes.count", "schemes.support_vnd"]
BY_AREA_CODES = ["training.vocational.persons", "machinery.establishments", "demo_models.count",
                 "products.recognized.province", "fairs.participations", "schemes.count", "schemes.support_vnd"]
PORTRAIT_COLUMNS = 6  # more columns than this go on a landscape page
FUNDING = {"national": "Khuyến công quốc gia", "local": "Khuyến công địa phương"}


def is_numeric(value: Cell) -> bool:
    """A cell set right-aligned in every output: counts and money, and rates already written as "3,7%"."""
    return isinstance(value, int) or (isinstance(value, str) and value.endswith("%"))


@dataclass
class Table:
    sheet: str  # short name for the XLSX sheet (≤ 31 characters)
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    chart: bool = False  # drawn as a year-by-year bar chart (``charts.year_chart``) in every output
    units: list[str] = field(default_factory=list)  # unit of each row, where rows are indicators (the chart's)

    @property
    def wide(self) -> bool:
        """Set on a landscape page (PDF) or section (DOCX): too many columns for a portrait A4 page."""
        return len(self.headers) > PORTRAIT_COLUMNS

    def year_groups(self, size: int) -> list[Table]:
        """The table cut into parts of at most ``size`` value columns, each repeating the first column.

        Used for year tables of long periods, which would not fit even a landscape page.
        """
        values = len(self.headers) - 1
        if values <= size:
            return [self]
        parts = []
        for start in range(1, values + 1, size):
            end = min(start + size, values + 1)
            parts.append(Table(self.sheet, f"{self.title} ({self.headers[start]}–{self.headers[end - 1]})",
                               [self.headers[0], *self.headers[start:end]],
                               [[row[0], *row[start:end]] for row in self.rows], note=self.note))
        return parts


def main_results(figures: Figures) -> Table:
    table = Table("Ket qua chu yeu", "Bảng 1. Kết quả chủ yếu", ["STT", "Chỉ tiêu", "Đơn vị", "Giá trị"],
                  note="Chỉ tiêu tính theo người/cơ sở/sản phẩm đếm mỗi đối tượng một lần; chỉ tiêu tính theo "
                       "lượt đếm mỗi lần tham gia.")
    for number, (code, value) in enumerate(figures.values.items(), start=1):
        indicator = BY_CODE[code]
        table.rows.append([number, indicator.label_vi, indicator.unit, value])
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
                       "tổng các năm có thể lớn hơn số của cả giai đoạn.", chart=True)
    result = compute_breakdown(figures.period, figures.area, [Dimension.YEAR], BY_YEAR_CODES)
    for code in BY_YEAR_CODES:
        values = result.values.get(code, {})
        table.rows.append([BY_CODE[code].label_vi, *[values.get(str(y), 0) for y in years]])
        table.units.append(BY_CODE[code].unit)
    return table


def _by_key(figures: Figures, dimension: Dimension, codes: list[str], table: Table, *,
            skip_empty: bool = True) -> Table:
    """Rows = the dimension's keys, columns = ``codes``: one GROUP BY query per indicator."""
    result = compute_breakdown(figures.period, figures.area, [dimension], codes)
    keys: list[str] = []
    if dimension == Dimension.UNIT:  # the area's units in register order, even where a figure is missing
        keys = [k for k in result.labels if k != NONE_KEY]
    for values in result.values.values():
        keys += [k for k in values if k not in keys]
    overlapping = [BY_CODE[c].label_vi for c in codes if result.parts.get(c) == OVERLAP]
    for key in keys:
        row: list[Cell] = [result.labels.get(key, key), *[result.values.get(c, {}).get(key, 0) for c in codes]]
        if skip_empty and not any(row[1:]):
            continue
        table.rows.append(row)
    table.rows.append(["Cả kỳ (tổng)", *[figures.values.get(c) for c in codes]])
    table.note = ("Các dòng cộng lại bằng dòng tổng" + (
        ", trừ các chỉ tiêu đếm đối tượng riêng biệt có thể xuất hiện ở nhiều dòng: " + "; ".join(overlapping)
        if overlapping else "") + ".")
    return table


def by_sector(figures: Figures) -> Table:
    table = Table("Theo nganh", "Bảng 4. Một số chỉ tiêu theo nhóm ngành",
                  ["Nhóm ngành", *[BY_CODE[c].label_vi for c in BY_SECTOR_CODES]])
    return _by_key(figures, Dimension.SECTOR, BY_SECTOR_CODES, table)


def by_area(figures: Figures) -> Table:
    table = Table("Theo dia ban", "Bảng 5. Một số chỉ tiêu theo địa bàn",
                  ["Địa bàn", *[BY_CODE[c].label_vi for c in BY_AREA_CODES]])
    return _by_key(figures, Dimension.UNIT, BY_AREA_CODES, table)


def _rate(value: float | None, applies: bool = True) -> str | None:
    return percent(value) if value is not None and applies else None


def plan_budget(plan: PlanVsActual) -> Table | None:
    """Annual plans' approved budget beside the support of their schemes accepted in the period."""
    total = plan.budget_total()
    if total is None:
        return None
    table = Table("Ke hoach - kinh phi", "Bảng 6. Kinh phí kế hoạch và thực hiện",
                  ["Năm kế hoạch", "Nguồn kinh phí", "Kinh phí kế hoạch được duyệt (đồng)", "Số đề án nghiệm thu",
                   "Kinh phí hỗ trợ đã nghiệm thu (đồng)", "Đã giải ngân (đồng)", "Tỷ lệ thực hiện"],
                  note="Kế hoạch: tổng kinh phí được duyệt trong các kế hoạch năm (của tỉnh). Thực hiện: các đề án "
                       "thuộc kế hoạch đó được nghiệm thu trong kỳ, trên địa bàn báo cáo; tỷ lệ = kinh phí hỗ trợ "
                       "đã nghiệm thu / kinh phí kế hoạch" + ("." if plan.rates_apply else
                                                               " (không tính cho địa bàn nhỏ hơn tỉnh)."))
    for line in [*plan.budget, total]:
        first: Cell = str(line.year) if line.year else "Cả kỳ (tổng)"  # a year is a name, never "2.014"
        table.rows.append([first, FUNDING.get(line.funding_source, line.funding_source), line.planned_vnd,
                           line.schemes, line.support_vnd, line.disbursed_vnd, _rate(line.rate, plan.rates_apply)])
    return table


def plan_training(plan: PlanVsActual) -> Table | None:
    """Planned participants of the period's courses beside their completed participations."""
    if not plan.training:
        return None
    table = Table("Ke hoach - dao tao", "Bảng 7. Học viên theo kế hoạch và thực tế hoàn thành",
                  ["Loại lớp", "Số lớp", "Học viên theo kế hoạch", "Lượt học viên hoàn thành", "Tỷ lệ thực hiện"],
                  note="Các lớp kết thúc trong kỳ, do đơn vị trên địa bàn tổ chức; tính theo lượt (một người học "
                       "hai lớp được tính hai lượt).")
    for line in plan.training:
        table.rows.append([line.label, line.courses, line.planned_participants, line.completed_participations,
                           _rate(line.rate)])
    return table


def all_tables(figures: Figures, plan: PlanVsActual | None = None) -> list[Table]:
    """Every table of the report; the plan-versus-actual ones only where the records hold targets."""
    plan = plan if plan is not None else plan_vs_actual(figures.period, figures.area)
    tables = [main_results(figures), schemes_by_activity(figures), by_year(figures), by_sector(figures),
              by_area(figures)]
    return tables + [t for t in (plan_budget(plan), plan_training(plan)) if t is not None]
