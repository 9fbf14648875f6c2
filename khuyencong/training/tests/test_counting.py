"""Training indicators through the engine: persons vs participations, the latest-follow-up rule, period and
area rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from khuyencong.indicators.sources import Dimension
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, unit
from khuyencong.training.tests.conftest import (
    EMPLOYED,
    enrol,
    figure,
    follow,
    make_course,
    make_person,
    participations,
    persons,
    persons_by,
)

pytestmark = pytest.mark.django_db


def test_one_person_several_courses_of_same_type(db) -> None:
    """Acceptance: person count and participation count differ and each is right."""
    an, binh, cuong = make_person("An"), make_person("Bình"), make_person("Cường")
    c1, c2, c3 = (make_course(end=dt.date(2026, m, 15)) for m in (3, 6, 9))
    for course in (c1, c2, c3):
        enrol(an, course)
    enrol(binh, c1)
    enrol(cuong, c2, status="dropped")  # dropped never counts
    enrol(cuong, c3, status="enrolled")  # not completed: does not count
    assert persons("vocational") == 2
    assert participations("vocational") == 4
    assert persons_by(Dimension.YEAR, "vocational") == {"2026": 2}


def test_other_course_types_do_not_mix(db) -> None:
    person = make_person()
    enrol(person, make_course(type_code="vocational"))
    enrol(person, make_course(type_code="management"))
    assert persons("management") == 1
    assert participations("intermediate") == 0


def test_period_uses_course_end_date(db) -> None:
    person = make_person()
    enrol(person, make_course(start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 10)))  # ends in 2026: counts
    enrol(make_person("Khác"), make_course(start=dt.date(2026, 12, 1), end=dt.date(2027, 1, 5)))
    assert persons("vocational") == 1
    by_year = persons_by(Dimension.YEAR, "vocational", (dt.date(2025, 1, 1), dt.date(2027, 12, 31)))
    assert by_year == {"2026": 1, "2027": 1}


def test_area_uses_organising_unit_not_venue(db) -> None:
    person = make_person(commune=COMMUNE_B)  # where the person lives does not matter either
    enrol(person, make_course(organising=COMMUNE_A, venue_unit=unit(COMMUNE_B)))
    enrol(make_person("Ở B"), make_course(organising=COMMUNE_B, venue_unit=unit(COMMUNE_A)))
    enrol(make_person("Sanjo"), make_course(organising="province", abroad_country="Nhật Bản", abroad_city="Sanjo"))
    assert persons("vocational", area_code=COMMUNE_A) == 1
    assert persons("vocational", area_code=settings.PROVINCE_CODE) == 3


def test_employed_uses_latest_follow_up(db) -> None:
    """Acceptance: a later "unemployed" overrides an earlier "employed"; later follow-ups are ignored."""
    course = make_course(type_code="intermediate", end=dt.date(2026, 3, 31))
    an, binh, cuong, dung, em = (make_person(n) for n in ("An", "Bình", "Cường", "Dũng", "Em"))
    for person in (an, binh, cuong, dung, em):
        enrol(person, course)
    p_an, p_binh, p_cuong, p_dung = (person.participations.get() for person in (an, binh, cuong, dung))
    follow(p_an, dt.date(2026, 6, 30), "employed", 6_000_000)
    follow(p_an, dt.date(2026, 9, 30), "unemployed", 0)  # latest: not employed
    follow(p_binh, dt.date(2026, 6, 30), "unemployed")
    follow(p_binh, dt.date(2026, 9, 30), "self_employed", 7_000_000)  # latest: employed
    follow(p_cuong, dt.date(2026, 6, 30), "employed", 5_000_000)  # only one: employed
    follow(p_dung, dt.date(2026, 6, 30), "studying")
    follow(p_dung, dt.date(2027, 1, 15), "employed", 9_000_000)  # after the period: ignored
    # em: no follow-up at all → not employed
    assert persons("intermediate") == 5
    assert figure(EMPLOYED) == 2
    # Cut the period at the end of June: An was employed then, Bình not yet.
    june = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert figure(EMPLOYED, june) == 2  # An and Cường


def test_employed_counts_a_person_once_across_courses(db) -> None:
    person = make_person()
    first = enrol(person, make_course(type_code="intermediate", end=dt.date(2026, 2, 1)))
    second = enrol(person, make_course(type_code="intermediate", end=dt.date(2026, 4, 1)))
    follow(first, dt.date(2026, 5, 1), "employed")
    follow(second, dt.date(2026, 8, 1), "unemployed")  # latest across the counted courses
    assert participations("intermediate") == 2
    assert figure(EMPLOYED) == 0


def test_follow_ups_of_uncounted_courses_are_ignored(db) -> None:
    person = make_person()
    counted = enrol(person, make_course(type_code="intermediate", organising=COMMUNE_A))
    other = enrol(person, make_course(type_code="intermediate", organising=COMMUNE_B))
    follow(counted, dt.date(2026, 7, 1), "unemployed")
    follow(other, dt.date(2026, 8, 1), "employed")  # a course outside the area: not a counted course
    assert figure(EMPLOYED, area_code=COMMUNE_A) == 0
    assert figure(EMPLOYED) == 1


def test_breakdown_by_gender_adds_up(db) -> None:
    course = make_course()
    for name, gender in (("An", "male"), ("Bình", "female"), ("Chi", "female")):
        enrol(make_person(name, gender=gender), course)
    assert persons_by(Dimension.GENDER, "vocational") == {"male": 1, "female": 2}
    assert persons("vocational") == 3 and participations("vocational") == 3
