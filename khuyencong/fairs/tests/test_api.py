"""API v1 for fairs, participations and showrooms: every persona × endpoint, bad input, schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.fairs.models import Fair, FairParticipation

FAIRS, PARTS, ROOMS = "/api/v1/fairs", "/api/v1/fairparticipations", "/api/v1/showrooms"

# persona → fairs: (past count, retrieve, create, patch); participations: (count, retrieve part_a, create for
# est_a, patch part_a); showrooms: (count, retrieve)
API_MATRIX = {
    "province_admin": (1, 200, 201, 200, 2, 200, 201, 200, 1, 200),
    "province_officer": (1, 200, 201, 200, 2, 200, 201, 200, 1, 200),
    "commune_officer_a": (1, 200, 403, 403, 1, 200, 201, 200, 1, 200),
    "commune_officer_b": (1, 200, 403, 403, 1, 404, 400, 404, 1, 200),  # est_a outside: 400 like an unknown id
    "council_member": (1, 200, 403, 403, 2, 200, 403, 403, 1, 200),
    "establishment_rep": (1, 200, 403, 403, 1, 200, 403, 403, 1, 200),
    "auditor": (1, 200, 403, 403, 2, 200, 403, 403, 1, 200),
    "outsider": (0, 404, 403, 404, 0, 404, 403, 404, 0, 404),
}


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def fair_payload(**overrides):  # type: ignore[no-untyped-def]
    base = {"name": "Hội chợ Xuân 2027", "organiser": "Sở Công Thương", "scope": "provincial",
            "venue_code": "26560", "start_date": "2027-01-20", "end_date": "2027-01-25", "booth_support_vnd": 9600000}
    return {**base, **overrides}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_endpoint_matrix(personas, part_a, part_b, future_fair, showroom, persona, expected) -> None:
    client = api_for(personas[persona])
    fair_url, part_url, room_url = f"{FAIRS}/{part_a.fair_id}", f"{PARTS}/{part_a.pk}", f"{ROOMS}/{showroom.pk}"
    past = client.get(FAIRS, {"when": "past"})
    parts = client.get(PARTS)
    rooms = client.get(ROOMS)
    got = (
        past.json()["count"], client.get(fair_url).status_code,
        client.post(FAIRS, fair_payload(), format="json").status_code,
        client.patch(fair_url, {"notes": "Đã tổng kết", "version": 1}, format="json").status_code,
        parts.json()["count"], client.get(part_url).status_code,
        client.post(PARTS, {"fair": future_fair.pk, "establishment": part_a.establishment_id},
                    format="json").status_code,
        client.patch(part_url, {"booths": 2, "version": 1}, format="json").status_code,
        rooms.json()["count"], client.get(room_url).status_code,
    )
    assert got == expected


def test_anonymous_refused(past_fair) -> None:
    assert APIClient().get(FAIRS).status_code in (401, 403)
    assert APIClient().get(PARTS).status_code in (401, 403)


def test_fair_detail_has_totals_and_participations_filter_by_fair(personas, part_a, part_b, future_fair) -> None:
    client = api_for(personas["province_officer"])
    body = client.get(f"{FAIRS}/{part_a.fair_id}").json()
    assert body["totals"]["participations"] == 2 and body["totals"]["sales_vnd"] == 70_000_000
    assert client.get(PARTS, {"fair": future_fair.pk}).json()["count"] == 0
    listed = client.get(PARTS, {"fair": part_a.fair_id}).json()["results"]
    assert {p["establishment"]["id"] for p in listed} == {part_a.establishment_id, part_b.establishment_id}
    assert client.get(PARTS, {"fair": "abc"}).status_code == 400


@pytest.mark.parametrize(("body", "field", "message"), [
    (fair_payload(end_date="2027-01-01"), "end_date", "không được trước ngày khai mạc"),
    (fair_payload(booth_support_vnd=-5), "booth_support_vnd", "không được âm"),
    (fair_payload(venue_code="00000"), "venue_code", "Không có đơn vị hành chính"),
    (fair_payload(venue_code="", venue_country="Nhật Bản"), "venue_unit", "quốc gia và thành phố"),
])
def test_bad_fair_input(personas, body, field, message) -> None:
    response = api_for(personas["province_officer"]).post(FAIRS, body, format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert not Fair.objects.exists()


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"support_vnd": -1}, "support_vnd", "không được âm"),
    ({"sales_vnd": -1}, "sales_vnd", "không được âm"),
])
def test_bad_participation_amounts(personas, past_fair, est_a, extra, field, message) -> None:
    response = api_for(personas["province_officer"]).post(
        PARTS, {"fair": past_fair.pk, "establishment": est_a.pk, **extra}, format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert not FairParticipation.objects.exists()


def test_repeat_participation_is_400(personas, part_a) -> None:
    response = api_for(personas["commune_officer_a"]).post(
        PARTS, {"fair": part_a.fair_id, "establishment": part_a.establishment_id}, format="json")
    assert response.status_code == 400
    assert "đã được đăng ký tham gia" in response.json()["establishment"][0]
    assert FairParticipation.objects.count() == 1


def test_outcomes_before_fair_is_400(personas, future_fair, est_a) -> None:
    response = api_for(personas["province_officer"]).post(
        PARTS, {"fair": future_fair.pk, "establishment": est_a.pk, "sales_vnd": 1000}, format="json")
    assert response.status_code == 400 and "chưa diễn ra" in response.json()["sales_vnd"][0]
    assert not FairParticipation.objects.exists()


def test_commune_officer_editing_other_commune_is_404_like_unknown(personas, part_b) -> None:
    client = api_for(personas["commune_officer_a"])
    response = client.patch(f"{PARTS}/{part_b.pk}", {"sales_vnd": 1, "version": 1}, format="json")
    unknown = client.patch(f"{PARTS}/{10**9}", {"sales_vnd": 1, "version": 1}, format="json")
    assert response.status_code == unknown.status_code == 404 and response.json() == unknown.json()
    part_b.refresh_from_db()
    assert part_b.sales_vnd == 20_000_000 and part_b.version == 1


def test_an_establishment_outside_the_area_is_answered_like_an_unknown_one(personas, future_fair, est_b,
                                                                           showroom) -> None:
    """No existence oracle: registering another commune's establishment reads exactly like a wrong id."""
    client = api_for(personas["commune_officer_a"])
    for url, body in ((PARTS, {"fair": future_fair.pk}),
                      (f"{ROOMS}/{showroom.pk}/displays", {"displayed_from": "2026-01-05"})):
        outside = client.post(url, {**body, "establishment": est_b.pk}, format="json")
        unknown = client.post(url, {**body, "establishment": 10**9}, format="json")
        assert (outside.status_code, outside.json()) == (unknown.status_code, unknown.json()), url
        assert outside.status_code == 400
    assert not FairParticipation.objects.filter(establishment=est_b).exists()


def test_a_product_outside_the_area_is_answered_like_an_unknown_one(personas, future_fair, est_a, est_b) -> None:
    """Another commune's product id reads exactly like a wrong id: its name is never revealed."""
    from khuyencong.fairs.tests.conftest import make_product

    hidden = make_product(est_b, "Nước mắm bí mật")
    client = api_for(personas["commune_officer_a"])
    body = {"fair": future_fair.pk, "establishment": est_a.pk}
    outside = client.post(PARTS, {**body, "products": [hidden.pk]}, format="json")
    unknown = client.post(PARTS, {**body, "products": [10**9]}, format="json")
    assert (outside.status_code, outside.json()) == (unknown.status_code, unknown.json())
    assert outside.status_code == 400 and "Nước mắm bí mật" not in outside.content.decode()
    assert not FairParticipation.objects.filter(establishment=est_a).exists()


def test_update_requires_version_and_detects_conflicts(personas, part_a) -> None:
    client = api_for(personas["province_officer"])
    url = f"{PARTS}/{part_a.pk}"
    assert client.patch(url, {"booths": 2}, format="json").status_code == 400
    assert client.patch(url, {"booths": 2, "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"booths": 3, "version": 1}, format="json").status_code == 409
    assert FairParticipation.objects.get().booths == 2


def test_ecommerce_listing_via_api(personas, past_fair, est_a) -> None:
    response = api_for(personas["commune_officer_a"]).post(PARTS, {
        "fair": past_fair.pk, "establishment": est_a.pk, "kind": "ecommerce_listing", "platform": "Shopee",
        "products_shown": ["Hạt điều rang muối"]}, format="json")
    assert response.status_code == 201
    assert response.json()["kind"] == "ecommerce_listing" and response.json()["products_shown"] == [
        "Hạt điều rang muối"]


def test_showroom_create_and_detail(personas, est_a) -> None:
    client = api_for(personas["province_officer"])
    created = client.post(ROOMS, {"name": "Điểm giới thiệu Bà Rịa", "location_code": "26560", "operator": "HTX",
                                  "opened_on": "2026-01-01"}, format="json")
    assert created.status_code == 201
    bad = client.post(ROOMS, {"name": "X", "location_code": "26560", "operator": "HTX", "opened_on": "2026-01-01",
                              "closed_on": "2025-01-01"}, format="json")
    assert bad.status_code == 400 and "closed_on" in bad.json()
    assert client.get(f"{ROOMS}/{created.json()['id']}").json()["displays"] == []


def test_schema_lists_fair_endpoints(personas) -> None:
    schema = api_for(personas["province_officer"]).get("/api/v1/schema",
                                                        HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/fairs", "/api/v1/fairs/{id}", "/api/v1/fairparticipations", "/api/v1/showrooms/{id}"} <= set(paths)
