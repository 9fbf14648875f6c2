"""Reading a workbook with python-calamine, and finding what it cannot tell us on its own.

calamine returns cached values and does not say whether a cell held a formula, so formulas are
found by scanning the sheet XML for ``<f>`` elements. Merged cells come from calamine's merged ranges.

A workbook is inspected before calamine sees it, because calamine allocates the whole used area of a
sheet (rows × columns, about 32 bytes a cell) at once and aborts the process when that fails: a
1.6 KB file with cells at A1 and XFD1048576 would ask for hundreds of GiB. :func:`inspect_workbook`
checks the ZIP directory (number of parts, unpacked sizes, compression ratio), then reads every part
once, in chunks, through a streaming XML parser (constant memory, CRC-checked by ``zipfile``), taking
each sheet's declared dimension and the cells it really holds, and the formula cells on the way.
Anything beyond the limits is refused with an :class:`UnsafeWorkbook` naming the sheet, size and reason.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

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


# --- Inspection before reading ---------------------------------------------------------------------

def _local(name: str) -> str:
    """The element or attribute name without its namespace (the parser joins them with "}")."""
    return name.rpartition("}")[2]


def _refuse_doctype(*_args: Any) -> None:
    # Spreadsheet parts never declare a DTD; refusing it rules out entity-expansion bombs.
    raise UnsafeWorkbook(_("Tệp chứa khai báo DOCTYPE trong XML, điều không có trong bảng tính thật: "
                           "không đọc tệp này. Hãy mở tệp bằng Excel và lưu lại thành .xlsx."))


def _damaged(part: str, reason: object) -> UnsafeWorkbook:
    return UnsafeWorkbook(_("Tệp bị hỏng: không đọc được thành phần “%(part)s” (%(reason)s). "
                            "Hãy mở tệp bằng Excel và lưu lại thành .xlsx.") % {"part": part, "reason": reason})


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks; ``zipfile`` stops at the declared size and checks the CRC."""
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as error:
        raise _damaged(info.filename, error) from error


def _parse_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, start: Callable[[str, dict[str, str]], None],
               end: Callable[[str], None] | None = None) -> None:
    """Feed the part to a streaming (expat) parser: memory stays constant whatever the part's size."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        for chunk in _stream(archive, info):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _damaged(info.filename, error) from error


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


class _WorksheetScan(_Extent):
    """One SpreadsheetML worksheet: its dimension, the cells holding a value (as calamine counts them:
    ``<v>`` or ``<is>``; ``<f>`` too, to err on the safe side) and the formula cells."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.row = self.column = 0  # 1-based position of the current row / cell
        self.cell: tuple[int, int] | None = None
        self.counted = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            self._open_cell(attrs.get("r"))
        elif local in ("v", "is", "f") and self.cell is not None:
            if not self.counted:
                self.occupy(*self.cell)
                self.counted = True
            if local == "f":
                self.sheet.formula_cells.add((self.cell[0] - 1, self.cell[1] - 1))
        elif local == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
        elif local == "dimension":
            self.declared(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        if _local(name) == "c":
            self.cell = None

    def _open_cell(self, ref: str | None) -> None:
        if ref:
            match = _CELL_REF.match(ref)
            if not match:
                raise UnsafeWorkbook(_("Trang “%(sheet)s” có ô mang địa chỉ không hợp lệ “%(ref)s”: tệp bị hỏng. "
                                       "Hãy mở tệp bằng Excel và lưu lại.") % {"sheet": self.sheet.name,
                                                                               "ref": ref[:20]}, self.sheet.name)
            self.row, self.column = int(match[2]), _column_index(match[1]) + 1
        else:
            self.column += 1
        self.cell, self.counted = (self.row, self.column), False


class _OdsScan:
    """OpenDocument ``content.xml``: every table's extent, repeated rows and cells counted as calamine
    expands them (only where they hold something: trailing blank repeats are how LibreOffice pads)."""

    def __init__(self) -> None:
        self.sheets: list[SheetExtent] = []
        self.table: _Extent | None = None
        self.row = 0  # rows before the current one
        self.row_repeat, self.column = 1, 0
        self.row_used = False
        self.cell: tuple[int, int] | None = None  # (first column, repeat) of the open cell

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if self.table is None:
            if local == "table":
                given = {_local(k): v for k, v in attrs.items()}
                self.table, self.row = _Extent(given.get("name", "")), 0
            return
        if local in ("table-cell", "covered-table-cell"):
            given = {_local(k): v for k, v in attrs.items()}
            repeat = _repeat(given.get("number-columns-repeated"))
            self.cell = (self.column + 1, repeat)
            self.column += repeat
            if "value-type" in given:
                self._use_cell()
        elif local == "p" and self.cell is not None:
            self._use_cell()
        elif local == "table-row":
            given = {_local(k): v for k, v in attrs.items()}
            self.row_repeat, self.column, self.row_used = _repeat(given.get("number-rows-repeated")), 0, False

    def end(self, name: str) -> None:
        local = _local(name)
        if self.table is None:
            return
        if local in ("table-cell", "covered-table-cell"):
            self.cell = None
        elif local == "table-row":
            self.row += self.row_repeat
        elif local == "table":
            self.sheets.append(self.table.sheet)
            self.table = None

    def _use_cell(self) -> None:
        if self.table is not None and self.cell is not None:
            self.table.occupy(self.row + 1, self.cell[0], rows=self.row_repeat, columns=self.cell[1])
            self.cell = None  # counted once


def _repeat(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def _check_directory(archive: zipfile.ZipFile, sheet_of: dict[str, str]) -> None:
    """Number of parts, each part's unpacked size and compression ratio, and their total: from the
    ZIP's directory, before anything is unpacked (and ``zipfile`` holds every part to its size)."""
    infos = archive.infolist()
    if len(infos) > limit("MAX_PARTS"):
        raise UnsafeWorkbook(_("Tệp gồm %(count)s thành phần bên trong, vượt giới hạn %(limit)s: "
                               "không giống một bảng tính thông thường.") % {
            "count": _n(len(infos)), "limit": _n(limit("MAX_PARTS"))})
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise UnsafeWorkbook(_("Tệp có hai thành phần trùng tên bên trong: tệp bị hỏng hoặc bị sửa. "
                               "Hãy mở tệp bằng Excel và lưu lại thành .xlsx."))
    max_part, max_ratio, floor = limit("MAX_PART_BYTES"), limit("MAX_COMPRESSION_RATIO"), limit("RATIO_FLOOR_BYTES")
    total = 0
    for info in infos:
        sheet = sheet_of.get(info.filename, "")
        what = (_("trang “%(sheet)s” (%(part)s)") % {"sheet": sheet, "part": info.filename} if sheet
                else _("thành phần “%(part)s”") % {"part": info.filename})
        if info.file_size > floor and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeWorkbook(_(
                "Tệp nén bất thường (có thể là “bom nén”): %(what)s giải nén từ %(packed)s KB thành %(size)s MB, "
                "tỉ lệ %(ratio)s:1, vượt tỉ lệ cho phép %(limit)s:1. Hãy mở tệp bằng Excel và lưu lại.") % {
                "what": what, "packed": _n(info.compress_size / 1024), "size": _mb(info.file_size),
                "ratio": _n(info.file_size / max(info.compress_size, 1)), "limit": _n(max_ratio)}, sheet)
        if info.file_size > max_part:
            raise UnsafeWorkbook(_("Tệp quá lớn khi giải nén: %(what)s chiếm %(size)s MB, vượt giới hạn %(limit)s MB "
                                   "cho một thành phần. Hãy chia thành nhiều tệp.") % {
                "what": what, "size": _mb(info.file_size), "limit": _mb(max_part)}, sheet)
        total += info.file_size
    if total > limit("MAX_UNPACKED_BYTES"):
        raise UnsafeWorkbook(_("Tệp quá lớn khi giải nén: %(size)s MB, vượt giới hạn %(limit)s MB. "
                               "Hãy chia thành nhiều tệp.") % {
            "size": _mb(total), "limit": _mb(limit("MAX_UNPACKED_BYTES"))})


def _small_part(archive: zipfile.ZipFile, name: str, start: Callable[[str, dict[str, str]], None]) -> None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return
    if info.file_size > limit("MAX_PART_BYTES"):  # checked before the directory check names sheets
        _check_directory(archive, {})
    _parse_xml(archive, info, start)


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{part path: sheet name} from ``xl/workbook.xml`` and its relationships (streamed too)."""
    sheets: list[tuple[str, str]] = []
    targets: dict[str, str] = {}

    def on_sheet(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            rel_id = next((v for k, v in attrs.items() if _local(k) == "id" and "}" in k), "")
            sheets.append((attrs.get("name", ""), rel_id))

    def on_relationship(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _small_part(archive, "xl/workbook.xml", on_sheet)
    _small_part(archive, "xl/_rels/workbook.xml.rels", on_relationship)
    parts = {}
    for name, rel_id in sheets:
        target = targets.get(rel_id)
        if target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            parts[path] = name
    return parts


def _inspect_xlsx(archive: zipfile.ZipFile) -> dict[str, SheetExtent]:
    sheet_of = _xlsx_sheet_parts(archive)
    _check_directory(archive, sheet_of)
    extents = {}
    for info in archive.infolist():
        name = sheet_of.get(info.filename)
        if name is None:
            for _chunk in _stream(archive, info):  # unpacked once so that a lying size or CRC shows
                pass
            continue
        scan = _WorksheetScan(name)
        _parse_xml(archive, info, scan.start, scan.end)
        extents[name] = scan.sheet
    return extents


def _inspect_ods(archive: zipfile.ZipFile) -> dict[str, SheetExtent]:
    _check_directory(archive, {})
    scan = _OdsScan()
    for info in archive.infolist():
        if info.filename == "content.xml":
            _parse_xml(archive, info, scan.start, scan.end)
        else:
            for _chunk in _stream(archive, info):
                pass
    return {sheet.name: sheet for sheet in scan.sheets}


def _check_cells(extents: list[SheetExtent]) -> None:
    total, most = sum(s.cells for s in extents), limit("MAX_CELLS")
    if total > most:
        widest = max(extents, key=lambda s: s.cells)
        raise UnsafeWorkbook(_(
            "Tệp có tổng cộng %(cells)s ô dữ liệu (số dòng × số cột của vùng dữ liệu mỗi trang; trang “%(sheet)s”: "
            "%(rows)s dòng × %(columns)s cột), vượt giới hạn %(limit)s ô. Hãy xoá các cột, dòng thừa hoặc chia "
            "thành nhiều tệp.") % {"cells": _n(total), "sheet": widest.name, "rows": _n(widest.rows),
                                    "columns": _n(widest.columns), "limit": _n(most)}, widest.name)


def inspect_workbook(data: bytes) -> dict[str, SheetExtent] | None:
    """{sheet name: extent} of an .xlsx/.ods file, checked against the limits without reading it whole;
    None for formats only calamine reads (.xls: its grid is at most 65,536 × 256 by design, and the
    read is bounded by :func:`read_workbook` before any Python row is built).

    Raises :class:`UnsafeWorkbook` (why, in Vietnamese) or :class:`NotASpreadsheet`.
    """
    if not data.startswith(b"PK"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NotASpreadsheet(str(error)) from error
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            extents = _inspect_xlsx(archive)
        elif "content.xml" in names and "mimetype" in names:
            extents = _inspect_ods(archive)
        elif "xl/workbook.bin" in names:
            raise UnsafeWorkbook(_("Tệp Excel nhị phân (.xlsb) không được nhận: hãy mở bằng Excel và lưu lại "
                                   "thành .xlsx."))
        else:
            raise NotASpreadsheet("no workbook part")
    _check_cells(list(extents.values()))
    return extents


# --- Reading ---------------------------------------------------------------------------------------

def _check_loaded(name: str, sheet: Any, seen: list[SheetExtent]) -> None:
    """The sheet calamine loaded, before it becomes Python rows (the only bound for .xls files)."""
    end = sheet.end or (-1, -1)
    extent = _Extent(name)
    if end[0] >= 0:
        extent.occupy(end[0] + 1, end[1] + 1)
    seen.append(extent.sheet)
    _check_cells(seen)


def read_workbook(data: bytes) -> dict[str, SheetData]:
    """Every sheet of the workbook as rows of Python values, with merged ranges and formula cells.

    Raises :class:`UnsafeWorkbook` for a file beyond the limits, :class:`NotASpreadsheet` otherwise.
    """
    extents = inspect_workbook(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except _CALAMINE_ERRORS as error:
        raise NotASpreadsheet(str(error)) from error
    sheets = {}
    loaded: list[SheetExtent] = []
    try:
        for name in workbook.sheet_names:
            if extents is not None and name not in extents:  # a sheet the inspection did not see: not read
                raise UnsafeWorkbook(_("Không kiểm tra được trang “%(sheet)s” của tệp: tệp bị hỏng hoặc bị sửa. "
                                       "Hãy mở tệp bằng Excel và lưu lại thành .xlsx.") % {"sheet": name}, name)
            sheet = workbook.get_sheet_by_name(name)
            _check_loaded(name, sheet, loaded)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [tuple(r) for r in (sheet.merged_cell_ranges or [])]
            formulas = extents[name].formula_cells if extents is not None else set()
            sheets[name] = SheetData(name, [list(r) for r in rows], merged, formulas)  # type: ignore[arg-type]
    except _CALAMINE_ERRORS as error:
        if isinstance(error, UnsafeWorkbook):
            raise
        raise NotASpreadsheet(str(error)) from error
    return sheets


def data_rows(data: bytes) -> int | None:
    """Rows below the header in all sheets, from the inspection alone; None when only reading tells."""
    extents = inspect_workbook(data)
    if extents is None:
        return None
    return sum(max(s.rows - 1, 0) for s in extents.values())
