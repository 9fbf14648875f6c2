"""API v1 for establishments: every persona × endpoint, validation, conflicts and the schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.establishments.models import Establishment
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, OLD_IN_A, VALID_TAX_CODES

LIST = "/api/v1/establishments"

# persona → (list count, retrieve est_a, create in A, patch est_a, delete est_a)
API_MATRIX = {
    "province_admin": (2, 200, 201, 200, 204),
    "province_officer": (2, 200, 201, 200, 403),
    "commune_officer_a": (1, 200, 201, 200, 403),
    "commune_officer_b": (1, 404, 403, 404, 404),
    "council_member": (2, 200, 403, 403, 403),
    "establishment_rep": (1, 200, 403, 200, 403),
    "auditor": (2, 200, 403, 403, 403),
    "outsider": (0, 404, 403, 404, 404),
}


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(**overrides):  # type: ignore[no-untyped-def]
    base = {"name": "Cơ sở cơ khí Phước Trung", "legal_form": "household", "commune_code": COMMUNE_A,
            "vsic_code": "2592", "sector_group": "mechanical"}
    return {**base, **overrides}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_endpoint_matrix(personas, est_a, est_b, persona: str, expected: tuple[int, ...]) -> None:
    client = api_for(personas[persona])
    detail = f"{LIST}/{est_a.pk}"
    listed = client.get(LIST)
    assert listed.status_code == 200 and listed.json()["count"] == expected[0]
    got = (
        client.get(detail).status_code,
        client.post(LIST, payload(), format="json").status_code,
        client.patch(detail, {"representative_phone": "0988888888", "version": 1}, format="json").status_code,
        client.delete(detail).status_code,
    )
    assert got == expected[1:]


def test_anonymous_refused(est_a) -> None:
    assert APIClient().get(LIST).status_code in (401, 403)


def test_token_authentication(personas) -> None:
    from khuyencong.accounts.tokens import token_issue

    _token, key = token_issue(actor=None, user=personas["province_officer"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(LIST).status_code == 200


def test_create_returns_resource(personas) -> None:
    response = api_for(personas["commune_officer_a"]).post(LIST, payload(tax_code=VALID_TAX_CODES[2]), format="json")
    body = response.json()
    assert response.status_code == 201 and body["commune"]["code"] == COMMUNE_A and body["version"] == 1


@pytest.mark.parametrize(("body", "field"), [
    (payload(tax_code="0302035521"), "tax_code"),
    (payload(commune_code="00000"), "commune_code"),
    (payload(commune_code=OLD_IN_A), "commune_code"),  # expired unit for today's registration
    (payload(name=""), "name"),
    (payload(name="<b>x</b>"), "name"),
    (payload(employees=-1), "employees"),
    (payload(employees="nhiều"), "employees"),
    (payload(legal_form="llc"), "legal_form"),
    ({"name": "Thiếu trường"}, "commune_code"),
])
def test_bad_payloads_are_400_naming_the_field(personas, body, field: str) -> None:
    response = api_for(personas["province_officer"]).post(LIST, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Establishment.objects.count() == 1  # only est_a


def test_malformed_json_is_400(personas) -> None:
    response = api_for(personas["province_officer"]).post(LIST, "{name: ", content_type="application/json")
    assert response.status_code == 400 and Establishment.objects.count() == 1


def test_commune_officer_cannot_create_in_other_commune(personas) -> None:
    response = api_for(personas["commune_officer_a"]).post(LIST, payload(commune_code=COMMUNE_B), format="json")
    assert response.status_code == 403 and "xã/phường" in response.json()["detail"]


def test_stale_version_is_409(personas, est_a) -> None:
    client = api_for(personas["province_officer"])
    assert client.patch(f"{LIST}/{est_a.pk}", {"employees": 3, "version": 1}, format="json").status_code == 200
    stale = client.patch(f"{LIST}/{est_a.pk}", {"employees": 4, "version": 1}, format="json")
    assert stale.status_code == 409 and "thay đổi" in stale.json()["detail"]
    est_a.refresh_from_db()
    assert est_a.employees == 3


def test_update_without_version_is_400(personas, est_a) -> None:
    response = api_for(personas["province_officer"]).patch(f"{LIST}/{est_a.pk}", {"employees": 3}, format="json")
    assert response.status_code == 400 and "version" in response.json()


def test_phone_masked_for_auditor(personas, est_a) -> None:
    body = api_for(personas["auditor"]).get(f"{LIST}/{est_a.pk}").json()
    assert body["representative_phone"] == "09******78"


def test_search_and_filters(personas, est_a, est_b) -> None:
    client = api_for(personas["province_officer"])
    assert [r["id"] for r in client.get(LIST, {"q": "may tre dan"}).json()["results"]] == [est_b.pk]
    assert client.get(LIST, {"sector_group": "handicrafts"}).json()["count"] == 1
    assert client.get(LIST, {"unit": "nope"}).status_code == 400


def test_list_query_count_constant(personas, django_assert_max_num_queries) -> None:
    from khuyencong.testing.fixtures import make_establishment, unit

    for i in range(30):
        make_establishment(f"Cơ sở {i}", unit(COMMUNE_A))
    with django_assert_max_num_queries(6):
        assert api_for(personas["province_officer"]).get(LIST).status_code == 200


def test_schema_and_docs_published(personas) -> None:
    client = api_for(personas["province_officer"])
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/establishments" in paths and "/api/v1/establishments/{id}" in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_units_endpoint_as_of_date(personas) -> None:
    client = api_for(personas["province_officer"])
    old = client.get("/api/v1/units", {"on": "2020-01-01", "level": "province", "q": "ba ria"}).json()
    assert [u["code"] for u in old["results"]] == ["77"]
    assert client.get("/api/v1/units", {"on": "hôm qua"}).status_code == 400
