"""Where the unit lists come from.

* Current units (since 1 July 2025: 34 provinces, 3,321 communes) are read from the installed,
  maintained ``vietnam-provinces`` package.
* Pre-reform units (January 2025 GSO list: 63 provinces, 696 districts, 10,051 communes) and the
  commune-level old→new crosswalk come from ``data/pre2025.json.gz``, a snapshot built by
  ``scripts/build_geo_snapshot.py`` from ``vietnam-provinces`` 0.6.0 and ``vietnam-address-converter``
  (the two package versions cannot be installed side by side; see docs/adr/0005-geography-source.md).
* Earlier boundary changes that we record by hand live in ``data/earlier_changes.json``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
PRE2025_SNAPSHOT = DATA_DIR / "pre2025.json.gz"
EARLIER_CHANGES = DATA_DIR / "earlier_changes.json"

REFORM_DATE = dt.date(2025, 7, 1)
REFORM_LEGAL_BASIS = (
    "Nghị quyết 202/2025/QH15 (sắp xếp ĐVHC cấp tỉnh) và các nghị quyết của UBTVQH "
    "về sắp xếp ĐVHC cấp xã năm 2025"
)

_CURRENT_TYPES = {
    "thành phố trung ương": "thanh_pho_tw",
    "tỉnh": "tinh",
    "xã": "xa",
    "phường": "phuong",
    "đặc khu": "dac_khu",
}


@dataclass(frozen=True)
class UnitRecord:
    code: str
    level: str
    unit_type: str
    name: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str


@dataclass
class UnitSource:
    units: list[UnitRecord] = field(default_factory=list)
    # (predecessor level, code, valid_from) → (successor level, code, valid_from), effective date, basis
    successions: list[tuple[tuple[str, str, dt.date | None], tuple[str, str, dt.date | None], dt.date, str]] = (
        field(default_factory=list)
    )


def current_units() -> list[UnitRecord]:
    import vietnam_provinces

    source = f"vietnam-provinces {vietnam_provinces.__version__} (dữ liệu {vietnam_provinces.__data_version__})"
    tree = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    units: list[UnitRecord] = []
    for province in tree:
        pcode = f"{province['code']:02d}"
        units.append(UnitRecord(pcode, "province", _CURRENT_TYPES[province["division_type"]], province["name"],
                                None, REFORM_DATE, None, source))
        for ward in province["wards"]:
            units.append(UnitRecord(f"{ward['code']:05d}", "commune", _CURRENT_TYPES[ward["division_type"]],
                                    ward["name"], pcode, REFORM_DATE, None, source))
    return units


def _read_snapshot(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


Pairs = list[tuple[str, str]]


def pre2025_units(path: Path = PRE2025_SNAPSHOT) -> tuple[list[UnitRecord], Pairs, Pairs]:
    """Pre-reform units (valid until 30 June 2025) and crosswalk pairs (old code, new commune code).

    The second list maps old communes; the third maps island districts that had no communes
    (e.g. Côn Đảo) straight to the special zone that replaced them.
    """
    snap = _read_snapshot(path)
    source = snap["sources"]["pre2025_units"]
    last_day = REFORM_DATE - dt.timedelta(days=1)
    units = [UnitRecord(p["code"], "province", p["type"], p["name"], None, None, last_day, source)
             for p in snap["provinces"]]
    for level, key in (("district", "districts"), ("commune", "communes")):
        units += [UnitRecord(u["code"], level, u["type"], u["name"], u["parent"], None, last_day, source)
                  for u in snap[key]]
    communes = [(old, new) for old, new in snap["crosswalk"]]
    districts = [(old, new) for old, new in snap.get("district_crosswalk", [])]
    return units, communes, districts


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def earlier_changes(path: Path = EARLIER_CHANGES) -> UnitSource:
    """Hand-recorded changes before 2025 (e.g. Tân Thành district → Phú Mỹ town in 2018)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = UnitSource()
    for change in data["changes"]:
        for u in change["units"]:
            out.units.append(UnitRecord(u["code"], u["level"], u["type"], u["name"], u.get("parent"),
                                        _date(u.get("valid_from")), _date(u.get("valid_to")), change["source"]))
        for edge in change["successions"]:
            pred, succ = edge["from"], edge["to"]
            out.successions.append((
                (pred["level"], pred["code"], _date(pred.get("valid_from"))),
                (succ["level"], succ["code"], _date(succ.get("valid_from"))),
                _date(change["effective_on"]) or REFORM_DATE,
                change["legal_basis"],
            ))
    return out
