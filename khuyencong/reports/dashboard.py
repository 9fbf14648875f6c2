"""The indicator dashboard: the report's year, sector and area tables as charts, for a chosen period and area.

Nothing is counted here: the tables are the report's own (``tables.by_year``, ``by_sector``,
``by_area``, i.e. the engine's breakdowns, one GROUP BY per family of indicators), and the charts
are drawn by the report's chart definitions (``charts.Chart``, matplotlib). Each chart comes with
its data as a table whose cells link to the drill-down of their records, and the same data can be
downloaded as CSV or XLSX (``?…&chart=year&format=csv``).

The drill-down page filters by indicator, period and area; so a year's cell links to that year (cut
to the period), an area's cell to that area. A sector's cell has no link: the drill-down has no
sector filter, and a list of every record of the period under one sector's bar would mislead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l

from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import Figures
from khuyencong.indicators.periods import Period
from khuyencong.reports import charts, tables
from khuyencong.reports.tables import Table

YEAR, SECTOR, AREA = "year", "sector", "area"
TOTAL_ROW = "Cả kỳ (tổng)"
CATEGORY_WIDTH = 9  # characters per line of a category name under its bar
SVG_CACHE_SECONDS = 24 * 3600


@dataclass
class Cell:
    value: int | None
    url: str = ""


@dataclass
class DashboardChart:
    """One chart of the dashboard: its picture, and its data as rows (category, cells) for the table."""

    key: str
    title: str
    headers: list[str]
    units: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    total: list[Cell] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        return [category for category, _ in self.rows]

    @property
    def indicator_rows(self) -> list[dict[str, object]]:
        """The data table of the page: one row per indicator (long names read best as row headers),
        one column per category, then the period's total — like the report's year table."""
        return [{"label": label, "unit": unit, "cells": [cells[i] for _, cells in self.rows], "total": self.total[i]}
                for i, (label, unit) in enumerate(zip(self.headers, self.units, strict=True))]


def drill_href(code: str, date_from: dt.date, date_to: dt.date, area_code: str, boundary: dt.date) -> str:
    params = {"from": date_from.isoformat(), "to": date_to.isoformat(), "area": area_code,
              "boundary_date": boundary.isoformat()}
    return f"{reverse('reports:drilldown', args=[code])}?{urlencode(params)}"


def _year_span(period: Period, year: int) -> tuple[dt.date, dt.date]:
    """The part of the period inside one calendar year."""
    return max(period.date_from, dt.date(year, 1, 1)), min(period.date_to, dt.date(year, 12, 31))


def _area_code(figures: Figures) -> str:
    return figures.area.unit.code if figures.area.unit else ""


def year_chart(figures: Figures) -> DashboardChart:
    """Indicators (series) by calendar year (categories): the report's table 3, turned on its side."""
    table = tables.by_year(figures)
    codes, years = tables.BY_YEAR_CODES, [int(h) for h in table.headers[1:]]
    boundary = figures.area.boundary_date
    chart = DashboardChart(YEAR, str(_l("Xu hướng theo năm")), [str(BY_CODE[c].label_vi) for c in codes],
                           [BY_CODE[c].unit for c in codes])
    for index, year in enumerate(years, start=1):
        start, end = _year_span(figures.period, year)
        chart.rows.append((str(year), [Cell(_int(row[index]), drill_href(code, start, end, _area_code(figures),
                                                                           boundary))
                                       for code, row in zip(codes, table.rows, strict=True)]))
    chart.total = [Cell(figures.values.get(c), _period_href(figures, c, _area_code(figures))) for c in codes]
    return chart


def _keyed_chart(key: str, title: str, table: Table, codes: list[str], figures: Figures,
                 href: Callable[[str, str], str]) -> DashboardChart:
    """A table whose rows are categories (sectors, areas) and columns indicators, with its total row."""
    chart = DashboardChart(key, title, [str(BY_CODE[c].label_vi) for c in codes], [BY_CODE[c].unit for c in codes])
    for row in table.rows:
        if row[0] == TOTAL_ROW:
            continue
        chart.rows.append((str(row[0]), [Cell(_int(v), href(code, str(row[0]))) for code, v in
                                         zip(codes, row[1:], strict=True)]))
    chart.total = [Cell(figures.values.get(c), _period_href(figures, c, _area_code(figures))) for c in codes]
    return chart


def sector_chart(figures: Figures) -> DashboardChart:
    return _keyed_chart(SECTOR, str(_l("Theo nhóm ngành")), tables.by_sector(figures), tables.BY_SECTOR_CODES,
                        figures, lambda code, label: "")


def area_chart(figures: Figures) -> DashboardChart:
    from khuyencong.indicators.breakdowns import unit_targets

    codes_by_name = {t.name: t.code for t in unit_targets(figures.area)}

    def href(code: str, label: str) -> str:
        unit_code = codes_by_name.get(label)
        return _period_href(figures, code, unit_code) if unit_code else ""

    return _keyed_chart(AREA, str(_l("Theo địa bàn")), tables.by_area(figures), tables.BY_AREA_CODES, figures, href)


def _period_href(figures: Figures, code: str, area_code: str) -> str:
    return drill_href(code, figures.period.date_from, figures.period.date_to, area_code, figures.area.boundary_date)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


BUILDERS: dict[str, Callable[[Figures], DashboardChart]] = {YEAR: year_chart, SECTOR: sector_chart, AREA: area_chart}


def as_chart(chart: DashboardChart) -> charts.Chart:
    """The chart definition the report uses: one bar panel per indicator, bars linked to their records.

    Long category names (sectors, areas) are wrapped so that neighbouring tick labels do not overlap."""
    series = [charts.Series(label, unit, [cells[i].value or 0 for _, cells in chart.rows],
                            [cells[i].url for _, cells in chart.rows])
              for i, (label, unit) in enumerate(zip(chart.headers, chart.units, strict=True))]
    categories = ["\n".join(textwrap.wrap(category, CATEGORY_WIDTH)) for category, _ in chart.rows]
    return charts.Chart(chart.title, categories, series)


def svg(chart: DashboardChart) -> str:
    """The chart drawn by matplotlib, kept in the cache under a digest of what it shows.

    Drawing a dozen panels takes seconds; the same figures always give the same picture, so a
    changed record (a changed figure) gives a new key and never a stale picture."""
    from django.core.cache import cache

    definition = as_chart(chart)
    key = "dashboard-svg:" + hashlib.sha256(repr(definition).encode("utf-8")).hexdigest()
    return str(cache.get_or_set(key, lambda: charts.render_svg(definition), SVG_CACHE_SECONDS))


def build(figures: Figures) -> list[DashboardChart]:
    return [builder(figures) for builder in BUILDERS.values()]


def data_rows(chart: DashboardChart) -> list[list[object]]:
    """The chart's data for download: category, then one value per indicator; the period's total last."""
    rows: list[list[object]] = [[category, *[c.value for c in cells]] for category, cells in chart.rows]
    rows.append([TOTAL_ROW, *[c.value for c in chart.total]])
    return rows
