"""Pages: every persona × every page, juror privacy, bad input (400, nothing saved), public register."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.products.models import RoundStatus, Score
from khuyencong.products.tests.conftest import make_product, recognise, sheet

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# persona → (round list, dashboard, juror queue, product page of est_a's product, certificate)
PAGE_MATRIX = {
    "province_admin": (200, 200, 403, 200, 200),
    "province_officer": (200, 200, 403, 200, 200),
    "commune_officer_a": (200, 200, 403, 200, 200),
    "commune_officer_b": (200, 200, 403, 404, 404),
    "council_member": (200, 200, 200, 200, 200),  # juror j1 of the round
    "establishment_rep": (200, 200, 403, 200, 200),
    "auditor": (200, 200, 403, 200, 200),
    "outsider": (403, 404, 404, 404, 404),
}


@pytest.fixture
def certificate(personas, est_a, district):  # type: ignore[no-untyped-def]
    from khuyencong.products.tests.conftest import make_round

    old = make_round(personas["province_officer"], year=2014, deadline=dt.date(2014, 11, 30), organiser=district)
    return recognise(make_product(est_a, "Nước mắm"), old, decided_on=dt.date(2014, 12, 20), number="9/QĐ")


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, scoring_round, certificate, persona, expected) -> None:
    client = client_for(personas[persona])
    urls = [reverse("products:list"), reverse("products:round", args=[scoring_round.pk]),
            reverse("products:juror_queue", args=[scoring_round.pk]),
            reverse("products:product", args=[certificate.product_id]),
            reverse("products:certificate", args=[certificate.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_anonymous_sees_public_register_without_personal_data(certificate, est_a) -> None:
    response = Client().get(reverse("products:public"))
    body = response.content.decode()
    assert response.status_code == 200 and "Nước mắm" in body and est_a.name in body
    assert est_a.representative_phone not in body
    assert Client().get(reverse("products:list")).status_code == 302


@pytest.mark.parametrize(("query", "found"), [
    ({"level": "district"}, True), ({"level": "province"}, False), ({"year": "2014"}, True), ({"year": "2016"}, False),
    ({"group": "handicrafts"}, True), ({"group": "mechanical"}, False), ({"area": "26560"}, True),
    ({"area": "26596"}, False),
])
def test_public_filters(certificate, query, found) -> None:
    body = Client().get(reverse("products:public"), query).content.decode()
    assert ("Nước mắm" in body) is found


def test_public_list_query_count(certificate, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(8):
        Client().get(reverse("products:public"))


def test_juror_scores_through_the_page(scoring_round, jury) -> None:
    nomination = scoring_round.nominations.first()
    data = {f"c_{k}": str(v) for k, v in sheet(80).items()}
    response = client_for(jury["j1"]).post(reverse("products:score", args=[nomination.pk]), data)
    assert response.status_code == 302 and Score.objects.count() == 4


def test_score_above_max_gives_400_and_saves_nothing(scoring_round, jury) -> None:
    nomination = scoring_round.nominations.first()
    data = {**{f"c_{k}": str(v) for k, v in sheet(80).items()}, "c_1": "45"}
    response = client_for(jury["j1"]).post(reverse("products:score", args=[nomination.pk]), data)
    assert response.status_code == 400 and "từ 0 đến 40" in response.content.decode()
    assert not Score.objects.exists()


def test_non_juror_cannot_open_score_page(scoring_round, jury, personas) -> None:
    nomination = scoring_round.nominations.first()
    for user in (jury["secretary"], personas["province_admin"]):
        response = client_for(user).get(reverse("products:score", args=[nomination.pk]))
        assert response.status_code == 403 and "không phải giám khảo" in response.content.decode()
    assert client_for(personas["outsider"]).get(reverse("products:score", args=[nomination.pk])).status_code == 404


def test_recused_juror_gets_403_with_reason_on_score_page(scoring_round, jury) -> None:
    from khuyencong.products import services

    nomination = scoring_round.nominations.first()
    services.conflict_declare(actor=jury["j2"], nomination=nomination, reason="Người nhà làm ở cơ sở")
    client = client_for(jury["j2"])
    url = reverse("products:score", args=[nomination.pk])
    data = {f"c_{k}": str(v) for k, v in sheet(80).items()}
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 403 and "xung đột lợi ích" in response.content.decode()
    assert not Score.objects.exists()


def test_dashboard_shows_progress_but_no_points_during_scoring(scoring_round, jury) -> None:
    nomination = scoring_round.nominations.first()
    marks = {"1": 37, "2": 33, "3": 9, "4": 8}
    client_for(jury["j1"]).post(reverse("products:score", args=[nomination.pk]),
                                {f"c_{k}": str(v) for k, v in marks.items()})
    body = client_for(jury["j2"]).get(reverse("products:round", args=[scoring_round.pk])).content.decode()
    # Points would show as cell text (">37<", ">87,00<"); ids in links may contain the same digits.
    assert not re.search(r">\s*(37|87)([.,]0+)?\s*<", body)
    sheet_url = reverse("products:score_sheet", args=[scoring_round.pk, Score.objects.first().member_id])
    assert client_for(jury["j2"]).get(sheet_url).status_code == 403
    own = client_for(jury["j1"]).get(sheet_url)
    assert own.status_code == 200 and "37" in own.content.decode()


def test_decision_before_scoring_closed_is_400(scoring_round, personas) -> None:
    url = reverse("products:round_action", args=[scoring_round.pk, "decide"])
    response = client_for(personas["province_officer"]).post(url, {"number": "1/QĐ", "decided_on": "2016-09-01"})
    assert response.status_code == 400 and "chưa kết thúc chấm điểm" in response.content.decode()
    scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.SCORING


def test_round_actions_forbidden_for_jurors_and_reps(scoring_round, personas, jury) -> None:
    url = reverse("products:round_action", args=[scoring_round.pk, "close"])
    for user in (jury["j1"], personas["establishment_rep"], personas["auditor"]):
        assert client_for(user).post(url).status_code == 403


def test_dashboard_query_count(scoring_round, personas, django_assert_max_num_queries) -> None:
    client = client_for(personas["province_officer"])
    with django_assert_max_num_queries(14):
        client.get(reverse("products:round", args=[scoring_round.pk]))


def test_stale_score_sheet_is_a_message_on_the_page_not_a_500(scoring_round, jury) -> None:
    """Two tabs on one sheet: the other tab's save lands while this one writes; the juror is told, not a 500."""
    from unittest import mock

    from django.db.models import F

    from khuyencong.core import services as core_services

    nomination = scoring_round.nominations.first()
    client = client_for(jury["j1"])
    client.post(reverse("products:score", args=[nomination.pk]), {f"c_{k}": str(v) for k, v in sheet(80).items()})
    real_save_changes = core_services.save_changes

    def other_tab_saves_first(instance, **kwargs):  # type: ignore[no-untyped-def]
        type(instance).objects.filter(pk=instance.pk).update(version=F("version") + 1)
        return real_save_changes(instance, **kwargs)

    with mock.patch.object(core_services, "save_changes", other_tab_saves_first):
        response = client.post(reverse("products:score", args=[nomination.pk]),
                               {f"c_{k}": str(v) for k, v in sheet(70).items()})
    assert response.status_code == 400
    assert "đã được người khác thay đổi" in " ".join(response.context["form"].non_field_errors())
