"""Whole-class work: enrol many people, settle many participants, record many follow-ups — all rows or none.

Each row goes through the single-record service (same policy, same validation, its own history row
and event) — enrolments through the ``roster.ParticipantBatch`` that ``participant_enrol`` and imports
use too; the batch runs in one transaction, so one refused row leaves nothing saved. Every error
names the row (its number in the submitted table and the trainee's name) so the user can fix it.
A row carries what the user saw when the table was opened (the participation's version, the number
of follow-ups already recorded); if any of that changed meanwhile, the whole batch is refused as a
stale edit rather than overwriting someone else's work.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core.errors import PermissionDeniedError, StaleEditError, problems
from khuyencong.training import policy
from khuyencong.training.models import Course, FollowUp, Participation, ParticipationStatus, Person
from khuyencong.training.services.participations import (
    follow_up_record,
    parse_id_lines,
    participant_complete,
    participant_drop,
)
from khuyencong.training.services.roster import ParticipantBatch

OUTCOMES = (ParticipationStatus.COMPLETED, ParticipationStatus.DROPPED)


@dataclass(frozen=True)
class SettleRow:
    """One participant of a bulk completion: which, at which version, and how the course ended for them."""

    participation_id: int
    version: int
    outcome: str
    certificate_no: str = ""
    note: str = ""


@dataclass(frozen=True)
class FollowUpRow:
    """One line of the follow-up grid; ``seen_follow_ups`` is how many the user saw when opening the grid."""

    participation_id: int
    seen_follow_ups: int
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EnrolRow:
    """One line of a bulk enrolment: its number in the list the user gave, what was given, whom it names.

    ``person`` is None when nobody the actor may see answers to ``given`` (unknown and out of area alike).
    """

    number: int
    given: str
    person: Person | None


def _row_error(number: int, participation: Participation | None, messages: Sequence[str]) -> str:
    if participation is None:
        return _("Dòng %(n)d: học viên không thuộc lớp này.") % {"n": number}
    return _("Dòng %(n)d (%(name)s): %(m)s") % {"n": number, "name": participation.person.full_name,
                                                 "m": " ".join(messages)}


def _labelled(exc: ValidationError, labelled: type[FollowUp] | None) -> list[str]:
    """The error's messages; for grid cells prefixed by the field's Vietnamese label (which cell is wrong)."""
    labels = {f.name: str(f.verbose_name) for f in labelled._meta.fields
              if f.name != "participation"} if labelled is not None else {}
    out = []
    for name, messages in problems(exc).items():
        label = labels.get(name) if name is not None else None
        out += [f"{label[:1].upper()}{label[1:]}: {m}" if label else m for m in messages]
    return out


def _load(course: Course, ids: Collection[int]) -> dict[int, Participation]:
    rows = (course.participations.select_related("person", "course__course_type").filter(pk__in=ids)
            .annotate(seen_follow_ups=Count("follow_ups")))
    return {p.pk: p for p in rows}


def _run_rows(items: Sequence[tuple[int, Participation | None, Callable[[Participation], Any]]],
              labelled: type[FollowUp] | None = None) -> list[Any]:
    """Call each row's single-record service; collect every row's error, then refuse all if any failed."""
    done, errors = [], []
    for number, participation, call in items:
        if participation is None:
            errors.append(_row_error(number, None, []))
            continue
        try:
            done.append(call(participation))
        except ValidationError as exc:
            errors.append(_row_error(number, participation, _labelled(exc, labelled)))
    if errors:
        raise ValidationError({"rows": errors}, code="rows")
    return done


def _check_duplicates(ids: Sequence[int]) -> None:
    seen: set[int] = set()
    errors = []
    for number, pk in enumerate(ids, start=1):
        if pk in seen:
            errors.append(_("Dòng %(n)d: học viên bị lặp trong danh sách.") % {"n": number})
        seen.add(pk)
    if errors:
        raise ValidationError({"rows": errors}, code="rows")


@transaction.atomic
def participations_settle_many(*, actor: User, course: Course, rows: Sequence[SettleRow]) -> list[Participation]:
    """Mark many participants of ``course`` completed or dropped in one step (e.g. all completed but two)."""
    require(policy.may_edit_course(actor, course), _("Bạn chỉ được cập nhật lớp do địa bàn mình phụ trách."))
    if not rows:
        raise ValidationError({"rows": _("Chưa chọn học viên nào.")}, code="empty")
    _check_duplicates([row.participation_id for row in rows])
    found = _load(course, [row.participation_id for row in rows])
    if any(p.version != row.version for row in rows if (p := found.get(row.participation_id))):
        raise StaleEditError()

    def service(row: SettleRow) -> Callable[[Participation], Participation]:
        if row.outcome == ParticipationStatus.COMPLETED:
            return lambda p: participant_complete(actor=actor, participation=p, certificate_no=row.certificate_no)
        if row.outcome == ParticipationStatus.DROPPED:
            return lambda p: participant_drop(actor=actor, participation=p, note=row.note)
        return _refuse_outcome

    return _run_rows([(n, found.get(row.participation_id), service(row)) for n, row in enumerate(rows, start=1)])


def _refuse_outcome(participation: Participation) -> Participation:
    raise ValidationError(_("Kết quả phải là “Hoàn thành” hoặc “Bỏ học”."))


def participations_complete_many(*, actor: User, course: Course, versions: Mapping[int, int],
                                 certificates: Mapping[int, str] | None = None) -> list[Participation]:
    """Mark every participation in ``versions`` (id → version seen) completed."""
    certificates = certificates or {}
    return participations_settle_many(actor=actor, course=course, rows=[
        SettleRow(pk, version, ParticipationStatus.COMPLETED, certificates.get(pk, ""))
        for pk, version in versions.items()])


def participations_drop_many(*, actor: User, course: Course, versions: Mapping[int, int],
                             note: str = "") -> list[Participation]:
    """Mark every participation in ``versions`` (id → version seen) dropped."""
    return participations_settle_many(actor=actor, course=course, rows=[
        SettleRow(pk, version, ParticipationStatus.DROPPED, note=note) for pk, version in versions.items()])


@transaction.atomic
def followups_record_many(*, actor: User, course: Course, rows: Sequence[FollowUpRow]) -> list[FollowUp]:
    """Record the follow-ups of a whole course from one grid, each through ``follow_up_record``."""
    require(policy.may_edit_course(actor, course), _("Bạn chỉ được cập nhật lớp do địa bàn mình phụ trách."))
    if not rows:
        raise ValidationError({"rows": _("Chưa nhập dòng nào: điền ngày và tình trạng cho ít nhất một học viên.")},
                              code="empty")
    _check_duplicates([row.participation_id for row in rows])
    found = _load(course, [row.participation_id for row in rows])
    # ``seen_follow_ups`` is annotated by ``_load``.
    if any(p.seen_follow_ups != row.seen_follow_ups  # type: ignore[attr-defined]
           for row in rows if (p := found.get(row.participation_id))):
        raise StaleEditError()

    def service(row: FollowUpRow) -> Callable[[Participation], FollowUp]:
        return lambda p: follow_up_record(actor=actor, participation=p, data=row.data)

    return _run_rows([(n, found.get(row.participation_id), service(row)) for n, row in enumerate(rows, start=1)],
                     FollowUp)


def _enrol_row(batch: ParticipantBatch, course: Course, row: EnrolRow, seen: set[int]) -> str | None:
    """Add one row to the batch (the rules of ``participant_enrol``, which uses it too); else its error."""
    person = row.person
    not_found = _("Dòng %(n)d: không tìm thấy học viên “%(v)s” trong địa bàn của bạn.") % {
        "n": row.number, "v": row.given}
    if person is None:
        return not_found
    if person.pk in seen:
        return _("Dòng %(n)d: “%(name)s” bị lặp trong danh sách.") % {"n": row.number, "name": person.full_name}
    seen.add(person.pk)
    try:
        batch.enrol(person, course)
    except PermissionDeniedError:  # a person outside the actor's communes reads as not found
        return not_found
    except ValidationError as exc:
        return _("Dòng %(n)d (%(name)s): %(m)s") % {"n": row.number, "name": person.full_name,
                                                     "m": " ".join(exc.messages)}
    return None


@transaction.atomic
def participants_enrol_many(*, actor: User, course: Course, rows: Sequence[EnrolRow],
                            expected_version: int | None = None, refused: Sequence[tuple[int, str]] = (),
                            field: str = "rows") -> list[Participation]:
    """Enrol everyone in ``rows`` (a pasted list or a pick), under the rules of ``participant_enrol``; all or none.

    ``refused`` are (line number, message) of lines the caller could not even read (a malformed ID
    number): they are reported together with the rows' own errors, in line order, under ``field``.
    ``expected_version`` is the course's version when the user opened the page: if the course was changed
    meanwhile (dates, type — which decide the follow-up milestones), the whole list is refused as stale.
    """
    require(policy.may_edit_course(actor, course), _("Bạn chỉ được ghi danh vào lớp do địa bàn mình phụ trách."))
    if expected_version is not None and expected_version != course.version:
        raise StaleEditError()
    if not rows and not refused:
        raise ValidationError({field: _("Danh sách trống: hãy dán mỗi dòng một số định danh hoặc chọn học viên.")},
                              code="empty")
    batch = ParticipantBatch(actor)
    batch.load_participations([row.person.pk for row in rows if row.person is not None], [course.pk])
    errors = _enrol_rows(batch, course, rows)
    if errors or refused:  # nothing is written: the batch is dropped
        raise ValidationError({field: [message for _n, message in sorted([*refused, *errors])]}, code="rows")
    ids = batch.write()
    stored = Participation.objects.select_related("person").in_bulk(ids)
    return [stored[pk] for pk in ids]


def _enrol_rows(batch: ParticipantBatch, course: Course, rows: Sequence[EnrolRow]) -> list[tuple[int, str]]:
    """Every row tried (so the user sees all the wrong lines at once); (line number, message) per failure."""
    seen: set[int] = set()
    errors = []
    for row in rows:
        result = _enrol_row(batch, course, row, seen)
        if result is not None:
            errors.append((row.number, result))
    return errors


def _rows_by_national_id(entries: Sequence[tuple[int, str]]) -> list[EnrolRow]:
    people = {p.national_id: p for p in Person.objects.filter(national_id__in=[v for _n, v in entries])}
    return [EnrolRow(number, value, people.get(value)) for number, value in entries]


def participants_enrol_by_ids(*, actor: User, course: Course, text: str,
                              expected_version: int | None = None) -> list[Participation]:
    """Enrol a pasted list of ID numbers (one per line): all of them, or none if any line is wrong."""
    entries, malformed = parse_id_lines(text)
    return participants_enrol_many(actor=actor, course=course, rows=_rows_by_national_id(entries),
                                   expected_version=expected_version, refused=malformed, field="national_ids")


def participants_enrol_picked(*, actor: User, course: Course, person_ids: Sequence[int],
                              expected_version: int | None = None) -> list[Participation]:
    """Enrol the people picked one by one in the person picker (ids in the order picked); all or none."""
    people = Person.objects.in_bulk(list(person_ids))
    return participants_enrol_many(actor=actor, course=course, expected_version=expected_version, field="people",
                                   rows=[EnrolRow(n, str(pk), people.get(pk)) for n, pk in enumerate(person_ids, 1)])
