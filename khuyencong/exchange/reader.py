"""Reading a workbook with python-calamine, and finding what it cannot tell us on its own.

calamine returns cached values and does not say whether a cell held a formula, so formulas are
found by scanning the sheet XML for ``<f>`` elements (only when the file has any). Merged cells
come from calamine's merged ranges.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

_CELL_WITH_FORMULA = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>(?:(?!</c>).)*?<f[ >/]', re.DOTALL)
_SHEET_ENTRY = re.compile(rb'<sheet [^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL_ENTRY = re.compile(rb'<Relationship [^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|'
                        rb'<Relationship [^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


class NotASpreadsheet(ValueError):
    """The bytes are not a workbook calamine can read."""


@dataclass
class SheetData:
    name: str
    rows: list[list[Any]]                       # rows[0] is sheet row 1
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, column)


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ch - 64
    return index - 1


def _xml_unescape(name: bytes) -> str:
    text = name.decode("utf-8")
    for entity, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, ch)
    return text


def _formula_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """{sheet name: cells holding a formula} for an .xlsx file; empty for other formats."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, KeyError):
        return {}
    targets = {}
    for match in _REL_ENTRY.finditer(rels):
        rel_id, target = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        targets[rel_id] = target.decode()
    found: dict[str, set[tuple[int, int]]] = {}
    for name, rel_id in _SHEET_ENTRY.findall(workbook):
        target = targets.get(rel_id)
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        try:
            xml = archive.read(path)
        except KeyError:
            continue
        if b"<f" not in xml:
            continue
        found[_xml_unescape(name)] = {
            (int(row) - 1, _column_index(col)) for col, row in _CELL_WITH_FORMULA.findall(xml)
        }
    return found


def read_workbook(data: bytes) -> dict[str, SheetData]:
    """Every sheet of the workbook as rows of Python values, with merged ranges and formula cells."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as error:
        raise NotASpreadsheet(str(error)) from error
    formulas = _formula_cells(data)
    sheets = {}
    try:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [tuple(r) for r in (sheet.merged_cell_ranges or [])]
            sheets[name] = SheetData(name, [list(r) for r in rows], merged,  # type: ignore[arg-type]
                                     formulas.get(name, set()))
    except (CalamineError, ValueError, OSError) as error:
        raise NotASpreadsheet(str(error)) from error
    return sheets
