"""Figures of the product records beside the catalogue indicators, one SQL aggregate each, over the
certificates the indicators count (``products.indicators``, where the period and area rules live).

Two different figures, deliberately named apart:
* ``products_recognized`` — distinct products (người/sản phẩm): a product recognised at district level
  in 2016 and again in 2018 counts once (indicator ``products.recognized.<level>``);
* ``certificates_issued`` — certificates (lượt): the same product counts twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from khuyencong.products.indicators import certificates as _certificates


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
