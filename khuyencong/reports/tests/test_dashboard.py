"""The dashboard: period and area chosen, charts by year, sector and area from the engine, downloads, drill links."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from khuyencong.fairs.tests.conftest import make_fair, make_participation
from khuyencong.indicators.breakdowns import breakdown_many
from khuyencong.indicators.engine import resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_establishment, unit

URL = "/bao-cao/bang-dieu-khien/"
PERIOD = {"date_from": "2024-01-01", "date_to": "2026-11-26"}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fairs(db) -> None:
    """Four participations: two in 2025 (commune A, B), two in 2026 (commune A)."""
    a = make_establishment("Cơ sở gốm Long Phước", unit(COMMUNE_A))
    b = make_establishment("Mây tre Cù Bị", unit(COMMUNE_B))
    first = make_fair("Hội chợ 2025", start=dt.date(2025, 4, 1))
    second = make_fair("Hội chợ 2026", start=dt.date(2026, 5, 10))
    make_participation(first, a), make_participation(first, b), make_participation(second, a)
    make_participation(second, make_establishment("Dệt may Bà Rịa", unit(COMMUNE_A)))


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_default_period_is_the_seeded_programme_with_three_charts(personas) -> None:
    response = client_for(personas["province_officer"]).get(URL)
    assert response.status_code == 200
    charts = response.context["charts"]
    assert [c.key for c in charts] == ["year", "sector", "area"]
    assert [row[0] for row in charts[0].rows] == [str(y) for y in range(2014, 2021)]
    html = response.content.decode()
    assert "chart=year&amp;format=svg" in html and "Tải dữ liệu" in html and "date_from=2014-01-01" in html
    assert 'value="01/01/2014"' in html  # the default period is shown in dd/mm/yyyy


def test_year_download_equals_the_engine_breakdown(personas, fairs) -> None:
    response = client_for(personas["province_officer"]).get(URL, {**PERIOD, "chart": "year", "format": "csv"})
    rows = _csv(response)
    column = next(i for i, h in enumerate(rows[0]) if h.startswith("Lượt cơ sở CNNT tham gia hội chợ"))
    area = resolve_area(None, None)
    expected = breakdown_many(["fairs.participations"], Period(dt.date(2024, 1, 1), dt.date(2026, 11, 26)), area,
                              [Dimension.YEAR])["fairs.participations"]
    by_year = {r[0]: r[column] for r in rows[1:]}
    assert by_year["2025"] == str(expected["2025"]) == "2" and by_year["2026"] == str(expected["2026"]) == "2"
    assert by_year["Cả kỳ (tổng)"] == "4"


def test_area_chart_splits_by_commune_and_links_each_to_its_records(personas, fairs) -> None:
    client = client_for(personas["province_officer"])
    params = {**PERIOD, "area": "79"}
    response = client.get(URL, params)
    area = next(c for c in response.context["charts"] if c.key == "area")
    index = next(i for i, h in enumerate(area.headers) if h.startswith("Lượt cơ sở CNNT tham gia hội chợ"))
    cells = {category: cells[index] for category, cells in area.rows}
    assert sum(c.value or 0 for c in cells.values()) == 4
    linked = [c for c in cells.values() if c.value]
    assert linked and all("/bao-cao/chi-tieu/fairs.participations/?from=2024-01-01" in c.url for c in linked)
    drill = client.get(linked[0].url)
    assert drill.status_code == 200 and drill.context["figure"] == linked[0].value
    xlsx = client.get(URL, {**params, "chart": "area", "format": "xlsx"})
    assert xlsx.status_code == 200 and '.xlsx"' in xlsx["Content-Disposition"]


def test_bars_of_the_svg_link_to_the_drill_down(personas, fairs) -> None:
    response = client_for(personas["province_officer"]).get(URL, {**PERIOD, "chart": "year", "format": "svg"})
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert "/bao-cao/chi-tieu/fairs.participations/?from=2025-01-01&amp;to=2025-12-31" in response.content.decode()


def test_commune_officer_sees_own_commune_and_is_refused_another(personas, fairs) -> None:
    client = client_for(personas["commune_officer_a"])
    own = client.get(URL, PERIOD)
    assert own.status_code == 200 and own.context["figures"].area.unit.code == COMMUNE_A
    assert client.get(URL, {**PERIOD, "area": COMMUNE_B}).status_code == 403
    assert client.get(URL, {**PERIOD, "area": COMMUNE_B, "chart": "year", "format": "csv"}).status_code == 403


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "2026-11-26", "date_to": "2024-01-01"}, "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu"),
    ({**PERIOD, "area": "999"}, "999"),
    ({**PERIOD, "chart": "pie", "format": "csv"}, "Không có biểu đồ “pie”"),
    ({**PERIOD, "chart": "year", "format": "pdf"}, "Định dạng xuất “pdf” không được hỗ trợ"),
])
def test_bad_input_is_a_400_with_the_reason(personas, params, message) -> None:
    response = client_for(personas["province_officer"]).get(URL, params)
    assert response.status_code == 400 and message in response.content.decode()


def test_dashboard_queries_do_not_grow_with_records(personas, fairs) -> None:
    from khuyencong.testing.queries import assert_constant_queries

    def grow() -> None:
        fair = make_fair("Hội chợ thêm", start=dt.date(2026, 9, 1))
        for i in range(20):
            make_participation(fair, make_establishment(f"Cơ sở thêm {i}", unit(COMMUNE_A if i % 2 else COMMUNE_B)))

    # Three charts of the report's breakdowns (a GROUP BY per family of indicators each, plus their labels
    # and, on PostgreSQL, the transaction and planner settings around each breakdown).
    assert_constant_queries(client_for(personas["province_officer"]), URL, grow, at_most=120,
                            params={**PERIOD, "area": "79"})
