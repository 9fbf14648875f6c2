"""The participant sheet: one row per person and course, the high-volume path (see the package docs)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from khuyencong.accounts.models import User
from khuyencong.core import review
from khuyencong.core.bulk import BulkInsert, write_history
from khuyencong.core.text import fold
from khuyencong.training.sheets.common import (
    _PARTICIPATION_VALIDATORS,
    _chunks,
    _course_code,
    _courses_by_code,
    _may_edit_unit,
    _NewPerson,
    _person_key,
    _report,
    _SeenPerson,
    _state,
    _units,
    _unknown_course,
)
from khuyencong.training.sheets.persons import _PersonReader
from khuyencong.training.sheets.specs import BATCH, IMPORT_NOTE, PARTICIPANTS
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.training.models import Course, Participation, ParticipationEvent, ParticipationStatus, Person
from khuyencong.training.services.participations import RESTRICTED, TRANSITIONS, due_dates
from khuyencong.training.services.persons import _derive as derive_person
from khuyencong.training.services.persons import _validate as validate_person
from khuyencong.training.services.persons import hold_person_id, identity_errors

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
        self.today = timezone.localdate()
        self.persons = _PersonReader(ctx, sheet, rows, full=True)
        self.courses = _courses_by_code(ctx, (_course_code(r.values) for r in rows))
        self.changed_persons: dict[int, set[str]] = {}
        self.changed_person_objs: dict[int, Person] = {}
        self.changed_participations: list[tuple[_StoredParticipation, str]] = []
        self.stored_participations = self._prefetch_participations()

    def _prefetch_participations(self) -> dict[tuple[int, int], _StoredParticipation]:
        """Stored participations of this chunk's persons (by person: a course may have thousands)."""
        person_ids = {p.pk for people in self.persons.stored.values() for p in people}
        # Persons met in earlier chunks are not re-read (``_PersonReader``); take those this chunk names.
        seen = self.state.persons
        for row in self.rows:
            if (earlier := seen.get(_person_key(row.values))) is not None and earlier.person.pk:
                person_ids.add(earlier.person.pk)
        course_ids = {c.pk for c in self.courses.values() if c is not None}
        found: dict[tuple[int, int], _StoredParticipation] = {}
        for part in _chunks(sorted(person_ids), 500):
            # Plain values: most rows of a re-imported file are unchanged and need no record built.
            for pk, person_id, course_id, status, certificate in Participation.objects.filter(
                    person_id__in=part).values_list("pk", "person_id", "course_id", "status", "certificate_no"):
                if course_id in course_ids:
                    found[(person_id, course_id)] = _StoredParticipation(pk, status, certificate)
        return found

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
        self._write()

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
                values: dict[str, Any]) -> tuple[Person | _NewPerson | None, bool]:
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

    def _stored_person(self, row: Row, person: Person | _NewPerson | bool | None,
                       values: dict[str, Any]) -> Person | None:
        assert isinstance(person, Person)
        if not _may_edit_unit(self.ctx, person.commune_id):
            # The same words as any other unusable ID; a province officer gets the case (issue 21).
            hold_person_id(self.ctx.actor, person)
            self.ctx.problem(self.sheet, row, "national_id", review.held_message("số định danh"))
            return None
        changes = _person_changes(person, values)
        if not changes:
            return person
        if person.restricted:
            self.ctx.problem(self.sheet, row, "full_name", RESTRICTED % {"name": person.full_name})
            return None
        for name, value in changes.items():
            setattr(person, name, value)
        if "commune" not in changes:  # the check reads the commune's level: from memory, not a query per person
            person.commune = _units(self.ctx).unit(person.commune_id)
        if not self._check_person(row, person):
            return None
        self.changed_persons[person.pk] = set(changes)
        self.changed_person_objs[person.pk] = person
        return person

    def _new_person(self, row: Row, values: dict[str, Any]) -> _NewPerson | None:
        if not values["national_id"]:
            similar = self.persons.suspects(values)
            if similar:
                names = "; ".join(f"{p.full_name} (hồ sơ số {p.pk})" for p in similar[:3])
                self.ctx.problem(self.sheet, row, "national_id",
                                 f"Có thể trùng với người đã có số định danh (cùng họ tên, ngày sinh, xã/phường): "
                                 f"{names}. Hãy ghi số định danh của người này.")
                return None
        if not _may_edit_unit(self.ctx, values["commune"].pk):
            self.ctx.problem(self.sheet, row, "commune", "Bạn chỉ được ghi nhận người cư trú tại xã/phường mình "
                                                         "phụ trách.")
            return None
        # The services' own check (CCCD digits against birth year and gender), on the row's values:
        # the reader has already derived the birth year and checked the commune's level.
        errors = identity_errors(values["national_id"], values["birth_year"], values["gender"])
        if errors:
            _report(self.ctx, self.sheet, row, ValidationError(errors))
            return None
        person = _NewPerson(values)
        self.state.new_persons.append(person)
        return person

    def _check_person(self, row: Row, person: Person) -> bool:
        derive_person(person)
        try:
            validate_person(person)  # the services' own check: CCCD digits against birth year and gender
        except ValidationError as error:
            _report(self.ctx, self.sheet, row, error)
            return False
        return True

    def _participation(self, row: Row, person: Person | _NewPerson, course: Course) -> str | None:
        status = row.values["status"] or ParticipationStatus.ENROLLED
        certificate = row.values["certificate_no"]
        errors = _PARTICIPATION_VALIDATORS.errors("certificate_no", certificate)
        for message in errors:
            self.ctx.problem(self.sheet, row, "certificate_no", message)
        stored = self.stored_participations.get((person.pk, course.pk)) if person.pk else None
        if stored is None:
            return None if errors or not self._may_set(row, person, course, "", status) else self._create(
                person, course, status, certificate)
        if stored.status == status and stored.certificate_no == certificate:
            return None if errors else "unchanged"
        if errors or not self._may_set(row, person, course, stored.status, status):
            return None
        old = stored.status
        stored.status, stored.certificate_no = status, certificate
        self.changed_participations.append((stored, old))
        return "updated"

    def _may_set(self, row: Row, person: Person | _NewPerson, course: Course, old: str, new: str) -> bool:
        if person.restricted:
            self.ctx.problem(self.sheet, row, "full_name", RESTRICTED % {"name": person.full_name})
            return False
        if old and old != new and new not in TRANSITIONS[old]:
            labels = (ParticipationStatus(old).label, ParticipationStatus(new).label)
            self.ctx.problem(self.sheet, row, "status",
                             f"Không thể chuyển học viên từ “{labels[0]}” sang “{labels[1]}”.")
            return False
        if new == ParticipationStatus.COMPLETED and old != new and course.end_date > self.today:
            self.ctx.problem(self.sheet, row, "status", f"Lớp chưa kết thúc (ngày kết thúc "
                                                        f"{course.end_date:%d/%m/%Y}): chưa thể ghi nhận hoàn thành.")
            return False
        return True

    def _create(self, person: Person | _NewPerson, course: Course, status: str, certificate: str) -> str:
        self.state.new_participations.append((person, course, status, certificate))
        return "created"

    def _write(self) -> None:
        actor, now = self.ctx.actor, timezone.now()
        if self.changed_person_objs:
            fields = set().union(*self.changed_persons.values()) | {"search_name", "birth_year"}
            people = list(self.changed_person_objs.values())
            for person in people:
                person.version += 1
                person.updated_by, person.updated_at = actor, now
            bulk_update_with_history(people, Person, [*sorted(fields), "version", "updated_by", "updated_at"],
                                     batch_size=BATCH, default_user=actor)
        if self.changed_participations:
            records = Participation.objects.in_bulk([p.pk for p, _old in self.changed_participations])
            changed = []
            for stored, _old in self.changed_participations:
                record = records[stored.pk]
                record.status, record.certificate_no = stored.status, stored.certificate_no
                record.version += 1
                record.updated_by, record.updated_at = actor, now
                changed.append(record)
            bulk_update_with_history(changed, Participation,
                                     ["status", "certificate_no", "version", "updated_by", "updated_at"],
                                     batch_size=BATCH, default_user=actor)
            events = [(p.pk, old, p.status, actor.pk, IMPORT_NOTE)
                      for p, old in self.changed_participations if old != p.status]
            _insert_with_history(_writers().event, events, actor=actor, now=now)


@dataclass(slots=True)
class _StoredParticipation:
    """What the participant sheet compares of a stored participation; its record is read only if it changes."""

    pk: int
    status: str
    certificate_no: str

@dataclass(frozen=True)
class _Writers:
    person: BulkInsert
    participation: BulkInsert
    event: BulkInsert


@functools.cache
def _writers() -> _Writers:
    """The set-based writers of the participant sheet (built once: they read model metadata)."""
    return _Writers(
        person=BulkInsert(Person, ("national_id", "full_name", "search_name", "birth_date", "birth_year", "gender",
                                   "ethnicity", "commune_id", "employer_id", "role", "phone", "created_by_id",
                                   "updated_by_id")),
        participation=BulkInsert(Participation, ("person_id", "course_id", "status", "certificate_no",
                                                 "follow_up_due_3m", "follow_up_due_6m", "created_by_id",
                                                 "updated_by_id")),
        event=BulkInsert(ParticipationEvent, ("participation_id", "from_status", "to_status", "by_id", "note")),
    )


def _insert_with_history(writer: BulkInsert, rows: list[tuple[Any, ...]], *, actor: User,
                         now: dt.datetime) -> list[int]:
    ids = writer.insert(rows, now=now)
    write_history(writer.model, ids, history_type="+", user_id=actor.pk, reason=IMPORT_NOTE, when=now)
    return ids


def _flush_new(ctx: ImportContext) -> None:
    """Write the new persons, their participations and one status event each, every one with its history.

    Kept until the participant sheet has been read so that each table takes one ``COPY`` and one history
    statement for the whole file rather than one per chunk; rows of later chunks that name a person
    created earlier in the file hold the same :class:`_NewPerson` and get its id here.
    """
    state = _state(ctx)
    if not (state.new_persons or state.new_participations):
        return
    actor, now, writers = ctx.actor, timezone.now(), _writers()
    persons = [(v["national_id"], v["full_name"], fold(v["full_name"]), v["birth_date"], v["birth_year"],
                v["gender"], v["ethnicity"], v["commune"].pk, _pk(v["employer"]), v["role"], v["phone"],
                actor.pk, actor.pk)
               for v in (p.values for p in state.new_persons)]
    for person, pk in zip(state.new_persons, _insert_with_history(writers.person, persons, actor=actor, now=now),
                          strict=True):
        person.pk = pk
    due = {course.pk: due_dates(course) for _p, course, _s, _c in state.new_participations}
    participations = [(person.pk, course.pk, status, certificate, *due[course.pk], actor.pk, actor.pk)
                      for person, course, status, certificate in state.new_participations]
    ids = _insert_with_history(writers.participation, participations, actor=actor, now=now)
    events = [(pk, "", status, actor.pk, IMPORT_NOTE)
              for pk, (_p, _c, status, _cert) in zip(ids, state.new_participations, strict=True)]
    _insert_with_history(writers.event, events, actor=actor, now=now)
    state.new_persons, state.new_participations = [], []


def _pk(record: Model | None) -> int | None:
    return record.pk if record is not None else None
