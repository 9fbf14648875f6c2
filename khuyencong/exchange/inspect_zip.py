"""Inspecting an .xlsx or .ods file before reading it: the ZIP directory (parts, unpacked sizes,
compression ratio), then every part streamed once through expat for each sheet's declared and real extent
and its formula cells, in constant memory."""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _

from khuyencong.exchange.workbook import (
    _CELL_REF,
    _CHUNK,
    SheetExtent,
    UnsafeWorkbook,
    _column_index,
    _damaged,
    _Extent,
    _mb,
    _n,
    limit,
)

# --- Inspection before reading ---------------------------------------------------------------------

def _local(name: str) -> str:
    """The element or attribute name without its namespace (the parser joins them with "}")."""
    return name.rpartition("}")[2]


def _refuse_doctype(*_args: Any) -> None:
    # Spreadsheet parts never declare a DTD; refusing it rules out entity-expansion bombs.
    raise UnsafeWorkbook(_("Tệp chứa khai báo DOCTYPE trong XML, điều không có trong bảng tính thật: "
                           "không đọc tệp này. Hãy mở tệp bằng Excel và lưu lại thành .xlsx."))



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


class _WorksheetScan(_Extent):
    """One SpreadsheetML worksheet: its dimension, the cells holding a value (as calamine counts them:
    ``<v>`` or ``<is>``; ``<f>`` too, to err on the safe side) and the formula cells."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.row = self.column = 0  # 1-based position of the current row / cell
        self.cell: tuple[int, int] | None = None
        self.counted = False
        self.locals: dict[str, str] = {}  # element name → its local name
        self.columns_of: dict[str, int] = {}  # column letters already met → 1-based index

    def start(self, name: str, attrs: dict[str, str]) -> None:
        # Called for every element of the sheet (two or three per cell): element names are resolved once
        # each (they repeat), not split for every element.
        local = self.locals.get(name)
        if local is None:
            local = self.locals[name] = _local(name)
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
            self.column, self.cell = 0, None
        elif local == "dimension":
            self.declared(attrs.get("ref", ""))

    def _open_cell(self, ref: str | None) -> None:
        if ref:
            letters = ref.rstrip("0123456789")
            column = self.columns_of.get(letters)
            digits = ref[len(letters):]
            if column is None or not digits or len(digits) > 9 or not digits.isdigit():
                match = _CELL_REF.match(ref)
                if not match:
                    raise UnsafeWorkbook(_("Trang “%(sheet)s” có ô mang địa chỉ không hợp lệ “%(ref)s”: tệp bị hỏng. "
                                           "Hãy mở tệp bằng Excel và lưu lại.") % {"sheet": self.sheet.name,
                                                                                   "ref": ref[:20]}, self.sheet.name)
                column = self.columns_of[letters] = _column_index(match[1]) + 1
            self.row, self.column = int(digits), column
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
        # No end-of-element handler: a value element is only ever inside its cell, so the open cell is
        # the next cell's or row's to replace (one callback per element fewer; a stray value after an
        # empty cell would count that cell, which errs on the safe side).
        _parse_xml(archive, info, scan.start)
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
