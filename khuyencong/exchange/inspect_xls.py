"""Inspecting an .xls file (a Compound File of BIFF records) record by record for the same facts as
:mod:`inspect_zip` reads of a ZIP workbook."""

from __future__ import annotations

import struct
from collections.abc import Iterator

from khuyencong.exchange.workbook import (
    NotASpreadsheet,
    SheetExtent,
    UnsafeWorkbook,
    _damaged,
    _Extent,
    column_letter,
)

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


