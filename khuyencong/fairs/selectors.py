"""Reads on fairs, participations and showrooms, always scoped to what the user may see.

Fairs and showrooms are province-level events visible to every member; the participations and
displays listed under them are scoped by the establishment's commune (commune officers) or
ownership (representatives), so totals are totals of what the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import Action
from khuyencong.accounts.scoping import scope
from khuyencong.core.lookup import one_or_404
from khuyencong.fairs.models import Fair, FairParticipation, ParticipationKind, Showroom, ShowroomDisplay
from khuyencong.fairs.policy import may_manage_events
from khuyencong.products.models import Product

UPCOMING, PAST = "upcoming", "past"
# Registered products shown, in name order, fetched in one query per list (not one per participation).
_PRODUCTS = Prefetch("products", queryset=Product.objects.order_by("name", "pk"))


def participations_for(user: User) -> QuerySet[FairParticipation]:
    """Every participation ``user`` may see, with what lists, exports and the API show pre-joined."""
    base = (FairParticipation.objects.select_related("fair__venue_unit", "establishment__commune__parent")
            .prefetch_related(_PRODUCTS))
    return scope(base, user, commune_path="establishment__commune_id", establishment_path="establishment_id")


def participations_for_update(user: User) -> QuerySet[FairParticipation]:
    """What an edit or delete request may load: only what the user can see, so that a participation
    outside their area answers 404 like an unknown id (issue 21: no existence oracle); the service
    still refuses, with a 403, one they can see but may not change."""
    return participations_for(user)


def displays_for(user: User) -> QuerySet[ShowroomDisplay]:
    base = ShowroomDisplay.objects.select_related("showroom", "establishment__commune")
    return scope(base, user, commune_path="establishment__commune_id", establishment_path="establishment_id")


def fairs_for(user: User) -> QuerySet[Fair]:
    """Fairs are public programme events: every active member sees all of them."""
    if not may_manage_events(user, Action.VIEW):
        return Fair.objects.none()
    return Fair.objects.select_related("venue_unit", "scheme")


def _visible_count(user: User) -> Subquery:
    counted = (participations_for(user).filter(fair=OuterRef("pk"), withdrawn=False)
               .order_by().values("fair").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))  # type: ignore[return-value]


@dataclass
class FairFilters:
    when: str = UPCOMING  # upcoming (not yet ended) or past
    q: str = ""
    scope: str = ""
    year: int | None = None


def fair_list(user: User, filters: FairFilters) -> QuerySet[Fair]:
    """The calendar: upcoming fairs soonest first, past fairs latest first, each with its visible
    participant count computed in the same query."""
    today = timezone.localdate()
    items = fairs_for(user).annotate(participant_count=_visible_count(user))
    if filters.q:
        text = filters.q.strip()
        items = items.filter(Q(name__icontains=text) | Q(organiser__icontains=text))
    if filters.scope:
        items = items.filter(scope=filters.scope)
    if filters.year:
        items = items.filter(start_date__year=filters.year)
    if filters.when == PAST:
        return items.filter(end_date__lt=today).order_by("-start_date", "pk")
    return items.filter(end_date__gte=today).order_by("start_date", "pk")


def fair_get(user: User, pk: Any) -> Fair:
    return one_or_404(fairs_for(user), pk)


def fair_participants(user: User, fair: Fair) -> QuerySet[FairParticipation]:
    """The fair's participants the user may see, in name order."""
    return participations_for(user).filter(fair=fair).order_by("withdrawn", "establishment__search_name", "pk")


def _totals(participations: QuerySet[FairParticipation]) -> dict[str, int]:
    """Counts and sums in one SQL aggregate; withdrawn registrations are not counted."""
    active = Q(withdrawn=False)
    zero = Value(0)
    return participations.aggregate(
        participations=Count("pk", filter=active),
        fair_participations=Count("pk", filter=active & Q(kind=ParticipationKind.FAIR)),
        ecommerce_listings=Count("pk", filter=active & Q(kind=ParticipationKind.ECOMMERCE_LISTING)),
        establishments=Count("establishment", filter=active, distinct=True),
        booths=Coalesce(Sum("booths", filter=active), zero),
        support_vnd=Coalesce(Sum("support_vnd", filter=active), zero),
        sales_vnd=Coalesce(Sum("sales_vnd", filter=active), zero),
        contracts_signed=Coalesce(Sum("contracts_signed", filter=active), zero),
        new_distributors=Coalesce(Sum("new_distributors", filter=active), zero),
    )


def fair_totals(user: User, fair: Fair) -> dict[str, int]:
    return _totals(participations_for(user).filter(fair=fair))


def participation_get(user: User, pk: Any) -> FairParticipation:
    return one_or_404(participations_for(user), pk)


def participation_get_for_update(user: User, pk: Any) -> FairParticipation:
    return one_or_404(participations_for_update(user), pk)


def participation_list(user: User, *, fair_id: Any = None, establishment_id: Any = None,
                       kind: str = "") -> QuerySet[FairParticipation]:
    items = participations_for(user)
    if fair_id:
        items = items.filter(fair_id=fair_id)
    if establishment_id:
        items = items.filter(establishment_id=establishment_id)
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("-fair__start_date", "fair_id", "pk")


def establishment_fair_history(user: User, establishment_id: Any) -> dict[str, Any]:
    """An establishment's fairs (latest first), its showroom displays and its totals; 404 outside scope.

    Scope is decided once, on the establishment (``establishment_get``): whoever may see an
    establishment may see all of its participations and displays (they share its commune and owner),
    so the area is not recomputed for each of the three queries.
    """
    from khuyencong.establishments.selectors import establishment_get

    establishment = establishment_get(user, establishment_id)
    participations = FairParticipation.objects.filter(establishment=establishment)
    return {
        "e": establishment,
        "participations": participations.select_related("fair__venue_unit", "establishment")
        .prefetch_related(_PRODUCTS).order_by("-fair__start_date", "pk"),
        "displays": ShowroomDisplay.objects.filter(establishment=establishment).select_related("showroom")
        .order_by("-displayed_from", "pk"),
        "totals": _totals(participations),
    }


def showrooms_for(user: User) -> QuerySet[Showroom]:
    if not may_manage_events(user, Action.VIEW):
        return Showroom.objects.none()
    return Showroom.objects.select_related("location_unit__parent", "scheme")


def showroom_list(user: User, *, on: dt.date | None = None) -> QuerySet[Showroom]:
    """Showrooms with the number of visible displays, in one query; ``on``: only those open that day."""
    counted = (displays_for(user).filter(showroom=OuterRef("pk")).order_by().values("showroom")
               .annotate(n=Count("pk")).values("n"))
    items = showrooms_for(user).annotate(
        display_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
    if on is not None:
        items = items.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on), opened_on__lte=on)
    return items.order_by("name", "pk")


def showroom_get(user: User, pk: Any) -> Showroom:
    return one_or_404(showrooms_for(user), pk)


def showroom_displays(user: User, showroom: Showroom) -> QuerySet[ShowroomDisplay]:
    return displays_for(user).filter(showroom=showroom).order_by("-displayed_from", "pk")


def display_get_for_update(user: User, pk: Any) -> ShowroomDisplay:
    from khuyencong.fairs.policy import entry_role_allows

    base = (ShowroomDisplay.objects.select_related("showroom", "establishment__commune")
            if entry_role_allows(user, Action.UPDATE) else displays_for(user))
    return one_or_404(base, pk)
