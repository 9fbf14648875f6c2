"""Every breakdown cell by administrative unit equals the engine's figure for that unit as an area.

The dataset mixes old (pre-2025) and new units and crosses provinces: records on an old commune of
Bà Rịa – Vũng Tàu (now in Hồ Chí Minh City), on old Phường Kim Mã of Hà Nội (split in 2025 between
three new wards, so it lies in each of them), courses organised by a province, a joint scheme with
beneficiaries in two provinces and one with two beneficiaries in one ward, a scheme with no
beneficiary (its implementing unit decides), follow-ups deciding employment, products recognised
twice, establishments at two fairs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.cooperation.tests.conftest import attend, make_activity, official
from khuyencong.fairs.tests.conftest import make_fair, make_participation
from khuyencong.geo.models import AdministrativeUnit, UnitLevel, valid_on
from khuyencong.indicators.breakdowns import OVERLAP, compute_breakdown
from khuyencong.indicators.catalogue import CATALOGUE
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension
from khuyencong.products.tests.conftest import make_product, make_round, recognise
from khuyencong.testing.fixtures import OLD_DAY, TODAY, make_establishment, unit
from khuyencong.training.models import ParticipationStatus
from khuyencong.training.tests.conftest import course_type, enrol, follow, make_person

PERIOD = Period(dt.date(2024, 1, 1), TODAY)
OLD = dt.date(2024, 6, 1)  # a day on the old map
KIM_MA, BA_DINH_NEW = "00028", "00004"  # old Hà Nội ward split in 2025; a new Hà Nội ward


def _course(organiser, end: dt.date, kind: str):  # type: ignore[no-untyped-def]
    from khuyencong.training.models import Course

    return Course.objects.create(code=f"L-{kind}-{organiser.code}-{end}", title="Lớp", organiser="Trung tâm",
                                 course_type=course_type(kind), organising_unit=organiser,
                                 start_date=end - dt.timedelta(days=30), end_date=end, planned_participants=20)


def _scheme(code: str, activity: str, accepted: dt.date, support: int, beneficiaries=(), *,  # type: ignore[no-untyped-def]
            implementing=None, status: str = "accepted", funding: str = "local"):
    from khuyencong.schemes.models import ActivityType, AnnualPlan, Disbursement, Programme, Scheme, SchemeBeneficiary

    programme, _ = Programme.objects.get_or_create(name="Chương trình", level="local", start_year=2021, end_year=2030)
    plan, _ = AnnualPlan.objects.get_or_create(programme=programme, year=accepted.year, funding_source=funding,
                                               defaults={"approved_total": 10**10})
    kind = ActivityType.objects.filter(code=activity).order_by("-valid_from").first()
    scheme = Scheme.objects.create(code=code, title=code, activity_type=kind, funding_source=funding, plan=plan,
                                   implementing_unit_name="Trung tâm", implementing_unit=implementing,
                                   total_cost=3 * support, public_support=support, counterpart_capital=2 * support,
                                   status=status, acceptance_date=accepted)
    for establishment in beneficiaries:
        SchemeBeneficiary.objects.create(scheme=scheme, establishment=establishment)
    Disbursement.objects.create(scheme=scheme, date=accepted, amount=support // 2)
    return scheme


@pytest.fixture
def records(personas, est_a, est_b) -> None:
    from khuyencong.schemes.models import DemonstrationModel

    hn_old = make_establishment("Cơ sở Kim Mã", unit(KIM_MA, OLD), registered_on=OLD_DAY)
    hn_new = make_establishment("Cơ sở Ba Đình", unit(BA_DINH_NEW))
    an, binh, chi = make_person("An"), make_person("Bình", gender="female"), make_person("Chi", gender="female")
    courses = [_course(organiser, end, kind) for organiser, end, kind in [
        (unit("26554", OLD), dt.date(2024, 5, 31), "vocational"),  # old commune of old 77, now in Phường Bà Rịa
        (unit("79"), dt.date(2025, 9, 30), "vocational"),  # the province itself organises
        (unit(KIM_MA, OLD), dt.date(2025, 3, 31), "vocational"),  # old ward, split between three new wards
        (unit(BA_DINH_NEW), dt.date(2026, 4, 30), "vocational"),
        (unit("26554", OLD), dt.date(2024, 8, 31), "intermediate"),
        (unit(KIM_MA, OLD), dt.date(2025, 2, 28), "intermediate"),
    ]]
    for person in (an, binh):
        for course in courses[:4]:
            enrol(person, course)
    enrol(chi, courses[2], status=ParticipationStatus.DROPPED)
    employed = enrol(an, courses[4])
    follow(employed, dt.date(2024, 12, 1), "unemployed")
    follow(employed, dt.date(2025, 3, 1), "employed", 6_000_000)
    was_employed = enrol(binh, courses[4])
    follow(was_employed, dt.date(2024, 12, 1), "employed")
    follow(was_employed, dt.date(2025, 3, 1), "unemployed")
    in_hanoi = enrol(chi, courses[5])
    follow(in_hanoi, dt.date(2025, 6, 1), "self_employed")
    follow(in_hanoi, dt.date(2025, 6, 1), "studying")  # same day: the one recorded last wins

    joint = _scheme("JOINT-2P", "machinery", dt.date(2025, 5, 1), 300_000_000, [est_a, hn_old])
    _scheme("JOINT-1W", "machinery", dt.date(2026, 2, 1), 200_000_000, [est_a, est_b])
    _scheme("NO-BENEFICIARY", "training", dt.date(2024, 7, 1), 100_000_000, implementing=unit(BA_DINH_NEW))
    _scheme("CANCELLED", "machinery", dt.date(2025, 5, 1), 900_000_000, [est_b], status="cancelled")
    demo = _scheme("DEMO", "demo_model", dt.date(2025, 11, 1), 500_000_000, [est_b, hn_new], funding="national")
    DemonstrationModel.objects.create(scheme=demo, host_establishment=est_b, technology="Sấy", workers_employed=9,
                                      avg_worker_income_vnd=7_000_000)
    assert joint.links.count() == 2

    early, late = make_fair("Hội chợ 2024", start=dt.date(2024, 4, 1)), make_fair("Hội chợ 2025",
                                                                                  start=dt.date(2025, 4, 1))
    for fair, establishment in ((early, est_a), (late, est_a), (late, hn_old), (late, est_b)):
        make_participation(fair, establishment)

    from khuyencong.cooperation.models import Partner

    partner = Partner.objects.create(name="Đối tác", country="Nhật Bản", city="Sanjo")
    for organiser, start in ((unit("79"), dt.date(2025, 5, 4)), (unit(KIM_MA, OLD), dt.date(2024, 9, 1))):
        activity = make_activity(partner, start=start)
        activity.organising_unit = organiser
        activity.save()
        attend(activity, official(f"Cán bộ {organiser.code}"))

    officer = personas["province_officer"]
    product, other = make_product(est_a, "Hạt điều"), make_product(hn_old, "Lụa")
    district = est_a.commune.parent
    first = make_round(officer, year=2024, level_code="district", level_on=dt.date(2024, 6, 30), organiser=district)
    second = make_round(officer, year=2025, level_code="district", level_on=dt.date(2025, 6, 30), organiser=district)
    recognise(product, first, decided_on=dt.date(2024, 9, 1), number="QĐ-1")
    recognise(product, second, decided_on=dt.date(2025, 9, 1), number="QĐ-2")
    recognise(other, second, decided_on=dt.date(2025, 9, 1), number="QĐ-2")


def _year_period(key_year: str) -> Period:
    year = int(key_year)
    return Period(max(PERIOD.date_from, dt.date(year, 1, 1)), min(PERIOD.date_to, dt.date(year, 12, 31)))


def _assert_cells_equal_engine(result, boundary: dt.date | None, codes: list[str], years: bool,  # type: ignore[no-untyped-def]
                               own: str = "") -> int:
    """Each target × year cell against ``compute`` for that target as the area; returns the cells checked.

    ``own`` is the area's own key (records inside the area but in none of its parts): not an area of its own."""
    checked = 0
    for target_code in [k for k in result.labels if k not in ("none", own)]:
        area = resolve_area(target_code, boundary)
        for period in ([_year_period(str(y)) for y in range(2024, 2027)] if years else [PERIOD]):
            engine = compute(period, area, codes).values
            for code in codes:
                key = f"{target_code}|{period.date_from.year}" if years else target_code
                cell = result.values[code].get(key)
                expected = engine[code]
                assert (cell or 0) == (expected or 0), (code, key, cell, expected)
                checked += expected is not None and expected != 0
    return checked


def test_national_province_by_year_cells_equal_the_engine(records) -> None:
    result = compute_breakdown(PERIOD, resolve_area(None, None), [Dimension.UNIT, Dimension.YEAR])
    codes = list(result.values)
    assert len(codes) == len(CATALOGUE)
    assert len([k for k in result.labels if k != "none"]) == 34
    assert _assert_cells_equal_engine(result, None, codes, years=True) > 20
    # The joint scheme lies in both provinces, as the engine counts it in each of them.
    assert result.values["machinery.establishments"]["79|2025"] == 1
    assert result.values["machinery.establishments"]["01|2025"] == 1
    assert result.parts["schemes.count"] == OVERLAP


def test_ward_breakdown_of_a_province_counts_a_split_ward_in_each_part(records) -> None:
    codes = ["training.vocational.persons", "training.intermediate.persons", "training.intermediate.employed",
             "fairs.participations", "schemes.count", "schemes.support_vnd", "machinery.establishments",
             "products.recognized.district", "cooperation.official_participations"]
    hanoi = resolve_area("01", None)
    result = compute_breakdown(PERIOD, hanoi, [Dimension.UNIT], codes)
    successors = {u.code for u in AdministrativeUnit.objects.filter(
        valid_on(TODAY), level=UnitLevel.COMMUNE, predecessions__predecessor__code=KIM_MA).distinct()}
    assert len(successors) == 3
    for ward in successors:  # the old ward's course lies in each of its three successors
        assert result.values["training.vocational.persons"][ward] == 2
    assert _assert_cells_equal_engine(result, None, codes, years=False, own="01") > 10


def test_old_province_on_its_old_map_by_district_and_year(records) -> None:
    boundary = dt.date(2020, 12, 31)
    result = compute_breakdown(PERIOD, resolve_area("77", boundary), [Dimension.UNIT, Dimension.YEAR])
    assert _assert_cells_equal_engine(result, boundary, list(result.values), years=True, own="77") > 5


def test_the_province_itself_is_its_own_part(records) -> None:
    """A course organised by the province lies in none of its wards: it is keyed by the province."""
    result = compute_breakdown(PERIOD, resolve_area("79", None), [Dimension.UNIT], ["training.vocational.persons"])
    assert result.values["training.vocational.persons"]["79"] == 2


def test_the_register_in_memory_gives_the_selectors_unit_sets(db) -> None:
    from khuyencong.geo.selectors import unit_ids_within
    from khuyencong.indicators.unitsets import Register

    register = Register()
    for day in (TODAY, dt.date(2020, 12, 31), dt.date(2016, 1, 1)):
        areas = AdministrativeUnit.objects.filter(valid_on(day), level=UnitLevel.PROVINCE)
        districts = AdministrativeUnit.objects.filter(valid_on(day), level=UnitLevel.DISTRICT, parent__code="77")
        for area in [*areas, *districts]:
            assert register.unit_ids_within(area.pk, day) == unit_ids_within(area, on=day), (area, day)
