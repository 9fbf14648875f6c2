"""Service rules: the full round, eligibility, scoring independence, bad input (message, nothing saved)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.products import services
from khuyencong.products.models import (
    Certificate,
    ConflictDeclaration,
    CouncilMember,
    Nomination,
    NominationStatus,
    RecognitionDecision,
    RecognitionLevel,
    Result,
    RoundEvent,
    RoundStatus,
    Score,
)
from khuyencong.products.tests.conftest import level, make_product, make_round, sheet
from khuyencong.testing.fixtures import TODAY, unit

pytestmark = pytest.mark.django_db


def test_full_round_from_nominations_to_certificates(personas, jury, open_round, est_a, neighbours) -> None:
    officer = personas["province_officer"]
    products = {
        "top": make_product(est_a, "Hạt điều rang muối", group_code="agro_food"),
        "tie_a": make_product(neighbours[0], "Giỏ mây đan"),
        "tie_b": make_product(neighbours[1], "Bình gốm"),
        "outside_quota": make_product(neighbours[0], "Dao rựa rèn tay", group_code="mechanical"),
        "failed": make_product(neighbours[1], "Chiếu cói"),
    }
    noms = {key: services.nomination_create(actor=officer, selection_round=open_round, product=p,
                                            made_by_establishment=True, submitted_on=dt.date(2016, 6, 1))
            for key, p in products.items()}
    j1, j2, j3 = jury["j1"], jury["j2"], jury["j3"]
    # Juror 3 has a conflict of interest with the failed product and is recused from it.
    services.conflict_declare(actor=j3, nomination=noms["failed"], reason="Người thân làm việc tại cơ sở")
    services.round_start_scoring(actor=jury["secretary"], selection_round=open_round)
    totals = {"top": (90, 92, 88), "tie_a": (80, 82, 78), "tie_b": (81, 79, 80), "outside_quota": (75, 76, 74),
              "failed": (60, 62, None)}
    for key, marks in totals.items():
        for juror, mark in zip((j1, j2, j3), marks, strict=True):
            if mark is not None:
                services.score_sheet_submit(actor=juror, nomination=noms[key], points=sheet(mark))
    with pytest.raises(PermissionDeniedError):
        services.score_sheet_submit(actor=j3, nomination=noms["failed"], points=sheet(99))

    results = {r.nomination_id: r for r in services.round_close_scoring(actor=jury["secretary"],
                                                                         selection_round=open_round)}
    by = {key: results[n.pk] for key, n in noms.items()}
    assert by["top"].combined_score == Decimal("90.00") and by["top"].proposed
    assert by["tie_a"].combined_score == by["tie_b"].combined_score == Decimal("80.00")
    # Quota 2: "top" takes one seat; the two tied products do not both fit, so the council decides.
    assert by["tie_a"].tie_at_quota and by["tie_b"].tie_at_quota
    assert not by["tie_a"].proposed and not by["tie_b"].proposed
    assert by["outside_quota"].passed_mark and not by["outside_quota"].within_quota
    assert "ngoài chỉ tiêu" in by["outside_quota"].note
    assert by["failed"].combined_score == Decimal("61.00") and by["failed"].juror_count == 2
    assert not by["failed"].passed_mark
    # Rank within the product group: the mechanical product is first in its own group.
    assert by["outside_quota"].rank_in_group == 1 and by["tie_a"].rank_in_group == by["tie_b"].rank_in_group == 1
    assert by["failed"].rank_in_group == 3

    # A product outside the quota cannot be added beyond the quota.
    with pytest.raises(ValidationError, match="vượt chỉ tiêu"):
        services.round_approve(actor=jury["chair"], selection_round=open_round,
                               approved_ids=[noms["top"].pk, noms["tie_a"].pk, noms["tie_b"].pk])
    services.round_approve(actor=jury["chair"], selection_round=open_round,
                           approved_ids=[noms["top"].pk, noms["tie_a"].pk], note="Hội đồng biểu quyết chọn giỏ mây")
    decision = services.recognition_decide(actor=officer, selection_round=open_round, number="123/QĐ-UBND",
                                           decided_on=dt.date(2016, 9, 15))
    certificates = list(decision.certificates.order_by("number"))
    assert [c.product_id for c in certificates] == [products["top"].pk, products["tie_a"].pk]
    first = certificates[0]
    assert first.level.code == "district" and first.year == 2016
    assert first.valid_until == dt.date(2019, 12, 31)  # 31 December of the third year after issue
    assert first.number == f"DISTRICT-2016-{open_round.pk}-001"
    statuses = dict(Nomination.objects.values_list("product__name", "status"))
    assert statuses["Hạt điều rang muối"] == NominationStatus.RECOGNISED
    assert statuses["Bình gốm"] == NominationStatus.NOT_RECOGNISED
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.DECIDED
    assert list(RoundEvent.objects.filter(round=open_round).values_list("to_status", flat=True)) == [
        "scoring", "scoring_closed", "council_approved", "decided"]

    # The recognised product becomes nominable at the next level (province, 2017); the others do not.
    province = unit(est_a.commune.parent.parent.code, dt.date(2017, 6, 1))
    province_round = make_round(officer, year=2017, level_code="province", organiser=province)
    services.nomination_create(actor=officer, selection_round=province_round, product=products["top"],
                               made_by_establishment=True, submitted_on=dt.date(2017, 6, 1))
    with pytest.raises(ValidationError, match="cấp huyện còn hiệu lực"):
        services.nomination_create(actor=officer, selection_round=province_round, product=products["tie_b"],
                                   made_by_establishment=True, submitted_on=dt.date(2017, 6, 1))


def test_trimmed_mean_drops_highest_and_lowest(scoring_round, jury) -> None:
    rules = scoring_round.rule_set
    rules.combine_method = "trimmed_mean"
    rules.save()
    first, second = scoring_round.nominations.order_by("pk")
    for juror, (a, b) in zip((jury["j1"], jury["j2"], jury["j3"]), ((70, 80), (90, 80), (100, 80)), strict=True):
        services.score_sheet_submit(actor=juror, nomination=first, points=sheet(a))
        services.score_sheet_submit(actor=juror, nomination=second, points=sheet(b))
    results = services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    assert results[0].combined_score == Decimal("90.00")


def test_level_list_switches_from_district_to_commune_on_1_july_2025(personas, district) -> None:
    assert level("district", dt.date(2025, 6, 30)).rank == 1
    assert level("commune", dt.date(2025, 7, 1)).rank == 1
    with pytest.raises(RecognitionLevel.DoesNotExist):  # no district level after the reform
        level("district", dt.date(2025, 7, 1))
    old = make_round(personas["province_officer"], year=2024, organiser=district)
    with pytest.raises(ValidationError, match="không áp dụng"):
        make_round(personas["province_officer"], year=2025, deadline=dt.date(2025, 8, 1), organiser=district,
                   level_on=dt.date(2025, 6, 1))
    commune = make_round(personas["province_officer"], year=2026, level_code="commune", organiser=unit("26560"))
    old.refresh_from_db()
    assert old.level.code == "district" and commune.level.code == "commune"


def test_commune_round_needs_no_lower_certificate(personas, est_a) -> None:
    selection_round = make_round(personas["province_officer"], year=2026, level_code="commune",
                                 organiser=unit("26560"), deadline=TODAY + dt.timedelta(days=30))
    product = make_product(est_a, "Hạt điều rang muối", group_code="agro_food")
    nomination = services.nomination_create(actor=personas["establishment_rep"], selection_round=selection_round,
                                            product=product, made_by_establishment=True)
    assert nomination.lower_certificate is None and all(c["ok"] for c in nomination.eligibility)


@pytest.mark.parametrize(("change", "message"), [
    ({"one_off": True}, "độc bản"),
    ({"documents": False}, "thiếu giấy tờ"),
    ({"made": False}, "do chính cơ sở sản xuất"),
])
def test_ineligible_nomination_is_refused_and_nothing_saved(personas, open_round, est_a, change, message) -> None:
    product = make_product(est_a, "Sản phẩm thử", one_off=change.get("one_off", False),
                           documents=change.get("documents", True))
    with pytest.raises(ValidationError, match=message):
        services.nomination_create(actor=personas["province_officer"], selection_round=open_round, product=product,
                                   made_by_establishment=change.get("made", True), submitted_on=dt.date(2016, 6, 1))
    assert not Nomination.objects.exists()


def test_higher_level_nomination_without_lower_recognition_is_refused(personas, est_a) -> None:
    province = unit(est_a.commune.parent.parent.code, dt.date(2018, 6, 1))
    selection_round = make_round(personas["province_officer"], year=2018, level_code="province", organiser=province)
    product = make_product(est_a, "Hạt điều rang muối", group_code="agro_food")
    with pytest.raises(ValidationError, match="chưa có giấy chứng nhận"):
        services.nomination_create(actor=personas["province_officer"], selection_round=selection_round,
                                   product=product, made_by_establishment=True, submitted_on=dt.date(2018, 6, 1))
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(("points", "message"), [
    ({"1": 41}, "từ 0 đến 40"),
    ({"3": -1}, "từ 0 đến 10"),
    ({"2": "nhiều"}, "phải là một số"),
])
def test_bad_scores_are_refused_and_nothing_saved(scoring_round, jury, points, message) -> None:
    nomination = scoring_round.nominations.first()
    with pytest.raises(ValidationError, match=message):
        services.score_sheet_submit(actor=jury["j1"], nomination=nomination, points={**sheet(80), **points})
    assert not Score.objects.exists()


def test_scoring_by_non_member_or_non_juror_is_refused(scoring_round, jury, personas) -> None:
    nomination = scoring_round.nominations.first()
    for user in (personas["province_admin"], jury["secretary"]):
        with pytest.raises(PermissionDeniedError, match="không phải giám khảo"):
            services.score_sheet_submit(actor=user, nomination=nomination, points=sheet(80))
    assert not Score.objects.exists()


def test_scoring_by_recused_juror_is_refused(open_round, personas, est_a, jury) -> None:
    product = make_product(est_a, "Hạt điều", group_code="agro_food")
    nomination = services.nomination_create(actor=personas["province_officer"], selection_round=open_round,
                                            product=product, made_by_establishment=True,
                                            submitted_on=dt.date(2016, 6, 1))
    services.conflict_declare(actor=jury["j2"], nomination=nomination, reason="Họ hàng")
    services.round_start_scoring(actor=jury["secretary"], selection_round=open_round)
    with pytest.raises(PermissionDeniedError, match="xung đột lợi ích"):
        services.score_sheet_submit(actor=jury["j2"], nomination=nomination, points=sheet(80))
    assert not Score.objects.exists() and ConflictDeclaration.objects.count() == 1


def test_scoring_before_start_or_after_close_is_refused(scoring_round, jury) -> None:
    for nomination in scoring_round.nominations.all():
        for key in ("j1", "j2", "j3"):
            services.score_sheet_submit(actor=jury[key], nomination=nomination, points=sheet(80))
    services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    nomination = scoring_round.nominations.first()
    with pytest.raises(ValidationError, match="không ở giai đoạn chấm điểm"):
        services.score_sheet_submit(actor=jury["j1"], nomination=nomination, points=sheet(95))
    assert set(Score.objects.values_list("points", flat=True)) == {Decimal("32"), Decimal("8")}


def test_close_scoring_refused_while_sheets_missing(scoring_round, jury) -> None:
    with pytest.raises(ValidationError, match="phiếu chấm chưa hoàn thành"):
        services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    scoring_round.refresh_from_db()
    assert scoring_round.status == RoundStatus.SCORING and not Result.objects.exists()


def test_decision_before_scoring_closed_is_refused(scoring_round, personas) -> None:
    with pytest.raises(ValidationError, match="chưa kết thúc chấm điểm"):
        services.recognition_decide(actor=personas["province_officer"], selection_round=scoring_round,
                                    number="1/QĐ", decided_on=dt.date(2016, 9, 1))
    assert not RecognitionDecision.objects.exists() and not Certificate.objects.exists()


def test_even_jury_cannot_start_scoring(open_round, personas, est_a) -> None:
    CouncilMember.objects.filter(council__round=open_round, role="juror").first().delete()
    product = make_product(est_a, "Hạt điều", group_code="agro_food")
    services.nomination_create(actor=personas["province_officer"], selection_round=open_round, product=product,
                               made_by_establishment=True, submitted_on=dt.date(2016, 6, 1))
    with pytest.raises(ValidationError, match="số thành viên lẻ"):
        services.round_start_scoring(actor=personas["province_officer"], selection_round=open_round)


def test_only_managers_run_the_round(scoring_round, personas, jury) -> None:
    for user in (jury["j1"], personas["establishment_rep"], personas["auditor"], personas["commune_officer_b"]):
        with pytest.raises(PermissionDeniedError):
            services.round_close_scoring(actor=user, selection_round=scoring_round)


def test_rep_cannot_nominate_another_establishments_product(personas, open_round, est_b) -> None:
    product = make_product(est_b, "Giỏ mây")
    with pytest.raises(PermissionDeniedError):
        services.nomination_create(actor=personas["establishment_rep"], selection_round=open_round, product=product,
                                   made_by_establishment=True, submitted_on=dt.date(2016, 6, 1))
