"""Search by national ID (issue 21, point 4): roles that may unmask only, logged, rate-limited; less in the mask.

The probe recovered a masked CCCD by trying its 1,000 candidates through ``GET /api/v1/persons?q=``.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from khuyencong.training.masking import mask_national_id
from khuyencong.training.models import AccessKind, PersonalDataAccess
from khuyencong.training.tests.conftest import MAN_1990


@pytest.fixture(autouse=True)
def _fresh_counters():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def id_searches():  # type: ignore[no-untyped-def]
    return PersonalDataAccess.objects.filter(kind=AccessKind.ID_SEARCH)


def test_mask_leaves_only_the_last_two_digits() -> None:
    assert mask_national_id(MAN_1990) == "**********01"
    assert mask_national_id("") == "" and mask_national_id(None) == ""


@pytest.mark.parametrize("persona", ["auditor"])
def test_roles_that_may_not_unmask_cannot_search_by_id(personas, person_a, client, persona) -> None:
    user = personas[persona]
    response = api_for(user).get("/api/v1/persons", {"q": MAN_1990})
    assert response.status_code == 403 and "số định danh" in response.json()["detail"]
    client.force_login(user)
    page = client.get("/dao-tao/nguoi/", {"q": MAN_1990})
    assert page.status_code == 403 and person_a.full_name not in page.content.decode()
    assert "theo họ tên" in page.content.decode()
    # The name search still works for the auditor.
    assert api_for(user).get("/api/v1/persons", {"q": "nguyen van an"}).json()["count"] == 1


def test_id_search_by_a_permitted_role_finds_and_is_logged(personas, person_a) -> None:
    officer = personas["province_officer"]
    body = api_for(officer).get("/api/v1/persons", {"q": MAN_1990}).json()
    assert [p["id"] for p in body["results"]] == [person_a.pk]
    assert list(id_searches().values_list("actor", "person")) == [(officer.pk, person_a.pk)]


def test_id_search_that_finds_nobody_is_logged_without_the_number(personas, person_a) -> None:
    officer = personas["province_officer"]
    assert api_for(officer).get("/api/v1/persons", {"q": "077090000999"}).json()["count"] == 0
    entry = id_searches().get()
    assert entry.actor == officer and entry.person is None


def test_commune_officer_id_search_stays_in_their_area(personas, person_a, person_b) -> None:
    from khuyencong.training.tests.conftest import WOMAN_1995

    officer_a = personas["commune_officer_a"]
    assert api_for(officer_a).get("/api/v1/persons", {"q": WOMAN_1995}).json()["count"] == 0
    assert api_for(officer_a).get("/api/v1/persons", {"q": MAN_1990}).json()["count"] == 1


@override_settings(PERSON_ID_LOOKUPS_PER_MINUTE=3)
def test_id_searches_are_rate_limited_per_user(personas, person_a, client) -> None:
    officer = personas["province_officer"]
    api = api_for(officer)
    for n in range(3):
        assert api.get("/api/v1/persons", {"q": f"07709000099{n}"}).status_code == 200
    refused = api.get("/api/v1/persons", {"q": MAN_1990})
    assert refused.status_code == 429 and "3 lần" in refused.json()["detail"]
    client.force_login(officer)
    assert client.get("/dao-tao/nguoi/", {"q": MAN_1990}).status_code == 429
    assert client.get("/chon/persons/", {"q": MAN_1990}).status_code == 429
    assert client.get("/dao-tao/nguoi/", {"q": MAN_1990, "format": "csv"}).status_code == 429
    assert id_searches().count() == 3  # refused attempts find nothing, so nothing more to log
    # Name searches are not counted, and another user has their own allowance.
    assert api.get("/api/v1/persons", {"q": "an"}).status_code == 200
    assert api_for(personas["province_admin"]).get("/api/v1/persons", {"q": MAN_1990}).status_code == 200


def test_partial_numbers_are_neither_searched_nor_counted(personas, person_a) -> None:
    api = api_for(personas["province_officer"])
    assert api.get("/api/v1/persons", {"q": MAN_1990[:11]}).json()["count"] == 0
    assert not id_searches().exists()


def test_person_picker_searches_by_name_and_by_id_under_the_same_rules(personas, person_a, client) -> None:
    client.force_login(personas["province_officer"])
    by_name = client.get("/chon/persons/", {"q": "nguyen van"}).json()["results"]
    assert [r["value"] for r in by_name] == [str(person_a.pk)]
    by_id = client.get("/chon/persons/", {"q": MAN_1990}).json()["results"]
    assert [r["value"] for r in by_id] == [str(person_a.pk)] and MAN_1990 not in str(by_id)
    assert id_searches().count() == 1
    client.force_login(personas["auditor"])
    assert client.get("/chon/persons/", {"q": MAN_1990}).status_code == 403
