"""Row helpers shared by the registers: problems on a row, change detection, units.

A register's ``import_rows`` writes each row through a service; what the service refuses becomes
problems on that row (:func:`report`), each under its column when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar

from django.db import models
from django.db.models import Model

from khuyencong.core.errors import SERVICE_ERRORS, problems
from khuyencong.core.text import normalize
from khuyencong.exchange.normalise import CellError, UnitDirectory
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.geo.models import AdministrativeUnit


def labelled(choices: type[models.TextChoices]) -> Callable[[], list[tuple[str, str]]]:
    """(code, label) pairs of a choices class, labels translated when the list is read (template, import)."""
    return lambda: [(code, str(label)) for code, label in choices.choices]


class RowProblem(Exception):
    """A row that cannot be written, with the column to blame (``None``: the whole row)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# What writing a row may raise and is reported on that row: the register's own refusal or a service's.
ROW_ERRORS: tuple[type[Exception], ...] = (RowProblem, *SERVICE_ERRORS)


def placed(sheet: SheetSpec, exc: Exception,
           field_map: Mapping[str, str] | None = None) -> list[tuple[str | None, str]]:
    """What a register or a service refused, as (column field, message) pairs: each message under its
    column when the sheet has one (model fields renamed through ``field_map``), else on the whole row."""
    fields = {c.field for c in sheet.columns}

    def column_of(name: str | None) -> str | None:
        name = (field_map or {}).get(name or "", name)
        return name if name in fields else None

    if isinstance(exc, RowProblem):
        return [(column_of(exc.field), exc.message)]
    return [(column_of(name), message) for name, messages in problems(exc).items() for message in messages]


def report(ctx: ImportContext, sheet: SheetSpec, row: Row, exc: Exception,
           field_map: Mapping[str, str] | None = None) -> None:
    """Turn what a service raised into problems on ``row``, each on its column when there is one."""
    for column, message in placed(sheet, exc, field_map):
        ctx.problem(sheet, row, column, message)


def differs(record: Model, data: Mapping[str, Any]) -> bool:
    """Would writing ``data`` change ``record``? Foreign keys compare by id, so nothing is fetched."""
    for name, value in data.items():
        field = record._meta.get_field(name)
        if field.many_to_one:
            current = getattr(record, f"{name}_id")
            if current != (value.pk if value is not None else None):
                return True
        elif getattr(record, name) != value:
            return True
    return False


_Record = TypeVar("_Record", bound=Model)


def saved(existing: _Record | None, data: Mapping[str, Any], create: Callable[[], object],
          update: Callable[[_Record], object]) -> str:
    """Write one row's ``data``: ``create`` when nothing is recorded, ``update`` the record when the row
    changes it; the outcome for :func:`run_rows` ("created", "updated" or "unchanged")."""
    if existing is None:
        create()
        return "created"
    if not differs(existing, data):
        return "unchanged"
    update(existing)
    return "updated"


def text(value: Any) -> str:
    return normalize(value or "") if isinstance(value, str) or value is None else normalize(str(value))


def only_match(candidates: models.QuerySet[_Record], field: str, ambiguity: str) -> _Record | None:
    """The one record ``candidates`` holds, or None; a row problem on ``field`` saying ``ambiguity`` when
    there are several (the row cannot say which one it means)."""
    found = list(candidates[:2])
    if len(found) > 1:
        raise RowProblem(field, ambiguity)
    return found[0] if found else None


def refuse_repeat(seen: dict[Any, int], key: Any, row: Row, field: str) -> None:
    """Refuse (on ``field``) a row whose identifying ``key`` an earlier row of the sheet already gave;
    otherwise remember this row's number for the key."""
    if key in seen:
        raise RowProblem(field, f"Dòng này trùng khóa nhận diện với dòng {seen[key]} trong cùng trang; "
                                "mỗi bản ghi chỉ ghi một dòng.")
    seen[key] = row.number


def run_rows(sheet: SheetSpec, rows: Iterable[Row], ctx: ImportContext,
             write: Callable[[Row], str], field_map: Mapping[str, str] | None = None) -> None:
    """Call ``write`` for each row (it returns "created", "updated" or "unchanged"), reporting failures."""
    outcome = ctx.outcome(sheet)
    for row in rows:
        try:
            result = write(row)
        except ROW_ERRORS as exc:
            report(ctx, sheet, row, exc, field_map)
            continue
        setattr(outcome, result, getattr(outcome, result) + 1)


LEVELS = ("commune", "district", "province")


def find_unit(units: UnitDirectory, written: Any, *, on: dt.date | None, field: str,
              levels: Sequence[str] = LEVELS) -> AdministrativeUnit | None:
    """A unit of any of ``levels`` by code or name, in force on ``on`` (the first level that has it)."""
    written = text(written)
    if not written:
        return None
    messages = []
    for level in levels:
        try:
            return units.resolve(written, level=level, on=on)
        except CellError as exc:
            messages.append(str(exc))
    ambiguous = [m for m in messages if not m.startswith("Không tìm thấy")]
    raise RowProblem(field, ambiguous[0] if ambiguous else messages[0])


def unit_cell(unit: AdministrativeUnit | None) -> str:
    """Code and name: codes were reused in 2025, the name tells the import which version is meant."""
    return f"{unit.code} - {unit.name}" if unit is not None else ""


class UnitReferences:
    """The administrative units an import's rows name, read through one directory for the whole import
    (a register's references extend it; ``unit_levels``: the levels a cell may name by default)."""

    unit_levels: Sequence[str] = LEVELS

    @cached_property
    def units(self) -> UnitDirectory:
        return UnitDirectory()

    def unit(self, written: Any, *, on: Any, field: str,
             levels: Sequence[str] | None = None) -> AdministrativeUnit | None:
        if not text(written):
            return None
        return find_unit(self.units, written, on=on if isinstance(on, dt.date) else None, field=field,
                         levels=levels or self.unit_levels)
