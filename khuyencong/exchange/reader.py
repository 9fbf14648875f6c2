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
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from khuyencong.exchange.inspect_xls import _inspect_xls
from khuyencong.exchange.inspect_zip import _inspect_ods, _inspect_xlsx
from khuyencong.exchange.workbook import (
    _CALAMINE_ERRORS,
    _OLE2,
    MAX_PART_BYTES,
    NotASpreadsheet,
    SheetData,
    SheetExtent,
    UnsafeWorkbook,
    _Extent,
    _n,
    column_letter,
    limit,
)

__all__ = [
    "MAX_PART_BYTES",
    "NotASpreadsheet",
    "SheetData",
    "SheetExtent",
    "UnsafeWorkbook",
    "column_letter",
    "data_rows",
    "inspect_workbook",
    "limit",
    "read_workbook",
]


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
