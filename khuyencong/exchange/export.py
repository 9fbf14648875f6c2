"""Register exports: the records a user may see, in the template layout, so an edited export imports back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.utils import translation
from xlsxwriter.worksheet import Worksheet

from khuyencong.accounts.models import User
from khuyencong.exchange.layout import Formats, data_sheet
from khuyencong.exchange.spec import Column, Kind, Register
from khuyencong.geo.models import AdministrativeUnit

Cell = Callable[[Worksheet, int, int, Any], None]


def _cell_writer(column: Column, formats: Formats) -> Cell:
    """How one column's values are written (the inverse of the import readers), decided once per sheet."""
    labels: dict[str, str] = {}
    if column.kind is Kind.CHOICE:
        with translation.override("vi"):
            labels = {code: str(label) for code, label in column.choice_list()}

    def write(sheet: Worksheet, r: int, c: int, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, AdministrativeUnit):
            # Code and name: codes were reused in 2025, the name says which version is meant.
            sheet.write_string(r, c, f"{value.code} - {value.name}")
        elif column.kind is Kind.CHOICE:
            sheet.write_string(r, c, labels.get(value, str(value)))
        elif isinstance(value, bool):
            sheet.write_string(r, c, "Có" if value else "Không")
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(r, c, value.replace(tzinfo=None), formats.date)
        elif isinstance(value, dt.date):
            sheet.write_datetime(r, c, value, formats.date)
        elif isinstance(value, int | float | Decimal) and column.kind is not Kind.TEXT:
            sheet.write_number(r, c, float(value))
        else:
            sheet.write_string(r, c, str(value))  # write_string: never a formula, whatever the text

    return write


def write_register(register: Register, actor: User, fileobj: IO[bytes] | str) -> int:
    """Write every record ``actor`` may see in the template layout; returns the number of rows.

    ``constant_memory`` makes xlsxwriter flush each row to a temporary file, so memory stays flat
    however many rows there are.
    """
    book = xlsxwriter.Workbook(fileobj, {"constant_memory": True})
    formats = Formats(book)
    count = 0
    for spec in register.sheets:
        sheet = data_sheet(book, spec, formats, None)
        writers = [_cell_writer(column, formats) for column in spec.columns]
        rows: Iterable[Sequence[Any]] = register.export_rows(spec, actor=actor)
        for r, values in enumerate(rows, start=1):
            for c, (write, value) in enumerate(zip(writers, values, strict=True)):
                write(sheet, r, c, value)
            count += 1
    book.close()
    return count
