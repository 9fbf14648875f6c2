"""The product indicators: distinct typical products recognised at each level.

Period: the recognition decision's date. Area: the establishment's commune (any version) in
``unit_ids`` (from ``geo.selectors.unit_ids_within``); ``None`` means no area limit. Revoked
certificates never count. A product recognised at district level in 2016 and again in 2018 counts
once (two certificates, one product).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Count, QuerySet

from khuyencong.establishments.indicators import COMMUNE, communes
from khuyencong.indicators.catalogue import Counting, Indicator
from khuyencong.indicators.ready.touches import Batch, Touch, everywhere, ids_of, moved, year_of
from khuyencong.indicators.sources import (
    Dimension,
    Drill,
    Family,
    Source,
    Watched,
    field_key,
    register,
    register_labels,
    year_key,
)
from khuyencong.products.models import Certificate, Product, ProductGroup, RecognitionDecision, RecognitionLevel


def certificates(level_code: str | None, date_from: dt.date, date_to: dt.date,
                 unit_ids: set[int] | None) -> QuerySet[Certificate]:
    """Certificates not revoked, of ``level_code`` (None: every level), decided in the period, in the area."""
    items = Certificate.objects.filter(revoked=False, decision__decided_on__gte=date_from,
                                       decision__decided_on__lte=date_to)
    if level_code:
        items = items.filter(level__code=level_code)
    if unit_ids is not None:
        items = items.filter(product__establishment__commune_id__in=unit_ids)
    return items


def _certificate(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    decisions = batch.rows(RecognitionDecision, ids_of(versions, "decision_id"), "decided_on")
    products = batch.rows(Product, ids_of(versions, "product_id"), "establishment_id")
    places = communes(batch, {p["establishment_id"] for p in products.values() if p["establishment_id"]})
    return {(places.get(products[int(v["product_id"])]["establishment_id"]),
             year_of(decisions[int(v["decision_id"])]["decided_on"])) for v in versions}


def _decision(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    places = set(Certificate.objects.filter(decision_id__in=ids_of(versions, "id")).values_list(
        "product__establishment__commune_id", flat=True))
    return {(c, year_of(v["decided_on"])) for v in versions for c in places}


def _readable(user: Any) -> QuerySet[Any]:
    from khuyencong.products.selectors import products_for

    return products_for(user)


WATCHED = (
    Watched("products_certificate", ("decision_id", "product_id"), _certificate),
    Watched("products_recognitiondecision", ("decided_on",), _decision),
    Watched("products_product", ("establishment_id",),
            moved("establishment_id", lambda b, ids: communes(b, ids).values()), ("update",), ("establishment_id",)),
    Watched("products_recognitionlevel", ("code",), everywhere, ("update", "delete"), ("code",)),
    COMMUNE,
)
_FAMILY = Family("products.recognized", partial(certificates, None), field_key("level__code"))
_DRILL = Drill("products", Product, "product_id", ("establishment", "establishment__commune", "group"), _readable)
_KEYS = {
    Dimension.YEAR: year_key("decision__decided_on"), Dimension.UNIT: field_key("product__establishment__commune_id"),
    Dimension.SECTOR: field_key("product__establishment__sector_group"),
    Dimension.PRODUCT_GROUP: field_key("product__group__code"), Dimension.LEVEL: field_key("level__code"),
}


def _level(position: float, level: str, label: str) -> None:
    register(position, Indicator(
        f"products.recognized.{level}", f"Số sản phẩm CNNT tiêu biểu được công nhận cấp {label}",
        f"Distinct typical products recognised at {level} level", "sản phẩm", Counting.DISTINCT,
        "Distinct products with a certificate of that level decided in the period (establishment in the area).",
    ), Source(partial(certificates, level), lambda: Count("product", distinct=True), _KEYS,
              frozenset({Dimension.UNIT, Dimension.SECTOR, Dimension.PRODUCT_GROUP, Dimension.LEVEL}), _FAMILY, level,
              watched=WATCHED, drill=_DRILL))


_level(40, "district", "huyện")
_level(41, "commune", "xã")
_level(42, "province", "tỉnh")
_level(43, "region", "khu vực")
_level(44, "national", "quốc gia")
register_labels(Dimension.PRODUCT_GROUP, lambda: dict(ProductGroup.objects.values_list("code", "label")))
register_labels(Dimension.LEVEL, lambda: dict(RecognitionLevel.objects.values_list("code", "label")))
