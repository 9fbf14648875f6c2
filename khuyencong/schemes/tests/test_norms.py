"""Support norms: the version valid on the approval date applies; the message names the legal basis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khuyencong.schemes import services
from khuyencong.schemes.models import AnnualPlan, Programme, Scheme, SupportNorm
from khuyencong.schemes.services.common import norm_for, support_limit
from khuyencong.schemes.tests.conftest import make_scheme, walk


@pytest.fixture
def old_plan(db) -> AnnualPlan:
    programme = Programme.objects.create(name="Chương trình 2014–2020", level="national", start_year=2014,
                                         end_year=2020)
    return AnnualPlan.objects.create(programme=programme, year=2018, funding_source="national",
                                     approved_total=10**10)


def _approve(actor, scheme: Scheme, plan: AnnualPlan, on: dt.date) -> Scheme:  # type: ignore[no-untyped-def]
    scheme = walk(actor, scheme, plan, "appraised")
    return services.scheme_transition(actor=actor, scheme=scheme, target="approved", fields={
        "plan": plan, "approval_decision_no": "1/QĐ", "approval_decision_date": on})


@pytest.mark.parametrize(("on", "allowed"), [(dt.date(2018, 5, 14), False), (dt.date(2018, 5, 15), True)])
def test_seeded_machinery_norm_changes_on_tt28_effective_date(personas, est_a, old_plan, on, allowed) -> None:
    """250M for one establishment: above TTLT 26/2014's 200M cap, within TT 28/2018's 300M cap."""
    admin = personas["province_admin"]
    scheme = make_scheme(admin, [est_a], planned_start=dt.date(2018, 3, 1), planned_end=dt.date(2018, 12, 1))
    if allowed:
        assert _approve(admin, scheme, old_plan, on).status == "approved"
        return
    with pytest.raises(ValidationError) as exc:
        _approve(admin, scheme, old_plan, on)
    message = exc.value.message_dict["public_support"][0]
    assert "200.000.000" in message and "26/2014/TTLT-BTC-BCT" in message and "08/04/2014" in message
    assert Scheme.objects.get(pk=scheme.pk).status == "appraised"


def test_two_custom_versions_either_side_of_an_effective_date(personas, est_a, plan) -> None:
    SupportNorm.objects.create(activity_type_code="training", funding_source="national", max_percent=50,
                               cap_vnd=100_000_000, legal_basis="Nghị quyết 01/2025/NQ-HĐND",
                               valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2026, 3, 31))
    SupportNorm.objects.create(activity_type_code="training", funding_source="national", max_percent=70,
                               cap_vnd=None, legal_basis="Nghị quyết 09/2026/NQ-HĐND", valid_from=dt.date(2026, 4, 1))
    admin = personas["province_admin"]
    from khuyencong.schemes.tests.conftest import activity

    data = {"activity_type": activity("training"), "total_cost": 400_000_000, "public_support": 250_000_000,
            "counterpart_capital": 150_000_000}
    early = make_scheme(admin, [est_a], code="T-1", **data)
    with pytest.raises(ValidationError) as exc:
        _approve(admin, early, plan, dt.date(2026, 3, 31))
    assert "Nghị quyết 01/2025/NQ-HĐND" in exc.value.message_dict["public_support"][0]
    late = make_scheme(admin, [est_a], code="T-2", **data)
    assert _approve(admin, late, plan, dt.date(2026, 4, 1)).status == "approved"


def test_demo_model_thirty_percent_and_one_billion(personas, est_a, programme) -> None:
    norm = norm_for(activity_code="demo_model", funding_source="national", legal_forms={"household"},
                    on=dt.date(2026, 6, 1))
    assert norm is not None and "28/2018/TT-BTC" in norm.legal_basis
    assert support_limit(norm, total_cost=2_000_000_000, beneficiaries=1) == 600_000_000
    assert support_limit(norm, total_cost=5_000_000_000, beneficiaries=1) == 1_000_000_000


def test_machinery_cap_is_per_establishment(db) -> None:
    norm = norm_for(activity_code="machinery", funding_source="national", legal_forms=set(), on=dt.date(2026, 6, 1))
    assert norm is not None and norm.cap_per_establishment
    assert support_limit(norm, total_cost=2_000_000_000, beneficiaries=2) == 600_000_000


def test_legal_form_specific_norm_beats_any(personas, est_a) -> None:
    SupportNorm.objects.create(activity_type_code="machinery", funding_source="national", legal_form="household",
                               max_percent=40, cap_vnd=100_000_000, legal_basis="Quy định riêng hộ kinh doanh",
                               valid_from=dt.date(2026, 1, 1))
    on = dt.date(2026, 6, 1)
    specific = norm_for(activity_code="machinery", funding_source="national", legal_forms={"household"}, on=on)
    general = norm_for(activity_code="machinery", funding_source="national", legal_forms={"cooperative"}, on=on)
    assert specific is not None and specific.legal_form == "household"
    assert general is not None and general.legal_form == "any"


def test_trade_fair_booth_norm_2014_2018(db) -> None:
    norm = norm_for(activity_code="trade_fair", funding_source="national", legal_forms=set(), on=dt.date(2016, 1, 1))
    assert norm is not None and norm.max_percent == 80 and norm.cap_vnd is None
    assert norm_for(activity_code="trade_fair", funding_source="national", legal_forms=set(),
                    on=dt.date(2019, 1, 1)) is None


def test_fourteen_activity_types_seeded(db) -> None:
    from khuyencong.schemes.models import ActivityType

    codes = set(ActivityType.objects.values_list("code", flat=True))
    assert codes == {"training", "management", "demo_model", "machinery", "typical_product", "trade_fair",
                     "advisory", "communication", "linkage_cluster", "cleaner_production",
                     "digital_transformation", "artisans", "international_cooperation", "programme_management"}
    assert ActivityType.objects.get(code="digital_transformation").valid_from == dt.date(2025, 10, 15)
