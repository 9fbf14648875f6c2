"""Containment on a date's boundaries, the crosswalk in both directions, and unit search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from khuyencong.geo.models import AdministrativeUnit, UnitLevel, valid_on
from khuyencong.geo.selectors import (
    UnitNotFound,
    is_within,
    successors_on,
    unit_by_code,
    unit_ids_within,
)
from khuyencong.testing.fixtures import TODAY

pytestmark = pytest.mark.django_db

OLD_DAY = dt.date(2020, 12, 31)
OLD_BRVT_COMMUNE = "26554"  # Phường Phước Nguyên, Thành phố Bà Rịa (until 30/6/2025)
OLD_BINH_DUONG_COMMUNE = "25741"  # Phường Hiệp Thành, Thành phố Thủ Dầu Một, Tỉnh Bình Dương
OLD_HCMC_COMMUNE = "26734"  # Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh (pre-2025)
WARD_BA_RIA = "26560"  # Phường Bà Rịa (since 1/7/2025), absorbed Phước Nguyên and others
OLD_TAN_THANH_COMMUNE = "26707"  # Xã Tân Hoà, Huyện Tân Thành / Thị xã Phú Mỹ


def unit(code: str, on: dt.date) -> AdministrativeUnit:
    return unit_by_code(code, on=on)


def test_old_commune_is_within_old_province_on_old_boundaries() -> None:
    """(a) A pre-2025 commune lies inside its own old province drawn on a pre-2025 date."""
    assert is_within(unit(OLD_BRVT_COMMUNE, OLD_DAY), unit("77", OLD_DAY), on=OLD_DAY)


def test_old_commune_is_within_current_province_today() -> None:
    """(b) The same old commune is carried forwards onto today's map: inside the merged HCMC."""
    assert is_within(unit(OLD_BRVT_COMMUNE, OLD_DAY), unit("79", TODAY), on=TODAY)


@pytest.mark.parametrize("code", [OLD_BINH_DUONG_COMMUNE, OLD_HCMC_COMMUNE, "74", "760"])
def test_other_old_provinces_are_not_within_old_ba_ria_vung_tau(code: str) -> None:
    """(c) Old Bình Dương / HCMC units (communes, province 74, Quận 1) are not inside old 77.

    They share a successor province with it, so they are inside today's HCMC.

    Guards against a crosswalk closure that walks forwards and then backwards (or is undirected).
    """
    old_unit = unit(code, OLD_DAY)
    assert is_within(old_unit, unit("79", TODAY), on=TODAY)
    assert not is_within(old_unit, unit("77", OLD_DAY), on=OLD_DAY)


def test_old_ba_ria_vung_tau_on_old_boundaries_is_exactly_its_own_tree() -> None:
    """(c) Of the units in force on the old date, only old 77 and its districts and communes are inside it.

    A closure that also walks back from the merged HCMC would drag in old Bình Dương and HCMC units.
    """
    old_77 = unit("77", OLD_DAY)
    ids = unit_ids_within(old_77, on=OLD_DAY)
    in_force = AdministrativeUnit.objects.filter(valid_on(OLD_DAY))
    tree = in_force.filter(Q(pk=old_77.pk) | Q(parent=old_77) | Q(parent__parent=old_77))
    assert set(in_force.filter(pk__in=ids).values_list("pk", flat=True)) == set(tree.values_list("pk", flat=True))
    assert tree.filter(level=UnitLevel.COMMUNE).count() == 77


def test_current_ward_from_old_communes_is_within_old_province() -> None:
    """(d) A ward created in 2025 from old 77 communes is cast back onto 2020 boundaries: inside old 77."""
    ward = unit(WARD_BA_RIA, TODAY)
    assert ward.valid_from == dt.date(2025, 7, 1)
    assert is_within(ward, unit("77", OLD_DAY), on=OLD_DAY)
    assert not is_within(ward, unit("74", OLD_DAY), on=OLD_DAY)  # old Bình Dương


def test_old_commune_is_within_each_version_of_its_district() -> None:
    """(e) A Tân Thành commune is inside district 754 as Tân Thành (2016) and as Phú Mỹ (2020)."""
    commune = unit(OLD_TAN_THANH_COMMUNE, dt.date(2016, 6, 1))
    tan_thanh = unit_by_code("754", on=dt.date(2016, 6, 1), level=UnitLevel.DISTRICT)
    phu_my = unit_by_code("754", on=dt.date(2020, 1, 1), level=UnitLevel.DISTRICT)
    assert (tan_thanh.name, phu_my.name) == ("Huyện Tân Thành", "Thị xã Phú Mỹ")
    assert is_within(commune, tan_thanh, on=dt.date(2016, 6, 1))
    assert is_within(commune, phu_my, on=dt.date(2020, 1, 1))
    other_district = unit_by_code("755", on=dt.date(2020, 1, 1), level=UnitLevel.DISTRICT)
    assert not is_within(commune, other_district, on=dt.date(2020, 1, 1))


@pytest.mark.parametrize(
    ("code", "area_day", "boundary_day"),
    [
        ("77", OLD_DAY, TODAY),  # old province on today's boundaries
        ("79", TODAY, OLD_DAY),  # merged HCMC on 2020 boundaries (the 2020 HCMC is another version)
    ],
)
def test_unit_ids_within_rejects_area_not_valid_on_boundary_date(
    code: str, area_day: dt.date, boundary_day: dt.date
) -> None:
    """An area can only be drawn on a date when that version of it was in force."""
    with pytest.raises(UnitNotFound):
        unit_ids_within(unit(code, area_day), on=boundary_day)


def test_successors_on_returns_unit_itself_while_still_valid() -> None:
    """A unit still in force on the target date is its own and only successor."""
    ward = unit(WARD_BA_RIA, TODAY)
    assert successors_on(ward, on=TODAY) == [ward]
    old_commune = unit(OLD_BRVT_COMMUNE, OLD_DAY)
    assert successors_on(old_commune, on=OLD_DAY) == [old_commune]
    assert successors_on(old_commune, on=TODAY) == [ward]


def test_unit_ids_within_current_hcmc_uses_bounded_queries(django_assert_max_num_queries) -> None:
    """The area rule for a whole province is a handful of queries, not one per unit."""
    hcmc = unit("79", TODAY)
    with django_assert_max_num_queries(10):
        ids = unit_ids_within(hcmc, on=TODAY)
    assert len(ids) > 500  # current communes plus every old unit merged into HCMC


def test_merged_province_is_not_inside_one_of_its_parts(db) -> None:
    """Today's Hồ Chí Minh City grew from three provinces, so a course it organises after the reform
    must not count in a report on old Bà Rịa – Vũng Tàu; a ward formed only from old-77 communes does."""
    import datetime as dt

    from khuyencong.geo.selectors import is_within, unit_by_code

    boundary = dt.date(2020, 12, 31)
    old_77 = unit_by_code("77", on=boundary)
    assert not is_within(unit_by_code("79", on=dt.date(2026, 1, 1)), old_77, on=boundary)
    assert is_within(unit_by_code("26560", on=dt.date(2026, 1, 1)), old_77, on=boundary)
