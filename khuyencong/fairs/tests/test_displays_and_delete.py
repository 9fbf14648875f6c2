"""Showroom displays through the API (list/create/update) and deleting a participation (API and page)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.fairs.models import FairParticipation, ShowroomDisplay

ROOMS, PARTS = "/api/v1/showrooms", "/api/v1/fairparticipations"


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def display_for(showroom, establishment, **extra) -> ShowroomDisplay:  # type: ignore[no-untyped-def]
    values = {"products": ["Hạt điều"], "displayed_from": showroom.opened_on, **extra}
    return ShowroomDisplay.objects.create(showroom=showroom, establishment=establishment, **values)


# persona → (displays listed, create for est_a, patch est_a's display, delete part_a via API, delete part_b page).
# Deleting a participation is for province staff only (fairs.policy); commune officers mark it withdrawn.
MATRIX = {
    "province_admin": (2, 201, 200, 204, 302),
    "province_officer": (2, 201, 200, 204, 302),
    "commune_officer_a": (1, 201, 200, 403, 404),  # part_b is outside their area: 404 like an unknown id
    "commune_officer_b": (1, 400, 403, 404, 403),  # est_a is outside their area: 400 like an unknown id
    "council_member": (2, 403, 403, 403, 403),
    "establishment_rep": (1, 403, 403, 403, 404),
    "auditor": (2, 403, 403, 403, 403),
    "outsider": (404, 404, 404, 404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_permission_matrix(personas, showroom, est_a, est_b, part_a, part_b, persona, expected) -> None:
    mine, theirs = display_for(showroom, est_a), display_for(showroom, est_b)
    api = api_for(personas[persona])
    listed = api.get(f"{ROOMS}/{showroom.pk}/displays")
    create = api.post(f"{ROOMS}/{showroom.pk}/displays", {
        "establishment": est_a.pk, "products": ["Mây tre"], "displayed_from": "2026-09-01"}, format="json")
    got = (
        len(listed.json()) if listed.status_code == 200 else listed.status_code,
        create.status_code,
        api.patch(f"{ROOMS}/{showroom.pk}/displays/{mine.pk}", {"products": ["Bánh pía"], "version": mine.version},
                  format="json").status_code,
        api.delete(f"{PARTS}/{part_a.pk}").status_code,
        client_for(personas[persona]).post(reverse("fairs:participation-delete", args=[part_b.pk])).status_code,
    )
    assert got == expected
    assert FairParticipation.objects.filter(pk=part_a.pk).exists() is (expected[3] != 204)
    assert ShowroomDisplay.objects.filter(pk=theirs.pk).exists()


def test_display_create_and_update_through_the_api(personas, showroom, est_a) -> None:
    api = api_for(personas["commune_officer_a"])
    created = api.post(f"{ROOMS}/{showroom.pk}/displays", {
        "establishment": est_a.pk, "products": ["Mây tre", "Mây tre"], "displayed_from": "2026-09-01"},
        format="json")
    assert created.status_code == 201 and created.json()["products"] == ["Mây tre"]
    display = ShowroomDisplay.objects.get()
    assert display.history.latest().history_user == personas["commune_officer_a"]
    url = f"{ROOMS}/{showroom.pk}/displays/{display.pk}"
    response = api.patch(url, {"displayed_to": "2026-12-31", "version": display.version}, format="json")
    assert response.status_code == 200 and response.json()["displayed_to"] == "2026-12-31"
    assert api.patch(url, {"displayed_to": "2027-01-31", "version": 1}, format="json").status_code == 409


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"displayed_from": "2026-09-01", "displayed_to": "2026-08-01"}, "displayed_to", "không được trước"),
    ({"displayed_from": "2020-01-01"}, "displayed_from", "trong thời gian hoạt động"),
    ({"displayed_from": "2026-09-01", "establishment": 999999}, "establishment", "Không tìm thấy cơ sở"),
    ({"displayed_from": "2026-09-01", "products": ["x" * 201]}, "products", ""),
])
def test_display_bad_input(personas, showroom, est_a, body, field, message) -> None:
    payload = {"establishment": est_a.pk, **body}
    response = api_for(personas["province_officer"]).post(f"{ROOMS}/{showroom.pk}/displays", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert message in str(response.json()[field])
    assert not ShowroomDisplay.objects.exists()


def test_display_update_bad_input_and_wrong_showroom(personas, showroom, est_a, est_b) -> None:
    display = display_for(showroom, est_a)
    api = api_for(personas["province_officer"])
    url = f"{ROOMS}/{showroom.pk}/displays/{display.pk}"
    response = api.patch(url, {"establishment": est_b.pk, "version": display.version}, format="json")
    assert response.status_code == 400 and "Không thể đổi cơ sở" in str(response.json())
    response = api.patch(url, {"displayed_to": "2020-01-01", "version": display.version}, format="json")
    assert response.status_code == 400 and "không được trước" in str(response.json())
    assert api.patch(url, {"products": ["X"]}, format="json").status_code == 400  # version missing
    other = type(showroom).objects.create(name="Điểm khác", location_unit=showroom.location_unit, operator="TT",
                                          opened_on=showroom.opened_on)
    assert api.patch(f"{ROOMS}/{other.pk}/displays/{display.pk}", {"products": ["X"], "version": 1},
                     format="json").status_code == 404
    display.refresh_from_db()
    assert display.products == ["Hạt điều"] and display.displayed_to is None


def test_participation_delete_is_audited_and_offered_on_the_edit_page(personas, part_a) -> None:
    delete_url = reverse("fairs:participation-delete", args=[part_a.pk])
    officer_page = client_for(personas["commune_officer_a"]).get(reverse("fairs:participation-edit", args=[part_a.pk]))
    assert delete_url not in officer_page.content.decode()
    client = client_for(personas["province_officer"])
    page = client.get(reverse("fairs:participation-edit", args=[part_a.pk])).content.decode()
    assert delete_url in page
    assert client.get(reverse("fairs:participation-delete", args=[part_a.pk])).status_code == 405
    response = client.post(reverse("fairs:participation-delete", args=[part_a.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"/{part_a.fair_id}/")
    assert FairParticipation.history.filter(history_type="-").get().history_user == personas["province_officer"]
