"""Loading the unit register: counts, the 2025 crosswalk, earlier changes, idempotency, code reuse."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.geo.models import AdministrativeUnit, UnitLevel, UnitSuccession, valid_on
from khuyencong.geo.selectors import UnitNotFound, current_successors, is_within, successors_on, unit_by_code
from khuyencong.geo.services import geo_load_units
from khuyencong.geo.sources import REFORM_DATE
from khuyencong.testing.fixtures import TODAY

pytestmark = pytest.mark.django_db

LAST_OLD_DAY = REFORM_DATE - dt.timedelta(days=1)  # 30 June 2025


def _count(level: str, *, on: dt.date | None = None) -> int:
    units = AdministrativeUnit.objects.filter(level=level)
    return units.filter(valid_on(on)).count() if on else units.filter(valid_to__isnull=True).count()


def test_current_units_are_34_provinces_and_3321_communes() -> None:
    """Since 1 July 2025 there are 34 provinces, 3,321 communes and no districts."""
    assert _count(UnitLevel.PROVINCE) == 34
    assert _count(UnitLevel.COMMUNE) == 3321
    assert _count(UnitLevel.DISTRICT) == 0


def test_units_valid_on_2025_01_01_match_the_gso_list() -> None:
    """The January 2025 GSO list: 63 provinces, 696 districts, 10,051 communes, one version each."""
    day = dt.date(2025, 1, 1)
    assert _count(UnitLevel.PROVINCE, on=day) == 63
    assert _count(UnitLevel.DISTRICT, on=day) == 696
    assert _count(UnitLevel.COMMUNE, on=day) == 10051


def test_every_old_ba_ria_vung_tau_unit_has_a_current_successor_in_hcmc() -> None:
    """Each pre-2025 commune of old province 77, and commune-less Côn Đảo (755), maps into today's HCMC."""
    hcmc = unit_by_code("79", on=TODAY)
    assert hcmc.valid_to is None and hcmc.valid_from == REFORM_DATE
    old_units = list(AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, parent__parent__code="77", parent__parent__valid_to=LAST_OLD_DAY))
    assert len(old_units) == 77
    con_dao = unit_by_code("755", on=LAST_OLD_DAY, level=UnitLevel.DISTRICT)
    assert not con_dao.children.exists()
    for old in [*old_units, con_dao]:
        successors = current_successors(old)
        assert successors == successors_on(old, on=TODAY)
        communes = [s for s in successors if s.level == UnitLevel.COMMUNE]
        assert communes, f"{old.full_name} has no current commune successor"
        assert all(s.is_valid_on(TODAY) for s in successors)
        assert any(is_within(s, hcmc, on=TODAY) for s in communes), old.full_name
        assert is_within(old, hcmc, on=TODAY), old.full_name
    assert [s.name for s in current_successors(con_dao) if s.level == UnitLevel.COMMUNE] == ["Đặc khu Côn Đảo"]


def test_loading_twice_changes_nothing() -> None:
    """geo_load_units() is idempotent: a second run creates, updates and links nothing."""
    units_before = set(AdministrativeUnit.objects.values_list(
        "pk", "code", "level", "name", "parent_id", "valid_from", "valid_to"))
    edges_before = set(UnitSuccession.objects.values_list("predecessor_id", "successor_id", "effective_on"))

    report = geo_load_units()

    assert (report.created, report.updated, report.successions_created) == (0, 0, 0)
    assert set(AdministrativeUnit.objects.values_list(
        "pk", "code", "level", "name", "parent_id", "valid_from", "valid_to")) == units_before
    assert set(UnitSuccession.objects.values_list("predecessor_id", "successor_id", "effective_on")) == edges_before


def test_tan_thanh_to_phu_my_gives_district_754_a_three_version_lineage() -> None:
    """Tân Thành (until 31/3/2018) → Phú Mỹ (until 30/6/2025) → the merged HCMC (via the crosswalk)."""
    versions = list(AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT, code="754").order_by("valid_to"))
    assert [(v.name, v.valid_from, v.valid_to) for v in versions] == [
        ("Huyện Tân Thành", None, dt.date(2018, 3, 31)),
        ("Thị xã Phú Mỹ", dt.date(2018, 4, 1), LAST_OLD_DAY),
    ]
    tan_thanh, phu_my = versions
    assert tan_thanh.parent == phu_my.parent == unit_by_code("77", on=dt.date(2018, 1, 1))
    assert successors_on(tan_thanh, on=dt.date(2020, 1, 1)) == [phu_my]
    lineage = {tan_thanh, *successors_on(tan_thanh, on=dt.date(2020, 1, 1)), *current_successors(tan_thanh)}
    assert unit_by_code("79", on=TODAY) in lineage
    assert len(lineage) > 2


@pytest.mark.parametrize(
    ("code", "day", "name"),
    [
        ("79", dt.date(2020, 12, 31), "Thành phố Hồ Chí Minh"),
        ("79", TODAY, "Thành phố Hồ Chí Minh"),
        ("754", dt.date(2018, 3, 31), "Huyện Tân Thành"),
        ("754", dt.date(2018, 4, 1), "Thị xã Phú Mỹ"),
        ("26560", LAST_OLD_DAY, "Phường Phước Trung"),
        ("26560", REFORM_DATE, "Phường Bà Rịa"),
    ],
)
def test_unit_by_code_resolves_reused_codes_by_date(code: str, day: dt.date, name: str) -> None:
    """A reused code names the version in force on the given day, nothing else."""
    unit = unit_by_code(code, on=day)
    assert unit.name == name
    assert unit.is_valid_on(day)


def test_reused_province_code_79_is_two_distinct_versions() -> None:
    """Pre-2025 HCMC and the merged HCMC share code 79 but are separate rows with adjacent intervals."""
    old, new = unit_by_code("79", on=LAST_OLD_DAY), unit_by_code("79", on=REFORM_DATE)
    assert old.pk != new.pk
    assert (old.valid_to, new.valid_from) == (LAST_OLD_DAY, REFORM_DATE)
    assert old.children.filter(level=UnitLevel.DISTRICT).exists()
    assert not new.children.filter(level=UnitLevel.DISTRICT).exists()


@pytest.mark.parametrize(
    ("code", "day"),
    [
        ("99999", TODAY),  # no such code at all
        ("26554", TODAY),  # Phường Phước Nguyên, abolished on 1 July 2025
        ("26732", dt.date(2020, 1, 1)),  # Đặc khu Côn Đảo, created on 1 July 2025
        ("77", REFORM_DATE),  # Bà Rịa – Vũng Tàu, gone from the first day of the reform
    ],
)
def test_unit_by_code_raises_when_no_version_is_in_force(code: str, day: dt.date) -> None:
    """Unknown codes and dates outside every version's interval raise UnitNotFound."""
    with pytest.raises(UnitNotFound):
        unit_by_code(code, on=day)
