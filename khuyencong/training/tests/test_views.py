"""Training pages: every persona × page, bad input (400, message, nothing saved), masking, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.testing.fixtures import COMMUNE_A, unit
from khuyencong.training.models import Course, FollowUp, Participation, Person, PersonalDataAccess
from khuyencong.training.tests.conftest import MAN_1990, course_type, enrol, follow, make_course, make_person


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# The course list asks the menu's check (training.list): roles without training in their menu get 403.
# persona → (course list, course detail A, course create, course edit A, person list, person detail A,
#            person create, person edit A, follow-ups due)
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "commune_officer_a": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "commune_officer_b": (200, 404, 200, 404, 200, 404, 200, 404, 200),
    "council_member": (403, 404, 403, 404, 200, 404, 403, 404, 200),
    "establishment_rep": (403, 404, 403, 404, 200, 404, 403, 404, 200),
    "auditor": (200, 200, 403, 403, 200, 200, 403, 403, 200),
    "outsider": (403, 404, 403, 404, 200, 404, 403, 404, 200),
}


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, person_a, course_a, persona, expected) -> None:
    client = client_for(personas[persona])
    urls = [reverse("training:list"), reverse("training:course_detail", args=[course_a.pk]),
            reverse("training:course_create"), reverse("training:course_edit", args=[course_a.pk]),
            reverse("training:person_list"), reverse("training:person_detail", args=[person_a.pk]),
            reverse("training:person_create"), reverse("training:person_edit", args=[person_a.pk]),
            reverse("training:follow_ups_due")]
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_anonymous_is_sent_to_login(course_a) -> None:
    response = Client().get(reverse("training:course_detail", args=[course_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_commune_officer_b_does_not_see_persons_of_a(personas, person_a, person_b) -> None:
    html = client_for(personas["commune_officer_b"]).get(reverse("training:person_list")).content.decode()
    assert person_b.full_name in html and person_a.full_name not in html
    response = client_for(personas["commune_officer_b"]).get(reverse("training:person_detail", args=[person_a.pk]))
    assert response.status_code == 404


def course_form(**overrides):  # type: ignore[no-untyped-def]
    base = {"code": "TC-01", "title": "Trung cấp cơ khí", "course_type": course_type("intermediate").pk,
            "organiser": "Trường Cao đẳng", "organising_unit": unit(COMMUNE_A).pk, "start_date": "2026-01-05",
            "end_date": "2026-06-30", "planned_participants": "30"}
    return {**base, **overrides}


def test_course_create_redirects(personas) -> None:
    response = client_for(personas["commune_officer_a"]).post(reverse("training:course_create"), course_form())
    course = Course.objects.get(code="TC-01")
    assert response.status_code == 302 and response["Location"].endswith(f"/lop/{course.pk}/")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"end_date": "2025-01-01"}, "end_date", "trước ngày khai giảng"),
    ({"planned_participants": "-1"}, "planned_participants", ""),
    ({"title": ""}, "title", ""),
    ({"start_date": "hôm qua"}, "start_date", ""),
])
def test_course_bad_input(personas, overrides, field, message) -> None:
    response = client_for(personas["province_officer"]).post(reverse("training:course_create"),
                                                             course_form(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Course.objects.exists()


def person_form(**overrides):  # type: ignore[no-untyped-def]
    base = {"full_name": "Lê Văn Cường", "gender": "male", "commune": unit(COMMUNE_A).pk, "role": "worker",
            "birth_year": "1990"}
    return {**base, **overrides}


@pytest.mark.parametrize(("overrides", "message"), [
    ({"national_id": "12345"}, "12 chữ số"),
    ({"national_id": "099090000001"}, "mã tỉnh"),
    ({"national_id": MAN_1990}, "đã có trong hệ thống"),
])
def test_person_bad_or_duplicate_id(personas, person_a, overrides, message) -> None:
    response = client_for(personas["province_officer"]).post(reverse("training:person_create"),
                                                             person_form(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["national_id"])
    assert Person.objects.count() == 1


def test_person_create_then_suspected_duplicate_needs_checkbox(personas) -> None:
    client = client_for(personas["province_officer"])
    data = person_form(birth_date="1990-04-02")
    assert client.post(reverse("training:person_create"), data).status_code == 302
    response = client.post(reverse("training:person_create"), data)
    assert response.status_code == 400 and "Có thể trùng" in " ".join(response.context["form"].errors["full_name"])
    assert client.post(reverse("training:person_create"), {**data, "confirm_distinct": "on"}).status_code == 302
    assert Person.objects.count() == 2


def test_enrol_by_search_and_twice(personas, person_a, course_a) -> None:
    client = client_for(personas["commune_officer_a"])
    page = client.get(reverse("training:course_detail", args=[course_a.pk]), {"q": "nguyen van"})
    assert person_a.full_name in page.content.decode()
    url = reverse("training:course_enrol", args=[course_a.pk])
    assert client.post(url, {"person": person_a.pk}).status_code == 302
    again = client.post(url, {"person": person_a.pk})
    assert again.status_code == 400 and "đã có trong lớp" in again.content.decode()
    assert Participation.objects.count() == 1


def test_enrol_by_list_reports_lines(personas, person_a, course_a) -> None:
    client = client_for(personas["province_officer"])
    url = reverse("training:course_enrol_list", args=[course_a.pk])
    response = client.post(url, {"national_ids": f"{MAN_1990}\nabc\n077011000001"})
    html = response.content.decode()
    assert response.status_code == 400 and "Dòng 2" in html and "Dòng 3" in html
    assert not Participation.objects.exists()
    assert client.post(url, {"national_ids": MAN_1990}).status_code == 302
    assert Participation.objects.get().person_id == person_a.pk


def test_complete_unended_course_refused(personas, person_a, future_course) -> None:
    participation = enrol(person_a, future_course, status="enrolled")
    response = client_for(personas["province_officer"]).post(
        reverse("training:participation_complete", args=[participation.pk]), {"certificate_no": "X1"})
    assert response.status_code == 400 and "chưa kết thúc" in response.content.decode()
    participation.refresh_from_db()
    assert participation.status == "enrolled" and participation.certificate_no == ""


def test_complete_and_drop(personas, person_a, person_b, course_a) -> None:
    client = client_for(personas["province_officer"])
    p1, p2 = enrol(person_a, course_a, "enrolled"), enrol(person_b, course_a, "enrolled")
    complete = reverse("training:participation_complete", args=[p1.pk])
    assert client.post(complete, {"certificate_no": "C1"}).status_code == 302
    assert client.post(reverse("training:participation_drop", args=[p2.pk])).status_code == 302
    assert set(Participation.objects.values_list("status", flat=True)) == {"completed", "dropped"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"date": "2026-06-01", "status": "employed"}, "date", "trước ngày kết thúc lớp"),
    ({"date": "2026-09-30", "status": "employed", "monthly_income_vnd": "-5"}, "monthly_income_vnd", "âm"),
])
def test_follow_up_bad_input(personas, person_a, course_a, data, field, message) -> None:
    participation = enrol(person_a, course_a)
    response = client_for(personas["commune_officer_a"]).post(
        reverse("training:follow_up_create", args=[participation.pk]), data)
    assert response.status_code == 400 and message in " ".join(response.context["form"].errors[field])
    assert not FollowUp.objects.exists()


def test_follow_up_created_and_shown(personas, person_a, course_a) -> None:
    participation = enrol(person_a, course_a)
    client = client_for(personas["commune_officer_a"])
    response = client.post(reverse("training:follow_up_create", args=[participation.pk]),
                           {"date": "2026-09-30", "status": "employed", "monthly_income_vnd": "6500000"})
    assert response.status_code == 302
    html = client.get(reverse("training:person_detail", args=[person_a.pk])).content.decode()
    assert "6.500.000 đ/tháng" in html


def test_id_masked_and_unmask_logged(personas, person_a) -> None:
    url = reverse("training:person_detail", args=[person_a.pk])
    for persona in ("province_officer", "auditor"):
        html = client_for(personas[persona]).get(url).content.decode()
        assert MAN_1990 not in html and "**********01" in html
    assert "0912345678" in client_for(personas["province_officer"]).get(url).content.decode()
    assert "0912345678" not in client_for(personas["auditor"]).get(url).content.decode()
    unmask = reverse("training:person_unmask", args=[person_a.pk])
    response = client_for(personas["commune_officer_a"]).post(unmask)
    assert response.status_code == 200 and MAN_1990 in response.content.decode()
    assert PersonalDataAccess.objects.filter(person=person_a, kind="unmasked_id").count() == 1


def test_unmask_refused_for_auditor_and_hidden_for_others(personas, person_a) -> None:
    unmask = reverse("training:person_unmask", args=[person_a.pk])
    assert client_for(personas["auditor"]).post(unmask).status_code == 403
    assert client_for(personas["commune_officer_b"]).post(unmask).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_export_download(personas, person_a, course_a) -> None:
    enrol(person_a, course_a)
    response = client_for(personas["province_officer"]).post(reverse("training:person_export", args=[person_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["person"]["national_id"] == MAN_1990
    refused = client_for(personas["auditor"]).post(reverse("training:person_export", args=[person_a.pk]))
    assert refused.status_code == 403


def test_restrict_and_merge_pages(personas, person_a) -> None:
    client = client_for(personas["province_officer"])
    assert client.post(reverse("training:person_restrict", args=[person_a.pk]),
                       {"restricted": "on", "note": "Yêu cầu 01"}).status_code == 302
    person_a.refresh_from_db()
    assert person_a.restricted
    duplicate = make_person("Nguyễn Văn An")
    assert client.post(reverse("training:person_merge", args=[person_a.pk]),
                       {"merge_id": duplicate.pk}).status_code == 302
    assert Person.objects.count() == 1
    assert client_for(personas["commune_officer_a"]).post(reverse("training:person_merge", args=[person_a.pk]),
                                                          {"merge_id": 1}).status_code == 403


def test_follow_ups_due_list(personas, person_a, person_b) -> None:
    ended_june = make_course(type_code="intermediate", end=dt.date(2026, 5, 20))  # 3m: 20/8, 6m: 20/11 (due)
    ended_july = make_course(type_code="intermediate", end=dt.date(2026, 7, 31))  # 3m: 31/10 (due)
    management = make_course(type_code="management", end=dt.date(2026, 1, 31))  # not employment-oriented
    done = enrol(person_a, ended_june)
    enrol(person_a, ended_july)
    enrol(person_b, ended_june)
    enrol(person_a, management)
    follow(done, dt.date(2026, 8, 25), "employed")  # 3-month done, 6-month still due
    response = client_for(personas["commune_officer_a"]).get(reverse("training:follow_ups_due"))
    rows = [(p.course_id, p.milestone) for p in response.context["page"]]
    assert rows == [(ended_july.pk, 3), (ended_june.pk, 6)]  # person_b lives in commune B
    follow(done, dt.date(2026, 11, 21), "employed")
    rows = [p.course_id for p in client_for(personas["province_officer"]).get(
        reverse("training:follow_ups_due")).context["page"]]
    assert sorted(rows) == sorted([ended_july.pk, ended_june.pk])  # person_b's 6-month milestone


def test_course_detail_query_count_constant(personas, course_a, django_assert_max_num_queries) -> None:
    for i in range(30):
        enrol(make_person(f"Người {i}", national_id=None), course_a)
    client = client_for(personas["province_officer"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("training:course_detail", args=[course_a.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("training:list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("training:person_list")).status_code == 200


def test_person_detail_query_count_constant(personas, person_a, django_assert_max_num_queries) -> None:
    for _i in range(10):
        p = enrol(person_a, make_course(type_code="intermediate"))
        follow(p, dt.date(2026, 9, 1), "employed")
    client = client_for(personas["province_officer"])
    with django_assert_max_num_queries(18):
        assert client.get(reverse("training:person_detail", args=[person_a.pk])).status_code == 200


def test_consent_recorded_and_withdrawn(personas, person_a) -> None:
    client = client_for(personas["commune_officer_a"])
    add = reverse("training:consent_add", args=[person_a.pk])
    assert client.post(add, {"purpose": "follow_up", "basis": "consent", "given_at": "2026-02-01"}).status_code == 302
    consent = person_a.consents.get()
    withdraw = reverse("training:consent_withdraw", args=[person_a.pk, consent.pk])
    early = client.post(withdraw, {"withdrawn_at": "2026-01-01"})
    assert early.status_code == 400 and "không được trước ngày đồng ý" in early.content.decode()
    assert client.post(withdraw, {"withdrawn_at": "2026-03-01"}).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at == dt.date(2026, 3, 1)
    assert client_for(personas["auditor"]).post(add, {"purpose": "training", "basis": "consent",
                                                      "given_at": "2026-02-01"}).status_code == 403
