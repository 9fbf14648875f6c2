"""Building small workbooks in tests."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import xlsxwriter


def workbook_bytes(sheets: Mapping[str, Sequence[Sequence[Any]]], *, formulas: Mapping[str, str] | None = None,
                   merge: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx with one sheet per key; ``formulas``/``merge`` map a sheet to a cell ("B2") / a range ("A2:B2")."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if hasattr(value, "year"):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
        if formulas and name in formulas:
            sheet.write_formula(formulas[name], "=1+1", None, 2)
        if merge and name in merge:
            sheet.merge_range(merge[name], "gộp")
    book.close()
    return buffer.getvalue()
