"""Odd input refused with a Vietnamese message: invisible characters in names, implausible dates.

Names are shown, exported and compared for duplicates: a right-to-left override (U+202E) reverses
what the reader sees, a zero-width space (U+200B) makes two equal-looking names differ, so both slip
past the similar-name check. Registration dates record something that has happened.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.core.text import fold
from khuyencong.establishments.models import Establishment
from khuyencong.testing.fixtures import COMMUNE_A
from khuyencong.training.models import Person


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def establishment(**overrides):  # type: ignore[no-untyped-def]
    return {"name": "Cơ sở cơ khí Phước Trung", "legal_form": "household", "commune_code": COMMUNE_A,
            "vsic_code": "2592", "sector_group": "mechanical", **overrides}


@pytest.mark.parametrize("name", [
    "Cơ sở \u202emay tre", "Cơ sở\u200b cơ khí", "Cơ sở\u2066 cơ khí", "Cơ\u00ad sở", "Cơ sở\x07 cơ khí",
])
def test_invisible_characters_in_an_establishment_name_are_refused(personas, name: str) -> None:
    response = api_for(personas["province_officer"]).post("/api/v1/establishments", establishment(name=name),
                                                          format="json")
    assert response.status_code == 400, response.content
    assert "ký tự vô hình" in " ".join(response.json()["name"])
    assert not Establishment.objects.filter(name=name).exists()


def test_invisible_characters_in_a_person_name_are_refused(personas) -> None:
    body = {"full_name": "Hồ Văn\u200b Giang", "gender": "male", "commune_code": COMMUNE_A, "birth_year": 1990}
    response = api_for(personas["province_officer"]).post("/api/v1/persons", body, format="json")
    assert response.status_code == 400 and "ký tự vô hình" in " ".join(response.json()["full_name"])
    assert not Person.objects.filter(full_name__startswith="Hồ Văn").exists()


def test_invisible_characters_do_not_defeat_the_similar_name_check(est_a) -> None:
    assert fold("Cơ sở chế biến\u200b hạt điều\u202e Phước Nguyên") == est_a.search_name


@pytest.mark.parametrize(("day", "message"), [("2999-01-01", "tương lai"), ("1900-01-01", "1945")])
def test_implausible_registration_date_is_refused(personas, day: str, message: str) -> None:
    response = api_for(personas["province_officer"]).post("/api/v1/establishments",
                                                          establishment(registered_on=day), format="json")
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["registered_on"])
    assert not Establishment.objects.filter(name="Cơ sở cơ khí Phước Trung").exists()


def test_registration_date_today_is_accepted(personas) -> None:
    from django.utils import timezone

    response = api_for(personas["province_officer"]).post(
        "/api/v1/establishments", establishment(registered_on=timezone.localdate().isoformat()), format="json")
    assert response.status_code == 201, response.content
