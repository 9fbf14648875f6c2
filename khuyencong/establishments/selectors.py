"""Reads on the registry, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Collate
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.accounts.scoping import scope
from khuyencong.core.collation import COLLATION
from khuyencong.core.lookup import one_or_404
from khuyencong.core.text import fold
from khuyencong.establishments.models import Establishment
from khuyencong.geo.selectors import UnitNotFound, unit_by_code, unit_ids_within


def establishments_for(user: User) -> QuerySet[Establishment]:
    """Every establishment ``user`` may see, with what list and detail pages show pre-joined."""
    base = Establishment.objects.select_related("commune__parent__parent")
    return scope(base, user, commune_path="commune_id", establishment_path="pk")


@dataclass
class EstablishmentFilters:
    q: str = ""
    unit: str = ""  # code of a province/district/commune, drawn on today's (or the unit's own) map
    sector_group: str = ""
    legal_form: str = ""
    status: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def unit_filter(code: str) -> set[int]:
    """Unit ids inside the unit ``code`` (for list filters of any app).

    Current codes are drawn on today's map; codes of abolished units (old districts) on their own
    last day, so "748" still finds the records of former Bà Rịa city.
    """
    today = timezone.localdate()
    try:
        area = unit_by_code(code, on=today)
    except UnitNotFound:
        from khuyencong.geo.models import AdministrativeUnit

        former = AdministrativeUnit.objects.filter(code=code).exclude(valid_to=None).order_by("-valid_to").first()
        if former is None or former.valid_to is None:
            raise
        return unit_ids_within(former, on=former.valid_to)
    return unit_ids_within(area, on=today)


def establishment_list(user: User, filters: EstablishmentFilters) -> QuerySet[Establishment]:
    """The list page and the API list: search ignoring diacritics, filters, Vietnamese order."""
    items = establishments_for(user)
    if filters.q:
        key = fold(filters.q)
        items = items.filter(search_name__contains=key) | items.filter(tax_code__startswith=filters.q.strip())
    if filters.unit:
        try:
            items = items.filter(commune_id__in=unit_filter(filters.unit))
        except UnitNotFound as exc:
            filters.errors["unit"] = str(exc)
            items = items.none()
    for name in ("sector_group", "legal_form", "status"):
        value = getattr(filters, name)
        if value:
            items = items.filter(**{name: value})
    return items.order_by(Collate("name", COLLATION), "pk")


def establishment_get(user: User, pk: Any) -> Establishment:
    """One establishment, or 404 — never a hint that a record outside the user's scope exists."""
    return one_or_404(establishments_for(user), pk)


def _field_label(name: str) -> str:
    return str(getattr(Establishment._meta.get_field(name), "verbose_name", name))


def establishment_history(establishment: Establishment, user: User) -> list[dict[str, Any]]:
    """Who changed what and when, newest first, with field-level before/after values.

    Personal fields are masked exactly as on the record for roles that may not see them.
    """
    from khuyencong.accounts.policy import sees_personal_data
    from khuyencong.establishments.masking import mask_change

    full = sees_personal_data(user, establishment)
    records = list(establishment.history.select_related("history_user").order_by("-history_date", "-history_id"))
    out = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            changes = [
                {"field": _field_label(c.field), "old": c.old if full else mask_change(c.field, c.old),
                 "new": c.new if full else mask_change(c.field, c.new)}
                for c in delta.changes
            ]
        out.append({"when": newer.history_date, "who": newer.history_user, "type": newer.history_type,
                    "changes": changes})
    return out


def registry_summary(user: User) -> dict[str, Any]:
    """Counts for the home dashboard, aggregated in SQL over the user's scope."""
    items = establishments_for(user)
    return {
        "total": items.count(),
        "by_sector": list(items.values("sector_group").annotate(n=Count("pk")).order_by("-n")),
        "by_legal_form": list(items.values("legal_form").annotate(n=Count("pk")).order_by("-n")),
        "women_owned": items.filter(women_owned=True).count(),
        "ethnic_minority_owned": items.filter(ethnic_minority_owned=True).count(),
    }
