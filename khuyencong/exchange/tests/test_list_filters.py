"""A bad list filter is refused (400 naming the filter), never read as "no filter" (issue 21, point 10).

The page shows the error and no rows; an export with a bad filter is a 400, not the whole register.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

# (page URL, bad filter, words the message must contain: the filter's label)
BAD_PAGE_FILTERS = [
    ("/de-an/", {"year": "1900"}, "Năm"),
    ("/de-an/", {"status": "AAA"}, "Trạng thái"),
    ("/co-so/", {"status": "AAA"}, "Tình trạng"),
    ("/dao-tao/", {"year": "1900"}, "Năm"),
    ("/hop-tac/", {"kind": "AAA"}, "Loại hoạt động"),
    ("/hoi-cho/", {"khi": "AAA"}, "Thời gian"),
    ("/hoi-cho/", {"scope": "AAA"}, "Quy mô"),
    ("/san-pham/cong-nhan/", {"year": "1900"}, "Năm"),
    ("/nhat-ky/truy-cap-du-lieu-ca-nhan/", {"date_from": "AAA"}, "Từ ngày"),
]


@pytest.mark.parametrize(("url", "params", "label"), BAD_PAGE_FILTERS)
def test_bad_filter_page_is_400_with_message(client, personas, est_a, url, params, label) -> None:
    client.force_login(personas["province_admin"])
    response = client.get(url, params)
    assert response.status_code == 400, url
    html = response.content.decode()
    assert "Bộ lọc không hợp lệ" in html and label in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("url", "params", "label"), BAD_PAGE_FILTERS)
def test_bad_filter_export_is_400_not_a_download(client, personas, est_a, url, params, label, fmt) -> None:
    client.force_login(personas["province_admin"])
    response = client.get(url, {**params, "format": fmt})
    assert response.status_code == 400, url
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Bộ lọc không hợp lệ" in text and label in text


def test_bad_filter_page_lists_nothing(client, personas, est_a) -> None:
    client.force_login(personas["province_admin"])
    good = client.get("/co-so/")
    assert est_a.name in good.content.decode()
    bad = client.get("/co-so/", {"legal_form": "AAA"})
    assert bad.status_code == 400 and est_a.name not in bad.content.decode()


def test_good_filters_still_work(client, personas, est_a) -> None:
    client.force_login(personas["province_admin"])
    assert client.get("/de-an/", {"year": "2024", "status": ""}).status_code == 200
    assert client.get("/hoi-cho/", {"khi": "past"}).status_code == 200
    assert client.get("/co-so/", {"format": "csv", "status": "active"}).status_code == 200


BAD_API_FILTERS = [
    ("/api/v1/schemes", "status"), ("/api/v1/schemes", "funding_source"), ("/api/v1/establishments", "status"),
    ("/api/v1/establishments", "legal_form"), ("/api/v1/establishments", "sector_group"),
    ("/api/v1/fairs", "when"), ("/api/v1/fairs", "scope"), ("/api/v1/fairparticipations", "kind"),
    ("/api/v1/activities", "kind"), ("/api/v1/units", "level"), ("/api/v1/supportnorms", "funding_source"),
]


@pytest.mark.parametrize(("url", "name"), BAD_API_FILTERS)
def test_api_unknown_enum_filter_is_400(personas, url, name) -> None:
    api = APIClient()
    api.force_authenticate(personas["province_admin"])
    response = api.get(url, {name: "AAA"})
    assert response.status_code == 400, url
    assert name in response.json() and "AAA" in response.json()[name][0]
    assert api.get(url, {name: "AAA", "format": "csv"}).status_code == 400
