"""Counting helpers for the indicators engine, one SQL aggregate each.

Period: the recognition decision's date. Area: the establishment's commune (any version) in
``unit_ids`` (from ``geo.selectors.unit_ids_within``); ``None`` means no area limit. Revoked
certificates never count, like cancelled schemes.

Two different figures, deliberately named apart:
* ``products_recognized`` — distinct products (người/sản phẩm): a product recognised at district level
  in 2016 and again in 2018 counts once (indicator ``products.recognized.<level>``);
* ``certificates_issued`` — certificates (lượt): the same product counts twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from khuyencong.products.models import Certificate


def _certificates(level_code: str | None, date_from: dt.date, date_to: dt.date,
                  unit_ids: set[int] | None) -> QuerySet[Certificate]:
    items = Certificate.objects.filter(revoked=False, decision__decided_on__gte=date_from,
                                       decision__decided_on__lte=date_to)
    if level_code:
        items = items.filter(level__code=level_code)
    if unit_ids is not None:
        items = items.filter(product__establishment__commune_id__in=unit_ids)
    return items


def products_recognized(level_code: str, date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    """Distinct products recognised at ``level_code`` by decisions dated in the period."""
    result = _certificates(level_code, date_from, date_to, unit_ids).aggregate(n=Count("product", distinct=True))
    return int(result["n"])


def certificates_issued(level_code: str, date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int:
    """Certificates issued at ``level_code`` in the period (a product recognised twice counts twice)."""
    return int(_certificates(level_code, date_from, date_to, unit_ids).aggregate(n=Count("pk"))["n"])


def products_recognized_by_level(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> dict[str, int]:
    """Distinct products per level code; a product recognised at two levels appears under both."""
    rows = (_certificates(None, date_from, date_to, unit_ids).values("level__code")
            .annotate(n=Count("product", distinct=True)).order_by("level__code"))
    return {row["level__code"]: row["n"] for row in rows}
