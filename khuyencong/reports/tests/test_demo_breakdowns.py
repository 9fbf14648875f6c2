"""On the demo dataset: breakdown parts versus totals, report tables by sector/area and the chart,
and drill-down lists whose length is the figure. The dataset is loaded once for the module."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from khuyencong.indicators.breakdowns import ADD_UP, EXTREMES, OVERLAP, compute_breakdown
from khuyencong.indicators.catalogue import CATALOGUE, Counting
from khuyencong.indicators.drilldown import drill_rows
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.reports import exports
from khuyencong.reports.tables import all_tables

PERIOD = Period(dt.date(2014, 1, 1), dt.date(2020, 12, 31))
COUNTS = [i.code for i in CATALOGUE if i.counting in (Counting.DISTINCT, Counting.PARTICIPATIONS)]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def figures(demo, db):  # type: ignore[no-untyped-def]
    return compute(PERIOD, resolve_area("77", dt.date(2020, 12, 31)))


@pytest.mark.parametrize("dimension", [Dimension.YEAR, Dimension.UNIT, Dimension.SECTOR, Dimension.GENDER,
                                       Dimension.FUNDING, Dimension.ACTIVITY, Dimension.LEVEL])
def test_parts_add_up_or_overlap_as_stated(figures, dimension: Dimension) -> None:
    result = compute_breakdown(PERIOD, figures.area, [dimension])
    assert result.values, "every dimension applies to some indicator"
    for code, parts in result.values.items():
        total, values = figures.values[code], [v for v in parts.values() if v is not None]
        if result.parts[code] == ADD_UP:
            assert sum(values) == (total or 0), code
        elif result.parts[code] == OVERLAP:
            assert sum(values) >= total and all(v <= total for v in values), code
        else:
            assert result.parts[code] == EXTREMES and (not values or min(values) >= (total or 0) or
                                                        max(values) <= (total or 0)), code


def test_overlap_is_real_in_the_demo(figures) -> None:
    """The demo's persons attending in several years make the yearly parts exceed the total."""
    code = "training.vocational.persons"
    by_year = compute_breakdown(PERIOD, figures.area, [Dimension.YEAR], [code]).values[code]
    assert sum(by_year.values()) > figures.values[code] == 285


@pytest.mark.parametrize("code", COUNTS)
def test_drill_down_lists_exactly_the_counted_records(figures, code: str) -> None:
    _drill, items = drill_rows(code, PERIOD, figures.area)
    assert items.count() == figures.values[code]


def test_drill_down_page(figures, personas, django_assert_max_num_queries) -> None:
    client = Client()
    client.force_login(personas["province_officer"])
    params = {"from": "2014-01-01", "to": "2020-12-31", "area": "77", "boundary_date": "2020-12-31"}
    with django_assert_max_num_queries(40):
        response = client.get("/bao-cao/chi-tieu/training.vocational.persons/", params)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 285 == response.context["figure"]
    assert len(response.context["rows"]) == 25
    body = response.content.decode()
    assert "*********" in body  # ID numbers masked (last two digits only)
    second = client.get("/bao-cao/chi-tieu/demo_models.count/", {**params, "page": 1})
    assert second.context["page"].paginator.count == 6


def test_report_tables_by_sector_and_area_and_chart(figures) -> None:
    tables = {t.sheet: t for t in all_tables(figures)}
    sector, area = tables["Theo nganh"], tables["Theo dia ban"]
    assert sector.rows[-1][0] == "Cả kỳ (tổng)" and area.rows[-1][0] == "Cả kỳ (tổng)"
    # Participations (lượt) add up across districts of the 2020 province.
    col = area.headers.index("Lượt cơ sở CNNT tham gia hội chợ, triển lãm")
    assert sum(int(r[col] or 0) for r in area.rows[:-1]) == area.rows[-1][col] == 258
    assert any("Huyện" in str(r[0]) or "Thành phố" in str(r[0]) for r in area.rows)
    html = exports.render_html(figures, list(tables.values()), exports.Letterhead.from_settings(), for_print=True)
    assert "Bảng 4." in html and "Bảng 5." in html and 'src="data:image/svg+xml;base64,' in html
    assert "<script" not in html and "style=" not in html


def test_xlsx_and_docx_get_the_new_tables(figures) -> None:
    from python_calamine import CalamineWorkbook

    xlsx = CalamineWorkbook.from_filelike(io.BytesIO(exports.render(figures, "xlsx")))
    assert {"Theo nganh", "Theo dia ban"} <= set(xlsx.sheet_names)
    from docx import Document

    doc = Document(io.BytesIO(exports.render(figures, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Bảng 4. Một số chỉ tiêu theo nhóm ngành" in text and "Bảng 5. Một số chỉ tiêu theo địa bàn" in text
