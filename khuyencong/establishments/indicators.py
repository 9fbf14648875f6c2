"""What the indicators of other apps read of an establishment: its commune (the area of the schemes,
products and fairs counted for it) and its sector; the establishments listed behind a figure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from khuyencong.establishments.models import Establishment, SectorGroup
from khuyencong.indicators.ready.touches import Batch, moved
from khuyencong.indicators.sources import Dimension, Drill, Watched, register_labels


def communes(batch: Batch, establishment_ids: Iterable[int]) -> dict[int, int | None]:
    """The communes of the establishments, as stored now or as journalled when deleted in the batch."""
    return {i: r["commune_id"] for i, r in batch.rows(Establishment, establishment_ids, "commune_id").items()}


def _readable(user: Any) -> QuerySet[Any]:
    from khuyencong.establishments.selectors import establishments_for

    return establishments_for(user)


# An establishment moved to another commune: all its years at the old and the new place.
COMMUNE = Watched("establishments_establishment", ("commune_id",), moved("commune_id"), ("update",), ("commune_id",))
ESTABLISHMENTS_DRILL = Drill("establishments", Establishment, "establishment_id", ("commune",), _readable)

register_labels(Dimension.SECTOR, lambda: {str(k): str(v) for k, v in SectorGroup.choices})
