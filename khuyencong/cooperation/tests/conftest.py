"""Factories for cooperation tests: the Sanjo partner, activities, officials."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings

from khuyencong.cooperation.models import Activity, ActivityParticipant, Agreement, Partner
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, unit
from khuyencong.training.models import Person
from khuyencong.training.tests.conftest import make_person


@pytest.fixture
def sanjo(db) -> Partner:
    return Partner.objects.create(name="Phòng Thương mại và Công nghiệp Sanjo (SCCI)", country="Nhật Bản",
                                  city="Sanjo")


@pytest.fixture
def agreement(sanjo) -> Agreement:
    return Agreement.objects.create(partner=sanjo, title="Biên bản ghi nhớ hợp tác 2014–2020",
                                    signed_on=dt.date(2014, 3, 1), valid_from=dt.date(2014, 3, 1),
                                    valid_to=dt.date(2020, 12, 31))


def make_activity(partner: Partner, *, organising: str = "province", start: dt.date = dt.date(2026, 5, 4),
                  kind: str = "course_abroad", **extra: Any) -> Activity:
    unit_obj = unit(settings.PROVINCE_CODE) if organising == "province" else unit(organising)
    values = {"title": f"Hoạt động {start}", "abroad_country": "Nhật Bản" if kind == "course_abroad" else "",
              "end_date": start + dt.timedelta(days=10)}
    return Activity.objects.create(partner=partner, kind=kind, organising_unit=unit_obj, start_date=start,
                                   **{**values, **extra})


def official(name: str, commune: str = COMMUNE_A, **extra: Any) -> Person:
    return make_person(name, commune=commune, role="civil_servant", **extra)


def attend(activity: Activity, person: Person) -> ActivityParticipant:
    return ActivityParticipant.objects.create(activity=activity, person=person)


@pytest.fixture
def activity_a(sanjo) -> Activity:
    """A course in the province organised by commune A."""
    return make_activity(sanjo, organising=COMMUNE_A, kind="course_in_province", venue_unit=unit(COMMUNE_A))


__all__ = ["COMMUNE_B", "attend", "make_activity", "official"]
