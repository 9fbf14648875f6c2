"""API v1: persona × endpoint, transitions, disbursements, conflicts, bad input and the schema."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from khuyencong.schemes.models import Disbursement, Scheme
from khuyencong.schemes.tests.conftest import make_scheme, walk

LIST = "/api/v1/schemes"


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(est, **overrides):  # type: ignore[no-untyped-def]
    base = {"code": "API-1", "title": "Đề án qua API", "activity_type": "machinery", "funding_source": "national",
            "implementing_unit_name": "Trung tâm Khuyến công", "beneficiary_ids": [est.pk],
            "total_cost": 600_000_000, "public_support": 200_000_000, "counterpart_capital": 400_000_000}
    return {**base, **overrides}


# persona → (list count, retrieve, create for est_a, patch, transition, programmes list, plans list)
API_MATRIX = {
    "province_admin": (1, 200, 201, 200, 200, 200, 200),
    "province_officer": (1, 200, 201, 200, 200, 200, 200),
    "commune_officer_a": (1, 200, 201, 200, 403, 200, 200),
    # officer B cannot see est_a: "not found or outside your scope" (400), never a hint that it exists
    "commune_officer_b": (0, 404, 400, 404, 404, 200, 200),
    "council_member": (1, 200, 403, 403, 403, 200, 200),
    "establishment_rep": (1, 200, 403, 403, 403, 200, 200),
    "auditor": (1, 200, 403, 403, 403, 200, 200),
    "outsider": (0, 404, 403, 404, 404, 200, 200),
}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_endpoint_matrix(personas, est_a, plan, persona: str, expected: tuple[int, ...]) -> None:
    scheme = make_scheme(personas["commune_officer_a"], [est_a])
    client = api_for(personas[persona])
    detail = f"{LIST}/{scheme.pk}"
    listed = client.get(LIST)
    assert listed.status_code == 200 and listed.json()["count"] == expected[0]
    got = (
        client.get(detail).status_code,
        client.post(LIST, payload(est_a), format="json").status_code,
        client.patch(detail, {"title": "Đổi tên", "version": 1}, format="json").status_code,
        client.post(f"{detail}/transition", {"target": "appraised", "appraisal_score": "75", "version": 2},
                    format="json").status_code,
        client.get("/api/v1/programmes").status_code,
        client.get("/api/v1/plans").status_code,
    )
    assert got == expected[1:]
    if persona == "outsider":  # answered, but with nothing in them
        assert client.get("/api/v1/programmes").json()["count"] == 0
        assert client.get("/api/v1/plans").json()["count"] == 0


def test_anonymous_refused() -> None:
    assert APIClient().get(LIST).status_code in (401, 403)


def test_full_transition_chain_and_amendment_via_api(personas, est_a, plan) -> None:
    client = api_for(personas["province_admin"])
    created = client.post(LIST, payload(est_a), format="json").json()
    url = f"{LIST}/{created['id']}/transition"
    steps = [
        {"target": "appraised", "appraisal_score": "80"},
        {"target": "approved", "plan": plan.pk, "approval_decision_no": "1/QĐ", "approval_decision_date": "2026-03-01"},
        {"target": "contracted", "contract_no": "HĐ1", "contract_date": "2026-03-05"},
        {"target": "in_progress"},
        {"target": "in_progress", "note": "Kiểm tra lần 1"},
        {"target": "accepted", "acceptance_date": "2026-10-01", "acceptance_record_no": "BB1"},
    ]
    version = created["version"]
    for step in steps:
        response = client.post(url, {**step, "version": version}, format="json")
        assert response.status_code == 200, response.json()
        version = response.json()["version"]
    disb = client.post(f"{LIST}/{created['id']}/disbursements", {"date": "2026-10-02", "amount": 150_000_000},
                       format="json")
    assert disb.status_code == 201
    assert client.get(f"{LIST}/{created['id']}/disbursements").json()[0]["amount"] == 150_000_000
    settled = client.post(url, {"target": "settled", "settled_amount": 150_000_000, "settlement_date": "2026-11-01",
                                "version": version}, format="json").json()
    amended = client.post(url, {"target": "amended", "settled_amount": 140_000_000, "reason": "Kiểm toán",
                                "version": settled["version"]}, format="json")
    assert amended.status_code == 200 and amended.json()["status"] == "settled"
    assert amended.json()["settled_amount"] == 140_000_000
    detail = client.get(f"{LIST}/{created['id']}").json()
    assert [e["to_status"] for e in detail["events"]][-2:] == ["amended", "settled"]


def test_disallowed_transition_400_and_stale_409(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    client = api_for(personas["province_admin"])
    bad = client.post(f"{LIST}/{scheme.pk}/transition", {"target": "settled", "version": 1}, format="json")
    assert bad.status_code == 400 and "Không thể chuyển" in bad.json()["target"][0]
    stale = client.post(f"{LIST}/{scheme.pk}/transition", {"target": "appraised", "appraisal_score": "70",
                                                           "version": 7}, format="json")
    assert stale.status_code == 409 and "thay đổi kể từ khi bạn mở" in stale.json()["detail"]
    assert Scheme.objects.get(pk=scheme.pk).status == "proposed"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"total_cost": -1}, "total_cost", "không âm"),
    ({"public_support": "nhiều"}, "public_support", ""),
    ({"planned_start": "2026-05-01", "planned_end": "2026-04-01"}, "planned_end", "không được trước"),
    ({"beneficiary_ids": [999999]}, "beneficiary_ids", "ngoài phạm vi"),
])
def test_bad_input_400_nothing_saved(personas, est_a, overrides, field, message) -> None:
    response = api_for(personas["province_admin"]).post(LIST, payload(est_a, **overrides), format="json")
    assert response.status_code == 400 and field in response.json()
    assert message in " ".join(response.json()[field])
    assert not Scheme.objects.exists()


def test_update_requires_version_and_refuses_settled(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = make_scheme(admin, [est_a])
    client = api_for(admin)
    assert client.patch(f"{LIST}/{scheme.pk}", {"title": "x"}, format="json").status_code == 400
    scheme = walk(admin, Scheme.objects.get(pk=scheme.pk), plan, "settled")
    response = client.patch(f"{LIST}/{scheme.pk}", {"total_cost": 1, "version": scheme.version}, format="json")
    assert response.status_code == 400 and "lập điều chỉnh" in str(response.json())


def test_disbursement_beyond_support_400(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "contracted")
    response = api_for(admin).post(f"{LIST}/{scheme.pk}/disbursements", {"date": "2026-04-01",
                                                                          "amount": 250_000_001}, format="json")
    assert response.status_code == 400 and "vượt kinh phí hỗ trợ" in response.json()["amount"][0]
    assert not Disbursement.objects.exists()
    assert api_for(personas["auditor"]).post(f"{LIST}/{scheme.pk}/disbursements", {
        "date": "2026-04-01", "amount": 1}, format="json").status_code == 403


def test_programme_and_plan_create(personas, programme) -> None:
    client = api_for(personas["province_officer"])
    made = client.post("/api/v1/plans", {"programme": programme.pk, "year": 2027, "funding_source": "local",
                                         "approved_total": 3_000_000_000}, format="json")
    assert made.status_code == 201
    assert api_for(personas["auditor"]).post("/api/v1/programmes", {
        "name": "X", "level": "local", "start_year": 2026, "end_year": 2030}, format="json").status_code == 403


def test_filters(personas, est_a, est_b, plan) -> None:
    admin = personas["province_admin"]
    walk(admin, make_scheme(admin, [est_a]), plan, "approved")
    make_scheme(admin, [est_b], code="B-1", funding_source="local")
    client = api_for(admin)
    assert client.get(LIST, {"status": "approved"}).json()["count"] == 1
    assert client.get(LIST, {"funding_source": "local"}).json()["count"] == 1
    assert client.get(LIST, {"unit": "26596"}).json()["count"] == 1
    assert client.get(LIST, {"year": "abc"}).status_code == 400


def test_schema_is_valid_and_lists_scheme_endpoints(personas) -> None:
    response = api_for(personas["province_admin"]).get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/schemes", "/api/v1/schemes/{id}/transition", "/api/v1/schemes/{id}/disbursements",
                 "/api/v1/plans", "/api/v1/programmes"):
        assert path in paths
