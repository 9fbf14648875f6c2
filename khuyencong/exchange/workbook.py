"""What a workbook may hold (the limits), the errors it is refused with, and the facts read of it.

Shared by the inspection before reading (:mod:`inspect_zip`, :mod:`inspect_xls`) and the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError

# --- Limits (each overridable by the setting of the same name prefixed with EXCHANGE_) -------------
# Parts in the ZIP: a workbook of ours has about a dozen; thousands only serve to exhaust the reader.
MAX_PARTS = 1_000
# Unpacked size of one part and of all parts together. A 100,000-row × 20-column sheet is about
# 130 MB of XML, which the 20 MB upload limit allows; far larger is not a register we import.
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# Unpacked/packed ratio of a part. Sheet XML compresses 5–30 times; a part of whitespace or repeated
# bytes compresses about 1,000 times (deflate's ceiling): a "zip bomb". Small parts (styles, a few KB)
# may compress well for honest reasons, so the ratio is checked only above RATIO_FLOOR_BYTES.
MAX_COMPRESSION_RATIO = 150
RATIO_FLOOR_BYTES = 1024 * 1024
# Rows and columns of one sheet's used area (from A1: calamine fills the gap before the first cell).
# Registers have fewer than 60 columns; a province-wide register stays under 200,000 rows.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# Cells (rows × columns of the used area) of all sheets together: each costs calamine about 32 bytes
# plus a Python object, so 4 million cells stay within a few hundred MB of a worker's memory.
MAX_CELLS = 4_000_000

_CHUNK = 1024 * 1024  # bytes fed to the XML parser at a time
_CELL_REF = re.compile(r"([A-Z]{1,4})(\d{1,9})$")
_RANGE_REF = re.compile(r"([A-Z]{1,4})?(\d{1,9})?(?::([A-Z]{1,4})?(\d{1,9})?)?$")
_CALAMINE_ERRORS = (CalamineError, ValueError, OSError)


def limit(name: str) -> int:
    """The limit ``name`` (a constant of this module) or its ``EXCHANGE_<name>`` setting."""
    return int(getattr(settings, f"EXCHANGE_{name}", globals()[name]))


class NotASpreadsheet(ValueError):
    """The bytes are not a workbook calamine can read."""


class UnsafeWorkbook(ValueError):
    """The workbook is beyond what the reader may safely read; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str, sheet: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.sheet = sheet


@dataclass
class SheetData:
    name: str
    rows: list[list[Any]]                       # rows[0] is sheet row 1
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)  # 0-based
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, column)


@dataclass
class SheetExtent:
    """What a sheet holds as calamine will read it: ``rows`` × ``columns`` from A1 (0 × 0 when empty)."""

    name: str
    rows: int = 0
    columns: int = 0
    formula_cells: set[tuple[int, int]] = field(default_factory=set)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _n(number: float) -> str:
    """1048576 → "1.048.576" (Vietnamese digit grouping)."""
    return f"{number:,.0f}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".replace(".", ",")


def _damaged(part: str, reason: object) -> UnsafeWorkbook:
    return UnsafeWorkbook(_("Tệp bị hỏng: không đọc được thành phần “%(part)s” (%(reason)s). "
                            "Hãy mở tệp bằng Excel và lưu lại thành .xlsx.") % {"part": part, "reason": reason})


class _Extent:
    """Grows a sheet's extent cell by cell, refusing the first cell beyond the limits."""

    def __init__(self, name: str) -> None:
        self.sheet = SheetExtent(name)
        self.max_rows, self.max_columns = limit("MAX_ROWS"), limit("MAX_COLUMNS")

    def declared(self, ref: str) -> None:
        """The sheet's own claim (``<dimension ref="A1:XFD1048576">``): refused when beyond the limits."""
        match = _RANGE_REF.match(ref.upper())
        if not ref or not match:
            return
        letters, digits = (match[3], match[4]) if ref.find(":") > 0 else (match[1], match[2])
        rows = int(digits) if digits else 1_048_576  # "A:C" means whole columns
        columns = _column_index(letters) + 1 if letters else 16_384  # "1:5" means whole rows
        if rows > self.max_rows or columns > self.max_columns:
            raise UnsafeWorkbook(_(
                "Trang “%(sheet)s” khai báo vùng dữ liệu %(ref)s (%(rows)s dòng × %(columns)s cột), vượt giới hạn "
                "%(max_rows)s dòng và %(max_columns)s cột mỗi trang. Hãy xoá các dòng, cột thừa (hoặc chia thành "
                "nhiều tệp) rồi lưu lại.") % {
                "sheet": self.sheet.name, "ref": ref, "rows": _n(rows), "columns": _n(columns),
                "max_rows": _n(self.max_rows), "max_columns": _n(self.max_columns)}, self.sheet.name)

    def occupy(self, row: int, column: int, *, rows: int = 1, columns: int = 1) -> None:
        """Cells from (``row``, ``column``) (1-based) spanning ``rows`` × ``columns`` hold something."""
        last_row, last_column = row + rows - 1, column + columns - 1
        if last_row > self.max_rows or last_column > self.max_columns:
            raise UnsafeWorkbook(_(
                "Trang “%(sheet)s” có dữ liệu ở ô %(cell)s (dòng %(row)s, cột %(column)s), vượt giới hạn "
                "%(max_rows)s dòng và %(max_columns)s cột mỗi trang. Hãy xoá dữ liệu thừa ở xa vùng bảng "
                "(hoặc chia thành nhiều tệp) rồi lưu lại.") % {
                "sheet": self.sheet.name, "cell": f"{column_letter(last_column - 1)}{last_row}",
                "row": _n(last_row), "column": _n(last_column),
                "max_rows": _n(self.max_rows), "max_columns": _n(self.max_columns)}, self.sheet.name)
        self.sheet.rows = max(self.sheet.rows, last_row)
        self.sheet.columns = max(self.sheet.columns, last_column)


# The container of Excel 97–2003 .xls files (a Compound File).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
