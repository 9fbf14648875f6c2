"""Council-level diagnostics: a council whose mean sits far from its peers (same level, same year) is flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.products import selectors, services
from khuyencong.products.models import Nomination, Result, RoundStatus
from khuyencong.products.tests.conftest import make_product, make_round

pytestmark = pytest.mark.django_db


def closed_round(officer, est, district, *, year: int, scores: list[str], label: str):  # type: ignore[no-untyped-def]
    """A closed round with one council and results at the given combined scores."""
    selection_round = make_round(officer, year=year, organiser=district)
    services.council_create(actor=officer, selection_round=selection_round, name=f"Hội đồng {label}")
    for i, score in enumerate(scores):
        nomination = Nomination.objects.create(round=selection_round, product=make_product(est, f"{label} {i}"),
                                               submitted_on=dt.date(year, 6, 1), made_by_establishment=True,
                                               selection_code=f"{label}-{i}")
        value = Decimal(score)
        Result.objects.create(nomination=nomination, combined_score=value, juror_count=3, rank_in_group=1,
                              passed_mark=value >= 70, within_quota=value >= 70, proposed=value >= 70)
    type(selection_round).objects.filter(pk=selection_round.pk).update(status=RoundStatus.SCORING_CLOSED)
    selection_round.refresh_from_db()
    return selection_round


@pytest.fixture
def peers(personas, est_a, district):  # type: ignore[no-untyped-def]
    officer = personas["province_officer"]
    rounds = {
        "a": closed_round(officer, est_a, district, year=2016, scores=["84", "86"], label="A"),  # mean 85
        "b": closed_round(officer, est_a, district, year=2016, scores=["84"], label="B"),
        "c": closed_round(officer, est_a, district, year=2016, scores=["83"], label="C"),
        "low": closed_round(officer, est_a, district, year=2016, scores=["55", "65"], label="D"),  # mean 60
        "other_year": closed_round(officer, est_a, district, year=2017, scores=["20"], label="E"),
    }
    return rounds


def test_far_council_is_flagged_and_peers_are_same_level_and_year(peers) -> None:
    rows = {row.round_id: row for row in selectors.council_deviations(peers["low"])}
    assert set(rows) == {peers[k].pk for k in ("a", "b", "c", "low")}  # 2017 is not a peer
    low = rows[peers["low"].pk]
    assert low.mean_score == Decimal("60.00") and low.others_mean == Decimal("84.00")
    assert low.gap == Decimal("-24.00") and low.flagged and low.current
    # 85 against mean(84, 83, 60) = 75.67: 9.33 is within the default threshold of 10.
    assert rows[peers["a"].pk].gap == Decimal("9.33") and not rows[peers["a"].pk].flagged


def test_threshold_comes_from_the_rule_set(peers) -> None:
    rule_set = peers["a"].rule_set
    rule_set.council_deviation_threshold = Decimal("9")
    rule_set.save()
    peers["a"].refresh_from_db()
    rows = {row.round_id: row for row in selectors.council_deviations(peers["a"])}
    assert rows[peers["a"].pk].flagged


def test_a_round_without_peers_shows_nothing(peers) -> None:
    assert selectors.council_deviations(peers["other_year"]) == []


def test_dashboard_shows_the_council_flag_to_managers_only(peers, personas) -> None:
    url = reverse("products:round", args=[peers["low"].pk])
    officer = Client()
    officer.force_login(personas["province_officer"])
    body = officer.get(url).content.decode()
    assert "So sánh với các hội đồng cùng cấp" in body and "Hội đồng lệch nhiều" in body and "-24,00" in body
    rep = Client()
    rep.force_login(personas["establishment_rep"])
    assert "Hội đồng lệch nhiều" not in rep.get(url).content.decode()
