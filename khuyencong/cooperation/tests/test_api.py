"""Cooperation API v1: persona × endpoint, bad payloads, participants."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.cooperation.models import Activity, ActivityParticipant
from khuyencong.cooperation.tests.conftest import official
from khuyencong.testing.fixtures import COMMUNE_A


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def activity_payload(partner, **overrides):  # type: ignore[no-untyped-def]
    base = {"partner_id": partner.pk, "kind": "workshop", "title": "Hội thảo", "organising_unit_code": COMMUNE_A,
            "start_date": "2026-04-01", "end_date": "2026-04-02"}
    return {**base, **overrides}


# persona → (activities listed, activity A, create activity in A, partners listed, create partner)
API_MATRIX = {
    "province_admin": (1, 200, 201, 1, 201),
    "province_officer": (1, 200, 201, 1, 201),
    "commune_officer_a": (1, 200, 201, 1, 403),
    "commune_officer_b": (0, 404, 403, 1, 403),
    "council_member": (0, 404, 403, 0, 403),
    "establishment_rep": (0, 404, 403, 0, 403),
    "auditor": (1, 200, 403, 1, 403),
    "outsider": (0, 404, 403, 0, 403),
}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_endpoint_matrix(personas, sanjo, activity_a, persona, expected) -> None:
    client = api_for(personas[persona])
    create = client.post("/api/v1/activities", activity_payload(sanjo), format="json").status_code
    got = (
        client.get("/api/v1/activities").json()["count"] - (1 if create == 201 else 0),
        client.get(f"/api/v1/activities/{activity_a.pk}").status_code,
        create,
        client.get("/api/v1/partners").json()["count"],
        client.post("/api/v1/partners", {"name": f"Đối tác {persona}", "country": "Nhật Bản"},
                    format="json").status_code,
    )
    assert got == expected


@pytest.mark.parametrize(("overrides", "field"), [
    ({"end_date": "2026-03-01"}, "end_date"),
    ({"kind": "party"}, "kind"),
    ({"organising_unit_code": "00000"}, "organising_unit_code"),
    ({"kind": "course_abroad"}, "abroad_country"),
])
def test_bad_activity_payloads(personas, sanjo, overrides, field) -> None:
    response = api_for(personas["province_officer"]).post("/api/v1/activities", activity_payload(sanjo, **overrides),
                                                          format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Activity.objects.exists()


def test_participants_endpoint(personas, activity_a) -> None:
    client = api_for(personas["province_officer"])
    person = official("Cán bộ API")
    url = f"/api/v1/activities/{activity_a.pk}/participants"
    assert client.post(url, {"person_id": person.pk}, format="json").status_code == 201
    again = client.post(url, {"person_id": person.pk}, format="json")
    assert again.status_code == 400 and "person" in again.json()
    assert [r["person_id"] for r in client.get(url).json()] == [person.pk]
    assert ActivityParticipant.objects.count() == 1


def test_agreements_endpoint(personas, sanjo) -> None:
    client = api_for(personas["province_officer"])
    body = {"partner_id": sanjo.pk, "title": "MOU", "signed_on": "2026-01-01", "valid_from": "2026-01-01"}
    assert client.post("/api/v1/agreements", body, format="json").status_code == 201
    bad = client.post("/api/v1/agreements", {**body, "valid_to": "2025-01-01"}, format="json")
    assert bad.status_code == 400 and "valid_to" in bad.json()
    assert client.get("/api/v1/agreements").json()["count"] == 1
    assert api_for(personas["commune_officer_a"]).post("/api/v1/agreements", body, format="json").status_code == 403


def test_schema_lists_cooperation(personas) -> None:
    schema = api_for(personas["province_officer"]).get("/api/v1/schema",
                                                       HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and "/api/v1/activities/{id}/participants" in schema.json()["paths"]
