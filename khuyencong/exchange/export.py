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
from khuyencong.core import disclosure
from khuyencong.core.streaming import neutralise, shown_in_full
from khuyencong.exchange.layout import Formats, data_sheet
from khuyencong.exchange.spec import Column, Kind, Register, SheetSpec
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
            # write_string: never a formula here; the apostrophe keeps it text once edited or saved
            # as CSV elsewhere (the import takes it off again, ``normalise.read_text``).
            sheet.write_string(r, c, neutralise(str(value)))

    return write


class _Disclosed:
    """The persons whose personal fields (``SheetSpec.personal``) an export wrote in full.

    It looks at the cells as written, not at who should see what: a full number in the file is a
    disclosure whatever rule put it there. A person is told apart by the sheet's ``person_key`` cells,
    the same on every sheet of a register, so someone on two sheets counts once.
    """

    def __init__(self) -> None:
        self.persons: set[tuple[Any, ...]] = set()

    def watcher(self, spec: SheetSpec) -> Callable[[Sequence[Any]], None] | None:
        if not spec.personal:
            return None
        fields = [c.field for c in spec.columns]
        personal = [fields.index(f) for f in spec.personal]
        key = [fields.index(f) for f in spec.person_key]

        def watch(values: Sequence[Any]) -> None:
            if any(shown_in_full(values[i]) for i in personal):
                self.persons.add(tuple(str(values[i]) for i in key))

        return watch


def write_register(register: Register, actor: User, fileobj: IO[bytes] | str) -> int:
    """Write every record ``actor`` may see in the template layout; returns the number of rows.

    ``constant_memory`` makes xlsxwriter flush each row to a temporary file, so memory stays flat
    however many rows there are. Persons whose ID number or phone went into the file in full are
    counted, and the export is a row of the personal-data access log (who, which register, how many).
    """
    book = xlsxwriter.Workbook(fileobj, {"constant_memory": True})
    formats = Formats(book)
    disclosed = _Disclosed()
    count = 0
    for spec in register.sheets:
        sheet = data_sheet(book, spec, formats, None)
        writers = [_cell_writer(column, formats) for column in spec.columns]
        watch = disclosed.watcher(spec)
        rows: Iterable[Sequence[Any]] = register.export_rows(spec, actor=actor)
        for r, values in enumerate(rows, start=1):
            for c, (write, value) in enumerate(zip(writers, values, strict=True)):
                write(sheet, r, c, value)
            if watch:
                watch(values)
            count += 1
    book.close()
    if disclosed.persons:
        disclosure.log(actor=actor, kind=disclosure.Kind.REGISTER_EXPORT, count=len(disclosed.persons),
                       subject=f"Xuất sổ “{register.title}” ({register.code})")
    return count
