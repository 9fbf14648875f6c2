"""People from anywhere in Vietnam attend the province's courses (domain.md §5): a provincial officer records
trainees living in other provinces through the form, the API and an import, and the report counts them
(a course belongs to its organising unit). A commune officer keeps their area; who sees such a person follows
the courses they took part in (``training.policy.scope_persons``), with masking as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, unit
from khuyencong.training import policy, selectors, services
from khuyencong.training.models import Participation, Person
from khuyencong.training.tests.conftest import enrol, make_course, make_person
from khuyencong.training.tests.test_register_training import book, counts, history_rows, load, messages, participant

pytestmark = pytest.mark.django_db
DA_NANG = "20195"  # Phường Hải Vân, Thành phố Đà Nẵng
CAN_THO = "31120"  # Phường Cái Khế, Thành phố Cần Thơ
NGHE_AN = "16681"  # Phường Thành Vinh, Nghệ An
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def persons_in_province() -> int:
    code = "training.vocational.persons"
    return int(compute(YEAR, resolve_area("79", None), [code]).values[code] or 0)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_provincial_officer_imports_trainees_from_several_provinces_and_the_report_counts_them(personas) -> None:
    make_course(code="NGHE-TINH", organising="province", end=dt.date(2026, 6, 30))
    make_course(code="NGHE-TINH-2", organising="province", end=dt.date(2026, 8, 30))
    rows = [
        participant("NGHE-TINH", national_id="048090000011", full_name="Phan Văn Hải", commune=DA_NANG),
        participant("NGHE-TINH", national_id="092195000012", full_name="Lý Thị Khế", commune=CAN_THO, gender="Nữ",
                    birth_year=1995),
        participant("NGHE-TINH", national_id="040090000013", full_name="Hồ Văn Vinh", commune=NGHE_AN),
        participant("NGHE-TINH", national_id="077090000014", full_name="Ngô Văn Rịa", commune=COMMUNE_A),
        # The man from Đà Nẵng takes a second course: one more participation (lượt), the same person (người).
        participant("NGHE-TINH-2", national_id="048090000011", full_name="Phan Văn Hải", commune=DA_NANG),
    ]

    result = load(book(participants=rows), personas["province_officer"])

    assert result.committed, messages(result)
    assert set(Person.objects.values_list("commune__parent__code", flat=True)) == {"48", "92", "40", "79"}
    assert Participation.objects.count() == 5
    assert persons_in_province() == 4  # persons, not participations: Phan Văn Hải counts once


def test_a_course_organised_by_a_commune_counts_its_trainees_from_other_provinces_in_that_commune(personas) -> None:
    course = make_course(code="NGHE-A", organising=COMMUNE_A)
    enrol(make_person("Phan Văn Hải", commune=DA_NANG), course)
    code = "training.vocational.persons"

    def in_area(area: str) -> int:
        return int(compute(YEAR, resolve_area(area, None), [code]).values[code] or 0)

    assert (in_area(COMMUNE_A), in_area(COMMUNE_B), in_area("48")) == (1, 0, 0)  # Đà Nẵng does not get it


def test_a_provincial_officer_records_a_trainee_from_another_province_through_the_pages(personas) -> None:
    course = make_course(code="NGHE-TINH", organising="province")
    client = client_for(personas["province_officer"])
    form = client.get(reverse("training:person_create")).context["form"]
    assert form.fields["commune"].queryset.filter(code=DA_NANG).exists()  # any commune of Vietnam is offered

    response = client.post(reverse("training:person_create"), {
        "full_name": "Phan Văn Hải", "gender": "male", "commune": unit(DA_NANG).pk, "role": "worker",
        "birth_year": "1990"})
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get()
    response = client.post(reverse("training:course_enrol", args=[course.pk]), {"person": person.pk})

    assert response.status_code == 302
    assert Participation.objects.get().person == person and person.commune.parent.code == "48"


def test_a_provincial_officer_records_a_trainee_from_another_province_through_the_api(personas) -> None:
    course = make_course(code="NGHE-TINH", organising="province")
    client = APIClient()
    client.force_authenticate(personas["province_officer"])

    created = client.post("/api/v1/persons", {"full_name": "Lý Thị Khế", "gender": "female",
                                              "commune_code": CAN_THO, "birth_year": 1995}, format="json")
    assert created.status_code == 201, created.json()
    enrolled = client.post(f"/api/v1/courses/{course.pk}/enrol", {"person_id": created.json()["id"]}, format="json")

    assert enrolled.status_code == 201, enrolled.json()
    assert Participation.objects.get().person.commune.code == CAN_THO


def test_a_commune_officer_still_records_only_persons_of_their_communes_and_only_their_courses(personas) -> None:
    officer = personas["commune_officer_a"]
    with pytest.raises(PermissionDeniedError) as refused:
        services.person_create(actor=officer, data={"full_name": "Phan Văn Hải", "gender": "male",
                                                    "commune": unit(DA_NANG), "birth_year": 1990})
    assert str(refused.value) == "Bạn chỉ được ghi nhận người cư trú tại xã/phường mình phụ trách."
    other_course = make_course(code="NGHE-B", organising=COMMUNE_B)
    with pytest.raises(PermissionDeniedError) as refused:
        services.participant_enrol(actor=officer, course=other_course, person=make_person("Ngô Văn Rịa"))
    assert str(refused.value) == "Bạn chỉ được ghi danh vào lớp do địa bàn mình phụ trách."
    assert not Participation.objects.exists() and Person.objects.count() == 1


def test_a_commune_officer_refused_in_an_import_for_a_trainee_living_elsewhere_saves_nothing(personas) -> None:
    make_course(code="NGHE-A", organising=COMMUNE_A)
    before, history = counts(), history_rows()

    result = load(book(participants=[participant(national_id="048090000011", full_name="Phan Văn Hải",
                                                 commune=DA_NANG)]), personas["commune_officer_a"])

    assert not result.committed
    assert messages(result) == ["Học viên|2|Xã/phường cư trú|Bạn chỉ được ghi nhận người cư trú tại xã/phường "
                                "mình phụ trách."]
    assert (counts(), history_rows()) == (before, history)


def test_who_sees_a_trainee_from_elsewhere_follows_the_courses_they_took_part_in(personas) -> None:
    visitor = make_person("Phan Văn Hải", commune=DA_NANG, national_id="048090000011", phone="0912345678")
    enrol(visitor, make_course(code="NGHE-A", organising=COMMUNE_A))
    officer_a, officer_b = personas["commune_officer_a"], personas["commune_officer_b"]

    assert list(selectors.persons_for(personas["province_officer"])) == [visitor]
    assert list(selectors.persons_for(officer_a)) == [visitor]  # through commune A's course
    assert not selectors.persons_for(officer_b).exists()  # no course of commune B: not seen at all
    assert not selectors.persons_for(personas["council_member"]).exists()
    # Seeing is not unmasking: commune A's officer sees the person of another province masked, as before.
    assert not policy.sees_personal_data(officer_a, visitor)
    assert policy.sees_personal_data(personas["province_officer"], visitor)
    response = client_for(officer_a).get(reverse("training:person_detail", args=[visitor.pk]))
    assert response.status_code == 200 and "048090000011" not in response.content.decode()
    assert client_for(officer_b).get(reverse("training:person_detail", args=[visitor.pk])).status_code == 404


def test_an_id_typed_into_the_enrol_list_does_not_enrol_someone_the_officer_cannot_see(personas) -> None:
    make_person("Phan Văn Hải", commune=DA_NANG, national_id="048090000011")
    course = make_course(code="NGHE-A", organising=COMMUNE_A)

    with pytest.raises(ValidationError) as refused:
        services.participants_enrol_by_ids(actor=personas["commune_officer_a"], course=course, text="048090000011")

    assert "không tìm thấy học viên “048090000011” trong địa bàn của bạn" in " ".join(refused.value.messages)
    assert not Participation.objects.exists()
