"""Lists like a spreadsheet (core/listing.py), exercised through the registry list page."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from khuyencong.core.listing import Column, Listing, ListingError, Table, vi_field
from khuyencong.establishments.models import Establishment
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_establishment, unit

URL = "/co-so/"
TABLE = Table(columns=(Column("Tên", "name", (vi_field("name"),)), Column("Lao động", "employees"),
                       Column("Ghi chú")), default_sort="name")


@pytest.fixture
def registry(db) -> list[Establishment]:
    # "Đ" sorts after every "D…" in Vietnamese, although its code point is far after "Z".
    # The personas' own establishment is in commune A, so the tests read commune B.
    names = [("Đồ gỗ Tân Hưng", 12, COMMUNE_B), ("Dệt thổ cẩm Châu Đức", 30, COMMUNE_B),
             ("Bánh tráng Long Điền", 5, COMMUNE_A), ("Zò gốm Bà Rịa", 8, COMMUNE_B)]
    return [make_establishment(name, unit(commune), employees=employees) for name, employees, commune in names]


def _client(personas) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(personas["province_officer"])
    return client


def _names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.name for e in response.context["listing"].page]


def test_names_sort_in_vietnamese_order_both_ways(personas, registry) -> None:
    client = _client(personas)
    ascending = ["Dệt thổ cẩm Châu Đức", "Đồ gỗ Tân Hưng", "Zò gốm Bà Rịa"]
    assert _names(client.get(URL, {"unit": COMMUNE_B})) == ascending
    assert _names(client.get(URL, {"unit": COMMUNE_B, "sort": "-name"})) == ascending[::-1]


def test_numeric_column_sorts_and_header_says_so(personas, registry) -> None:
    response = _client(personas).get(URL, {"sort": "-employees", "unit": COMMUNE_B})
    assert [e.employees for e in response.context["listing"].page] == [30, 12, 8]
    headers = {str(h["label"]): h for h in response.context["listing"].headers}
    assert headers["Lao động"]["direction"] == "descending"
    # Clicking the current descending column sorts ascending again, and keeps the filter.
    assert "sort=employees" in headers["Lao động"]["url"] and f"unit={COMMUNE_B}" in headers["Lao động"]["url"]
    assert "sort=name" in headers["Tên cơ sở"]["url"]
    html = response.content.decode()
    assert 'aria-sort="descending"' in html and "▼" in html


def test_totals_cover_the_whole_filtered_list_not_the_page(personas, registry) -> None:
    response = _client(personas).get(URL, {"unit": COMMUNE_B, "page_size": "25"})
    listing = response.context["listing"]
    assert listing.count == 3 and listing.totals["employees"] == 12 + 30 + 8
    assert "Tổng cộng 3 cơ sở" in response.content.decode()


def test_page_size_and_sort_survive_pagination(personas, registry) -> None:
    for i in range(30):
        make_establishment(f"Cơ sở thêm {i:02d}", unit(COMMUNE_B))
    response = _client(personas).get(URL, {"page_size": "25", "sort": "-name", "unit": COMMUNE_B})
    listing = response.context["listing"]
    assert listing.page.paginator.per_page == 25 and listing.page.paginator.num_pages == 2
    assert "page=2" in response.content.decode()
    assert "page=" not in listing.query.replace("page_size=", "")
    assert "sort=-name" in listing.query and "page_size=25" in listing.query
    second = _client(personas).get(URL + "?" + listing.query + "&page=2")
    assert len(second.context["listing"].page) == 8
    assert _client(personas).get(URL, {"page_size": "50"}).context["listing"].page.paginator.per_page == 50


@pytest.mark.parametrize(("params", "needle"), [
    ({"sort": "password"}, "Không sắp xếp được theo “password”"),
    ({"sort": "-commune__name"}, "tham số sort"),
    ({"page_size": "1000"}, "Số dòng mỗi trang “1000” không hợp lệ"),
    ({"page_size": "abc"}, "tham số page_size"),
])
def test_bad_sort_or_page_size_is_refused_in_vietnamese(personas, registry, params, needle) -> None:
    response = _client(personas).get(URL, {"q": "gỗ", **params})
    assert response.status_code == 400
    body = response.content.decode()
    assert needle in body
    assert "?q=" in body  # the way back keeps the filters, drops the bad parameter


def test_bad_sort_is_refused_for_exports_too(personas, registry) -> None:
    assert _client(personas).get(URL, {"sort": "nope", "format": "csv"}).status_code == 400


def test_export_keeps_filters_and_sort(personas, registry) -> None:
    response = _client(personas).get(URL, {"unit": COMMUNE_B, "sort": "-employees", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Dệt thổ cẩm Châu Đức", "Đồ gỗ Tân Hưng", "Zò gốm Bà Rịa"]


def test_listing_checks_the_whitelist_before_any_query() -> None:
    factory = RequestFactory()
    with pytest.raises(ListingError) as caught:
        Listing.from_request(factory.get("/", {"sort": "Ghi chú"}), TABLE)
    assert caught.value.param == "sort"
    listing = Listing.from_request(factory.get("/", {"sort": "-employees"}), TABLE)
    assert listing.sort_key == "employees" and listing.descending and listing.page_size == 25


def test_list_page_queries_do_not_grow_with_rows(personas, registry) -> None:
    from khuyencong.testing.queries import assert_constant_queries

    def grow() -> None:
        for i in range(60):
            make_establishment(f"Cơ sở mới {i}", unit(COMMUNE_B), employees=i)

    assert_constant_queries(_client(personas), reverse("establishments:list"), grow, at_most=8,
                            params={"sort": "commune", "page_size": "50"})
