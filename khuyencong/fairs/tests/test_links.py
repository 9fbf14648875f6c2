"""Fairs and showrooms linked to schemes; participations linked to the establishment's registered products."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.fairs import services
from khuyencong.fairs.models import Fair, FairParticipation, Showroom
from khuyencong.fairs.tests.conftest import (
    make_establishments,
    make_fair,
    make_participation,
    make_product,
    make_scheme,
)

HIDDEN = "không có quyền xem đề án"
FOREIGN = "không thuộc cơ sở"
FAIRS, PARTS, ROOMS = "/api/v1/fairs", "/api/v1/fairparticipations", "/api/v1/showrooms"


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


FAIR = {"name": "Hội chợ Xuân 2027", "organiser": "Sở Công Thương", "scope": "provincial", "venue_code": "26560",
        "start_date": "2027-01-20", "end_date": "2027-01-25", "booth_support_vnd": 9600000}
ROOM = {"name": "Điểm giới thiệu Long Điền", "location_code": "26560", "operator": "Trung tâm",
        "opened_on": "2026-01-01"}


# --- schemes ---------------------------------------------------------------------------------------

def test_fair_and_showroom_link_a_scheme_through_the_api(personas, est_a) -> None:
    scheme = make_scheme("XTTM-2027-01", est_a)
    client = api_for(personas["province_officer"])
    fair = client.post(FAIRS, {**FAIR, "scheme": scheme.pk}, format="json")
    assert fair.status_code == 201 and fair.json()["scheme"]["code"] == "XTTM-2027-01"
    room = client.post(ROOMS, {**ROOM, "scheme": scheme.pk}, format="json")
    assert room.status_code == 201 and room.json()["scheme"]["id"] == scheme.pk
    assert Fair.objects.get().history.latest().scheme_id == scheme.pk
    page = client_for(personas["commune_officer_a"]).get(reverse("fairs:detail", args=[fair.json()["id"]]))
    assert "XTTM-2027-01" in page.content.decode()
    page = client_for(personas["commune_officer_a"]).get(reverse("fairs:showroom-detail", args=[room.json()["id"]]))
    assert "XTTM-2027-01" in page.content.decode()


@pytest.mark.parametrize("url", [FAIRS, ROOMS])
def test_unknown_scheme_is_a_vietnamese_400(personas, url) -> None:
    body = {**(FAIR if url == FAIRS else ROOM), "scheme": 999_999}
    response = api_for(personas["province_officer"]).post(url, body, format="json")
    assert response.status_code == 400 and HIDDEN in str(response.json()["scheme"])
    assert not Fair.objects.exists() and not Showroom.objects.exists()


def test_service_refuses_a_scheme_the_actor_cannot_see(personas, est_b, monkeypatch) -> None:
    """Province staff see every scheme today; the check still stands if the scheme scoping narrows."""
    scheme = make_scheme("XTTM-B", est_b)
    fair = make_fair()
    monkeypatch.setattr(services, "visible_schemes", lambda user: type(scheme).objects.none())
    with pytest.raises(ValidationError) as exc:
        services.fair_create(actor=personas["province_officer"], data={
            "name": "Hội chợ", "organiser": "Sở", "scope": "provincial", "venue_unit": fair.venue_unit,
            "start_date": fair.start_date, "end_date": fair.end_date, "scheme": scheme})
    with pytest.raises(ValidationError):
        services.fair_update(actor=personas["province_officer"], fair=fair, data={"scheme": scheme},
                             expected_version=fair.version)
    assert HIDDEN in exc.value.message_dict["scheme"][0]
    assert not Fair.objects.filter(scheme=scheme).exists()


# --- products ------------------------------------------------------------------------------------

def test_participation_links_own_registered_products(personas, est_a, past_fair) -> None:
    cashew = make_product(est_a, "Hạt điều rang muối")
    response = api_for(personas["commune_officer_a"]).post(PARTS, {
        "fair": past_fair.pk, "establishment": est_a.pk, "products": [cashew.pk],
        "products_shown": ["Bánh tráng (chưa đăng ký)"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["products"] == [{"id": cashew.pk, "name": "Hạt điều rang muối"}]
    assert body["products_shown"] == ["Bánh tráng (chưa đăng ký)"]
    participation = FairParticipation.objects.get()
    assert participation.product_names == ["Hạt điều rang muối", "Bánh tráng (chưa đăng ký)"]
    assert participation.history.latest().products.count() == 1  # the link is in the audit trail


def test_api_refuses_another_establishments_product(personas, est_a, est_b, past_fair) -> None:
    foreign = make_product(est_b, "Nước mắm")
    client = api_for(personas["province_officer"])
    response = client.post(PARTS, {"fair": past_fair.pk, "establishment": est_a.pk, "products": [foreign.pk]},
                           format="json")
    assert response.status_code == 400 and FOREIGN in str(response.json()["products"])
    assert not FairParticipation.objects.exists()
    response = client.post(PARTS, {"fair": past_fair.pk, "establishment": est_a.pk, "products": [999_999]},
                           format="json")
    assert response.status_code == 400 and not FairParticipation.objects.exists()


def test_update_refuses_another_establishments_product(personas, part_a, est_b) -> None:
    foreign = make_product(est_b, "Nước mắm")
    with pytest.raises(ValidationError) as exc:
        services.participation_update(actor=personas["province_officer"], participation=part_a,
                                      data={"products": [foreign], "booths": 3}, expected_version=part_a.version)
    assert FOREIGN in exc.value.message_dict["products"][0]
    part_a.refresh_from_db()
    assert part_a.booths == 1 and not part_a.products.exists()


def test_web_form_links_products_and_refuses_foreign(personas, est_a, est_b, part_a) -> None:
    own, foreign = make_product(est_a, "Hạt điều"), make_product(est_b, "Nước mắm")
    client = client_for(personas["province_officer"])
    url = reverse("fairs:participation-edit", args=[part_a.pk])
    data = {"kind": "fair", "booths": "1", "support_vnd": "12000000", "version": part_a.version}
    response = client.post(url, {**data, "products": [foreign.pk]})
    assert response.status_code == 400 and not part_a.products.exists()
    assert client.post(url, {**data, "products": [own.pk]}).status_code == 302
    assert list(part_a.products.all()) == [own]
    for page in (reverse("fairs:detail", args=[part_a.fair_id]), reverse("fairs:establishment", args=[est_a.pk])):
        assert "Hạt điều" in client.get(page).content.decode()


def test_detail_page_stays_constant_with_products(personas, django_assert_max_num_queries) -> None:
    fair = make_fair("Hội chợ có sản phẩm")
    for est in make_establishments(20, "Cơ sở P"):
        make_participation(fair, est).products.set([make_product(est, "Sản phẩm 1"), make_product(est, "Sản phẩm 2")])
    client = client_for(personas["province_officer"])
    client.get(reverse("fairs:detail", args=[fair.pk]))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("fairs:detail", args=[fair.pk])).status_code == 200
