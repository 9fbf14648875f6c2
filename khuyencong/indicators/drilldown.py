"""The records behind a figure: the persons, establishments, products, schemes or participations counted.

Each indicator's drill-down is built from the very rows its total aggregates (``sources.SOURCES``), as
its app registered it (``Drill``: what to list, read under the app's own read policy):
distinct counts list the distinct entities (so the list's length is the figure), participation counts
list the participations, sums and extremes list the schemes they are taken over.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from khuyencong.indicators.engine import Area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import SOURCES, Drill


def drill_for(code: str) -> Drill:
    drill = SOURCES[code].drill
    if drill is None:
        raise LookupError(f"indicator {code!r} lists no records")
    return drill


def drill_rows(code: str, period: Period, area: Area) -> tuple[Drill, QuerySet[Any]]:
    """(how to show them, the records behind ``code``'s figure), ordered, with their relations joined."""
    drill = drill_for(code)
    ids = set(area.unit_ids) if area.unit_ids is not None else None
    rows = SOURCES[code].rows(period.date_from, period.date_to, ids)
    if drill.entity_id is None:
        items = drill.model.objects.filter(pk__in=rows.values("pk"))
    else:
        items = drill.model.objects.filter(pk__in=rows.values(drill.entity_id))
    return drill, items.select_related(*drill.related).order_by("pk")


def drill_rows_for(user: Any, code: str, period: Period, area: Area) -> tuple[Drill, QuerySet[Any] | None]:
    """``drill_rows`` narrowed to what ``user`` may read; ``None`` rows when the role may read none of them."""
    drill, items = drill_rows(code, period, area)
    readable = drill.readable(user)
    if readable is None:
        return drill, None
    return drill, items.filter(pk__in=readable.values("pk"))
