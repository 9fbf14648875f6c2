"""Scheme services: the whole lifecycle, refused transitions and roles, money rules, stale edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.schemes import services
from khuyencong.schemes.models import Disbursement, Scheme, SchemeAmendment, SchemeEvent, SchemeStatus
from khuyencong.schemes.services.lifecycle import TRANSITIONS
from khuyencong.schemes.tests.conftest import APPROVAL, make_scheme, walk

ALL = list(SchemeStatus.values)


def test_walk_through_every_state_with_amendment(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = make_scheme(personas["commune_officer_a"], [est_a])
    scheme = walk(admin, scheme, plan, "in_progress")
    scheme = services.scheme_transition(actor=admin, scheme=scheme, target="in_progress",
                                        note="Kiểm tra tiến độ: đã lắp đặt 2/3 máy.")
    services.disbursement_create(actor=admin, scheme=scheme, date=dt.date(2026, 4, 1), amount=150_000_000)
    scheme = walk(admin, scheme, plan, "settled")  # continues from in_progress: accepted, settled
    assert scheme.status == "settled" and scheme.settled_amount == 240_000_000
    amendment = services.scheme_amend(actor=admin, scheme=scheme, changes={"settled_amount": 230_000_000},
                                      reason="Giảm theo kết quả kiểm toán", decision_no="99/QĐ-SCT")
    scheme.refresh_from_db()
    assert scheme.status == "settled" and scheme.settled_amount == 230_000_000
    assert amendment.previous["settled_amount"] == 240_000_000 and amendment.new["settled_amount"] == 230_000_000
    path = list(SchemeEvent.objects.filter(scheme=scheme).values_list("from_status", "to_status"))
    assert path == [("", "proposed"), ("proposed", "appraised"), ("appraised", "approved"),
                    ("approved", "contracted"), ("contracted", "in_progress"), ("in_progress", "in_progress"),
                    ("in_progress", "accepted"), ("accepted", "settled"), ("settled", "amended"),
                    ("amended", "settled")]
    assert SchemeEvent.objects.filter(scheme=scheme).exclude(actor=None).count() == len(path)


def test_cancellation_then_nothing_more(personas, est_a, plan) -> None:
    admin = personas["province_officer"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "contracted")
    scheme = services.scheme_transition(actor=admin, scheme=scheme, target="cancelled", note="Cơ sở rút đề án")
    assert scheme.status == "cancelled"
    for target in ALL:
        with pytest.raises(ValidationError):
            services.scheme_transition(actor=admin, scheme=scheme, target=target, note="x")


def _scheme_in(status: str, admin, est, plan) -> Scheme:  # type: ignore[no-untyped-def]
    scheme = make_scheme(admin, [est])
    if status == "cancelled":
        return services.scheme_transition(actor=admin, scheme=scheme, target="cancelled", note="Hủy")
    if status == "amended":  # transient: only reachable inside scheme_amend; simulate the stored state
        scheme = walk(admin, scheme, plan, "settled")
        Scheme.objects.filter(pk=scheme.pk).update(status="amended")
        scheme.refresh_from_db()
        return scheme
    return scheme if status == "proposed" else walk(admin, scheme, plan, status)


@pytest.mark.parametrize("status", ALL)
def test_every_disallowed_transition_is_refused(personas, est_a, plan, status: str) -> None:
    admin = personas["province_admin"]
    scheme = _scheme_in(status, admin, est_a, plan)
    events = SchemeEvent.objects.count()
    disallowed = [t for t in ALL if t not in TRANSITIONS[status]] + ["amended", "bogus"]
    for target in disallowed:
        with pytest.raises(ValidationError) as exc:
            services.scheme_transition(actor=admin, scheme=Scheme.objects.get(pk=scheme.pk), target=target, note="x")
        assert "target" in exc.value.message_dict
    assert Scheme.objects.get(pk=scheme.pk).status == status and SchemeEvent.objects.count() == events


def test_refusal_message_names_the_states(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    with pytest.raises(ValidationError) as exc:
        services.scheme_transition(actor=personas["province_admin"], scheme=scheme, target="accepted")
    assert "Không thể chuyển đề án từ “Đề xuất” sang “Đã nghiệm thu”" in exc.value.message_dict["target"][0]


@pytest.mark.parametrize("persona", ["commune_officer_a", "council_member", "auditor", "establishment_rep",
                                     "outsider"])
def test_only_province_staff_drive_transitions(personas, est_a, persona: str) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    with pytest.raises(PermissionDeniedError):
        services.scheme_transition(actor=personas[persona], scheme=scheme, target="appraised",
                                   fields={"appraisal_score": 80})
    assert Scheme.objects.get(pk=scheme.pk).status == "proposed"


def test_missing_and_foreign_fields_are_refused(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "appraised")
    with pytest.raises(ValidationError) as exc:
        services.scheme_transition(actor=admin, scheme=scheme, target="approved",
                                   fields={"plan": plan, "settled_amount": 5})
    assert set(exc.value.message_dict) == {"approval_decision_no", "approval_decision_date", "settled_amount"}


def test_plan_budget_cannot_be_exceeded(personas, est_a, est_b, plan) -> None:
    admin = personas["province_admin"]
    plan.approved_total = 400_000_000
    plan.save()
    walk(admin, make_scheme(admin, [est_a]), plan, "approved")  # 250M
    second = walk(admin, make_scheme(admin, [est_b], code="KCQG-2026-02"), plan, "appraised")
    with pytest.raises(ValidationError) as exc:
        services.scheme_transition(actor=admin, scheme=second, target="approved", fields={"plan": plan, **APPROVAL})
    assert "chỉ còn 150.000.000 đồng" in exc.value.message_dict["plan"][0]
    assert Scheme.objects.get(pk=second.pk).status == "appraised"


def test_plan_of_other_funding_source_is_refused(personas, est_a, programme) -> None:
    from khuyencong.schemes.models import AnnualPlan

    local = AnnualPlan.objects.create(programme=programme, year=2026, funding_source="local", approved_total=10**10)
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), local, "appraised")
    with pytest.raises(ValidationError, match="nguồn"):
        services.scheme_transition(actor=admin, scheme=scheme, target="approved", fields={"plan": local, **APPROVAL})


def test_counterpart_below_cost_minus_support_is_refused(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a], counterpart_capital=300_000_000), plan, "appraised")
    with pytest.raises(ValidationError) as exc:
        services.scheme_transition(actor=admin, scheme=scheme, target="approved", fields={"plan": plan, **APPROVAL})
    message = exc.value.message_dict["counterpart_capital"][0]
    assert "350.000.000" in message and "Thông tư 28/2018/TT-BTC" in message


def test_disbursements_only_after_contract_and_within_support(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "approved")
    with pytest.raises(ValidationError, match="đã ký hợp đồng"):
        services.disbursement_create(actor=admin, scheme=scheme, date=dt.date(2026, 4, 1), amount=1_000)
    scheme = walk(admin, scheme, plan, "contracted")
    services.disbursement_create(actor=admin, scheme=scheme, date=dt.date(2026, 4, 1), amount=200_000_000)
    with pytest.raises(ValidationError) as exc:
        services.disbursement_create(actor=admin, scheme=scheme, date=dt.date(2026, 5, 1), amount=60_000_000)
    assert "còn lại 50.000.000 đồng" in exc.value.message_dict["amount"][0]
    for bad in (-5, 0, "1000", 1.5, None):
        with pytest.raises(ValidationError) as exc:
            services.disbursement_create(actor=admin, scheme=scheme, date=dt.date(2026, 5, 1), amount=bad)  # type: ignore[arg-type]
        assert "số nguyên dương" in exc.value.message_dict["amount"][0]
    with pytest.raises(PermissionDeniedError):
        services.disbursement_create(actor=personas["auditor"], scheme=scheme, date=dt.date(2026, 5, 1), amount=1)
    assert Disbursement.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"total_cost": -1}, "total_cost", "số nguyên không âm"),
    ({"public_support": "nhiều"}, "public_support", "số nguyên không âm"),
    ({"counterpart_capital": 1.5}, "counterpart_capital", "số nguyên không âm"),
    ({"planned_end": dt.date(2026, 1, 1)}, "planned_end", "không được trước ngày bắt đầu"),
    ({"public_support": 700_000_000}, "public_support", "không được lớn hơn tổng kinh phí"),
    ({"activity_type": None}, "activity_type", ""),
])
def test_bad_input_on_create_saves_nothing(personas, est_a, overrides, field, message) -> None:
    if overrides.get("activity_type", 1) is None:
        overrides = {}
        data_missing = True
    else:
        data_missing = False
    from khuyencong.schemes.tests.conftest import scheme_data

    data = scheme_data(**overrides)
    if data_missing:
        data.pop("activity_type")
    with pytest.raises(ValidationError) as exc:
        services.scheme_create(actor=personas["province_admin"], data=data, beneficiaries=[est_a])
    assert field in exc.value.message_dict and message in " ".join(exc.value.message_dict[field])
    assert not Scheme.objects.exists() and not SchemeEvent.objects.exists()


def test_commune_officer_proposes_only_in_own_communes(personas, est_a, est_b) -> None:
    officer = personas["commune_officer_a"]
    assert make_scheme(officer, [est_a]).status == "proposed"
    with pytest.raises(PermissionDeniedError, match="xã/phường mình phụ trách"):
        make_scheme(officer, [est_b], code="X-2")
    with pytest.raises(PermissionDeniedError):
        make_scheme(personas["council_member"], [est_a], code="X-3")
    assert Scheme.objects.count() == 1


def test_settled_scheme_cannot_be_edited(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "settled")
    with pytest.raises(ValidationError, match="lập điều chỉnh"):
        services.scheme_update(actor=admin, scheme=scheme, data={"total_cost": 1}, expected_version=scheme.version)
    assert Scheme.objects.get(pk=scheme.pk).total_cost == 600_000_000


def test_second_editor_gets_stale_edit_and_first_change_survives(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    opened = scheme.version
    first = Scheme.objects.get(pk=scheme.pk)
    services.scheme_update(actor=personas["province_admin"], scheme=first, data={"title": "Tên mới"},
                           expected_version=opened)
    second = Scheme.objects.get(pk=scheme.pk)
    with pytest.raises(StaleEditError):
        services.scheme_update(actor=personas["province_officer"], scheme=second, data={"notes": "khác"},
                               expected_version=opened)
    assert Scheme.objects.get(pk=scheme.pk).title == "Tên mới"


def test_stale_transition_refused(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    with pytest.raises(StaleEditError):
        services.scheme_transition(actor=personas["province_admin"], scheme=scheme, target="appraised",
                                   fields={"appraisal_score": 70}, expected_version=scheme.version + 1)


def test_commune_officer_edits_own_proposal_only_while_proposed(personas, est_a, plan) -> None:
    officer = personas["commune_officer_a"]
    scheme = make_scheme(officer, [est_a])
    services.scheme_update(actor=officer, scheme=scheme, data={"title": "Đổi tên"}, expected_version=scheme.version)
    walk(personas["province_admin"], Scheme.objects.get(pk=scheme.pk), plan, "appraised")
    with pytest.raises(PermissionDeniedError):
        services.scheme_update(actor=officer, scheme=Scheme.objects.get(pk=scheme.pk), data={"title": "x"},
                               expected_version=None)
    with pytest.raises(PermissionDeniedError):
        services.scheme_update(actor=personas["commune_officer_b"], scheme=Scheme.objects.get(pk=scheme.pk),
                               data={"title": "x"}, expected_version=None)


def test_amendment_rules(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "accepted")
    with pytest.raises(ValidationError, match="đã quyết toán"):
        services.scheme_amend(actor=admin, scheme=scheme, changes={"settled_amount": 1}, reason="x")
    scheme = walk(admin, scheme, plan, "settled")
    with pytest.raises(ValidationError) as exc:
        services.scheme_amend(actor=admin, scheme=scheme, changes={"title": "x"}, reason=" ")
    assert set(exc.value.message_dict) == {"title", "reason"}
    with pytest.raises(ValidationError):  # the amended support must still respect the norm (≤ 300M)
        services.scheme_amend(actor=admin, scheme=Scheme.objects.get(pk=scheme.pk),
                              changes={"public_support": 320_000_000, "total_cost": 700_000_000}, reason="Tăng")
    with pytest.raises(PermissionDeniedError):
        services.scheme_amend(actor=personas["auditor"], scheme=scheme, changes={"settled_amount": 1}, reason="x")
    fresh = Scheme.objects.get(pk=scheme.pk)
    assert fresh.status == "settled" and fresh.public_support == 250_000_000
    assert not SchemeAmendment.objects.exists()


def test_programme_plan_and_norm_services(personas, programme) -> None:
    admin, officer = personas["province_admin"], personas["province_officer"]
    plan = services.plan_create(actor=officer, data={"programme": programme, "year": 2027, "funding_source": "local",
                                                     "approved_total": 5_000_000_000})
    with pytest.raises(ValidationError, match="giai đoạn"):
        services.plan_create(actor=officer, data={"programme": programme, "year": 2031, "funding_source": "local",
                                                  "approved_total": 1})
    with pytest.raises(PermissionDeniedError):
        services.plan_update(actor=personas["commune_officer_a"], plan=plan, data={"approved_total": 1},
                             expected_version=1)
    with pytest.raises(PermissionDeniedError):
        services.support_norm_create(actor=officer, data={})
    norm = services.support_norm_create(actor=admin, data={
        "activity_type_code": "training", "funding_source": "local", "max_percent": 100,
        "legal_basis": "Nghị quyết HĐND tỉnh", "valid_from": dt.date(2026, 1, 1)})
    assert norm.pk
