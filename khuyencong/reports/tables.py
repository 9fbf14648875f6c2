"""The report's tables, built from one computed report (``indicators.report``): the figures, the breakdowns
the tables show and the plan beside the actual."""

from __future__ import annotations

from dataclasses import dataclass, field

from khuyencong.indicators.breakdowns import NONE_KEY, OVERLAP, SEPARATOR, Breakdown, compute_breakdown
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import Figures
from khuyencong.indicators.periods import years_in
from khuyencong.indicators.report import Report, Wanted, compute_report
from khuyencong.indicators.sources import Dimension
from khuyencong.indicators.targets import PlanVsActual
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
SCHEME_SUMS = {"count": "schemes.count", "support_vnd": "schemes.support_vnd",
               "counterpart_vnd": "schemes.counterpart_vnd", "disbursed_vnd": "schemes.disbursed_vnd"}
# The breakdowns the report's tables show, computed with the figures in one call to the engine.
WANTED = {
    "schemes": Wanted((Dimension.ACTIVITY, Dimension.FUNDING), tuple(SCHEME_SUMS.values())),
    "year": Wanted((Dimension.YEAR,), tuple(BY_YEAR_CODES)),
    "sector": Wanted((Dimension.SECTOR,), tuple(BY_SECTOR_CODES)),
    "area": Wanted((Dimension.UNIT,), tuple(BY_AREA_CODES)),
}
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


def _part(source: Figures | Report, name: str) -> Breakdown:
    """The report's breakdown ``name``: computed with the report, or alone for a page showing one table."""
    if isinstance(source, Report):
        return source.breakdowns[name]
    wanted = WANTED[name]
    return compute_breakdown(source.period, source.area, list(wanted.dimensions), list(wanted.codes))


def _figures(source: Figures | Report) -> Figures:
    return source.figures if isinstance(source, Report) else source


def schemes_by_activity(source: Figures | Report) -> Table:
    from khuyencong.schemes.models import ActivityType

    labels = dict(ActivityType.objects.values_list("code", "label"))
    result = _part(source, "schemes")
    keys = sorted(result.values.get(SCHEME_SUMS["count"], {}), key=lambda key: tuple(key.split(SEPARATOR)))
    table = Table("De an theo hoat dong", "Bảng 2. Đề án được nghiệm thu theo loại hoạt động và nguồn kinh phí",
                  ["Loại hoạt động", "Nguồn kinh phí", "Số đề án", "Kinh phí hỗ trợ (đồng)", "Vốn đối ứng (đồng)",
                   "Đã giải ngân (đồng)"], note="Các dòng cộng lại bằng tổng ở Bảng 1.")
    for key in keys:
        activity, funding = key.split(SEPARATOR)
        sums = {name: result.values.get(code, {}).get(key) for name, code in SCHEME_SUMS.items()}
        table.rows.append([labels.get(activity, activity), FUNDING.get(funding, funding), sums["count"],
                           sums["support_vnd"], sums["counterpart_vnd"], sums["disbursed_vnd"]])
    return table


def by_year(source: Figures | Report) -> Table:
    """Key indicators per calendar year inside the period (distinct counts per year may overlap)."""
    years = years_in(_figures(source).period)
    table = Table("Theo nam", "Bảng 3. Một số chỉ tiêu theo năm", ["Chỉ tiêu", *[str(y) for y in years]],
                  note="Số người/cơ sở đếm riêng từng năm: một người tham gia nhiều năm được đếm ở mỗi năm, nên "
                       "tổng các năm có thể lớn hơn số của cả giai đoạn.", chart=True)
    result = _part(source, "year")
    for code in BY_YEAR_CODES:
        values = result.values.get(code, {})
        table.rows.append([BY_CODE[code].label_vi, *[values.get(str(y), 0) for y in years]])
        table.units.append(BY_CODE[code].unit)
    return table


def _by_key(source: Figures | Report, name: str, table: Table, *, skip_empty: bool = True) -> Table:
    """Rows = the breakdown's keys, columns = its indicators."""
    result, figures = _part(source, name), _figures(source)
    dimension, codes = WANTED[name].dimensions[0], list(WANTED[name].codes)
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


def by_sector(source: Figures | Report) -> Table:
    table = Table("Theo nganh", "Bảng 4. Một số chỉ tiêu theo nhóm ngành",
                  ["Nhóm ngành", *[BY_CODE[c].label_vi for c in BY_SECTOR_CODES]])
    return _by_key(source, "sector", table)


def by_area(source: Figures | Report) -> Table:
    table = Table("Theo dia ban", "Bảng 5. Một số chỉ tiêu theo địa bàn",
                  ["Địa bàn", *[BY_CODE[c].label_vi for c in BY_AREA_CODES]])
    return _by_key(source, "area", table)


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


def report_of(figures: Figures, plan: PlanVsActual | None = None) -> Report:
    """The computed report around figures (and a plan) already at hand: the rest in one call."""
    return compute_report(figures.period, figures.area, WANTED, figures=figures, plan=plan)


def all_tables(source: Figures | Report, plan: PlanVsActual | None = None) -> list[Table]:
    """Every table of the report; the plan-versus-actual ones only where the records hold targets."""
    report = source if isinstance(source, Report) else report_of(source, plan)
    tables = [main_results(report.figures), schemes_by_activity(report), by_year(report), by_sector(report),
              by_area(report)]
    return tables + [t for t in (plan_budget(report.plan), plan_training(report.plan)) if t is not None]
