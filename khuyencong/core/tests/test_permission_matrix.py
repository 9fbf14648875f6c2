"""Every endpoint of the published OpenAPI schema × every persona: no 5xx, no leak, answers as documented.

Records of commune A carry the marker "LEAKA" in a text field, records of commune B "LEAKB". A
persona that may not see one side must never receive its marker, whatever the endpoint; a persona
with no rights must never change anything; nobody ever gets a server error. Every successful read
(list-valued actions included, with real rows) must match the response schema the operation
publishes. Writes with the status per role are in test_write_matrix.py.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from khuyencong.core.tests.schema_check import assert_matches_schema, body, operations
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_user

PUBLIC = {"/api/v1/schema", "/api/v1/docs"}
# persona → the marker it must never see
FORBIDDEN_MARKERS = {
    "commune_officer_a": ["LEAKB"], "commune_officer_b": ["LEAKA"], "establishment_rep": ["LEAKB"],
    "outsider": ["LEAKA", "LEAKB"], "anonymous": ["LEAKA", "LEAKB"],
}


OPERATIONS = operations()
# Path parameters other than {id}: a value of the right shape (the record need not exist).
OTHER_PARAMETERS = {"{kind}": "pdf"}


def _side(marker: str, commune: str, establishment: Any, actor: Any) -> dict[str, int]:
    """One record of every kind on one side, named with the marker; returns resource → id."""
    from khuyencong.cooperation.models import Partner
    from khuyencong.cooperation.tests.conftest import attend, make_activity, official
    from khuyencong.fairs.tests.conftest import make_fair, make_participation
    from khuyencong.products.tests.conftest import make_product
    from khuyencong.schemes.tests.conftest import make_scheme
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    person = make_person(f"{marker} Học Viên", commune=commune)
    course = make_course(organising=commune, title=f"{marker} lớp", end=dt.date(2026, 6, 30))
    participation = enrol(person, course)
    scheme = make_scheme(actor, [establishment], code=f"{marker}-01", title=f"{marker} đề án")
    # Fairs and partners are province-wide records (everyone may read them): no marker on them.
    fair = make_fair(f"Hội chợ {commune}", start=dt.date(2026, 3, 1))
    fair_part = make_participation(fair, establishment, notes=f"{marker} ghi chú")
    product = make_product(establishment, f"{marker} sản phẩm")
    partner = Partner.objects.create(name=f"Đối tác {commune}", country="Nhật Bản")
    activity = make_activity(partner, organising=commune, title=f"{marker} hoạt động")
    attend(activity, official(f"{marker} Cán Bộ", commune=commune))
    establishment.notes = f"{marker} cơ sở"
    establishment.save()
    return {"establishments": establishment.pk, "persons": person.pk, "courses": course.pk,
            "participations": participation.pk, "schemes": scheme.pk, "fairs": fair.pk,
            "fairparticipations": fair_part.pk, "products": product.pk, "partners": partner.pk,
            "activities": activity.pk}


@pytest.fixture
def world(personas, est_a, est_b) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    actor = personas["province_admin"]
    return {"A": _side("LEAKA", COMMUNE_A, est_a, actor), "B": _side("LEAKB", COMMUNE_B, est_b, actor)}


def _url(path: str, ids: dict[str, int]) -> str:
    resource = path.split("/")[3]
    url = path.replace("{id}", str(ids.get(resource, 999_999)))
    for name, value in OTHER_PARAMETERS.items():
        url = url.replace(name, value)
    return re.sub(r"\{\w+\}", "999999", url)


def _client(personas: dict[str, Any], persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(personas[persona])
    return client


@pytest.mark.parametrize("persona", ["province_admin", "province_officer", "commune_officer_a", "commune_officer_b",
                                     "council_member", "establishment_rep", "auditor", "outsider", "anonymous"])
def test_every_read_endpoint_without_errors_or_leaks(personas, world, persona: str) -> None:
    client = _client(personas, persona)
    forbidden = FORBIDDEN_MARKERS.get(persona, [])
    for side in ("A", "B"):
        for path, method in OPERATIONS:
            if method != "get":
                continue
            url = _url(path, world[side])
            response = client.get(url, {"from": "2014-01-01", "to": "2026-12-31"} if "indicators" in path else None)
            assert response.status_code < 500, (persona, url, response.status_code)
            if persona == "anonymous" and path not in PUBLIC:
                assert response.status_code in (401, 403), (url, response.status_code)
            if response.status_code == 200 and path not in PUBLIC:
                assert_matches_schema(path, method, url, response)
            text = body(response).decode(errors="replace")
            for marker in forbidden:
                assert marker not in text, (persona, url, marker)


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "auditor", "council_member"])
def test_no_write_endpoint_changes_anything_for_readers(personas, world, persona: str) -> None:
    from khuyencong.establishments.models import Establishment
    from khuyencong.schemes.models import Scheme
    from khuyencong.training.models import Participation, Person

    def snapshot() -> tuple[Any, ...]:
        return (list(Establishment.objects.values_list("pk", "version")), Scheme.objects.count(),
                list(Scheme.objects.values_list("status", flat=True)), Person.objects.count(),
                list(Participation.objects.values_list("status", flat=True)))

    before = snapshot()
    client = _client(personas, persona)
    for path, method in OPERATIONS:
        if method == "get":
            continue
        url = _url(path, world["A"])
        response = getattr(client, method)(url, {"version": 1, "target": "cancelled", "note": "x"}, format="json")
        assert response.status_code < 500, (persona, method, url)
        if persona in ("outsider", "anonymous"):
            assert 400 <= response.status_code < 500, (persona, method, url, response.status_code)
    assert snapshot() == before


def test_matrix_covers_every_operation_of_the_schema() -> None:
    """A new endpoint joins the matrix automatically; this guards against the schema going empty."""
    assert len(OPERATIONS) > 60
    assert {p.split("/")[3] for p, _m in OPERATIONS} >= {"establishments", "schemes", "courses", "persons", "fairs",
                                                        "products", "rounds", "activities", "indicators"}


def test_an_outsider_with_a_token_is_treated_the_same(personas, world) -> None:
    from khuyencong.accounts.tokens import token_issue

    user = make_user("ngoai", "")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(actor=None, user=user)[1]}")
    assert "LEAKA" not in client.get("/api/v1/establishments").content.decode()
