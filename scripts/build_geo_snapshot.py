#!/usr/bin/env python3
"""Build the committed snapshot of Vietnam's pre-reform administrative units.

On 1 July 2025 Vietnam abolished the district level and merged its provinces
(63 -> 34) and communes (about 10,000 -> 3,321).  Addresses written before
the reform still use the old three-level hierarchy, so KhuyenCong keeps a
frozen copy of the old units plus an old -> new crosswalk at commune level.

Everything is keyed by official GSO codes:

* old units (provinces, districts, communes) come from the GSO list of
  January 2025 shipped in ``vietnam-provinces==0.6.0``;
* new communes come from ``vietnam-provinces==2025.10.1``;
* the old -> new relation comes from ``vietnam-address-converter==1.0.5``
  (Apache-2.0).  That package uses private codes of its own, so each of its
  units is translated to a GSO code by matching normalised names.  Unknown
  or ambiguous names are never guessed; they are listed under ``unmatched``.

The output, ``khuyencong/geo/data/pre2025.json.gz``, is deterministic:
running the script twice yields a byte-identical file.

Usage, from the repository root::

    python scripts/build_geo_snapshot.py [--wheel-dir DIR] [--output PATH]

Only the standard library is needed.  The three wheels are fetched with
``pip download`` and read with :mod:`zipfile`; no third-party code is
imported or executed (the converter's ``data.py`` is parsed with :mod:`ast`).
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "khuyencong" / "geo" / "data" / "pre2025.json.gz"

PRE2025_PACKAGE = ("vietnam-provinces", "0.6.0")
CURRENT_PACKAGE = ("vietnam-provinces", "2025.10.1")
CONVERTER_PACKAGE = ("vietnam-address-converter", "1.0.5")

DIVISIONS_MEMBER = "vietnam_provinces/data/nested-divisions.json"
CONVERTER_DATA_MEMBER = "vietnam_address_converter/data.py"

SOURCES = {
    "pre2025_units": "vietnam-provinces 0.6.0 (GSO list, data 2025-01-04)",
    "current_units": "vietnam-provinces 2025.10.1",
    "crosswalk": (
        "vietnam-address-converter 1.0.5 (mapping 10_25), "
        "matched to GSO codes by name"
    ),
}

# Old province 77 (Bà Rịa - Vũng Tàu) was merged into Hồ Chí Minh City (79).
# KhuyenCong serves that region, so the build refuses to produce a snapshot
# in which any of its old units lacks a successor there.
BA_RIA_VUNG_TAU = "77"
HO_CHI_MINH_CITY = "79"

# Name prefix -> unit type.  The ``division_type`` fields of
# vietnam-provinces 0.6.0 are generic, so the real type is read from the
# name.  Longer prefixes come first so that "Thị xã" wins over "Xã".
PROVINCE_TYPES = (("Thành phố", "thanh_pho_tw"), ("Tỉnh", "tinh"))
DISTRICT_TYPES = (
    ("Thành phố", "thanh_pho"),
    ("Thị xã", "thi_xa"),
    ("Quận", "quan"),
    ("Huyện", "huyen"),
)
COMMUNE_TYPES = (("Thị trấn", "thi_tran"), ("Phường", "phuong"), ("Xã", "xa"))

# Prefixes split off before names are compared.  The sources disagree on
# them ("Thị xã Phú Mỹ" vs "Thành Phố Phú Mỹ"); the bare name is what
# identifies a unit within its parent.
NAME_PREFIXES = (
    "thành phố", "thị trấn", "thị xã", "đặc khu",
    "tỉnh", "quận", "huyện", "phường", "xã",
)

# Vietnamese tone marks (NFD combining characters) and the VIQR symbol that
# stands for each in comparison keys.  Old and new orthography put the mark
# on different vowels ("Hoà"/"Hòa", "Thuỷ"/"Thủy"), so a key spells each
# syllable without its mark and appends the symbol instead.
TONE_SYMBOLS = {
    "\u0301": "'",  # sắc
    "\u0300": "`",  # huyền
    "\u0309": "?",  # hỏi
    "\u0303": "~",  # ngã
    "\u0323": ".",  # nặng
}

# "Phường I" (GSO) is "Phường 1" in the converter.
ROMAN_NUMERALS = {
    "i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5",
    "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10",
}

# A syllable made of consonants plus a final "y" is also written with "i"
# ("Quý"/"Quí", "Kỳ"/"Kì"); the "uy" of "Thủy" is a real diphthong and kept.
I_Y_SYLLABLE = re.compile(r"^(qu|[bcdđghklmnprstvx]+)y$")
# A syllable ending in a stop consonant can only carry sắc or nặng, so an
# unmarked one ("Đăk" vs "Đắk") is a spelling variant of sắc.
STOP_FINAL = re.compile(r"(p|t|c|ch|k)$")

# Spellings no rule reconciles, checked by hand: converter name -> GSO name
# (both without type prefix).  The converter itself maps its "Xã Kông Pla"
# (huyện KBang, Gia Lai) to the new "Xã Kông Bơ La".
SPELLING_ALIASES = {
    "kông pla": "kông bơ la",
}


# ---------------------------------------------------------------------------
# Fetching the sources
# ---------------------------------------------------------------------------


def fetch_wheel(package: tuple[str, str], wheel_dir: Path) -> Path:
    """Return the wheel of ``package`` in ``wheel_dir``, downloading it if absent.

    ``pip download --no-deps --only-binary`` only saves the file: nothing is
    installed or run, so the two incompatible versions of vietnam-provinces
    can be read side by side whatever the current environment contains.
    """
    name, version = package
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    found = sorted(wheel_dir.glob(pattern))
    if not found:
        subprocess.run(
            [
                sys.executable, "-m", "pip", "download", "--quiet",
                "--no-deps", "--only-binary=:all:",
                "--dest", str(wheel_dir), f"{name}=={version}",
            ],
            check=True,
        )
        found = sorted(wheel_dir.glob(pattern))
    if not found:
        raise SystemExit(f"pip did not produce a wheel matching {pattern}")
    return found[0]


def read_divisions(wheel: Path) -> list[dict]:
    """Load the nested GSO division list bundled in a vietnam-provinces wheel."""
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(archive.read(DIVISIONS_MEMBER).decode("utf-8"))


def read_converter_data(wheel: Path) -> dict:
    """Extract ``DEFAULT_DATA`` from the converter wheel without running it.

    The module reads ``DEFAULT_DATA = json.loads('<huge literal>')``;
    decoding that literal found with :mod:`ast` keeps third-party code out
    of the build.
    """
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(CONVERTER_DATA_MEMBER).decode("utf-8")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "loads"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            data = json.loads(node.args[0].value)
            if "mapping" in data:
                return data
    raise SystemExit(f"no json.loads() mapping literal in {CONVERTER_DATA_MEMBER}")


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def typed_name(name: str, table: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """Derive a unit's type from its name prefix and return ``(name, type)``.

    The prefix is matched case-insensitively and rewritten in its canonical
    spelling, because the GSO list has a couple of stray capitals
    ("Thành Phố Bắc Kạn").  An unknown prefix fails loudly so that a new
    kind of unit is never silently mislabelled.
    """
    for prefix, kind in table:
        head, rest = name[: len(prefix) + 1], name[len(prefix) + 1:]
        if head.lower() == prefix.lower() + " " and rest.strip():
            return f"{prefix} {rest}", kind
    raise ValueError(f"unknown administrative prefix in {name!r}")


def split_type(name: str) -> tuple[str, str]:
    """Split a lower-cased NFC name into ``(type prefix, rest)``."""
    for prefix in NAME_PREFIXES:
        if name.startswith(prefix + " ") and name[len(prefix):].strip():
            return prefix, name[len(prefix):].strip()
    return "", name


def canonical_syllable(syllable: str) -> str:
    """Spell a syllable with its tone as a trailing VIQR symbol ("hoà" -> "hoa`")."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = "".join(TONE_SYMBOLS.get(ch, "") for ch in decomposed)
    base = unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if ch not in TONE_SYMBOLS)
    )
    base = base.replace("qư", "qu")  # "Qưới" is a misspelling of "Quới"
    base = I_Y_SYLLABLE.sub(r"\1i", base)
    if not tone and STOP_FINAL.search(base):
        tone = "'"
    return base + tone


def name_key(name: str, typed: bool = False) -> str:
    """Reduce an administrative name to a comparison key.

    Absorbs the differences seen between the GSO list and the converter:
    letter case, Unicode form, the type prefix (kept only if ``typed``),
    spacing around hyphens and apostrophes ("Bà Rịa-Vũng Tàu", "K' Dang",
    "EaBar"), "N.T"/"NT" for "Nông trường", numbers written "01", "1" or
    "I", tone-mark placement and the i/y and Đăk/Đắk spelling variants.
    """
    prefix, text = split_type(unicodedata.normalize("NFC", name).lower().strip())
    text = SPELLING_ALIASES.get(text, text)
    text = re.sub(r"^n\.?\s?t\.?\s+", "nông trường ", text)
    text = re.sub(r"['’`‘]\s*", "", text)
    text = re.sub(r"[-–—.,()]", " ", text)
    syllables = []
    for word in text.split():
        if word.isdigit():
            syllables.append(str(int(word)))
        elif word in ROMAN_NUMERALS:
            syllables.append(ROMAN_NUMERALS[word])
        else:
            syllables.append(canonical_syllable(word))
    key = "".join(syllables)
    return f"{prefix}:{key}" if typed else key


def loose_key(name: str) -> str:
    """A key without any diacritic, for last-resort matching of typos ("Vinh Kim")."""
    decomposed = unicodedata.normalize("NFD", name_key(name).replace("đ", "d"))
    tones = set(TONE_SYMBOLS.values())
    return "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and ch not in tones
    )


# ---------------------------------------------------------------------------
# Unit lists and name lookups
# ---------------------------------------------------------------------------


def flatten_pre2025(divisions: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """Turn the nested January 2025 list into flat, code-sorted unit lists."""
    provinces, districts, communes = [], [], []
    for province in divisions:
        province_code = f"{province['code']:02d}"
        name, kind = typed_name(province["name"], PROVINCE_TYPES)
        provinces.append({"code": province_code, "name": name, "type": kind})
        for district in province["districts"]:
            district_code = f"{district['code']:03d}"
            name, kind = typed_name(district["name"], DISTRICT_TYPES)
            districts.append({
                "code": district_code, "name": name, "type": kind,
                "parent": province_code,
            })
            for ward in district["wards"]:
                name, kind = typed_name(ward["name"], COMMUNE_TYPES)
                communes.append({
                    "code": f"{ward['code']:05d}", "name": name, "type": kind,
                    "parent": district_code,
                })
    for units in (provinces, districts, communes):
        units.sort(key=lambda unit: unit["code"])
    return provinces, districts, communes


def pick(candidates: set[str], what: str) -> tuple[str | None, str | None]:
    """Return ``(code, None)`` for a single candidate, else ``(None, problem)``."""
    if len(candidates) == 1:
        return next(iter(candidates)), None
    if candidates:
        return None, f"ambiguous {what}: " + ", ".join(sorted(candidates))
    return None, f"{what} not found"


class NameIndex:
    """Unit codes indexed by ``(scope, key)``, the scope being a parent's code."""

    def __init__(self):
        self._codes = defaultdict(set)

    def add(self, scope: str, name: str, code: str) -> None:
        """Index a unit under its typed, bare and loose keys."""
        for key in (
            "t|" + name_key(name, typed=True),
            "b|" + name_key(name),
            "l|" + loose_key(name),
        ):
            self._codes[(scope, key)].add(code)

    def strict(self, scope: str | None, name: str) -> set[str]:
        """Candidates by typed key, else by bare key.

        The type comes first because a district often holds both a
        "Thị trấn X" and a "Xã X"; the bare key still finds a unit whose
        type changed (a "Xã" that became a "Phường").
        """
        if scope is None:
            return set()
        typed = self._codes.get((scope, "t|" + name_key(name, typed=True)))
        return set(typed or self._codes.get((scope, "b|" + name_key(name)), ()))

    def loose(self, scope: str | None, name: str) -> set[str]:
        """Candidates ignoring every diacritic."""
        if scope is None:
            return set()
        return set(self._codes.get((scope, "l|" + loose_key(name)), ()))


class Pre2025Index:
    """Name lookups into the January 2025 GSO list (the "old" side)."""

    def __init__(self, provinces, districts, communes):
        self.provinces, self.districts, self.communes = (
            NameIndex(), NameIndex(), NameIndex()
        )
        self.empty_districts = {district["code"] for district in districts}
        province_of_district = {}
        for province in provinces:
            self.provinces.add("", province["name"], province["code"])
        for district in districts:
            self.districts.add(district["parent"], district["name"], district["code"])
            province_of_district[district["code"]] = district["parent"]
        for commune in communes:
            district = commune["parent"]
            province = province_of_district[district]
            # Indexed within its district and, for the fallback, within its
            # province ("p:" keeps the two kinds of scope apart).
            self.communes.add(district, commune["name"], commune["code"])
            self.communes.add("p:" + province, commune["name"], commune["code"])
            self.empty_districts.discard(district)

    def _parents(self, province_name: str, district_name: str):
        """Resolve a row's province (required) and district (may be None)."""
        province, problem = pick(self.provinces.strict("", province_name), "province")
        if province is None:
            return None, None, problem
        district, _ = pick(self.districts.strict(province, district_name), "district")
        return province, district, None

    def resolve(self, province_name, district_name, ward_name):
        """Map an old (province, district, ward) name triple to a GSO code.

        An empty ward name denotes one of the island districts that had no
        communes at all (Côn Đảo, Bạch Long Vĩ...); the district code is
        returned.  A ward is looked up inside its district; the whole
        province is searched only when the district name itself is unknown.
        (A district found by name but lacking the ward is not a reason to
        look elsewhere: the ward is then usually one created after January
        2025, and a namesake in another district would be a false match.)
        Several candidates mean "ambiguous", never a guess.
        """
        province, district, problem = self._parents(province_name, district_name)
        if province is None:
            return None, problem
        if not ward_name.strip():
            if district in self.empty_districts:
                return district, None
            return None, "district-level row for a district that has communes"
        scope = district if district is not None else "p:" + province
        return pick(self.communes.strict(scope, ward_name), "ward")

    def resolve_loose(self, province_name, district_name, ward_name):
        """Last resort: a diacritic-insensitive match inside the named district."""
        _, district, _ = self._parents(province_name, district_name)
        return pick(self.communes.loose(district, ward_name), "ward (loose)")


class CurrentIndex:
    """Name lookups into the post-July-2025 list (the "new" side)."""

    def __init__(self, divisions: list[dict]):
        self.provinces, self.wards = NameIndex(), NameIndex()
        self.province_of_ward = {}
        for province in divisions:
            province_code = f"{province['code']:02d}"
            self.provinces.add("", province["name"], province_code)
            for ward in province["wards"]:
                code = f"{ward['code']:05d}"
                self.wards.add(province_code, ward["name"], code)
                self.province_of_ward[code] = province_code

    def resolve(self, province_name, ward_name):
        """Map a new (province, ward) name pair to a GSO code."""
        province, problem = pick(self.provinces.strict("", province_name), "province")
        if province is None:
            return None, problem
        return pick(self.wards.strict(province, ward_name), "ward")

    def resolve_loose(self, province_name, ward_name):
        """Last resort: a diacritic-insensitive match inside the province."""
        province, problem = pick(self.provinces.strict("", province_name), "province")
        if province is None:
            return None, problem
        return pick(self.wards.loose(province, ward_name), "ward (loose)")


# ---------------------------------------------------------------------------
# Crosswalk
# ---------------------------------------------------------------------------


def resolve_units(names, strict, loose):
    """Resolve distinct name tuples to GSO codes in two passes.

    The strict pass compares normalised names.  The loose pass, for what is
    left, ignores diacritics; its answer is refused when that GSO unit was
    already claimed by a strict match or by another loose match: a typo may
    be forgiven, a collision may not.  Returns ``{names: (code, problem)}``
    and the list of loose matches, which are reported for review.
    """
    resolved = {names_: strict(*names_) for names_ in sorted(names)}
    claimed = {code for code, _ in resolved.values() if code}
    claimants = defaultdict(list)
    for names_, (code, _) in resolved.items():
        if code is None:
            loose_code, _ = loose(*names_)
            if loose_code and loose_code not in claimed:
                claimants[loose_code].append(names_)
    loose_matches = []
    for code, owners in sorted(claimants.items()):
        if len(owners) == 1:
            resolved[owners[0]] = (code, None)
            loose_matches.append((owners[0], code))
        else:
            for names_ in owners:
                resolved[names_] = (None, f"loose match {code} claimed twice")
    return resolved, loose_matches


def old_names(row: dict) -> tuple[str, str, str]:
    """The (province, district, ward) names of a converter row's old side."""
    old = row["old"]
    return old["province_name"], old["district_name"], old["ward_name"]


def new_names(row: dict) -> tuple[str, str]:
    """The (province, ward) names of a converter row's new side."""
    return row["new"]["province_name"], row["new"]["ward_name"]


def build_crosswalk(rows, old_index: Pre2025Index, new_index: CurrentIndex) -> dict:
    """Translate converter rows into GSO code pairs.

    Each distinct old/new unit is resolved once, so an unmatched unit is
    reported once however many rows mention it.  Rows whose old side is a
    commune-less island district go to ``district_pairs``.
    """
    old_resolved, old_loose = resolve_units(
        {old_names(row) for row in rows}, old_index.resolve, old_index.resolve_loose
    )
    new_resolved, new_loose = resolve_units(
        {new_names(row) for row in rows}, new_index.resolve, new_index.resolve_loose
    )
    commune_pairs, district_pairs = set(), set()
    for row in rows:
        old_code, _ = old_resolved[old_names(row)]
        new_code, _ = new_resolved[new_names(row)]
        if old_code and new_code:
            is_district = not row["old"]["ward_name"].strip()
            (district_pairs if is_district else commune_pairs).add((old_code, new_code))
    return {
        "commune_pairs": sorted(commune_pairs),
        "district_pairs": sorted(district_pairs),
        "unmatched_old": [
            {"province": p, "district": d, "ward": w, "reason": problem}
            for (p, d, w), (code, problem) in sorted(old_resolved.items())
            if code is None
        ],
        "unmatched_new": [
            {"province": p, "ward": w, "reason": problem}
            for (p, w), (code, problem) in sorted(new_resolved.items())
            if code is None
        ],
        "loose_matches": old_loose + new_loose,
    }


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def check_whole_provinces(districts, communes, crosswalk, new_index) -> None:
    """Assert that every old province maps into a single new province.

    Provinces were merged whole in 2025, never split, so successors of one
    old province lying in two new provinces would reveal a wrong name match.
    """
    province_of_district = {d["code"]: d["parent"] for d in districts}
    province_of_old = {c["code"]: province_of_district[c["parent"]] for c in communes}
    province_of_old.update(province_of_district)
    targets = defaultdict(set)
    for old, new in crosswalk["commune_pairs"] + crosswalk["district_pairs"]:
        targets[province_of_old[old]].add(new_index.province_of_ward[new])
    split = {old: sorted(new) for old, new in targets.items() if len(new) > 1}
    assert not split, f"old provinces mapped into several new ones: {split}"


def check_ba_ria_vung_tau(districts, communes, crosswalk, new_index) -> str:
    """Assert that every old unit of Bà Rịa - Vũng Tàu maps into Hồ Chí Minh City.

    "Every unit" means each commune, plus each district without communes
    (Côn Đảo), which is addressed without a commune.
    """
    successors = defaultdict(set)
    for old, new in crosswalk["commune_pairs"] + crosswalk["district_pairs"]:
        successors[old].add(new_index.province_of_ward[new])
    brvt_districts = [d for d in districts if d["parent"] == BA_RIA_VUNG_TAU]
    codes = {d["code"] for d in brvt_districts}
    brvt_communes = [c for c in communes if c["parent"] in codes]
    with_communes = {c["parent"] for c in brvt_communes}
    bare = [d for d in brvt_districts if d["code"] not in with_communes]
    missing = [
        f"{unit['code']} {unit['name']}"
        for unit in brvt_communes + bare
        if HO_CHI_MINH_CITY not in successors[unit["code"]]
    ]
    assert not missing, f"Bà Rịa - Vũng Tàu units without an HCMC successor: {missing}"
    return (
        f"Bà Rịa - Vũng Tàu: all {len(brvt_communes)} communes and "
        f"{len(bare)} commune-less district(s) map into {HO_CHI_MINH_CITY}"
    )


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def write_snapshot(snapshot: dict, output: Path) -> int:
    """Write compact UTF-8 JSON, gzipped with a zero mtime for reproducibility."""
    payload = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
    compressed = gzip.compress(payload.encode("utf-8"), compresslevel=9, mtime=0)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(compressed)
    return len(compressed)


def report(rows, communes, crosswalk, new_index) -> None:
    """Print match statistics and every unit a reviewer should look at."""
    pairs = crosswalk["commune_pairs"]
    old_matched = {old for old, _ in pairs}
    new_matched = {new for _, new in pairs + crosswalk["district_pairs"]}
    new_codes = set(new_index.province_of_ward)
    print(f"converter rows: {len(rows)}; commune edges: {len(pairs)}; "
          f"island-district edges: {len(crosswalk['district_pairs'])}")
    print(f"old communes with >=1 successor: {len(old_matched)}/{len(communes)} "
          f"({100 * len(old_matched) / len(communes):.2f}%)")
    print(f"new communes with >=1 predecessor (commune or island district): "
          f"{len(new_matched)}/{len(new_codes)}")
    print(f"converter units matched ignoring diacritics: "
          f"{len(crosswalk['loose_matches'])}")
    for names_, code in crosswalk["loose_matches"]:
        print(f"  {', '.join(reversed(names_))} -> {code}")
    print(f"unmatched converter units: {len(crosswalk['unmatched_old'])} old, "
          f"{len(crosswalk['unmatched_new'])} new")
    for item in crosswalk["unmatched_old"] + crosswalk["unmatched_new"]:
        where = ", ".join(v for k, v in item.items() if k != "reason")
        print(f"  {where}: {item['reason']}")
    orphans = [c for c in communes if c["code"] not in old_matched]
    print(f"old communes without successor: {len(orphans)}")
    for commune in orphans:
        print(f"  {commune['code']} {commune['name']} (district {commune['parent']})")
    print(f"new communes without predecessor: {sorted(new_codes - new_matched)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheel-dir", type=Path,
        help="keep (and reuse) the downloaded wheels here instead of a temp dir",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = args.wheel_dir or Path(tmp)
        wheel_dir.mkdir(parents=True, exist_ok=True)
        pre2025 = read_divisions(fetch_wheel(PRE2025_PACKAGE, wheel_dir))
        current = read_divisions(fetch_wheel(CURRENT_PACKAGE, wheel_dir))
        converter = read_converter_data(fetch_wheel(CONVERTER_PACKAGE, wheel_dir))

    provinces, districts, communes = flatten_pre2025(pre2025)
    new_index = CurrentIndex(current)
    rows = converter["mapping"]["rows"]
    crosswalk = build_crosswalk(
        rows, Pre2025Index(provinces, districts, communes), new_index
    )
    check_whole_provinces(districts, communes, crosswalk, new_index)
    brvt_summary = check_ba_ria_vung_tau(districts, communes, crosswalk, new_index)

    size = write_snapshot(
        {
            "sources": SOURCES,
            "provinces": provinces,
            "districts": districts,
            "communes": communes,
            "crosswalk": [list(pair) for pair in crosswalk["commune_pairs"]],
            "district_crosswalk": [list(pair) for pair in crosswalk["district_pairs"]],
            "unmatched": {
                "old": crosswalk["unmatched_old"],
                "new": crosswalk["unmatched_new"],
            },
        },
        args.output,
    )

    print(f"pre-2025 units: {len(provinces)} provinces, {len(districts)} districts, "
          f"{len(communes)} communes; current communes: {len(new_index.province_of_ward)}")
    report(rows, communes, crosswalk, new_index)
    print(brvt_summary)
    print(f"wrote {args.output} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
