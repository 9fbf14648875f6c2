"""The CNNT eligibility rule is data: the rule in force on the date decides."""

from __future__ import annotations

import datetime as dt

from khuyencong.establishments.eligibility import check_eligibility, rule_on
from khuyencong.establishments.models import EligibilityRule
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, make_establishment, unit


def test_rule_switches_with_decree_235(db) -> None:
    assert "45/2012" in rule_on(dt.date(2020, 1, 1)).legal_basis
    assert "235/2025" in rule_on(dt.date(2025, 10, 15)).legal_basis


def test_ward_of_central_city_ineligible_after_decree_235(db) -> None:
    ward = make_establishment("Cơ sở phường Bà Rịa", unit(COMMUNE_A))
    result = check_eligibility(ward, on=dt.date(2026, 1, 1))
    assert not result.eligible and "235/2025" in result.reasons[0]


def test_commune_of_central_city_eligible(db) -> None:
    commune = make_establishment("Cơ sở xã Châu Đức", unit(COMMUNE_B))
    assert check_eligibility(commune, on=dt.date(2026, 1, 1)).eligible


def test_craft_village_exempts_ward(db) -> None:
    ward = make_establishment("Cơ sở làng nghề", unit(COMMUNE_A), craft_village="Làng nghề X")
    assert check_eligibility(ward, on=dt.date(2026, 1, 1)).eligible


def test_old_record_judged_on_old_rule_and_old_map(est_a) -> None:
    """In 2018 Phước Nguyên was a ward of Bà Rịa city (a provincial city, not a quận): eligible."""
    assert check_eligibility(est_a, on=dt.date(2018, 6, 1)).eligible


def test_edited_rule_takes_effect(db) -> None:
    commune = make_establishment("HTX xã Châu Đức", unit(COMMUNE_B), legal_form="cooperative")
    rule = rule_on(dt.date(2026, 1, 1))
    rule.legal_forms = ["enterprise"]
    rule.save()
    result = check_eligibility(commune, on=dt.date(2026, 1, 1))
    assert not result.eligible and "Hợp tác xã" in result.reasons[0]


def test_no_rule_means_not_eligible(db) -> None:
    EligibilityRule.objects.all().delete()
    e = make_establishment("Cơ sở", unit(COMMUNE_B))
    assert not check_eligibility(e, on=dt.date(2026, 1, 1)).eligible
