"""Participants recorded many at once through one set of rules: the enrol pages, the API and imports alike.

:class:`ParticipantBatch` is the one write path of persons into courses: ``participant_enrol`` (one
person: the course page and the API), ``participants_enrol_many`` (the bulk enrol page) and the
participant sheet of an import (``training.sheets``) each add their rows to a batch. Every ``add…``
checks its row at once with the training rules and raises the service's own error, for the caller to
put on that line; ``write`` then stores everything in one transaction — new records set-wise
(``core.bulk``: ``COPY`` on PostgreSQL, their history rows copied by the database), changed ones with
``bulk_update_with_history`` — every record with its history row naming the actor and every status
change with its event. A rule added here reaches every way in, and a 100,000-row file still costs a few
statements per table.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from khuyencong.accounts.models import User
from khuyencong.core import services as core
from khuyencong.core.bulk import BulkInsert, write_history
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.training import policy
from khuyencong.training.models import Course, Participation, ParticipationEvent, ParticipationStatus, Person
from khuyencong.training.services.participations import RESTRICTED, TRANSITIONS, due_dates
from khuyencong.training.services.persons import derived_identity, person_errors, person_prepare

S = ParticipationStatus
BATCH = 2000  # records per UPDATE statement of the changed ones


@dataclass(slots=True)
class NewPerson:
    """A person a batch creates, checked but not yet stored; ``pk`` is set once the batch is written."""

    values: dict[str, Any]
    pk: int | None = None
    restricted: bool = False

    @property
    def full_name(self) -> str:
        return str(self.values["full_name"])


@dataclass(slots=True)
class StoredParticipation:
    """What a batch compares of a stored participation; its record is read only if it changes."""

    pk: int
    status: str
    certificate_no: str


Trainee = Person | NewPerson


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class ParticipantBatch:
    """Persons and participations checked one by one as they are added, then written together (see module)."""

    def __init__(self, actor: User, *, note: str = "") -> None:
        self.actor, self.note = actor, note
        self.today = timezone.localdate()
        self._in_area: dict[Any, bool] = {}
        self._enrolled: set[tuple[int, int]] = set()  # (person, course) stored or added
        self._loaded: tuple[set[int], set[int]] = (set(), set())  # persons × courses whose enrolments are known
        self.new_persons: list[NewPerson] = []
        self.changed_persons: dict[int, tuple[Person, set[str]]] = {}
        self.new_participations: list[tuple[Trainee, Course, str, str]] = []
        self.changed_participations: list[tuple[StoredParticipation, str]] = []

    # --- the rules ----------------------------------------------------------------------------------

    def _may(self, unit_id: int | None) -> bool:
        """``policy.may_edit`` in the unit, memoised (``in_area`` computes the province's unit set)."""
        if unit_id not in self._in_area:
            self._in_area[unit_id] = policy.may_edit(self.actor) and policy.in_area(self.actor, unit_id)
        return self._in_area[unit_id]

    def _covers(self, commune_id: int | None) -> bool:
        """``policy.covers_residence``, memoised: may the actor record or change a person living there?"""
        key = ("residence", commune_id)
        if key not in self._in_area:
            self._in_area[key] = policy.may_edit(self.actor) and policy.covers_residence(self.actor, commune_id)
        return self._in_area[key]

    def _visible(self, person: Person) -> bool:
        """May the actor see this stored person (``policy.scope_persons``)? A query only for a commune
        officer and a person living outside their communes."""
        return self._covers(person.commune_id) or policy.sees_person(self.actor, person)

    def _check_place(self, person: Trainee, course: Course) -> None:
        # The course's organising unit decides, not the person's residence: people from anywhere attend the
        # province's courses (domain.md §5). A stored person must still be one the actor may see: an ID number
        # typed in must not reveal, or enrol, someone the actor could not look up.
        if not self._may(course.organising_unit_id):
            raise PermissionDeniedError(_("Bạn chỉ được ghi danh vào lớp do địa bàn mình phụ trách."))
        if isinstance(person, Person) and not self._visible(person):
            raise PermissionDeniedError(_("Bạn chỉ được ghi danh học viên thuộc xã/phường mình phụ trách."))

    @staticmethod
    def _check_certificate(certificate_no: str) -> None:
        errors = _certificate_errors(certificate_no)
        if errors:
            raise ValidationError({"certificate_no": list(errors)})

    def _check_status(self, person: Trainee, course: Course, old: str, new: str) -> None:
        if person.restricted:
            raise ValidationError({"person": RESTRICTED % {"name": person.full_name}}, code="restricted")
        if old and old != new and new not in TRANSITIONS[old]:
            raise ValidationError({"status": _("Không thể chuyển học viên từ “%(a)s” sang “%(b)s”.") % {
                "a": S(old).label, "b": S(new).label}}, code="transition")
        if new == S.COMPLETED and old != new and course.end_date > self.today:
            raise ValidationError({"status": _("Lớp chưa kết thúc (ngày kết thúc %(d)s): chưa thể ghi nhận hoàn thành.")
                                   % {"d": course.end_date.strftime("%d/%m/%Y")}}, code="not_ended")

    def _is_enrolled(self, person: Trainee, course: Course) -> bool:
        if person.pk is None:
            return False
        key = (person.pk, course.pk)
        if key in self._enrolled:
            return True
        persons, courses = self._loaded
        if person.pk in persons and course.pk in courses:
            return False
        return Participation.objects.filter(person_id=person.pk, course_id=course.pk).exists()

    # --- adding rows ---------------------------------------------------------------------------------

    def load_participations(self, person_ids: Collection[int],
                            course_ids: Collection[int]) -> dict[tuple[int, int], StoredParticipation]:
        """The stored participations of these persons in these courses, read set-wise (by person: a course
        may have thousands); the batch then knows them without a query per row."""
        courses = set(course_ids)
        found: dict[tuple[int, int], StoredParticipation] = {}
        for part in _chunks(sorted(person_ids), 500):
            # Plain values: most rows of a re-imported file are unchanged and need no record built.
            for pk, person_id, course_id, status, certificate in Participation.objects.filter(
                    person_id__in=part).values_list("pk", "person_id", "course_id", "status", "certificate_no"):
                if course_id in courses:
                    found[(person_id, course_id)] = StoredParticipation(pk, status, certificate)
        self._enrolled |= found.keys()
        self._loaded[0].update(person_ids)
        self._loaded[1].update(courses)
        return found

    def add_person(self, values: dict[str, Any]) -> NewPerson:
        """A new person from values in field form (``commune`` and ``employer`` as records); checked as
        ``person_create`` checks, stored by ``write``."""
        commune = values["commune"]
        if not self._covers(commune.pk):
            raise ValidationError({"commune": _("Bạn chỉ được ghi nhận người cư trú tại xã/phường mình phụ trách.")},
                                  code="out_of_area")
        search_name, birth_year = derived_identity(values["full_name"], values["birth_date"], values["birth_year"])
        errors = person_errors(values["national_id"], birth_year, values["gender"], commune)
        if errors:
            raise ValidationError(errors)
        person = NewPerson({**values, "search_name": search_name, "birth_year": birth_year})
        self.new_persons.append(person)
        return person

    def change_person(self, person: Person, changes: dict[str, Any]) -> None:
        """Apply ``changes`` (field → value) to a stored person, checked as ``person_update`` checks."""
        if person.restricted:
            raise ValidationError({"person": RESTRICTED % {"name": person.full_name}}, code="restricted")
        for name, value in changes.items():
            setattr(person, name, value)
        person_prepare(person)
        if not self._covers(person.commune_id):
            raise PermissionDeniedError(_("Bạn chỉ được quản lý người thuộc xã/phường mình phụ trách."))
        _stored, fields = self.changed_persons.setdefault(person.pk, (person, set()))
        fields.update(changes)

    def enrol(self, person: Trainee, course: Course, status: str = S.ENROLLED, certificate_no: str = "") -> None:
        """Put a person in a course (a person appears at most once per course); an import may record the
        outcome at once (``status``), under the same rules as settling it later."""
        self._check_place(person, course)
        self._check_certificate(certificate_no)
        if person.restricted:
            raise ValidationError({"person": RESTRICTED % {"name": person.full_name}}, code="restricted")
        if self._is_enrolled(person, course):
            raise ValidationError({"person": _("“%(name)s” đã có trong lớp %(code)s.") % {
                "name": person.full_name, "code": course.code}}, code="duplicate")
        self._check_status(person, course, "", status)
        if person.pk is not None:
            self._enrolled.add((person.pk, course.pk))
        self.new_participations.append((person, course, status, certificate_no))

    def change_participation(self, stored: StoredParticipation, person: Trainee, course: Course, status: str,
                             certificate_no: str) -> None:
        """Change a stored participation's status (along the participation lifecycle) and certificate."""
        self._check_place(person, course)
        self._check_certificate(certificate_no)
        self._check_status(person, course, stored.status, status)
        old = stored.status
        stored.status, stored.certificate_no = status, certificate_no
        self.changed_participations.append((stored, old))

    # --- writing ------------------------------------------------------------------------------------

    @transaction.atomic
    def write(self) -> list[int]:
        """Store everything added since the last write; the ids of the new participations, in order added."""
        core.refuse_read_only(self.actor)
        self.write_changes()
        return self._write_new()

    @transaction.atomic
    def write_changes(self) -> None:
        """Store the changed records only (an import writes them per chunk of rows, the new ones at the end)."""
        core.refuse_read_only(self.actor)
        now = timezone.now()
        if self.changed_persons:
            self._update_persons(now)
        if self.changed_participations:
            self._update_participations(now)

    def _update_persons(self, now: dt.datetime) -> None:
        actor = self.actor
        fields = set().union(*(f for _p, f in self.changed_persons.values())) | {"search_name", "birth_year"}
        people = [p for p, _f in self.changed_persons.values()]
        for person in people:
            person.version += 1
            person.updated_by, person.updated_at = actor, now
        bulk_update_with_history(people, Person, [*sorted(fields), "version", "updated_by", "updated_at"],
                                 batch_size=BATCH, default_user=actor)
        self.changed_persons = {}

    def _update_participations(self, now: dt.datetime) -> None:
        actor = self.actor
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
        events = [(p.pk, old, p.status, actor.pk, self.note) for p, old in self.changed_participations
                  if old != p.status]
        self._insert(_writers().event, events, now)
        self.changed_participations = []

    def _insert(self, writer: BulkInsert, rows: list[tuple[Any, ...]], now: dt.datetime) -> list[int]:
        ids = writer.insert(rows, now=now)
        write_history(writer.model, ids, history_type="+", user_id=self.actor.pk, reason=self.note or None,
                      when=now)
        return ids

    def _write_new(self) -> list[int]:
        """New persons, their participations and one status event each: one statement set per table."""
        if not (self.new_persons or self.new_participations):
            return []
        actor, now, writers = self.actor, timezone.now(), _writers()
        persons = [(v["national_id"], v["full_name"], v["search_name"], v["birth_date"], v["birth_year"],
                    v["gender"], v["ethnicity"], v["commune"].pk, _pk(v["employer"]), v["role"], v["phone"],
                    actor.pk, actor.pk)
                   for v in (p.values for p in self.new_persons)]
        for person, pk in zip(self.new_persons, self._insert(writers.person, persons, now), strict=True):
            person.pk = pk
        due = {course.pk: due_dates(course) for _p, course, _s, _c in self.new_participations}
        participations = [(person.pk, course.pk, status, certificate, *due[course.pk], actor.pk, actor.pk)
                          for person, course, status, certificate in self.new_participations]
        ids = self._insert(writers.participation, participations, now)
        events = [(pk, "", status, actor.pk, self.note)
                  for pk, (_p, _c, status, _cert) in zip(ids, self.new_participations, strict=True)]
        self._insert(writers.event, events, now)
        self._enrolled |= {(p.pk, c.pk) for p, c, _s, _c in self.new_participations if p.pk is not None}
        self.new_persons, self.new_participations = [], []
        return ids


@functools.lru_cache(maxsize=65_536)
def _certificate_errors(value: str) -> tuple[str, ...]:
    """The model field's own checks on a certificate number, memoised: most cells repeat (empty)."""
    try:
        Participation._meta.get_field("certificate_no").clean(value, None)
    except ValidationError as error:
        return tuple(error.messages)
    return ()


@dataclass(frozen=True)
class _Writers:
    person: BulkInsert
    participation: BulkInsert
    event: BulkInsert


@functools.cache
def _writers() -> _Writers:
    """The set-based writers (built once: they read model metadata)."""
    return _Writers(
        person=BulkInsert(Person, ("national_id", "full_name", "search_name", "birth_date", "birth_year", "gender",
                                   "ethnicity", "commune_id", "employer_id", "role", "phone", "created_by_id",
                                   "updated_by_id")),
        participation=BulkInsert(Participation, ("person_id", "course_id", "status", "certificate_no",
                                                 "follow_up_due_3m", "follow_up_due_6m", "created_by_id",
                                                 "updated_by_id")),
        event=BulkInsert(ParticipationEvent, ("participation_id", "from_status", "to_status", "actor_id", "note")),
    )


def _pk(record: Model | None) -> int | None:
    return record.pk if record is not None else None


@transaction.atomic
def participant_enrol(*, actor: User, course: Course, person: Person) -> Participation:
    """Add one person to a course; a person appears at most once per course."""
    batch = ParticipantBatch(actor)
    batch.enrol(person, course)
    participation = Participation.objects.get(pk=batch.write()[0])
    participation.course, participation.person = course, person
    return participation
