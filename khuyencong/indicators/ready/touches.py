"""Which (unit, year) cells a batch of journal entries can change.

Each journalled table has a resolver turning its entries into touches: ``(unit id, year)``, ``None``
standing for "any". A record counts at its own place and date or at its parent's (a participation at
its course's organising unit and end date); both the old and the new version of a changed row are
resolved, so a record that moved leaves its old cell dirty as well as its new one. A parent deleted in
the same batch is read from its journal entry (children are deleted first: the foreign keys protect
them). Touches are deliberately generous: a cell recomputed for nothing costs a little time; a cell not
recomputed would be wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model

from khuyencong.cooperation.models import Activity, ActivityParticipant
from khuyencong.establishments.models import Establishment
from khuyencong.fairs.models import Fair, FairParticipation
from khuyencong.products.models import Certificate, Product, RecognitionDecision
from khuyencong.schemes.models import DemonstrationModel, Scheme, SchemeBeneficiary
from khuyencong.training.models import Course

Touch = tuple[int | None, int | None]  # (unit id, year); None: any
EVERYWHERE: Touch = (None, None)


def _year(value: Any) -> int | None:
    if value is None:
        return None
    return value.year if isinstance(value, dt.date) else int(str(value)[:4])


class Batch:
    """Journal entries grouped by table, with the rows deleted in the batch kept for lookups."""

    def __init__(self, entries: Iterable[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]) -> None:
        self.versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.deleted: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        for source, old, new in entries:
            self.versions[source] += [v for v in (old, new) if v is not None]
            if old is not None and new is None:
                self.deleted[source][int(old["id"])] = old

    def rows(self, model: type[Model], ids: Iterable[Any], *fields: str) -> dict[int, dict[str, Any]]:
        """``fields`` of the rows ``ids``: as stored now, or as journalled when deleted in this batch."""
        wanted = {int(i) for i in ids if i is not None}
        found = {row["id"]: row for row in model._default_manager.filter(pk__in=wanted).values("id", *fields)}
        for missing in wanted - found.keys():
            old = self.deleted[model._meta.db_table].get(missing)
            # Not found anywhere should not happen (the foreign keys protect parents); count it everywhere.
            found[missing] = old if old is not None else {"id": missing, **dict.fromkeys(fields)}
        return found


def _ids(versions: list[dict[str, Any]], column: str) -> set[int]:
    return {int(v[column]) for v in versions if v.get(column) is not None}


def _communes(batch: Batch, establishment_ids: Iterable[int]) -> dict[int, int | None]:
    return {i: r["commune_id"] for i, r in batch.rows(Establishment, establishment_ids, "commune_id").items()}


def _own_place(unit_column: str, date_column: str) -> Callable[[Batch, list[dict[str, Any]]], set[Touch]]:
    """A record counting at its own unit and date (a course, a cooperation activity)."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        return {(v.get(unit_column), _year(v.get(date_column))) for v in versions if v.get(date_column) is not None}
    return resolve


def _parent_place(model: type[Model], parent_column: str, unit_field: str,
                  date_field: str) -> Callable[[Batch, list[dict[str, Any]]], set[Touch]]:
    """A record counting at its parent's unit and date (a participation at its course's)."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        parents = batch.rows(model, _ids(versions, parent_column), unit_field, date_field)
        return {(p[unit_field], _year(p[date_field])) for p in parents.values() if p[date_field] is not None}
    return resolve


def _everywhere(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    """A code list entry renamed or removed: every figure of its kind may change."""
    return {EVERYWHERE}


def _person(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    """A person's role decides whether their cooperation participations count (civil servants only)."""
    rows = ActivityParticipant.objects.filter(person_id__in=_ids(versions, "id")).values_list(
        "activity__organising_unit_id", "activity__start_date")
    return {(u, _year(d)) for u, d in rows}


def _scheme_units(schemes: dict[int, dict[str, Any]]) -> dict[int, set[int | None]]:
    """Every unit a scheme (a row of ``Batch.rows``) can be counted at: its beneficiaries' and its model
    host's communes and its implementing unit (the fallbacks of ``schemes.counting``)."""
    scheme_ids = set(schemes)
    units: dict[int, set[int | None]] = defaultdict(set)
    for row in schemes.values():
        units[row["id"]].add(row["implementing_unit_id"])
    for scheme_id, commune in SchemeBeneficiary.objects.filter(scheme_id__in=scheme_ids).values_list(
            "scheme_id", "establishment__commune_id"):
        units[scheme_id].add(commune)
    for scheme_id, commune in DemonstrationModel.objects.filter(scheme_id__in=scheme_ids).values_list(
            "scheme_id", "host_establishment__commune_id"):
        units[scheme_id].add(commune)
    return units


def _scheme(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    units = _scheme_units(batch.rows(Scheme, _ids(versions, "id"), "implementing_unit_id"))
    return {(unit, _year(v["acceptance_date"])) for v in versions if v.get("acceptance_date") is not None
            for unit in units[int(v["id"])] | {v.get("implementing_unit_id")}}


def _scheme_child(*establishment_columns: str) -> Callable[[Batch, list[dict[str, Any]]], set[Touch]]:
    """A beneficiary link, a disbursement or a demonstration model: the scheme's cells, and the cells of
    the establishment it adds or removes."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        schemes = batch.rows(Scheme, _ids(versions, "scheme_id"), "implementing_unit_id", "acceptance_date")
        units = _scheme_units(schemes)
        communes = _communes(batch, {i for c in establishment_columns for i in _ids(versions, c)})
        touches: set[Touch] = set()
        for v in versions:
            year = _year(schemes[int(v["scheme_id"])]["acceptance_date"])
            if year is None:
                continue  # a scheme not accepted counts nowhere
            added = {communes[int(v[c])] for c in establishment_columns if v.get(c) is not None}
            touches |= {(unit, year) for unit in units[int(v["scheme_id"])] | added}
        return touches
    return resolve


def _certificate(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    decisions = batch.rows(RecognitionDecision, _ids(versions, "decision_id"), "decided_on")
    products = batch.rows(Product, _ids(versions, "product_id"), "establishment_id")
    communes = _communes(batch, {p["establishment_id"] for p in products.values() if p["establishment_id"]})
    return {(communes.get(products[int(v["product_id"])]["establishment_id"]),
             _year(decisions[int(v["decision_id"])]["decided_on"])) for v in versions}


def _decision(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    communes = set(Certificate.objects.filter(decision_id__in=_ids(versions, "id")).values_list(
        "product__establishment__commune_id", flat=True))
    return {(c, _year(v["decided_on"])) for v in versions for c in communes}


def _moved(column: str, via: Callable[[Batch, set[int]], Iterable[int | None]] | None = None
           ) -> Callable[[Batch, list[dict[str, Any]]], set[Touch]]:
    """A record moved (an establishment to another commune, a product to another establishment): all its
    years at the old and the new place."""
    def resolve(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
        ids = _ids(versions, column)
        return {(unit, None) for unit in (via(batch, ids) if via is not None else ids)}
    return resolve


def _fair(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    communes = set(FairParticipation.objects.filter(fair_id__in=_ids(versions, "id")).values_list(
        "establishment__commune_id", flat=True))
    return {(c, _year(v["start_date"])) for v in versions for c in communes}


def _fair_participation(batch: Batch, versions: list[dict[str, Any]]) -> set[Touch]:
    fairs = batch.rows(Fair, _ids(versions, "fair_id"), "start_date")
    communes = _communes(batch, _ids(versions, "establishment_id"))
    return {(communes[int(v["establishment_id"])], _year(fairs[int(v["fair_id"])]["start_date"])) for v in versions}


RESOLVERS: dict[str, Callable[[Batch, list[dict[str, Any]]], set[Touch]]] = {
    "training_course": _own_place("organising_unit_id", "end_date"),
    "training_participation": _parent_place(Course, "course_id", "organising_unit_id", "end_date"),
    "training_person": _person,
    "training_coursetype": _everywhere,
    "cooperation_activity": _own_place("organising_unit_id", "start_date"),
    "cooperation_activityparticipant": _parent_place(Activity, "activity_id", "organising_unit_id", "start_date"),
    "schemes_scheme": _scheme,
    "schemes_schemebeneficiary": _scheme_child("establishment_id"),
    "schemes_disbursement": _scheme_child(),
    "schemes_demonstrationmodel": _scheme_child("host_establishment_id"),
    "schemes_activitytype": _everywhere,
    "products_certificate": _certificate,
    "products_recognitiondecision": _decision,
    "products_product": _moved("establishment_id", lambda b, ids: _communes(b, ids).values()),
    "products_recognitionlevel": _everywhere,
    "fairs_fair": _fair,
    "fairs_fairparticipation": _fair_participation,
    "establishments_establishment": _moved("commune_id"),
}


def resolve(batch: Batch) -> set[Touch]:
    touches: set[Touch] = set()
    for source, versions in batch.versions.items():
        touches |= RESOLVERS[source](batch, versions)
        if EVERYWHERE in touches:
            return {EVERYWHERE}
    return touches
