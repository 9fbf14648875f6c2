"""Reading a workbook with python-calamine, and finding what it cannot tell us on its own.

calamine returns cached values and does not say whether a cell held a formula, so formulas are
found by scanning the sheet XML for ``<f>`` elements. Merged cells come from calamine's merged ranges.

A workbook is inspected before calamine sees it, because calamine allocates the whole used area of a
sheet (rows × columns, about 32 bytes a cell) at once and aborts the process when that fails: a
1.6 KB file with cells at A1 and XFD1048576 would ask for hundreds of GiB. :func:`inspect_workbook`
checks the ZIP directory (number of parts, unpacked sizes, compression ratio), then reads every part
once, in chunks, through a streaming XML parser (constant memory, CRC-checked by ``zipfile``), taking
each sheet's declared dimension and the cells it really holds, and the formula cells on the way.
An .xls file (a Compound File of BIFF records) is walked record by record for the same facts.
Anything beyond the limits is refused with an :class:`UnsafeWorkbook` naming the sheet, size and reason.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
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


# .xls: a Compound File (OLE2) holding the "Workbook" stream of BIFF8 records (or "Book", BIFF5).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LAST_SECTOR = 0xFFFFFFFA  # ids at or above this are markers (end of chain, free, FAT sector)
# Records that put a value in a cell, each opening with (row, column); MULRK spans columns.
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6}
_BIFF_FORMULA, _BIFF_MULRK, _BIFF_DIMENSIONS = 0x0006, 0x00BD, 0x0200
_BIFF_BOF, _BIFF_EOF, _BIFF_BOUNDSHEET = 0x0809, 0x000A, 0x0085


def _xls_damaged(reason: str) -> UnsafeWorkbook:
    return _damaged("Workbook (.xls)", reason)


class _CompoundFile:
    """Just enough of [MS-CFB] to find one stream: sector chains read with loop and bounds checks."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise _xls_damaged("header")
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise _xls_damaged("sector size")
        self.data, self.size = data, 1 << shift
        (fat_count, self.directory_start, _txn, self.cutoff, self.minifat_start, _minifat_count,
         difat_start, difat_count) = struct.unpack_from("<IIIIIIII", data, 44)
        difat = list(struct.unpack_from("<109I", data, 76))
        sector, per_sector = difat_start, self.size // 4
        for _step in range(min(difat_count, len(data) // self.size)):
            if sector >= _LAST_SECTOR:
                break
            entries = self._ids(sector)
            difat += entries[:-1]
            sector = entries[-1]
        self.fat: list[int] = []
        for sector in difat[:fat_count]:
            if sector >= _LAST_SECTOR:
                break
            self.fat += self._ids(sector)
        self.per_sector = per_sector

    def _offset(self, sector: int) -> int:
        offset = (sector + 1) * self.size
        if offset + self.size > len(self.data) + self.size:  # the last sector may be short
            raise _xls_damaged("sector beyond the file")
        return offset

    def _ids(self, sector: int) -> list[int]:
        offset = self._offset(sector)
        chunk = self.data[offset:offset + self.size].ljust(self.size, b"\0")
        return list(struct.unpack(f"<{self.size // 4}I", chunk))

    def _chain(self, start: int, table: list[int]) -> Iterator[int]:
        sector, seen = start, 0
        while sector < _LAST_SECTOR:
            if sector >= len(table) or seen > len(table):
                raise _xls_damaged("sector chain")
            yield sector
            seen += 1
            sector = table[sector]

    def _read(self, start: int) -> bytes:
        return b"".join(self.data[(s + 1) * self.size:(s + 2) * self.size] for s in self._chain(start, self.fat))

    def stream(self, names: tuple[str, ...]) -> tuple[str, bytes] | None:
        directory = self._read(self.directory_start)
        entries = []
        for offset in range(0, len(directory) - 127, 128):
            length = min(struct.unpack_from("<H", directory, offset + 64)[0], 64)
            name = directory[offset:offset + max(length - 2, 0)].decode("utf-16-le", "replace")
            kind = directory[offset + 66]
            start, size = struct.unpack_from("<II", directory, offset + 116)
            entries.append((name, kind, start, size))
        if not entries:
            raise _xls_damaged("directory")
        for wanted in names:
            for name, kind, start, size in entries:
                if kind == 2 and name == wanted:
                    if size >= self.cutoff:
                        return name, self._read(start)[:size]
                    mini_stream = self._read(entries[0][2])
                    minifat = [i for s in self._chain(self.minifat_start, self.fat) for i in self._ids(s)]
                    return name, b"".join(mini_stream[s * 64:(s + 1) * 64] for s in self._chain(start, minifat))[:size]
        return None


class _BiffScan:
    """The records of a Workbook stream: sheet names (BOUNDSHEET), then each sheet's cells."""

    def __init__(self, stream: bytes, biff5: bool) -> None:
        self.stream, self.biff5 = stream, biff5
        self.names: dict[int, str] = {}  # BOF offset → sheet name
        self.extents: dict[str, SheetExtent] = {}
        self.current: _Extent | None = None

    def run(self) -> dict[str, SheetExtent]:
        position = 0
        while position + 4 <= len(self.stream):
            kind, length = struct.unpack_from("<HH", self.stream, position)
            self.record(kind, position, position + 4, length)
            position += 4 + length
        return self.extents

    def record(self, kind: int, position: int, body: int, length: int) -> None:
        if kind == _BIFF_BOUNDSHEET:
            self.names[struct.unpack_from("<I", self.stream, body)[0]] = self._sheet_name(body)
        elif kind == _BIFF_BOF:
            self.current = _Extent(self.names[position]) if position in self.names else None
        elif self.current is not None:
            self._sheet_record(self.current, kind, body, length)

    def _sheet_name(self, body: int) -> str:
        count, flags = self.stream[body + 6], self.stream[body + 7]
        if self.biff5:  # 8-bit characters, no flags byte
            return self.stream[body + 7:body + 7 + count].decode("cp1252", "replace")
        if flags & 1:
            return self.stream[body + 8:body + 8 + 2 * count].decode("utf-16-le", "replace")
        return self.stream[body + 8:body + 8 + count].decode("latin-1")

    def _sheet_record(self, sheet: _Extent, kind: int, body: int, length: int) -> None:
        if kind == _BIFF_EOF:
            self.extents[sheet.sheet.name] = sheet.sheet
            self.current = None
        elif kind in _BIFF_CELLS:
            row, column = struct.unpack_from("<HH", self.stream, body)
            sheet.occupy(row + 1, column + 1)
            if kind == _BIFF_FORMULA:
                sheet.sheet.formula_cells.add((row, column))
        elif kind == _BIFF_MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", self.stream, body)
            last = struct.unpack_from("<H", self.stream, body + length - 2)[0]
            sheet.occupy(row + 1, first + 1, columns=max(last - first + 1, 1))
        elif kind == _BIFF_DIMENSIONS and length >= 12 and not self.biff5:
            rows = struct.unpack_from("<I", self.stream, body + 4)[0]
            columns = struct.unpack_from("<H", self.stream, body + 10)[0]
            if rows and columns:
                sheet.declared(f"A1:{column_letter(columns - 1)}{rows}")


def _inspect_xls(data: bytes) -> dict[str, SheetExtent]:
    """Every worksheet's extent and formula cells from the BIFF records, before calamine allocates."""
    try:
        found = _CompoundFile(data).stream(("Workbook", "Book"))
        if found is None:
            raise NotASpreadsheet("no Workbook stream")
        return _BiffScan(found[1], biff5=found[0] == "Book").run()
    except (struct.error, IndexError) as error:
        raise _xls_damaged(str(error)) from error


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
    """{sheet name: extent} of an .xlsx/.ods/.xls file, checked against the limits without reading it
    whole; None for what is none of them (calamine will say it cannot read it). Whatever calamine
    loads is measured again by :func:`read_workbook` before any Python row is built.

    Raises :class:`UnsafeWorkbook` (why, in Vietnamese) or :class:`NotASpreadsheet`.
    """
    if data.startswith(_OLE2):
        extents = _inspect_xls(data)
        _check_cells(list(extents.values()))
        return extents
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


def _same_order(extents: dict[str, SheetExtent], names: list[str]) -> bool:
    """An .xls names its sheets in its code page, which calamine may decode differently: then the
    sheets are matched by position (the BOUNDSHEET order both follow)."""
    return len(extents) == len(names)


def _extent_of(extents: dict[str, SheetExtent], names: list[str], name: str) -> SheetExtent:
    return extents.get(name) or list(extents.values())[names.index(name)]


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
            if extents is not None and name not in extents and not _same_order(extents, workbook.sheet_names):
                raise UnsafeWorkbook(_("Không kiểm tra được trang “%(sheet)s” của tệp: tệp bị hỏng hoặc bị sửa. "
                                       "Hãy mở tệp bằng Excel và lưu lại thành .xlsx.") % {"sheet": name}, name)
            sheet = workbook.get_sheet_by_name(name)
            _check_loaded(name, sheet, loaded)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [tuple(r) for r in (sheet.merged_cell_ranges or [])]
            formulas = _extent_of(extents, workbook.sheet_names, name).formula_cells if extents is not None else set()
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
