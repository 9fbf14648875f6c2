"""Shared pieces of the seed dataset: the period, the area, deterministic names and bulk writes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Model
from simple_history.utils import bulk_create_with_history

from khuyencong.accounts.models import User
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit

M = TypeVar("M", bound=Model)

PERIOD_START, PERIOD_END = dt.date(2014, 1, 1), dt.date(2020, 12, 31)
AFTER_PERIOD = dt.date(2021, 3, 15)  # records just outside the period (traps)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai"]
MIDDLE_MALE = ["Văn", "Minh", "Quốc", "Đức", "Thanh", "Hữu", "Công", "Ngọc"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thanh", "Thu", "Kim", "Mỹ", "Hồng", "Bích"]
GIVEN_MALE = ["Hùng", "Dũng", "Long", "Sơn", "Tâm", "Phúc", "Bảo", "Khang", "Tài", "Nam", "Hải", "Trung", "Tuấn"]
GIVEN_FEMALE = ["Lan", "Hoa", "Mai", "Hương", "Trang", "Thảo", "Linh", "Ngân", "Yến", "Nhung", "Hạnh", "Vy"]


@dataclass
class SeedContext:
    """What every part of the seed needs: a seeded random source, the actor and the map."""

    rng: random.Random
    actor: User
    province: AdministrativeUnit  # Tỉnh Bà Rịa - Vũng Tàu (77), valid until 30 June 2025
    other_province: AdministrativeUnit  # Tỉnh Đồng Nai (75): records outside the area
    communes: list[AdministrativeUnit]
    other_communes: list[AdministrativeUnit]
    establishments: list[Establishment] = field(default_factory=list)
    outside_establishments: list[Establishment] = field(default_factory=list)
    _ids: int = 0

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def person_name(self) -> tuple[str, str]:
        female = self.rng.random() < 0.45
        middle = self.rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        return f"{self.rng.choice(FAMILY)} {middle} {given}", "female" if female else "male"

    def national_id(self, birth: dt.date, gender: str) -> str:
        """A well-formed 12-digit CCCD: province 077, century/sex digit, birth year, serial."""
        self._ids += 1
        century = (0 if birth.year < 2000 else 2) + (1 if gender == "female" else 0)
        return f"077{century}{birth.year % 100:02d}{self._ids:06d}"


def bulk(model: type[M], objects: Sequence[M], actor: User) -> list[M]:
    """Insert many records at once, each with its "created" history row naming the actor."""
    for obj in objects:
        if hasattr(obj, "created_by_id"):
            obj.created_by = obj.updated_by = actor  # type: ignore[attr-defined]
    if hasattr(model, "history"):
        return list(bulk_create_with_history(list(objects), model, batch_size=1000, default_user=actor))
    return list(model.objects.bulk_create(objects, batch_size=1000))  # type: ignore[attr-defined]
