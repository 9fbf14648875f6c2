"""What each catalogue indicator counts, as a queryset, so the engine can break it down in SQL.

For every indicator a :class:`Source` names the counted rows (the same querysets the apps' counting
functions aggregate, so a breakdown's rows are exactly the total's rows), the aggregate, and for each
dimension the expression giving a row's key. ``entity_keys`` lists the dimensions that are attributes
of the counted entity itself (a person's gender, an establishment's sector): for distinct counts the
parts of those breakdowns add up; for the others (year, organising unit…) one entity can fall in two
parts, so the parts overlap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from django.db.models import BigIntegerField, CharField, Count, F, Max, Min, OuterRef, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Coalesce, ExtractYear, FirstValue

from khuyencong.cooperation import counting as cooperation
from khuyencong.fairs import counting as fairs
from khuyencong.products import counting as products
from khuyencong.schemes import counting as schemes
from khuyencong.schemes.models import Scheme, SchemeBeneficiary
from khuyencong.training import counting as training
from khuyencong.training.models import EMPLOYED_STATUSES, FollowUp

UnitIds = set[int] | None
Rows = Callable[[dt.date, dt.date, UnitIds], QuerySet[Any]]
KeyExpr = Callable[[UnitIds], Any]


class Dimension(StrEnum):
    YEAR = "year"
    UNIT = "unit"  # the district/commune (one level below the area) on the boundary date
    ACTIVITY = "activity"  # scheme activity type, course type, cooperation activity kind
    FUNDING = "funding"
    SECTOR = "sector"
    PRODUCT_GROUP = "product_group"
    LEVEL = "level"
    GENDER = "gender"


@dataclass(frozen=True)
class Family:
    """Indicators over one set of rows, computed by the engine in one query (one scan instead of several).

    ``rows`` is the union of the members' rows; with a ``member_key`` each member counts the rows whose
    key equals its ``member`` value (the course type, the recognition level), else all of them.
    """

    name: str
    rows: Rows
    member_key: KeyExpr | None = None


@dataclass(frozen=True)
class Source:
    rows: Rows
    value: Callable[[], Any]
    keys: dict[Dimension, KeyExpr]
    entity_keys: frozenset[Dimension]
    family: Family | None = None
    member: str | None = None
    # The unit key gives one record several units (a joint scheme's beneficiaries): the record then counts
    # once in each part it lies in, exactly as the engine counts it in each of those areas.
    multi_unit: bool = False


def _field(path: str) -> KeyExpr:
    return lambda unit_ids: F(path)


def _year(path: str) -> KeyExpr:
    return lambda unit_ids: ExtractYear(path)


def _scheme_beneficiary(field: str, unit_ids: UnitIds, scheme_ref: str = "pk") -> Subquery:
    """``field`` of the scheme's first beneficiary inside the area (a joint scheme gets one key, so parts add up)."""
    links = SchemeBeneficiary.objects.filter(scheme=OuterRef(scheme_ref))
    if unit_ids is not None:
        links = links.filter(establishment__commune_id__in=unit_ids)
    return Subquery(links.order_by("pk").values(f"establishment__{field}")[:1])


def _scheme_unit(unit_ids: UnitIds) -> Any:
    """The scheme's area units: every beneficiary's commune (one row each), else the implementing unit.

    The area rule of ``schemes.counting.accepted_schemes``: a scheme lies in each area holding one of its
    beneficiaries; a scheme without beneficiaries lies where its implementing unit is.
    """
    return Coalesce(F("links__establishment__commune_id"), F("implementing_unit_id"), output_field=BigIntegerField())


def _scheme_sector(unit_ids: UnitIds) -> Any:
    return _scheme_beneficiary("sector_group", unit_ids)


def _demo_unit(unit_ids: UnitIds) -> Any:
    """The host establishment's commune; a model without a host record falls back on the scheme's units."""
    return Coalesce(F("demonstration__host_establishment__commune_id"), F("links__establishment__commune_id"),
                    F("implementing_unit_id"), output_field=BigIntegerField())


def _demo_sector(unit_ids: UnitIds) -> Any:
    return Coalesce(F("demonstration__host_establishment__sector_group"), _scheme_sector(unit_ids),
                    output_field=CharField())


ALL = frozenset(Dimension)


def _employed_persons(counted: QuerySet[Any], date_to: dt.date) -> QuerySet[Any]:
    """Ids of the persons whose latest follow-up of a counted participation, dated on or before the period
    end (the last recorded wins a same-day tie), shows employment — the rule of
    ``training.counting.persons_employed``, read in one pass over the follow-ups instead of one lookup
    per person (a national breakdown has millions of persons and far fewer follow-ups)."""
    latest = FollowUp.objects.filter(participation__in=counted, date__lte=date_to).annotate(
        person=F("participation__person_id"),
        latest_status=Window(FirstValue("status"), partition_by=F("participation__person_id"),
                             order_by=[F("date").desc(), F("pk").desc()]))
    # Filtering on the window's value (not on ``status``) keeps the filter after the ranking: a filter on a
    # plain column would drop the later "unemployed" follow-up before the window sees it.
    return latest.filter(latest_status__in=[str(s) for s in EMPLOYED_STATUSES]).values("person")


TRAINING_TYPES = ["vocational", "intermediate", "cleaner_production", "management", "startup"]
_TRAINING = Family("training.persons", partial(training.counted_participations_of, TRAINING_TYPES),
                   _field("course__course_type__code"))


def _training(course_type: str, *, employed: bool = False) -> Source:
    def rows(date_from: dt.date, date_to: dt.date, unit_ids: UnitIds) -> QuerySet[Any]:
        counted = training.counted_participations(course_type, date_from, date_to, unit_ids)
        if not employed:
            return counted
        # Employment is a property of the person (latest follow-up up to the period end, the catalogue rules);
        # the breakdown then looks at the counted participations of the employed persons.
        return counted.filter(person_id__in=_employed_persons(counted, date_to))

    return Source(rows, lambda: Count("person_id", distinct=True), {
        Dimension.YEAR: _year("course__end_date"),
        Dimension.UNIT: _field("course__organising_unit_id"),
        Dimension.ACTIVITY: _field("course__course_type__code"),
        Dimension.GENDER: _field("person__gender"),
    }, frozenset({Dimension.GENDER, Dimension.ACTIVITY}), None if employed else _TRAINING, course_type)


_DEMO_KEYS: dict[Dimension, KeyExpr] = {
    Dimension.YEAR: _year("acceptance_date"), Dimension.UNIT: _demo_unit,
    Dimension.ACTIVITY: _field("activity_type__code"), Dimension.FUNDING: _field("funding_source"),
    Dimension.SECTOR: _demo_sector,
}


_DEMO = Family("demo_models", schemes._demo_models)


def _demo(value: Callable[[], Any]) -> Source:
    return Source(schemes._demo_models, value, _DEMO_KEYS, ALL, _DEMO, multi_unit=True)


def _disbursed_rows(date_from: dt.date, date_to: dt.date, unit_ids: UnitIds) -> QuerySet[Scheme]:
    return schemes.accepted_schemes(date_from, date_to, unit_ids).annotate(scheme_disbursed=schemes._disbursed())


_SCHEME_KEYS: dict[Dimension, KeyExpr] = {
    Dimension.YEAR: _year("acceptance_date"), Dimension.UNIT: _scheme_unit,
    Dimension.ACTIVITY: _field("activity_type__code"), Dimension.FUNDING: _field("funding_source"),
    Dimension.SECTOR: _scheme_sector,
}


_SCHEMES = Family("schemes", _disbursed_rows)  # the same schemes, with their disbursed sum


def _scheme(value: Callable[[], Any], rows: Rows = schemes.accepted_schemes) -> Source:
    return Source(rows, value, _SCHEME_KEYS, ALL, _SCHEMES, multi_unit=True)


def _machinery_rows(date_from: dt.date, date_to: dt.date, unit_ids: UnitIds) -> QuerySet[SchemeBeneficiary]:
    """The beneficiary links ``schemes.counting.machinery_establishments`` counts."""
    accepted = Scheme.objects.filter(status__in=schemes.ACCEPTED_OR_LATER, activity_type__code="machinery",
                                     acceptance_date__gte=date_from, acceptance_date__lte=date_to).values("pk")
    links = SchemeBeneficiary.objects.filter(scheme__in=accepted)
    return links if unit_ids is None else links.filter(establishment__commune_id__in=unit_ids)


_PRODUCTS = Family("products.recognized", partial(products._certificates, None), _field("level__code"))


def _products(level: str) -> Source:
    return Source(partial(products._certificates, level), lambda: Count("product", distinct=True), {
        Dimension.YEAR: _year("decision__decided_on"), Dimension.UNIT: _field("product__establishment__commune_id"),
        Dimension.SECTOR: _field("product__establishment__sector_group"),
        Dimension.PRODUCT_GROUP: _field("product__group__code"), Dimension.LEVEL: _field("level__code"),
    }, frozenset({Dimension.UNIT, Dimension.SECTOR, Dimension.PRODUCT_GROUP, Dimension.LEVEL}), _PRODUCTS, level)


_FAIR_KEYS: dict[Dimension, KeyExpr] = {
    Dimension.YEAR: _year("fair__start_date"), Dimension.UNIT: _field("establishment__commune_id"),
    Dimension.SECTOR: _field("establishment__sector_group"),
}

_FAIRS = Family("fairs", partial(fairs.counted, kind=fairs.FAIR))

SOURCES: dict[str, Source] = {
    **{f"training.{t}.persons": _training(t) for t in TRAINING_TYPES},
    "training.intermediate.employed": _training("intermediate", employed=True),
    "demo_models.count": _demo(lambda: Count("pk")),
    "demo_models.counterpart_vnd": _demo(lambda: Coalesce(Sum("counterpart_capital"), 0)),
    "demo_models.worker_income_min_vnd": _demo(lambda: Min("demonstration__avg_worker_income_vnd")),
    "demo_models.worker_income_max_vnd": _demo(lambda: Max("demonstration__avg_worker_income_vnd")),
    "machinery.establishments": Source(_machinery_rows, lambda: Count("establishment", distinct=True), {
        Dimension.YEAR: _year("scheme__acceptance_date"), Dimension.UNIT: _field("establishment__commune_id"),
        Dimension.FUNDING: _field("scheme__funding_source"), Dimension.SECTOR: _field("establishment__sector_group"),
    }, frozenset({Dimension.UNIT, Dimension.SECTOR})),
    **{f"products.recognized.{lv}": _products(lv) for lv in ("district", "commune", "province", "region", "national")},
    "fairs.participations": Source(partial(fairs.counted, kind=fairs.FAIR), lambda: Count("pk"), _FAIR_KEYS, ALL,
                                   _FAIRS),
    "fairs.establishments": Source(partial(fairs.counted, kind=fairs.FAIR),
                                   lambda: Count("establishment", distinct=True), _FAIR_KEYS,
                                   frozenset({Dimension.UNIT, Dimension.SECTOR}), _FAIRS),
    "cooperation.official_participations": Source(cooperation.counted_participants, lambda: Count("pk"), {
        Dimension.YEAR: _year("activity__start_date"), Dimension.UNIT: _field("activity__organising_unit_id"),
        Dimension.ACTIVITY: _field("activity__kind"), Dimension.GENDER: _field("person__gender"),
    }, ALL),
    "schemes.count": _scheme(lambda: Count("pk")),
    "schemes.support_vnd": _scheme(lambda: Coalesce(Sum("public_support"), 0)),
    "schemes.counterpart_vnd": _scheme(lambda: Coalesce(Sum("counterpart_capital"), 0)),
    "schemes.disbursed_vnd": _scheme(lambda: Coalesce(Sum("scheme_disbursed"), 0), _disbursed_rows),
}

__all__ = ["ALL", "SOURCES", "Dimension", "Family", "Source"]
