"""Loading and refreshing the administrative-unit register (idempotent)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from khuyencong.core.text import fold, normalize
from khuyencong.geo import sources
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession
from khuyencong.geo.register_cache import register_changed
from khuyencong.geo.sources import REFORM_DATE, REFORM_LEGAL_BASIS, Pairs, UnitRecord

_LEVEL_ORDER = ("province", "district", "commune")
VersionKey = tuple[str, str, dt.date | None]  # (level, code, valid_from)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    successions_created: int = 0


def _upsert_level(records: list[UnitRecord], level: str, report: LoadReport) -> None:
    existing = {(u.code, u.valid_from): u for u in AdministrativeUnit.objects.filter(level=level)}
    parents = _parent_index(records)
    new, changed = [], []
    for rec in records:
        parent_id = parents.get((rec.parent_code, rec.valid_to)) if rec.parent_code else None
        values = {"unit_type": rec.unit_type, "name": normalize(rec.name), "search_name": fold(rec.name),
                  "parent_id": parent_id, "valid_to": rec.valid_to, "source": rec.source}
        unit = existing.get((rec.code, rec.valid_from))
        if unit is None:
            new.append(AdministrativeUnit(code=rec.code, level=level, valid_from=rec.valid_from, **values))
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            changed.append(unit)
    AdministrativeUnit.objects.bulk_create(new, batch_size=2000)
    AdministrativeUnit.objects.bulk_update(changed, list(values), batch_size=2000)
    report.created += len(new)
    report.updated += len(changed)


def _parent_index(records: list[UnitRecord]) -> dict[tuple[str, dt.date | None], int]:
    """Map (parent code, child's last day) to the parent version in force on the child's last day.

    Province codes have two digits and district codes three, so a code alone names the level.
    """
    by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
    for unit in AdministrativeUnit.objects.filter(level__in=["province", "district"]):
        by_code[unit.code].append(unit)
    index: dict[tuple[str, dt.date | None], int] = {}
    for rec in records:
        if rec.parent_code is None:
            continue
        for unit in by_code.get(rec.parent_code, []):
            in_force = unit.valid_to is None if rec.valid_to is None else unit.is_valid_on(rec.valid_to)
            if in_force:
                index[(rec.parent_code, rec.valid_to)] = unit.pk
    return index


def _apply_amendments(units: list[UnitRecord], extra: list[UnitRecord]) -> list[UnitRecord]:
    """Hand-recorded versions replace the snapshot's open-ended ones with the same code and end date."""
    replaced = {(u.level, u.code, u.valid_to) for u in extra}
    return [u for u in units if (u.level, u.code, u.valid_to) not in replaced] + extra


def _reform_edges(pairs: Pairs, district_pairs: Pairs) -> list[tuple[VersionKey, VersionKey]]:
    """Commune edges from the crosswalk, plus derived district→province and province→province edges."""
    old_communes = {u.code: u for u in AdministrativeUnit.objects.filter(level="commune", valid_to__lt=REFORM_DATE)
                    .select_related("parent__parent")}
    old_districts = {u.code: u for u in AdministrativeUnit.objects.filter(level="district", valid_to__lt=REFORM_DATE)
                     .exclude(valid_to__lt=REFORM_DATE - dt.timedelta(days=1))}
    new_communes = {u.code: u for u in AdministrativeUnit.objects.filter(level="commune", valid_from=REFORM_DATE)
                    .select_related("parent")}
    edges: set[tuple[VersionKey, VersionKey]] = set()
    for old_code, new_code in pairs:
        old, new = old_communes.get(old_code), new_communes.get(new_code)
        if old is None or new is None or new.parent is None or old.parent is None:
            continue
        district, province = old.parent, old.parent.parent
        edges.add((("commune", old.code, old.valid_from), ("commune", new.code, REFORM_DATE)))
        edges.add((("district", district.code, district.valid_from), ("province", new.parent.code, REFORM_DATE)))
        if province is not None:
            edges.add((("province", province.code, province.valid_from), ("province", new.parent.code, REFORM_DATE)))
    for district_code, new_code in district_pairs:
        island, zone = old_districts.get(district_code), new_communes.get(new_code)
        if island is None or zone is None or zone.parent is None:
            continue
        edges.add((("district", island.code, island.valid_from), ("commune", zone.code, REFORM_DATE)))
        edges.add((("district", island.code, island.valid_from), ("province", zone.parent.code, REFORM_DATE)))
    return sorted(edges, key=str)


def _upsert_successions(
    edges: list[tuple[VersionKey, VersionKey, dt.date, str]], report: LoadReport
) -> None:
    ids = {(u.level, u.code, u.valid_from): u.pk for u in AdministrativeUnit.objects.all()}
    existing = set(UnitSuccession.objects.values_list("predecessor_id", "successor_id"))
    new = []
    for pred, succ, effective_on, basis in edges:
        pair = (ids[pred], ids[succ])
        if pair not in existing:
            existing.add(pair)
            new.append(UnitSuccession(predecessor_id=pair[0], successor_id=pair[1],
                                      effective_on=effective_on, legal_basis=basis))
    UnitSuccession.objects.bulk_create(new, batch_size=5000)
    report.successions_created += len(new)


@transaction.atomic
def geo_load_units() -> LoadReport:
    """Load or refresh current units, pre-reform units, earlier changes and the crosswalk.

    Running it again changes nothing; a newer package version updates names and adds new units.
    """
    report = LoadReport()
    old_units, pairs, district_pairs = sources.pre2025_units()
    earlier = sources.earlier_changes()
    units = _apply_amendments(old_units, earlier.units) + sources.current_units()
    for level in _LEVEL_ORDER:
        _upsert_level([u for u in units if u.level == level], level, report)
    edges = [(p, s, REFORM_DATE, REFORM_LEGAL_BASIS) for p, s in _reform_edges(pairs, district_pairs)]
    _upsert_successions(edges + earlier.successions, report)
    register_changed()  # every process drops the area closures it computed from the old register
    return report
