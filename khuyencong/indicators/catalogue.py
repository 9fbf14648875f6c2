"""The indicator catalogue: stable codes, labels, units and counting rules.

The catalogue is assembled from the indicators the domain apps register (``sources.register``), in
their registered positions. Codes keep their meaning forever; new indicators may be added.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Counting(StrEnum):
    DISTINCT = "distinct"  # người: each entity once
    PARTICIPATIONS = "participations"  # lượt: each participation
    SUM = "sum"
    MIN = "min"
    MAX = "max"


@dataclass(frozen=True)
class Indicator:
    code: str
    label_vi: str
    label_en: str
    unit: str
    counting: Counting
    definition: str


# Filled in place by ``sources.seal`` once every app's indicators are registered.
CATALOGUE: list[Indicator] = []
BY_CODE: dict[str, Indicator] = {}
