"""Dated rules: a version is in force from its first day to its last, both included; no end: still in force."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.training.models import CourseType

pytestmark = pytest.mark.django_db


def test_valid_on_and_is_valid_on_agree_on_both_ends() -> None:
    old = CourseType.objects.create(code="x", label="Cũ", legal_basis="NĐ 1", valid_from=dt.date(2020, 1, 1),
                                    valid_to=dt.date(2020, 12, 31))
    new = CourseType.objects.create(code="x", label="Mới", legal_basis="NĐ 2", valid_from=dt.date(2021, 1, 1))
    for day, expected in ((dt.date(2019, 12, 31), set()), (dt.date(2020, 1, 1), {old}),
                          (dt.date(2020, 12, 31), {old}), (dt.date(2021, 1, 1), {new}), (dt.date(2040, 1, 1), {new})):
        assert set(CourseType.objects.filter(code="x").valid_on(day)) == expected, day
        assert {rule for rule in (old, new) if rule.is_valid_on(day)} == expected, day
