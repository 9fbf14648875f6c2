"""Rounds dated before Circular 26/2014 took effect (21/10/2014): the reference data hold no scoring rules
that old (the earlier Circular 35/2010 is not in the reference material), so such a round is refused with
that reason, under "Hạn nhận hồ sơ", on the page, in the service and in an import — and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from khuyencong.products import services
from khuyencong.products.models import Product, RecognitionLevel, RuleSet, SelectionRound
from khuyencong.products.tests.test_sheets import ROUNDS, history_book, run
from khuyencong.testing.fixtures import unit

pytestmark = pytest.mark.django_db
REASON = ("Chưa có bộ tiêu chí bình chọn áp dụng cho ngày %s: Thông tư 26/2014/TT-BCT có hiệu lực từ 21/10/2014; "
          "bộ tiêu chí áp dụng trước đó (Thông tư 35/2010/TT-BCT) chưa có trong hệ thống, nên chưa ghi nhận được "
          "đợt bình chọn có hạn nhận hồ sơ trước ngày 21/10/2014.")


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_service_refuses_a_round_before_circular_26_with_the_reason(personas) -> None:
    level = RecognitionLevel.objects.get(code="province", valid_to__isnull=False)
    with pytest.raises(ValidationError) as refused:
        services.round_create(actor=personas["province_officer"], data={
            "name": "Bình chọn cấp tỉnh 2014", "level": level, "organiser": unit("77", dt.date(2014, 6, 1)),
            "year": 2014, "dossier_deadline": dt.date(2014, 6, 30), "rule_set": RuleSet.objects.get()})
    assert refused.value.message_dict == {"dossier_deadline": [REASON % "30/06/2014"]}
    assert not SelectionRound.objects.exists()


def test_the_day_circular_26_took_effect_is_accepted(personas) -> None:
    level = RecognitionLevel.objects.get(code="province", valid_to__isnull=False)
    created = services.round_create(actor=personas["province_officer"], data={
        "name": "Bình chọn cấp tỉnh 2015", "level": level, "organiser": unit("77", dt.date(2014, 10, 21)),
        "year": 2015, "dossier_deadline": dt.date(2014, 10, 21), "rule_set": RuleSet.objects.get()})
    assert created.pk is not None


def test_the_page_shows_the_reason_under_the_deadline_and_saves_nothing(personas) -> None:
    response = _client(personas["province_officer"]).post(reverse("products:round_create"), {
        "name": "Bình chọn cấp tỉnh 2014", "level": "province",
        "organiser_code": "77", "year": 2014, "dossier_deadline": "15/03/2014", "rule_set": RuleSet.objects.get().pk})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["dossier_deadline"] == [REASON % "15/03/2014"]
    assert not SelectionRound.objects.exists()


def test_an_import_of_a_2014_round_names_the_column_and_the_reason_and_saves_nothing(personas, est_a) -> None:
    result = run(history_book(est_a, years=(2014,)), personas["province_officer"])

    assert not result.committed
    on_rounds = [(p.column, p.message) for p in result.problems if p.sheet == ROUNDS.name]
    assert on_rounds == [("Hạn nhận hồ sơ", REASON % "30/06/2014")], on_rounds
    assert not (Product.objects.exists() or SelectionRound.objects.exists())
