"""The records behind a figure: the persons, establishments, products, schemes or participations counted.

Each indicator's drill-down is built from the very rows its total aggregates (``sources.SOURCES``):
distinct counts list the distinct entities (so the list's length is the figure), participation counts
list the participations, sums and extremes list the schemes they are taken over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from khuyencong.cooperation.models import ActivityParticipant
from khuyencong.establishments.models import Establishment
from khuyencong.fairs.models import FairParticipation
from khuyencong.indicators.engine import Area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import SOURCES
from khuyencong.products.models import Product
from khuyencong.schemes.models import Scheme
from khuyencong.training.models import Person

PERSONS, ESTABLISHMENTS, PRODUCTS, SCHEMES, FAIR_VISITS, COOPERATION = (
    "persons", "establishments", "products", "schemes", "fair_participations", "cooperation_participations")


@dataclass(frozen=True)
class Drill:
    kind: str
    model: type[Any]
    entity_id: str | None  # path from the counted rows to the listed entity; None: list the rows themselves
    related: tuple[str, ...]


_PERSON = Drill(PERSONS, Person, "person_id", ("commune",))
_ESTABLISHMENT = Drill(ESTABLISHMENTS, Establishment, "establishment_id", ("commune",))
_SCHEME = Drill(SCHEMES, Scheme, None, ("activity_type",))


def drill_for(code: str) -> Drill:
    if code.startswith("training."):
        return _PERSON
    if code.startswith("products."):
        return Drill(PRODUCTS, Product, "product_id", ("establishment", "establishment__commune", "group"))
    if code in ("machinery.establishments", "fairs.establishments"):
        return _ESTABLISHMENT
    if code == "fairs.participations":
        return Drill(FAIR_VISITS, FairParticipation, None, ("fair", "establishment", "establishment__commune"))
    if code.startswith("cooperation."):
        return Drill(COOPERATION, ActivityParticipant, None, ("activity", "person"))
    return _SCHEME


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


def readable_records(kind: str, user: Any) -> QuerySet[Any] | None:
    """The records of ``kind`` the user may read under the owning app's own read policy.

    ``None`` when the role may not read that kind of record at all: such a role may see the figure
    (``access.require_report_access``) but not the persons or records behind it.
    """
    from khuyencong.cooperation.selectors import activities_for
    from khuyencong.establishments.selectors import establishments_for
    from khuyencong.fairs.selectors import participations_for
    from khuyencong.products.selectors import products_for
    from khuyencong.schemes.selectors import schemes_for
    from khuyencong.training import policy as training_policy
    from khuyencong.training.selectors import persons_for

    if kind in (PERSONS, COOPERATION) and not training_policy.may_read(user):
        return None
    readers: dict[str, Any] = {
        PERSONS: persons_for, ESTABLISHMENTS: establishments_for, PRODUCTS: products_for, SCHEMES: schemes_for,
        FAIR_VISITS: participations_for,
        COOPERATION: lambda u: ActivityParticipant.objects.filter(person__in=persons_for(u).values("pk"),
                                                                  activity__in=activities_for(u).values("pk")),
    }
    return readers[kind](user)  # type: ignore[no-any-return]


def drill_rows_for(user: Any, code: str, period: Period, area: Area) -> tuple[Drill, QuerySet[Any] | None]:
    """``drill_rows`` narrowed to what ``user`` may read; ``None`` rows when the role may read none of them."""
    drill, items = drill_rows(code, period, area)
    readable = readable_records(drill.kind, user)
    if readable is None:
        return drill, None
    return drill, items.filter(pk__in=readable.values("pk"))
