"""Existence oracles (issue 21, point 9): out of scope and unusable read alike; the case goes to the province.

A commune officer who enters an ID number, tax code or course code already recorded outside their area
is told only that the entry cannot be recorded and was sent for review; nothing is created, and a
province officer finds the case in the home to-do list and on /can-xem-xet/.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.core.models import HeldDuplicate
from khuyencong.establishments.models import Establishment
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, VALID_TAX_CODES, unit
from khuyencong.training.models import Person
from khuyencong.training.tests.conftest import MAN_1990, make_person

TAX_CODE = VALID_TAX_CODES[0]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def person_form(**overrides):  # type: ignore[no-untyped-def]
    base = {"full_name": "Lê Văn Cường", "gender": "male", "commune": unit(COMMUNE_B).pk, "role": "worker",
            "birth_year": "1990"}
    return {**base, **overrides}


def neutral(message: str, name: str) -> bool:
    return name not in message and "địa bàn khác" not in message and "chuyển Sở" in message


@pytest.fixture
def person_a(db) -> Person:
    return make_person("Nguyễn Văn An", national_id=MAN_1990, birth_year=1990)


def test_person_id_of_another_area_is_refused_neutrally_and_held(personas, person_a) -> None:
    officer_b = personas["commune_officer_b"]
    response = client_for(officer_b).post(reverse("training:person_create"), person_form(national_id=MAN_1990))
    assert response.status_code == 400
    assert neutral(" ".join(response.context["form"].errors["national_id"]), person_a.full_name)
    assert Person.objects.count() == 1  # the duplicate is not created
    case = HeldDuplicate.objects.get()  # written although the request's transaction rolled back
    assert (case.register, case.field, case.record_id, case.raised_by) == (
        "training.person", "national_id", person_a.pk, officer_b)
    # The same again (a retry) is still one open case.
    client_for(officer_b).post(reverse("training:person_create"), person_form(national_id=MAN_1990))
    assert HeldDuplicate.objects.count() == 1


def test_person_id_via_api_reads_alike(personas, person_a) -> None:
    payload = {"full_name": "Lê Văn Cường", "gender": "male", "commune_code": COMMUNE_B, "birth_year": 1990,
               "national_id": MAN_1990}
    response = api_for(personas["commune_officer_b"]).post("/api/v1/persons", payload, format="json")
    assert response.status_code == 400 and neutral(response.json()["national_id"][0], person_a.full_name)
    assert HeldDuplicate.objects.count() == 1


def test_province_officer_sees_the_case_and_settles_it(personas, person_a) -> None:
    client_for(personas["commune_officer_b"]).post(reverse("training:person_create"), person_form(national_id=MAN_1990))
    officer = client_for(personas["province_officer"])
    home = officer.get("/").content.decode()
    assert "Mục nhập trùng hồ sơ địa bàn khác cần xem xét" in home and person_a.full_name in home
    page = officer.get(reverse("held_duplicates"))
    assert page.status_code == 200 and reverse("training:person_detail", args=[person_a.pk]) in page.content.decode()
    case = HeldDuplicate.objects.get()
    assert officer.post(reverse("held_duplicate_resolve", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.resolved_at is not None and case.resolved_by == personas["province_officer"]
    assert "Mục nhập trùng hồ sơ" not in officer.get("/").content.decode()


@pytest.mark.parametrize("persona", ["commune_officer_a", "commune_officer_b", "auditor", "council_member"])
def test_others_do_not_see_the_review_queue(personas, person_a, persona) -> None:
    client_for(personas["commune_officer_b"]).post(reverse("training:person_create"), person_form(national_id=MAN_1990))
    client = client_for(personas[persona])
    assert client.get(reverse("held_duplicates")).status_code == 404
    assert "Mục nhập trùng hồ sơ" not in client.get("/").content.decode()


def test_establishment_tax_code_of_another_area(personas, est_a) -> None:
    est_a.tax_code = TAX_CODE
    est_a.save()
    payload = {"name": "Cơ sở cơ khí Phước Trung", "legal_form": "household", "commune_code": COMMUNE_B,
               "vsic_code": "2592", "sector_group": "mechanical", "tax_code": TAX_CODE}
    response = api_for(personas["commune_officer_b"]).post("/api/v1/establishments", payload, format="json")
    assert response.status_code == 400 and neutral(response.json()["tax_code"][0], est_a.name)
    assert Establishment.objects.count() == 1
    assert HeldDuplicate.objects.get().register == "establishments.establishment"
    # Someone who may see the other establishment is told which one it is.
    seen = api_for(personas["province_officer"]).post("/api/v1/establishments", payload, format="json")
    assert seen.status_code == 400 and est_a.name in seen.json()["tax_code"][0]


def test_fair_participation_outside_area_is_404_like_unknown(personas, db) -> None:
    from khuyencong.fairs.tests.conftest import make_fair, make_participation

    est = Establishment.objects.create(name="Cơ sở A", search_name="co so a", commune=unit(COMMUNE_A),
                                       legal_form="household", vsic_code="1079", sector_group="agro_processing")
    part = make_participation(make_fair(), est)
    client = client_for(personas["commune_officer_b"])
    unknown = 10**9
    for name in ("fairs:participation-edit", "fairs:participation-delete"):
        method = client.get if name.endswith("edit") else client.post
        assert method(reverse(name, args=[part.pk])).status_code == method(reverse(name, args=[unknown])).status_code \
            == 404
    api = api_for(personas["commune_officer_b"])
    for verb in ("patch", "delete"):
        assert getattr(api, verb)(f"/api/v1/fairparticipations/{part.pk}", {}, format="json").status_code == 404
