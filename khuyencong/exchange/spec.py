"""What an exchange workbook looks like: registers, their sheets and columns.

A *register* (establishments, schemes, courses…) is one workbook: one sheet per kind of record, in
dependency order (a scheme's disbursements come after the scheme). Each column says how a cell is
read (its :class:`Kind`), whether it is required, and which columns form the record's natural key,
so that re-importing a file updates records instead of duplicating them. The same description
drives the template, the import, the register export and ``docs/import-formats.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from khuyencong.accounts.models import User


class Kind(StrEnum):
    TEXT = "text"          # NFC-normalised, whitespace collapsed; "" when empty
    INTEGER = "integer"    # whole number; Vietnamese separators "1.234.567" accepted
    MONEY = "money"        # whole VND; "24.700.000.000" accepted, "24,7 tỷ" refused
    DECIMAL = "decimal"    # decimal.Decimal; "4,5" or "4.5"
    DATE = "date"          # dd/mm/yyyy, yyyy-mm-dd or an Excel date/serial → datetime.date
    BOOLEAN = "boolean"    # Có/Không, x, 1/0, true/false → bool
    CHOICE = "choice"      # code or label of ``choices`` → the code
    UNIT = "unit"          # administrative unit by code or name (before/after 2025) → AdministrativeUnit


@dataclass(frozen=True)
class Column:
    header: str                     # exact Vietnamese header in row 1
    field: str                      # key in the row values handed to the register
    kind: Kind = Kind.TEXT
    required: bool = False
    help: str = ""                  # meaning and format, for the instructions sheet and the docs
    # CHOICE: (code, label) pairs, or a callable returning them (code lists kept in the database).
    choices: Sequence[tuple[str, Any]] | Callable[[], Sequence[tuple[str, Any]]] | None = None
    # UNIT: the level looked up, and the field holding the date the unit must be in force on
    # (e.g. "registered_on"); without it, a code valid on any date is accepted if unambiguous.
    unit_level: str = "commune"
    unit_date_field: str | None = None
    max_length: int | None = None
    example: Any = None             # example row value for the template

    def choice_list(self) -> list[tuple[str, Any]]:
        if self.choices is None:
            return []
        return list(self.choices() if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class SheetSpec:
    name: str                       # sheet name (≤ 31 characters)
    title: str                      # what one row is, for the instructions
    columns: tuple[Column, ...]
    key: tuple[str, ...]            # fields forming the natural key (unique within a file)
    # Personal data (Decree 356/2025): the fields written in full only for whoever may see them (masked
    # otherwise), and the fields that tell one person from another on the sheet. A register with such
    # a sheet keeps its stored import files from roles that may not see full ID numbers, and an export
    # writing any of these fields in full is logged with the number of persons (``export.py``).
    personal: tuple[str, ...] = ()
    person_key: tuple[str, ...] = ()
    # A sheet added to a register already in use: a file made from the older template may leave it out
    # (it then holds no rows) instead of being refused for a sheet it could not have had.
    optional: bool = False

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


@dataclass
class Row:
    """One data row after normalisation: ``number`` is the 1-based row number in the sheet."""

    number: int
    values: dict[str, Any]


@dataclass
class Problem:
    sheet: str
    row: int | None                 # 1-based sheet row; None for a whole-file or whole-sheet problem
    column: str | None              # the column header as written in the template
    message: str                    # Vietnamese, says what is wrong and what to do

    def where(self) -> str:
        parts = [f"Trang “{self.sheet}”"] if self.sheet else []
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột “{self.column}”")
        return ", ".join(parts)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportContext:
    """What a register's ``import_rows`` gets besides the rows.

    Registers report row problems with :meth:`problem` and keep going, so the preview lists every
    problem in the file; the pipeline rolls back the whole import if any problem was reported.
    """

    actor: User
    problems: list[Problem] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    def problem(self, sheet: SheetSpec, row: Row | None, column_field: str | None, message: str) -> None:
        header = sheet.column(column_field).header if column_field else None
        self.problems.append(Problem(sheet.name, row.number if row else None, header, message))

    def outcome(self, sheet: SheetSpec) -> Outcome:
        return self.outcomes.setdefault(sheet.name, Outcome())


def carries_personal_data(register: Register) -> bool:
    return any(sheet.personal for sheet in register.sheets)


class Register(Protocol):
    """One workbook kind. Each domain app implements its own in its ``sheets`` module and calls ``register()``."""

    code: str                       # "establishments", used in URLs and the CLI
    title: str                      # Vietnamese, e.g. "Cơ sở CNNT"

    @property
    def sheets(self) -> tuple[SheetSpec, ...]:
        """The sheets, in import order."""
        ...

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all (the app's own create rule)?"""
        ...

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        """Rows of ``sheet`` for every record ``actor`` may see, one value per column, in column order.

        Values are Python values the template accepts back: str, int, Decimal, date, bool,
        AdministrativeUnit (written as its code), a CHOICE code, or None.
        """
        ...

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        """Create or update the records of ``rows`` (already normalised) by natural key.

        Writes go through the app's services (same validation and permission checks as the forms);
        a row whose values equal the stored record must not write anything (re-import is a no-op).
        """
        ...

    # Optional: ``finish(self, ctx)`` runs once after the last sheet (sheets arrive in chunks of rows,
    # and an empty sheet is not handed over at all).


