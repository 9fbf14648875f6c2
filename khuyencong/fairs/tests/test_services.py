"""Services: permissions first, Vietnamese messages for bad input, nothing saved on refusal, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.fairs import services
from khuyencong.fairs.models import Fair, FairParticipation, ShowroomDisplay
from khuyencong.fairs.tests.conftest import FUTURE_START, PAST_START
from khuyencong.testing.fixtures import COMMUNE_A, unit

pytestmark = pytest.mark.django_db


def fair_data(**overrides):  # type: ignore[no-untyped-def]
    base = {"name": "Hội chợ Công Thương Bà Rịa 2026", "organiser": "Sở Công Thương", "scope": "provincial",
            "venue_unit": unit(COMMUNE_A), "start_date": dt.date(2026, 12, 10), "end_date": dt.date(2026, 12, 14),
            "booth_support_vnd": 9_600_000}
    return {**base, **overrides}


@pytest.mark.parametrize("persona", ["province_admin", "province_officer"])
def test_province_staff_create_fairs_with_history(personas, persona) -> None:
    fair = services.fair_create(actor=personas[persona], data=fair_data())
    assert fair.pk and fair.created_by == personas[persona]
    assert fair.history.get().history_user == personas[persona]


@pytest.mark.parametrize("persona", ["commune_officer_a", "council_member", "establishment_rep", "auditor",
                                     "outsider"])
def test_others_may_not_create_fairs(personas, persona) -> None:
    with pytest.raises(PermissionDeniedError):
        services.fair_create(actor=personas[persona], data=fair_data())
    assert not Fair.objects.exists()


def test_end_before_start_refused(personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.fair_create(actor=personas["province_officer"], data=fair_data(end_date=dt.date(2026, 12, 1)))
    assert "không được trước ngày khai mạc" in exc.value.message_dict["end_date"][0]
    assert not Fair.objects.exists()


def test_abroad_venue_needs_country_and_city(personas) -> None:
    officer = personas["province_officer"]
    fair = services.fair_create(actor=officer, data=fair_data(
        venue_unit=None, venue_country="Nhật Bản", venue_city="Sanjo", scope="international"))
    assert fair.is_abroad and fair.venue_label == "Sanjo, Nhật Bản"
    with pytest.raises(ValidationError) as exc:
        services.fair_create(actor=officer, data=fair_data(venue_unit=None, venue_country="Nhật Bản"))
    assert "quốc gia và thành phố" in exc.value.message_dict["venue_unit"][0]
    with pytest.raises(ValidationError) as exc:
        services.fair_create(actor=officer, data=fair_data(venue_country="Nhật Bản", venue_city="Sanjo"))
    assert "venue_country" in exc.value.message_dict
    assert Fair.objects.count() == 1


def test_venue_unit_must_be_in_force_on_start(personas) -> None:
    expired = unit("26554", dt.date(2024, 1, 1))  # Phường Phước Nguyên, abolished on 1 July 2025
    with pytest.raises(ValidationError) as exc:
        services.fair_create(actor=personas["province_officer"], data=fair_data(venue_unit=expired))
    assert "không có hiệu lực" in exc.value.message_dict["venue_unit"][0]


def test_negative_booth_support_refused(personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.fair_create(actor=personas["province_officer"], data=fair_data(booth_support_vnd=-1))
    assert exc.value.message_dict["booth_support_vnd"] == ["Số tiền (VND) không được âm."]
    assert not Fair.objects.exists()


def test_fair_update_checks_version(personas, past_fair) -> None:
    officer = personas["province_officer"]
    services.fair_update(actor=officer, fair=past_fair, data={"notes": "Đã tổng kết"}, expected_version=1)
    with pytest.raises(StaleEditError):
        services.fair_update(actor=officer, fair=Fair.objects.get(), data={"notes": "x"}, expected_version=1)
    assert Fair.objects.get().notes == "Đã tổng kết"


def test_start_date_cannot_move_past_reported_outcomes(personas, part_a) -> None:
    with pytest.raises(ValidationError) as exc:
        services.fair_update(actor=personas["province_officer"], fair=part_a.fair,
                             data={"start_date": FUTURE_START, "end_date": FUTURE_START}, expected_version=1)
    assert "start_date" in exc.value.message_dict
    assert Fair.objects.get().start_date == PAST_START


# --- Participations ---------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["province_admin", "province_officer", "commune_officer_a"])
def test_registering_est_a(personas, past_fair, est_a, persona) -> None:
    p = services.participation_create(actor=personas[persona], data={"fair": past_fair, "establishment": est_a,
                                                                     "products_shown": "Hạt điều\nHạt điều; Bánh"})
    assert p.support_vnd == past_fair.booth_support_vnd  # the fair's booth support applies by default
    assert p.products_shown == ["Hạt điều", "Bánh"]
    assert p.history.get().history_user == personas[persona]


@pytest.mark.parametrize("persona", ["commune_officer_b", "council_member", "establishment_rep", "auditor",
                                     "outsider"])
def test_others_may_not_register_est_a(personas, past_fair, est_a, persona) -> None:
    with pytest.raises(PermissionDeniedError):
        services.participation_create(actor=personas[persona], data={"fair": past_fair, "establishment": est_a})
    assert not FairParticipation.objects.exists()


def test_an_establishment_of_another_province_is_refused_for_that_reason(personas, past_fair) -> None:
    """A province officer is not told the commune officers' reason when the establishment lies outside the
    province (KHUYENCONG_PROVINCE_CODE): the message says so, under "establishment"."""
    from khuyencong.testing.fixtures import make_establishment

    outside = make_establishment("Cơ sở gốm Đà Nẵng", unit("20195"))
    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=personas["province_officer"],
                                      data={"fair": past_fair, "establishment": outside})
    assert exc.value.message_dict == {"establishment": [
        "Cơ sở ở “Phường Hải Vân — Thành phố Đà Nẵng”, ngoài Thành phố Hồ Chí Minh: hệ thống chỉ ghi nhận cơ sở "
        "trong Thành phố Hồ Chí Minh."]}
    assert not FairParticipation.objects.exists()


def test_a_commune_officer_is_told_the_commune_reason(personas, past_fair, est_b) -> None:
    with pytest.raises(PermissionDeniedError) as exc:
        services.participation_create(actor=personas["commune_officer_a"],
                                      data={"fair": past_fair, "establishment": est_b})
    assert str(exc.value) == "Bạn chỉ được đăng ký cơ sở thuộc xã/phường mình phụ trách."
    assert not FairParticipation.objects.exists()


def test_repeat_participation_refused(personas, part_a) -> None:
    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=personas["province_officer"],
                                      data={"fair": part_a.fair, "establishment": part_a.establishment})
    assert "đã được đăng ký tham gia hội chợ" in exc.value.message_dict["establishment"][0]
    assert FairParticipation.objects.count() == 1


@pytest.mark.parametrize("field", ["support_vnd", "sales_vnd"])
def test_negative_money_refused(personas, past_fair, est_a, field) -> None:
    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=personas["province_officer"],
                                      data={"fair": past_fair, "establishment": est_a, field: -5})
    assert exc.value.message_dict[field] == ["Số tiền (VND) không được âm."]
    assert not FairParticipation.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("contracts_signed", 1), ("sales_vnd", 0), ("new_distributors", 2)])
def test_outcomes_refused_before_the_fair(personas, future_fair, est_a, field, value) -> None:
    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=personas["province_officer"],
                                      data={"fair": future_fair, "establishment": est_a, field: value})
    assert "chưa diễn ra" in exc.value.message_dict[field][0]
    assert not FairParticipation.objects.exists()


def test_outcomes_refused_on_update_before_the_fair(personas, future_fair, est_a) -> None:
    officer = personas["commune_officer_a"]
    p = services.participation_create(actor=officer, data={"fair": future_fair, "establishment": est_a})
    with pytest.raises(ValidationError):
        services.participation_update(actor=officer, participation=p, data={"sales_vnd": 1}, expected_version=1)
    assert FairParticipation.objects.get().sales_vnd is None


def test_outcomes_allowed_once_the_fair_started(personas, est_a) -> None:
    from khuyencong.fairs.tests.conftest import make_fair

    started = make_fair(start=dt.date(2026, 11, 26))  # opens today
    p = services.participation_create(actor=personas["commune_officer_a"], data={
        "fair": started, "establishment": est_a, "sales_vnd": 3_000_000, "contracts_signed": 1})
    assert p.sales_vnd == 3_000_000


def test_commune_officer_may_not_edit_another_communes_participation(personas, part_b) -> None:
    with pytest.raises(PermissionDeniedError) as exc:
        services.participation_update(actor=personas["commune_officer_a"], participation=part_b,
                                      data={"sales_vnd": 1}, expected_version=1)
    assert "xã/phường mình phụ trách" in str(exc.value)
    part_b.refresh_from_db()
    assert part_b.sales_vnd == 20_000_000 and part_b.version == 1


def test_fair_and_establishment_fixed_on_update(personas, part_a, est_b) -> None:
    with pytest.raises(ValidationError):
        services.participation_update(actor=personas["province_officer"], participation=part_a,
                                      data={"establishment": est_b}, expected_version=1)
    assert FairParticipation.objects.get().establishment_id == part_a.establishment_id


def test_ecommerce_listing_needs_platform(personas, past_fair, est_a) -> None:
    officer = personas["province_officer"]
    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=officer, data={"fair": past_fair, "establishment": est_a,
                                                           "kind": "ecommerce_listing"})
    assert "sàn thương mại điện tử" in exc.value.message_dict["platform"][0]
    with pytest.raises(ValidationError):
        services.participation_create(actor=officer, data={"fair": past_fair, "establishment": est_a,
                                                           "platform": "Shopee"})
    p = services.participation_create(actor=officer, data={"fair": past_fair, "establishment": est_a,
                                                           "kind": "ecommerce_listing", "platform": "Shopee"})
    assert p.get_kind_display().startswith("Hỗ trợ đưa sản phẩm")


def test_cancelled_fair_refuses_registration(personas, est_a) -> None:
    from khuyencong.fairs.tests.conftest import make_fair

    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=personas["province_officer"],
                                      data={"fair": make_fair(cancelled=True), "establishment": est_a})
    assert "đã bị hủy" in exc.value.message_dict["fair"][0]


def test_missing_establishment_is_a_field_error(personas, past_fair) -> None:
    with pytest.raises(ValidationError) as exc:
        services.participation_create(actor=personas["province_officer"], data={"fair": past_fair})
    assert "establishment" in exc.value.message_dict


# --- Showrooms ---------------------------------------------------------------------------------------

def test_showroom_and_display(personas, showroom, est_a, est_b) -> None:
    officer_a = personas["commune_officer_a"]
    display = services.display_create(actor=officer_a, data={
        "showroom": showroom, "establishment": est_a, "products": ["Hạt điều"], "displayed_from": dt.date(2026, 1, 1)})
    assert display.products == ["Hạt điều"]
    with pytest.raises(PermissionDeniedError):
        services.display_create(actor=officer_a, data={"showroom": showroom, "establishment": est_b,
                                                       "displayed_from": dt.date(2026, 1, 1)})
    with pytest.raises(ValidationError) as exc:
        services.display_update(actor=officer_a, display=display, data={"displayed_to": dt.date(2025, 12, 1)},
                                expected_version=1)
    assert "displayed_to" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.display_create(actor=officer_a, data={"showroom": showroom, "establishment": est_a,
                                                       "displayed_from": dt.date(2020, 1, 1)})
    assert ShowroomDisplay.objects.count() == 1


def test_showroom_period_and_permissions(personas) -> None:
    data = {"name": "Điểm giới thiệu", "location_unit": unit(COMMUNE_A), "operator": "HTX",
            "opened_on": dt.date(2026, 1, 1), "closed_on": dt.date(2025, 1, 1)}
    with pytest.raises(ValidationError) as exc:
        services.showroom_create(actor=personas["province_officer"], data=data)
    assert "closed_on" in exc.value.message_dict
    with pytest.raises(PermissionDeniedError):
        services.showroom_create(actor=personas["commune_officer_a"], data={**data, "closed_on": None})
