"""The fair indicators: establishment participations in trade fairs (lượt) and distinct establishments.

Period rule: a participation is in the period when its fair's *start date* is. Area rule: the
establishment's commune, wherever the fair was held (``unit_ids`` from ``geo.selectors.unit_ids_within``;
``None`` means no area limit). Withdrawn registrations and cancelled fairs never count.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Count, QuerySet

from khuyencong.establishments.indicators import COMMUNE, ESTABLISHMENTS_DRILL, communes
from khuyencong.fairs.models import Fair, FairParticipation, ParticipationKind
from khuyencong.indicators.catalogue import Counting, Indicator
from khuyencong.indicators.ready.touches import Batch, Touch, ids_of, year_of
from khuyencong.indicators.sources import (
    ALL,
    Dimension,
    Drill,
    Family,
    KeyExpr,
    Source,
    Watched,
    field_key,
    register,
    year_key,
)

FAIR = ParticipationKind.FAIR
ECOMMERCE = ParticipationKind.ECOMMERCE_LISTING


def counted(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None, *,
            kind: str | None = FAIR) -> QuerySet[FairParticipation]:
    """The participations an indicator counts; ``kind=None`` takes fairs and e-commerce listings together."""
    items = FairParticipation.objects.filter(
        withdrawn=False, fair__cancelled=False, fair__start_date__gte=date_from, fair__start_date__lte=date_to,
    )
    if kind is not None:
        items = items.filter(kind=kind)
    if unit_ids is not None:
        items = items.filter(establishment__commune_id__in=unit_ids)
    return items


def _fair(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    places = set(FairParticipation.objects.filter(fair_id__in=ids_of(versions, "id")).values_list(
        "establishment__commune_id", flat=True))
    return {(c, year_of(v["start_date"])) for v in versions for c in places}


def _participation(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    fairs = batch.rows(Fair, ids_of(versions, "fair_id"), "start_date")
    places = communes(batch, ids_of(versions, "establishment_id"))
    return {(places[int(v["establishment_id"])], year_of(fairs[int(v["fair_id"])]["start_date"])) for v in versions}


def _readable(user: Any) -> QuerySet[Any]:
    from khuyencong.fairs.selectors import participations_for

    return participations_for(user)


WATCHED = (
    Watched("fairs_fair", ("start_date",), _fair),
    Watched("fairs_fairparticipation", ("fair_id", "establishment_id"), _participation),
    COMMUNE,
)
_KEYS: dict[Dimension, KeyExpr] = {
    Dimension.YEAR: year_key("fair__start_date"), Dimension.UNIT: field_key("establishment__commune_id"),
    Dimension.SECTOR: field_key("establishment__sector_group"),
}
_ROWS = partial(counted, kind=FAIR)
_FAMILY = Family("fairs", _ROWS)

register(50, Indicator(
    "fairs.participations", "Lượt cơ sở CNNT tham gia hội chợ, triển lãm",
    "Establishment participations in trade fairs (lượt)", "lượt", Counting.PARTICIPATIONS,
    "Participations in fairs starting in the period, establishment in the area.",
), Source(_ROWS, lambda: Count("pk"), _KEYS, ALL, _FAMILY, watched=WATCHED, drill=Drill(
    "fair_participations", FairParticipation, None, ("fair", "establishment", "establishment__commune"), _readable)))
register(51, Indicator(
    "fairs.establishments", "Số cơ sở CNNT tham gia hội chợ, triển lãm",
    "Distinct establishments that took part in fairs", "cơ sở", Counting.DISTINCT,
    "Distinct establishments among the counted participations.",
), Source(_ROWS, lambda: Count("establishment", distinct=True), _KEYS, frozenset({Dimension.UNIT, Dimension.SECTOR}),
          _FAMILY, watched=WATCHED, drill=ESTABLISHMENTS_DRILL))
