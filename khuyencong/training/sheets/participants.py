"""The participant sheet: one row per person and course, the high-volume path (see the package docs).

The sheet reads, identifies and compares; every write goes through the training app's
:class:`~khuyencong.training.services.ParticipantBatch`, the same rules and write path as the enrol pages.
"""

from __future__ import annotations

from typing import Any

from khuyencong.core import review
from khuyencong.core.errors import SERVICE_ERRORS
from khuyencong.core.text import fold
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.training.models import Course, ParticipationStatus, Person
from khuyencong.training.services import NewPerson, ParticipantBatch, StoredParticipation, hold_person_id
from khuyencong.training.sheets.common import (
    _course_code,
    _courses_by_code,
    _covers_residence,
    _person_key,
    _report,
    _SeenPerson,
    _state,
    _units,
    _unknown_course,
)
from khuyencong.training.sheets.persons import _PersonReader
from khuyencong.training.sheets.specs import IMPORT_NOTE, PARTICIPANTS

_PERSON_FIELDS = ("national_id", "full_name", "birth_date", "birth_year", "gender", "ethnicity", "commune", "role",
                  "phone", "employer")


def _person_changes(person: Person, values: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name in _PERSON_FIELDS:
        new, old = values[name], getattr(person, name if name not in ("commune", "employer") else f"{name}_id")
        if name in ("commune", "employer"):
            new_id = new.pk if new is not None else None
            if new_id != old:
                changes[name] = new
        elif (new or None) != (old or None):
            changes[name] = new
    return changes


class _ParticipantImport:
    def __init__(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        self.sheet, self.rows, self.ctx = sheet, rows, ctx
        self.state = _state(ctx)
        self.batch = _batch(ctx)
        self.persons = _PersonReader(ctx, sheet, rows, full=True)
        self.courses = _courses_by_code(ctx, (_course_code(r.values) for r in rows))
        self.changed_persons: set[int] = set()  # persons this chunk changed
        self.stored_participations = self._prefetch_participations()

    def _prefetch_participations(self) -> dict[tuple[int, int], StoredParticipation]:
        """Stored participations of this chunk's persons (by person: a course may have thousands)."""
        person_ids = {p.pk for people in self.persons.stored.values() for p in people}
        # Persons met in earlier chunks are not re-read (``_PersonReader``); take those this chunk names.
        seen = self.state.persons
        for row in self.rows:
            if (earlier := seen.get(_person_key(row.values))) is not None and earlier.person.pk:
                person_ids.add(earlier.person.pk)
        course_ids = {c.pk for c in self.courses.values() if c is not None}
        return self.batch.load_participations(person_ids, course_ids)

    def run(self) -> None:
        outcome = self.ctx.outcome(self.sheet)
        for row in self.rows:
            result = self._row(row)
            if result == "created":
                outcome.created += 1
            elif result == "updated":
                outcome.updated += 1
            elif result == "unchanged":
                outcome.unchanged += 1
        self.batch.write_changes()

    def _row(self, row: Row) -> str | None:
        code = _course_code(row.values)
        course = self.courses.get(code)
        if course is None:
            _unknown_course(self.ctx, self.sheet, row, code)
            return None
        values = self.persons.values(row)
        if values is None:
            return None
        key = _person_key(values)
        person, person_changed = self._person(row, key, values)
        if person is None:
            return None
        participation_key = (key, course.pk)
        first = self.state.participations.get(participation_key)
        if first is not None:
            self.ctx.problem(self.sheet, row, "national_id",
                             f"Học viên này đã có trong lớp “{code}” ở dòng {first} của tệp.")
            return None
        self.state.participations[participation_key] = row.number
        result = self._participation(row, person, course)
        if result is None:
            return None
        return "updated" if result == "unchanged" and person_changed else result

    def _person(self, row: Row, key: tuple[Any, ...],
                values: dict[str, Any]) -> tuple[Person | NewPerson | None, bool]:
        """The person of the row (stored, changed or new) and whether this row changed it."""
        seen = self.state.persons.get(key)
        if seen is not None:
            differing = [n for n in _PERSON_FIELDS if seen.values[n] != values[n]
                         and not (n == "full_name" and fold(seen.values[n]) == fold(values[n]))]
            if differing:
                column = PARTICIPANTS.column(differing[0]).header
                self.ctx.problem(self.sheet, row, differing[0],
                                 f"Thông tin của người này (cột “{column}”) khác với dòng {seen.row}: "
                                 "một người chỉ có một bộ thông tin, hãy ghi giống nhau ở mọi dòng.")
                return None, False
            return seen.person, False
        stored = self.persons.lookup(key)
        if stored is False:
            self.ctx.problem(self.sheet, row, "full_name", "Có nhiều người trùng họ tên, ngày sinh và xã/phường: "
                                                           "hãy ghi số định danh để phân biệt.")
            return None, False
        person = self._stored_person(row, stored, values) if stored else self._new_person(row, values)
        if person is None:
            return None, False
        self.state.persons[key] = _SeenPerson(person, row.number, values)
        return person, bool(stored) and person.pk in self.changed_persons

    def _stored_person(self, row: Row, person: Person | NewPerson | bool | None,
                       values: dict[str, Any]) -> Person | None:
        assert isinstance(person, Person)
        if not _covers_residence(self.ctx, person.commune_id):
            # The same words as any other unusable ID; a province officer gets the case (issue 21).
            hold_person_id(self.ctx.actor, person)
            self.ctx.problem(self.sheet, row, "national_id", review.held_message("số định danh"))
            return None
        changes = _person_changes(person, values)
        if not changes:
            return person
        if "commune" not in changes:  # the check reads the commune's level: from memory, not a query per person
            person.commune = _units(self.ctx).unit(person.commune_id)
        try:
            self.batch.change_person(person, changes)
        except SERVICE_ERRORS as error:
            _report(self.ctx, self.sheet, row, error)
            return None
        self.changed_persons.add(person.pk)
        return person

    def _new_person(self, row: Row, values: dict[str, Any]) -> NewPerson | None:
        if not values["national_id"]:
            similar = self.persons.suspects(values)
            if similar:
                names = "; ".join(f"{p.full_name} (hồ sơ số {p.pk})" for p in similar[:3])
                self.ctx.problem(self.sheet, row, "national_id",
                                 f"Có thể trùng với người đã có số định danh (cùng họ tên, ngày sinh, xã/phường): "
                                 f"{names}. Hãy ghi số định danh của người này.")
                return None
        try:
            return self.batch.add_person(values)
        except SERVICE_ERRORS as error:
            _report(self.ctx, self.sheet, row, error)
            return None

    def _participation(self, row: Row, person: Person | NewPerson, course: Course) -> str | None:
        status = row.values["status"] or ParticipationStatus.ENROLLED
        certificate = row.values["certificate_no"]
        stored = self.stored_participations.get((person.pk, course.pk)) if person.pk else None
        if stored is not None and stored.status == status and stored.certificate_no == certificate:
            return "unchanged"
        try:
            if stored is None:
                self.batch.enrol(person, course, status, certificate)
                return "created"
            self.batch.change_participation(stored, person, course, status, certificate)
        except SERVICE_ERRORS as error:
            _report(self.ctx, self.sheet, row, error)
            return None
        return "updated"

def _batch(ctx: ImportContext) -> ParticipantBatch:
    """The import's one batch: rows of every chunk are added to it, new records written once at the end."""
    state = _state(ctx)
    if state.batch is None:
        state.batch = ParticipantBatch(ctx.actor, note=IMPORT_NOTE)
    return state.batch


def _flush_new(ctx: ImportContext) -> None:
    """Write the new persons, their participations and one status event each, every one with its history.

    Kept until the participant sheet has been read so that each table takes one ``COPY`` and one history
    statement for the whole file rather than one per chunk; rows of later chunks that name a person
    created earlier in the file hold the same :class:`NewPerson` and get its id here.
    """
    batch = _state(ctx).batch
    if batch is not None:
        batch.write()
