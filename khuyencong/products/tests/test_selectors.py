"""Selectors: juror deviation diagnostics, progress, scoping, recognition history."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.products import selectors, services
from khuyencong.products.tests.conftest import make_product, make_round, recognise, sheet

pytestmark = pytest.mark.django_db


def test_far_off_juror_is_flagged(scoring_round, jury) -> None:
    for nomination in scoring_round.nominations.all():
        services.score_sheet_submit(actor=jury["j1"], nomination=nomination, points=sheet(78))
        services.score_sheet_submit(actor=jury["j2"], nomination=nomination, points=sheet(80))
        services.score_sheet_submit(actor=jury["j3"], nomination=nomination, points=sheet(95))
    services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    flagged = {d.member.user.username: (d.mean_deviation, d.flagged) for d in selectors.juror_deviations(scoring_round)}
    assert flagged["juror3"][1] and str(flagged["juror3"][0]) == "16.00"
    assert not flagged["juror2"][1] and not flagged["council"][1]


def test_progress_counts_sheets_not_points(scoring_round, jury) -> None:
    nomination = scoring_round.nominations.first()
    services.score_sheet_submit(actor=jury["j1"], nomination=nomination, points=sheet(80))
    progress = {p["member"].user.username: (p["done"], p["expected"]) for p in selectors.juror_progress(scoring_round)}
    assert progress == {"council": (1, 2), "juror2": (0, 2), "juror3": (0, 2)}


def test_results_hidden_until_scoring_closes(scoring_round, personas) -> None:
    assert not selectors.results_for(personas["province_officer"], scoring_round).exists()


def test_product_history_lists_every_recognition(personas, est_a, district, django_assert_max_num_queries) -> None:
    product = make_product(est_a, "Hạt điều", group_code="agro_food")
    for year in (2016, 2018):
        selection_round = make_round(personas["province_officer"], year=year, organiser=district)
        recognise(product, selection_round, decided_on=dt.date(year, 9, 1), number=f"{year}/QĐ")
    with django_assert_max_num_queries(8):
        loaded = selectors.product_get(personas["auditor"], product.pk)
        years = [c.year for c in loaded.certificates.all()]
        rounds = [n.round.year for n in loaded.nominations.all()]
    assert years == [2016, 2018] and rounds == [2016, 2018]


def test_rep_sees_only_own_products(personas, est_a, est_b) -> None:
    make_product(est_a, "Của tôi")
    make_product(est_b, "Của người khác")
    names = set(selectors.products_for(personas["establishment_rep"]).values_list("name", flat=True))
    assert names == {"Của tôi"}
