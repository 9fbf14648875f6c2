"""What the training sheets share: import state, validators, keys, course and employer lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from khuyencong.core.errors import problems
from khuyencong.core.text import fold, normalize
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.sheets import EstablishmentLookup
from khuyencong.exchange.normalise import UnitDirectory
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.training import policy
from khuyencong.training.models import Course, Person
from khuyencong.training.services import NewPerson, ParticipantBatch

_MODEL_FIELD = {  # model field name → column field, for messages raised by the services
    "course_type": "course_type", "scheme": "scheme", "organising_unit": "organising_unit",
    "venue_unit": "venue_unit", "person": "full_name", "participation": "course", "national_id": "national_id",
}


def _report(ctx: ImportContext, sheet: SheetSpec, row: Row, error: Exception) -> None:
    """Turn a service's refusal (one of ``SERVICE_ERRORS``) into problems on the row, each under its column
    when it has one."""
    columns = {c.field for c in sheet.columns}
    for name, messages in problems(error).items():
        column = _MODEL_FIELD.get(name, name) if name is not None else None
        for message in messages:
            ctx.problem(sheet, row, column if column in columns else None, message)


def _state(ctx: ImportContext) -> _ImportState:
    """What one import remembers across the pipeline's chunks of rows (persons seen, keys used…)."""
    state = ctx.__dict__.get("_training")
    if state is None:
        state = ctx.__dict__["_training"] = _ImportState()
    return state


@dataclass
class _SeenPerson:
    person: Person | NewPerson
    row: int
    values: dict[str, Any]


@dataclass
class _ImportState:
    persons: dict[tuple[Any, ...], _SeenPerson] = field(default_factory=dict)
    participations: dict[tuple[tuple[Any, ...], int], int] = field(default_factory=dict)
    courses: dict[str, Course | None] = field(default_factory=dict)
    follow_ups: dict[tuple[int, dt.date], int] = field(default_factory=dict)
    may_edit_unit: dict[int, bool] = field(default_factory=dict)
    covers_residence: dict[int, bool] = field(default_factory=dict)
    units: UnitDirectory | None = None
    employers: EstablishmentLookup | None = None
    # The participant sheet's writes: new records are written together once the sheet is read (``_flush_new``).
    batch: ParticipantBatch | None = None


class _Validators:
    """The model's own field checks (``Field.clean``: type, choices, blank, max length, validators),
    memoised per value: most cells repeat (gender, commune, status), and a 100,000-row file must not
    run ``full_clean`` 100,000 times."""

    def __init__(self, model: type[Model]) -> None:
        self.fields = {f.name: f for f in model._meta.concrete_fields}
        self.memo: dict[tuple[str, Any], list[str]] = {}

    def errors(self, name: str, value: Any) -> list[str]:
        key = (name, value)
        found = self.memo.get(key)
        if found is None:
            try:
                self.fields[name].clean(value, None)
                found = []
            except ValidationError as error:
                found = list(error.messages)
            if len(self.memo) < 200_000:
                self.memo[key] = found
        return found


_PERSON_VALIDATORS = _Validators(Person)


def _chunks(values: Sequence[Any], size: int = 5000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _national_id(raw: str) -> str:
    """Digits only; an 11-digit number is a CCCD whose leading zero a number cell dropped.

    Every CCCD starts with 0 (province codes 001–096), so restoring it is not a guess.
    """
    value = "".join(raw.replace(".", "").split())
    return "0" + value if len(value) == 11 and value.isdigit() else value


def _person_key(values: dict[str, Any]) -> tuple[Any, ...]:
    if values["national_id"]:
        return ("id", values["national_id"])
    commune = values["commune"]
    # As for stored persons: the birth year only identifies someone whose birth date is unknown.
    birth_year = None if values["birth_date"] else values["birth_year"]
    return ("name", fold(values["full_name"]), values["birth_date"], birth_year,
            commune.pk if commune is not None else None)


def _stored_person_key(person: Person) -> tuple[Any, ...]:
    if person.national_id:
        return ("id", person.national_id)
    birth_year = None if person.birth_date else person.birth_year
    return ("name", person.search_name, person.birth_date, birth_year, person.commune_id)


def _may_edit_unit(ctx: ImportContext, unit_id: int) -> bool:
    """``policy.in_area`` for the actor, memoised per unit (it computes the province's unit set)."""
    memo = _state(ctx).may_edit_unit
    if unit_id not in memo:
        memo[unit_id] = policy.may_edit(ctx.actor) and policy.in_area(ctx.actor, unit_id)
    return memo[unit_id]


def _covers_residence(ctx: ImportContext, commune_id: int) -> bool:
    """``policy.covers_residence`` for the actor, memoised per commune: may the actor change a person living
    there? (The province's staff: anywhere; residence never gates enrolling in a course, domain.md §5.)"""
    memo = _state(ctx).covers_residence
    if commune_id not in memo:
        memo[commune_id] = policy.may_edit(ctx.actor) and policy.covers_residence(ctx.actor, commune_id)
    return memo[commune_id]


def _courses_by_code(ctx: ImportContext, codes: Iterable[str]) -> dict[str, Course | None]:
    """Courses the actor may manage, by code (upper case); unknown and out-of-area codes map to None."""
    known = _state(ctx).courses
    missing = sorted({c for c in codes if c and c not in known})
    for part in _chunks(missing):
        found = {c.code: c for c in Course.objects.filter(code__in=part).select_related("course_type")}
        for code in part:
            course = found.get(code)
            known[code] = course if course is not None and _may_edit_unit(ctx, course.organising_unit_id) else None
    return known


def _course_code(values: dict[str, Any]) -> str:
    return normalize(values["course"] or "").upper()


def _unknown_course(ctx: ImportContext, sheet: SheetSpec, row: Row, code: str) -> None:
    # Same words whether the code does not exist or belongs to another area: nothing leaks.
    ctx.problem(sheet, row, "course", f"Không tìm thấy lớp có mã “{code}” trong các lớp bạn được quản lý. "
                                      "Hãy kiểm tra mã lớp hoặc thêm lớp vào trang “Lớp đào tạo”.")


def _employer(ctx: ImportContext, sheet: SheetSpec, row: Row) -> tuple[bool, Establishment | None]:
    """(ok, establishment) named by the row's employer columns; blank columns name nobody."""
    v = row.values
    if not (v["establishment_tax_code"] or v["establishment_name"]):
        return True, None
    state = _state(ctx)
    if state.employers is None:
        state.employers = EstablishmentLookup(ctx.actor)
    try:
        return True, state.employers.find(v)
    except LookupError as error:
        ctx.problem(sheet, row, "establishment_name", str(error))
        return False, None


def _units(ctx: ImportContext) -> UnitDirectory:
    state = _state(ctx)
    if state.units is None:
        state.units = UnitDirectory()
    return state.units


