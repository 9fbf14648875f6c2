"""API v1 for training: persona × endpoint, bad input (400/403, message, nothing saved), masking, schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B
from khuyencong.training.models import Course, FollowUp, Participation, Person, PersonalDataAccess
from khuyencong.training.tests.conftest import MAN_1990, enrol, make_person


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def course_payload(**overrides):  # type: ignore[no-untyped-def]
    base = {"code": "API-01", "title": "Lớp qua API", "course_type": "vocational", "organiser": "Trung tâm",
            "organising_unit_code": COMMUNE_A, "start_date": "2026-01-05", "end_date": "2026-03-30"}
    return {**base, **overrides}


def person_payload(**overrides):  # type: ignore[no-untyped-def]
    base = {"full_name": "Hồ Văn Giang", "gender": "male", "commune_code": COMMUNE_A, "birth_year": 1990}
    return {**base, **overrides}


# persona → (courses listed, course A, create course in A, persons listed, person A, create person in A,
#            unmask person A, export person A)
API_MATRIX = {
    "province_admin": (2, 200, 201, 2, 200, 201, 200, 200),
    "province_officer": (2, 200, 201, 2, 200, 201, 200, 200),
    "commune_officer_a": (1, 200, 201, 1, 200, 201, 200, 200),
    "commune_officer_b": (1, 404, 403, 1, 404, 403, 404, 404),
    "council_member": (0, 404, 403, 0, 404, 403, 404, 404),
    "establishment_rep": (0, 404, 403, 0, 404, 403, 404, 404),
    "auditor": (2, 200, 403, 2, 200, 403, 403, 403),
    "outsider": (0, 404, 403, 0, 404, 403, 404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_endpoint_matrix(personas, person_a, person_b, course_a, persona, expected) -> None:
    from khuyencong.training.tests.conftest import make_course

    make_course(organising=COMMUNE_B)
    client = api_for(personas[persona])
    got = (
        client.get("/api/v1/courses").json()["count"],
        client.get(f"/api/v1/courses/{course_a.pk}").status_code,
        client.post("/api/v1/courses", course_payload(), format="json").status_code,
        client.get("/api/v1/persons").json()["count"],
        client.get(f"/api/v1/persons/{person_a.pk}").status_code,
        client.post("/api/v1/persons", person_payload(), format="json").status_code,
        client.post(f"/api/v1/persons/{person_a.pk}/unmask").status_code,
        client.post(f"/api/v1/persons/{person_a.pk}/export").status_code,
    )
    assert got == expected


def test_anonymous_refused(course_a) -> None:
    assert APIClient().get("/api/v1/courses").status_code in (401, 403)


def test_id_masked_in_output_and_unmask_logged(personas, person_a) -> None:
    client = api_for(personas["province_officer"])
    body = client.get(f"/api/v1/persons/{person_a.pk}").json()
    assert body["national_id"] == "**********01" and body["phone"] == "0912345678"
    assert api_for(personas["auditor"]).get(f"/api/v1/persons/{person_a.pk}").json()["phone"] == "09******78"
    assert client.post(f"/api/v1/persons/{person_a.pk}/unmask").json() == {"national_id": MAN_1990}
    assert PersonalDataAccess.objects.count() == 1


def test_unmask_by_auditor_is_403_with_message_and_not_logged(personas, person_a) -> None:
    response = api_for(personas["auditor"]).post(f"/api/v1/persons/{person_a.pk}/unmask")
    assert response.status_code == 403 and "số định danh" in response.json()["detail"]
    assert not PersonalDataAccess.objects.exists()


def test_commune_officer_b_cannot_read_person_of_a(personas, person_a) -> None:
    client = api_for(personas["commune_officer_b"])
    assert client.get(f"/api/v1/persons/{person_a.pk}").status_code == 404
    assert person_a.pk not in [r["id"] for r in client.get("/api/v1/persons").json()["results"]]


@pytest.mark.parametrize(("body", "field", "message"), [
    (person_payload(national_id="1234"), "national_id", "12 chữ số"),
    (person_payload(national_id="097090000001"), "national_id", "mã tỉnh"),
    (person_payload(national_id=MAN_1990), "national_id", "đã có trong hệ thống"),
    (person_payload(commune_code="00000"), "commune_code", ""),
    (person_payload(gender="x"), "gender", ""),
])
def test_bad_person_payloads(personas, person_a, body, field, message) -> None:
    response = api_for(personas["province_officer"]).post("/api/v1/persons", body, format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert Person.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    (course_payload(end_date="2025-01-01"), "end_date"),
    (course_payload(course_type="nope"), "course_type"),
    (course_payload(organising_unit_code="99999"), "organising_unit_code"),
    (course_payload(planned_participants=-2), "planned_participants"),
])
def test_bad_course_payloads(personas, body, field) -> None:
    response = api_for(personas["province_officer"]).post("/api/v1/courses", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Course.objects.exists()


def test_course_update_needs_version_and_refuses_stale(personas, course_a) -> None:
    client = api_for(personas["province_officer"])
    url = f"/api/v1/courses/{course_a.pk}"
    assert client.patch(url, {"title": "Mới"}, format="json").status_code == 400
    assert client.patch(url, {"title": "Mới", "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"title": "Cũ", "version": 1}, format="json").status_code == 409


def test_enrol_and_duplicate_and_list(personas, person_a, course_a) -> None:
    client = api_for(personas["province_officer"])
    url = f"/api/v1/courses/{course_a.pk}/enrol"
    assert client.post(url, {"person_id": person_a.pk}, format="json").status_code == 201
    again = client.post(url, {"person_id": person_a.pk}, format="json")
    assert again.status_code == 400 and "đã có trong lớp" in again.json()["person"][0]
    listed = client.post(url, {"national_ids": f"{MAN_1990}\nxx"}, format="json")
    assert listed.status_code == 400 and len(listed.json()["national_ids"]) == 2
    assert Participation.objects.count() == 1
    assert len(client.get(f"/api/v1/courses/{course_a.pk}/participants").json()) == 1


def test_complete_unended_course_and_follow_up_rules(personas, person_a, course_a, future_course) -> None:
    client = api_for(personas["province_officer"])
    pending = enrol(person_a, future_course, status="enrolled")
    response = client.post(f"/api/v1/participations/{pending.pk}/complete", {}, format="json")
    assert response.status_code == 400 and "chưa kết thúc" in response.json()["status"][0]
    done = enrol(person_a, course_a, status="enrolled")
    assert client.post(f"/api/v1/participations/{done.pk}/complete", {"certificate_no": "C-9"},
                       format="json").json()["status"] == "completed"
    url = f"/api/v1/participations/{done.pk}/followups"
    early = client.post(url, {"date": "2026-06-01", "status": "employed"}, format="json")
    negative = client.post(url, {"date": "2026-09-01", "status": "employed", "monthly_income_vnd": -1}, format="json")
    assert early.status_code == 400 and "trước ngày kết thúc" in early.json()["date"][0]
    assert negative.status_code == 400 and "âm" in negative.json()["monthly_income_vnd"][0]
    assert not FollowUp.objects.exists()
    assert client.post(url, {"date": "2026-09-01", "status": "employed", "monthly_income_vnd": 5_000_000},
                       format="json").status_code == 201


def test_follow_ups_due_endpoint_scoped(personas, person_a, person_b, course_a) -> None:
    enrol(person_a, course_a)
    enrol(person_b, course_a)
    rows = api_for(personas["commune_officer_a"]).get("/api/v1/participations").json()["results"]
    assert [(r["person_id"], r["milestone"]) for r in rows] == [(person_a.pk, 3)]
    assert api_for(personas["province_officer"]).get("/api/v1/participations").json()["count"] == 2


def test_export_restrict_merge(personas, person_a, course_a) -> None:
    client = api_for(personas["province_officer"])
    enrol(person_a, course_a)
    exported = client.post(f"/api/v1/persons/{person_a.pk}/export").json()
    assert exported["participations"][0]["course"]["code"] == "NGHE-A"
    assert client.post(f"/api/v1/persons/{person_a.pk}/restrict", {"restricted": True},
                       format="json").json()["restricted"] is True
    duplicate = make_person("Nguyễn Văn An")
    assert client.post(f"/api/v1/persons/{person_a.pk}/merge", {"merge_id": duplicate.pk},
                       format="json").status_code == 200
    refused = api_for(personas["commune_officer_a"]).post(f"/api/v1/persons/{person_a.pk}/merge",
                                                          {"merge_id": person_a.pk}, format="json")
    assert refused.status_code == 403


def test_course_types_and_schema(personas) -> None:
    client = api_for(personas["province_officer"])
    codes = {row["code"] for row in client.get("/api/v1/coursetypes").json()["results"]}
    assert {"vocational", "intermediate", "digital_transformation"} <= codes
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    assert "/api/v1/courses/{id}/enrol" in paths and "/api/v1/persons/{id}/unmask" in paths


def test_consent_endpoint(personas, person_a) -> None:
    url = f"/api/v1/persons/{person_a.pk}/consents"
    body = {"purpose": "statistics", "basis": "public_task", "given_at": "2026-01-01"}
    assert api_for(personas["province_officer"]).post(url, body, format="json").status_code == 201
    assert api_for(personas["auditor"]).post(url, body, format="json").status_code == 403
    assert api_for(personas["province_officer"]).post(url, {**body, "basis": "x"}, format="json").status_code == 400
    assert person_a.consents.count() == 1


@pytest.mark.parametrize("fmt", ["multipart", "json"])
def test_restrict_without_restricted_is_refused_not_a_lift(personas, person_a, fmt: str) -> None:
    Person.objects.filter(pk=person_a.pk).update(restricted=True)
    response = api_for(personas["province_officer"]).post(f"/api/v1/persons/{person_a.pk}/restrict",
                                                          {"note": "hỏi lại"}, format=fmt)
    assert response.status_code == 400 and "restricted" in response.json()
    assert Person.objects.get(pk=person_a.pk).restricted is True
