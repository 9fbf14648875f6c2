"""API v1: persona matrix, jurors see only their dossiers and own scores, bad input → 4xx, schema valid."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from khuyencong.products.models import Nomination, Score
from khuyencong.products.tests.conftest import make_product, sheet

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def as_json(points):  # type: ignore[no-untyped-def]
    return {"points": {k: str(v) for k, v in points.items()}}


# persona → (rounds listed, nominations listed, close round)
API_MATRIX = {
    "province_admin": (1, 2, 400),
    "province_officer": (1, 2, 400),
    "commune_officer_a": (1, 2, 403),
    "commune_officer_b": (1, 0, 403),
    "council_member": (1, 2, 403),
    "establishment_rep": (1, 2, 403),
    "auditor": (1, 2, 403),
    "outsider": (0, 0, 404),
}


@pytest.mark.parametrize(("persona", "expected"), API_MATRIX.items())
def test_endpoint_matrix(personas, scoring_round, persona, expected) -> None:
    client = api_for(personas[persona])
    got = (client.get("/api/v1/rounds").json()["count"], client.get("/api/v1/nominations").json()["count"],
           client.post(f"/api/v1/rounds/{scoring_round.pk}/close").status_code)
    assert got == expected


def test_anonymous_refused(scoring_round) -> None:
    assert APIClient().get("/api/v1/rounds").status_code in (401, 403)


def test_council_member_outside_the_council_sees_no_dossiers(scoring_round, personas) -> None:
    from khuyencong.accounts.models import Role
    from khuyencong.testing.fixtures import make_user

    stranger = make_user("juror_elsewhere", Role.COUNCIL_MEMBER)
    assert api_for(stranger).get("/api/v1/nominations").json()["count"] == 0


def test_juror_sees_only_own_scores_until_closed(scoring_round, jury) -> None:
    nomination = scoring_round.nominations.first()
    url = f"/api/v1/nominations/{nomination.pk}/scores"
    assert api_for(jury["j1"]).post(url, as_json(sheet(80)), format="json").status_code == 200
    response = api_for(jury["j2"]).post(url, as_json(sheet(70)), format="json")
    assert {s["juror"] for s in response.json()} == {"juror2"}
    assert api_for(jury["secretary"]).get(url).json() == []


@pytest.mark.parametrize(("points", "message"), [({"1": "41"}, "từ 0 đến 40"), ({"4": "-2"}, "từ 0 đến 10")])
def test_bad_scores_are_400_and_nothing_saved(scoring_round, jury, points, message) -> None:
    nomination = scoring_round.nominations.first()
    body = {"points": {**{k: str(v) for k, v in sheet(80).items()}, **points}}
    response = api_for(jury["j1"]).post(f"/api/v1/nominations/{nomination.pk}/scores", body, format="json")
    assert response.status_code == 400 and message in str(response.json())
    assert not Score.objects.exists()


def test_recused_juror_cannot_score(scoring_round, jury) -> None:
    from khuyencong.products.models import ConflictDeclaration, CouncilMember

    nomination = scoring_round.nominations.first()
    member = CouncilMember.objects.get(user=jury["j3"])
    ConflictDeclaration.objects.create(member=member, nomination=nomination, reason="Họ hàng")
    response = api_for(jury["j3"]).post(f"/api/v1/nominations/{nomination.pk}/scores", as_json(sheet(80)),
                                        format="json")
    assert response.status_code == 403 and "xung đột lợi ích" in response.json()["detail"]
    assert not Score.objects.exists()
    # Still hidden from the juror's lists and detail.
    assert api_for(jury["j3"]).get(f"/api/v1/nominations/{nomination.pk}").status_code == 404
    assert nomination.pk not in {n["id"] for n in api_for(jury["j3"]).get("/api/v1/nominations").json()["results"]}


def test_juror_of_another_round_gets_404_when_scoring(scoring_round) -> None:
    from khuyencong.accounts.models import Role
    from khuyencong.testing.fixtures import make_user

    stranger = make_user("juror_elsewhere", Role.COUNCIL_MEMBER)
    nomination = scoring_round.nominations.first()
    response = api_for(stranger).post(f"/api/v1/nominations/{nomination.pk}/scores", as_json(sheet(80)),
                                      format="json")
    assert response.status_code == 404 and not Score.objects.exists()


def test_rep_posting_scores_gets_403(scoring_round, personas) -> None:
    nomination = scoring_round.nominations.first()
    response = api_for(personas["establishment_rep"]).post(f"/api/v1/nominations/{nomination.pk}/scores",
                                                           as_json(sheet(80)), format="json")
    assert response.status_code == 403 and "không phải giám khảo" in response.json()["detail"]
    assert not Score.objects.exists()


def test_scoring_after_close_is_400(scoring_round, jury) -> None:
    for nomination in scoring_round.nominations.all():
        for key in ("j1", "j2", "j3"):
            api_for(jury[key]).post(f"/api/v1/nominations/{nomination.pk}/scores", as_json(sheet(80)), format="json")
    assert api_for(jury["secretary"]).post(f"/api/v1/rounds/{scoring_round.pk}/close").status_code == 200
    nomination = scoring_round.nominations.first()
    response = api_for(jury["j1"]).post(f"/api/v1/nominations/{nomination.pk}/scores", as_json(sheet(99)),
                                        format="json")
    assert response.status_code == 400 and "giai đoạn chấm điểm" in str(response.json())
    assert Score.objects.filter(points=sheet(99)["1"]).count() == 0
    results = api_for(jury["secretary"]).get(f"/api/v1/rounds/{scoring_round.pk}/results").json()
    assert len(results) == 2


def test_decide_before_close_is_400(scoring_round, personas) -> None:
    response = api_for(personas["province_officer"]).post(
        f"/api/v1/rounds/{scoring_round.pk}/decide", {"number": "1/QĐ", "decided_on": "2016-09-01"}, format="json")
    assert response.status_code == 400 and "chưa kết thúc chấm điểm" in str(response.json())


def test_rep_nominates_own_product_and_ineligible_is_400(personas, est_a) -> None:
    from khuyencong.products.tests.conftest import make_round
    from khuyencong.testing.fixtures import TODAY, unit

    selection_round = make_round(personas["province_officer"], year=2026, level_code="commune",
                                 organiser=unit("26560"), deadline=TODAY + dt.timedelta(days=10))
    rep = api_for(personas["establishment_rep"])
    good = make_product(est_a, "Hạt điều", group_code="agro_food")
    bad = make_product(est_a, "Tượng gỗ độc bản", one_off=True)
    ok = rep.post("/api/v1/nominations", {"round": selection_round.pk, "product": good.pk,
                                          "made_by_establishment": True}, format="json")
    assert ok.status_code == 201
    refused = rep.post("/api/v1/nominations", {"round": selection_round.pk, "product": bad.pk,
                                               "made_by_establishment": True}, format="json")
    assert refused.status_code == 400 and "độc bản" in str(refused.json())
    assert Nomination.objects.count() == 1


def test_higher_level_without_lower_recognition_is_400(personas, est_a) -> None:
    from khuyencong.products.tests.conftest import make_round
    from khuyencong.testing.fixtures import unit

    province = unit(est_a.commune.parent.parent.code, dt.date(2018, 6, 1))
    selection_round = make_round(personas["province_officer"], year=2018, level_code="province", organiser=province)
    product = make_product(est_a, "Hạt điều", group_code="agro_food")
    response = api_for(personas["province_officer"]).post("/api/v1/nominations", {
        "round": selection_round.pk, "product": product.pk, "made_by_establishment": True,
        "submitted_on": "2018-06-01"}, format="json")
    assert response.status_code == 400 and "chưa có giấy chứng nhận" in str(response.json())
    assert not Nomination.objects.exists()


def test_create_product_and_round(personas, est_a, district) -> None:
    from khuyencong.products.models import RecognitionLevel, RuleSet

    officer = api_for(personas["province_officer"])
    product = officer.post("/api/v1/products", {"establishment": est_a.pk, "name": "Bánh pía", "group": "agro_food"},
                           format="json")
    assert product.status_code == 201
    level = RecognitionLevel.objects.get(code="commune")
    created = officer.post("/api/v1/rounds", {
        "name": "Bình chọn cấp xã 2026", "level": level.pk, "organiser_code": "26560", "year": 2026,
        "dossier_deadline": "2026-12-31", "rule_set": RuleSet.objects.get().pk}, format="json")
    assert created.status_code == 201 and created.json()["level"] == "commune"
    assert api_for(personas["establishment_rep"]).post("/api/v1/rounds", {}, format="json").status_code in (400, 403)


def test_schema_is_valid(personas) -> None:
    response = api_for(personas["province_admin"]).get("/api/v1/schema")
    assert response.status_code == 200 and b"/api/v1/rounds" in response.content
