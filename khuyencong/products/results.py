"""What a round's results page and documents show: the ranking by group, the pass mark, leniency diagnostics.

Reads only. The ranking is the one ``results_compute`` stored (competition ranks: ties share a rank);
the diagnostics are computed from the counted sheets (``juror_totals``: removed, replaced and recused
jurors left out), so the secretary sees the same numbers the results came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.utils.translation import gettext_lazy as _

from khuyencong.products.models import CouncilMember, Result, SelectionRound

# A juror whose mean total is more than this many standard deviations from the council's mean is flagged.
# A management aid (no regulation sets it): it asks the secretary to look again, it changes no result.
LENIENCY_Z = 1.0
LENIENCY_EXPLANATION = _(
    "Điểm trung bình của giám khảo lệch khỏi điểm trung bình của cả hội đồng quá 1 độ lệch chuẩn: giám khảo "
    "có thể chấm rộng tay hơn (z dương) hoặc khắt khe hơn (z âm) mặt bằng chung. Đây là gợi ý để thư ký xem "
    "lại phiếu chấm, không làm thay đổi kết quả.")


def points(value: Decimal | float | None) -> str:
    """84.333 → "84,33" (scores always with two decimals, a comma as the decimal mark)."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)):.2f}".replace(".", ",")


@dataclass(frozen=True)
class GroupRanking:
    label: str
    rows: list[Result]


def ranking(results: Any) -> list[GroupRanking]:
    """Results (already ordered by group, then rank) cut into one list per product group."""
    return [GroupRanking(str(label), list(rows))
            for label, rows in groupby(results, key=lambda r: r.nomination.product.group.label)]


@dataclass(frozen=True)
class Leniency:
    member: CouncilMember
    sheets: int
    mean: float
    spread: float  # population standard deviation of the juror's own totals
    z: float | None  # (juror mean − council mean) / council standard deviation
    flagged: bool


@dataclass(frozen=True)
class LeniencyReport:
    council_mean: float | None
    council_spread: float | None
    jurors: list[Leniency]


def _mean_sd(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def leniency(totals: dict[int, dict[int, Decimal]], members: dict[int, CouncilMember]) -> LeniencyReport:
    """Per juror: mean and spread of their sheet totals, and how far the mean lies from the council's."""
    by_member: dict[int, list[float]] = {}
    for sheets in totals.values():
        for member_id, total in sheets.items():
            if member_id in members:
                by_member.setdefault(member_id, []).append(float(total))
    every = [v for values in by_member.values() for v in values]
    if not every:
        return LeniencyReport(None, None, [])
    council_mean, council_sd = _mean_sd(every)
    jurors = []
    for member_id, values in sorted(by_member.items()):
        mean, spread = _mean_sd(values)
        z = (mean - council_mean) / council_sd if council_sd > 0 else None
        jurors.append(Leniency(members[member_id], len(values), mean, spread, z,
                               z is not None and abs(z) > LENIENCY_Z))
    return LeniencyReport(council_mean, council_sd, jurors)


def round_leniency(selection_round: SelectionRound) -> LeniencyReport:
    from khuyencong.products.services.scoring import juror_totals

    members = (CouncilMember.objects.filter(council__round=selection_round, removed_on__isnull=True)
               .select_related("user").in_bulk())
    return leniency(juror_totals(selection_round), members)
