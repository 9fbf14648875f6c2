"""Courses linked to extension schemes: only a scheme the user can see (else a Vietnamese 400), in every channel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.testing.fixtures import COMMUNE_A, unit
from khuyencong.training import services
from khuyencong.training.models import Course
from khuyencong.training.tests.conftest import course_type, make_course

HIDDEN = "không có quyền xem đề án"


def course_data(**overrides):  # type: ignore[no-untyped-def]
    base = {"code": "DA-01", "title": "Lớp gắn đề án", "course_type": course_type("vocational"),
            "organiser": "Trung tâm Khuyến công", "organising_unit": unit(COMMUNE_A),
            "start_date": dt.date(2026, 1, 5), "end_date": dt.date(2026, 3, 30)}
    return {**base, **overrides}


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_service_links_a_visible_scheme(personas, scheme_a) -> None:
    course = services.course_create(actor=personas["commune_officer_a"], data=course_data(scheme=scheme_a))
    assert course.scheme == scheme_a and scheme_a.courses.get() == course
    assert course.history.latest().scheme_id == scheme_a.pk  # audited


def test_service_refuses_a_scheme_outside_the_area(personas, scheme_b) -> None:
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=personas["commune_officer_a"], data=course_data(scheme=scheme_b))
    assert HIDDEN in exc.value.message_dict["scheme"][0]
    assert not Course.objects.exists()


def test_update_refuses_relinking_outside_the_area_but_keeps_an_existing_link(personas, scheme_b) -> None:
    course = make_course(scheme=scheme_b)  # linked by province staff
    officer = personas["commune_officer_a"]
    saved = services.course_update(actor=officer, course=course, data={"title": "Đổi tên", "scheme": scheme_b},
                                   expected_version=course.version)
    assert saved.scheme == scheme_b
    other = make_course()
    with pytest.raises(ValidationError) as exc:
        services.course_update(actor=officer, course=other, data={"scheme": scheme_b}, expected_version=other.version)
    assert HIDDEN in exc.value.message_dict["scheme"][0]
    other.refresh_from_db()
    assert other.scheme is None


def test_api_create_with_scheme_and_output(personas, scheme_a) -> None:
    body = {"code": "API-DA", "title": "Lớp API", "course_type": "vocational", "organiser": "Trung tâm",
            "organising_unit_code": COMMUNE_A, "start_date": "2026-01-05", "end_date": "2026-03-30",
            "scheme": scheme_a.pk}
    response = api_for(personas["commune_officer_a"]).post("/api/v1/courses", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["scheme"] == {"id": scheme_a.pk, "code": "KCDP-2026-A", "title": scheme_a.title}
    course_id = response.json()["id"]
    assert api_for(personas["province_officer"]).get(f"/api/v1/courses/{course_id}").json()["scheme"]["id"] == (
        scheme_a.pk)


@pytest.mark.parametrize("which", ["outside", "unknown"])
def test_api_refuses_hidden_or_unknown_scheme(personas, scheme_b, which) -> None:
    body = {"code": "API-DA", "title": "Lớp API", "course_type": "vocational", "organiser": "Trung tâm",
            "organising_unit_code": COMMUNE_A, "start_date": "2026-01-05", "end_date": "2026-03-30",
            "scheme": scheme_b.pk if which == "outside" else 999_999}
    response = api_for(personas["commune_officer_a"]).post("/api/v1/courses", body, format="json")
    assert response.status_code == 400
    assert HIDDEN in str(response.json())
    assert not Course.objects.exists()


def test_form_offers_only_visible_schemes_and_detail_shows_the_link(personas, scheme_a, scheme_b) -> None:
    client = Client()
    client.force_login(personas["commune_officer_a"])
    form = client.get(reverse("training:course_create")).context["form"]
    assert list(form.fields["scheme"].queryset) == [scheme_a]
    data = {"code": "TC-DA", "title": "Lớp form", "course_type": course_type("vocational").pk, "organiser": "TT",
            "organising_unit": unit(COMMUNE_A).pk, "start_date": "2026-01-05", "end_date": "2026-03-30",
            "planned_participants": "10", "scheme": scheme_b.pk}
    assert client.post(reverse("training:course_create"), data).status_code == 400
    assert not Course.objects.exists()
    assert client.post(reverse("training:course_create"), {**data, "scheme": scheme_a.pk}).status_code == 302
    course = Course.objects.get(code="TC-DA")
    page = client.get(reverse("training:course_detail", args=[course.pk]))
    assert "KCDP-2026-A" in page.content.decode()
