"""The period report page and its downloads on bad input: a clear message, 4xx, and never a file."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B

URL = "/bao-cao/"
PERIOD = {"date_from": "2024-01-01", "date_to": "2026-11-26"}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _no_file(response) -> bool:  # type: ignore[no-untyped-def]
    return "Content-Disposition" not in response and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("fmt", ["", "xlsx", "docx", "pdf"])
@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "2026-11-26", "date_to": "2024-01-01"}, "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu"),
    ({**PERIOD, "area": "999"}, "999"),
    ({**PERIOD, "area": "77", "boundary_date": "2026-01-01"}, "không tồn tại vào ngày ranh giới 01/01/2026"),
    ({**PERIOD, "date_to": "2026-13-01"}, "Nhập một ngày hợp lệ"),
])
def test_bad_input_is_400_with_the_reason_and_no_file(personas, params: dict[str, str], message: str,
                                                       fmt: str) -> None:
    response = client_for(personas["province_officer"]).get(URL, {**params, **({"format": fmt} if fmt else {})})
    assert response.status_code == 400 and _no_file(response)
    assert message in response.content.decode()


@pytest.mark.parametrize("fmt", ["", "docx"])
def test_commune_officer_may_not_report_on_another_commune(personas, fmt: str) -> None:
    client = client_for(personas["commune_officer_a"])
    extra = {"format": fmt} if fmt else {}
    other = client.get(URL, {**PERIOD, "area": COMMUNE_B, **extra})
    province = client.get(URL, {**PERIOD, "area": "79", **extra})
    assert other.status_code == 403 and province.status_code == 403 and _no_file(other)
    assert "chỉ xem được số liệu của xã/phường mình phụ trách" in other.content.decode()
    own = client.get(URL, {**PERIOD, "area": COMMUNE_A, **extra})
    assert own.status_code == 200
    if fmt:
        assert own["Content-Disposition"].endswith('.docx"')


def test_api_boundary_date_before_the_area_existed_is_400(personas) -> None:
    client = APIClient()
    client.force_authenticate(personas["province_officer"])
    response = client.get("/api/v1/indicators", {"from": "2014-01-01", "to": "2020-12-31", "area": "77",
                                                 "boundary_date": "2026-01-01"})
    assert response.status_code == 400 and "ranh giới" in response.json()["boundary_date"][0]
    early = client.get("/api/v1/indicators", {"from": "2014-01-01", "to": "2020-12-31", "area": "79",
                                              "boundary_date": "2020-12-31"})  # today's HCMC code 79 existed too
    assert early.status_code == 200
