"""The one reader of "which establishments does this person represent" (issue 18).

Policy, scoping and every app's ownership checks ask :func:`represented_establishment_ids`; nothing
else reads :class:`~khuyencong.accounts.models.Representation`. The answer is computed once per user
object (a request's user) and day; :func:`forget_representations` drops it after a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from khuyencong.accounts.models import Representation, Role, User

_CACHE = "_represented_establishment_ids"


def represented_establishment_ids(user: Any, *, on: dt.date | None = None) -> frozenset[int]:
    """Ids of the establishments ``user`` represents on ``on`` (today); empty for other roles."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != Role.ESTABLISHMENT_REP:
        return frozenset()
    day = on or timezone.localdate()
    cached = user.__dict__.get(_CACHE)
    if cached is not None and cached[0] == day:
        return cached[1]
    ids = frozenset(Representation.objects.filter(user=user, since__lte=day)
                    .filter(Q(until__isnull=True) | Q(until__gte=day)).values_list("establishment_id", flat=True))
    user.__dict__[_CACHE] = (day, ids)
    return ids


def represents(user: Any, establishment_id: int | None) -> bool:
    return establishment_id is not None and establishment_id in represented_establishment_ids(user)


def forget_representations(user: Any) -> None:
    if isinstance(user, User):
        user.__dict__.pop(_CACHE, None)


def representation_open(*, user: User, establishment_id: int, confirmed_by: User | None, source: str,
                        since: dt.date | None = None) -> Representation:
    """Make ``user`` a representative of the establishment (idempotent while a link is open).

    Callers (establishments' invitation and self-registration services) hold the transaction and
    have checked the actor's right; this only writes the link and the role.
    """
    existing = Representation.objects.filter(user=user, establishment_id=establishment_id, until__isnull=True).first()
    if existing is not None:
        return existing
    if user.role != Role.ESTABLISHMENT_REP:
        user.role = Role.ESTABLISHMENT_REP
        user.save(update_fields=["role"])
    link = Representation.objects.create(user=user, establishment_id=establishment_id, confirmed_by=confirmed_by,
                                         source=source, since=since or timezone.localdate())
    forget_representations(user)
    return link
