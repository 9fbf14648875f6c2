"""The participation state machine and follow-ups after training; enrolment is ``roster``'s."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.lifecycle import Lifecycle, Step, check_note
from khuyencong.core.text import normalize
from khuyencong.training import policy
from khuyencong.training.dates import add_months
from khuyencong.training.models import (
    Course,
    FollowUp,
    Participation,
    ParticipationEvent,
    ParticipationStatus,
    Person,
)
from khuyencong.training.validators import validate_national_id

S = ParticipationStatus


def _edits_course(actor: User, participation: Participation) -> bool:
    return policy.may_edit_course(actor, participation.course)


# The participation lifecycle: completion and dropping out are final (a correction is a new record);
# whoever may edit the course records either.
PARTICIPATION_LIFECYCLE = Lifecycle(
    statuses=ParticipationStatus, event=ParticipationEvent, may=_edits_course, error_code="transition",
    refused=gettext_lazy("Không thể chuyển học viên từ “%(a)s” sang “%(b)s”."),
    steps=[Step(S.COMPLETED, {S.ENROLLED}), Step(S.DROPPED, {S.ENROLLED})],
)
TRANSITIONS = PARTICIPATION_LIFECYCLE.table
RESTRICTED = _("Dữ liệu của “%(name)s” đang bị hạn chế xử lý theo yêu cầu của chủ thể dữ liệu.")


def due_dates(course: Course) -> tuple[dt.date | None, dt.date | None]:
    """The 3- and 6-month follow-up milestones of ``course``'s trainees (employment-oriented courses only)."""
    if not course.course_type.employment_oriented:
        return None, None
    return add_months(course.end_date, 3), add_months(course.end_date, 6)


def refresh_due_dates(participation: Participation, *, actor: User) -> None:
    """Set the participation's follow-up milestones from its course."""
    due = due_dates(participation.course)
    if (participation.follow_up_due_3m, participation.follow_up_due_6m) != due:
        participation.follow_up_due_3m, participation.follow_up_due_6m = due
        if participation.pk:
            core.save_changes(participation, actor=actor, expected_version=None)


def _refuse_restricted(person: Person) -> None:
    if person.restricted:
        raise ValidationError({"person": RESTRICTED % {"name": person.full_name}}, code="restricted")


def parse_id_lines(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(line number, ID) for each non-empty line, and (line number, message) for each malformed one."""
    entries, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        value = re.sub(r"[\s.]", "", raw)
        if not value:
            continue
        try:
            validate_national_id(value)
        except ValidationError as exc:
            errors.append((number, _("Dòng %(n)d (“%(v)s”): %(m)s") % {
                "n": number, "v": raw.strip(), "m": exc.messages[0]}))
            continue
        entries.append((number, value))
    return entries, errors


def _transition(actor: User, participation: Participation, to: str, note: str = "") -> Participation:
    result: Participation = PARTICIPATION_LIFECYCLE.move(participation, actor=actor, target=to, note=note)
    return result


@transaction.atomic
def participant_complete(*, actor: User, participation: Participation, certificate_no: str = "") -> Participation:
    """Mark completion; only once the course has ended (the end date is the indicators' event date)."""
    PARTICIPATION_LIFECYCLE.authorise(actor, participation, S.COMPLETED)
    _refuse_restricted(participation.person)
    if participation.course.end_date > timezone.localdate():
        raise ValidationError({"status": _("Lớp chưa kết thúc (ngày kết thúc %(d)s): chưa thể ghi nhận hoàn thành.")
                               % {"d": participation.course.end_date.strftime("%d/%m/%Y")}}, code="not_ended")
    participation.certificate_no = normalize(certificate_no)
    return _transition(actor, participation, S.COMPLETED)


@transaction.atomic
def participant_drop(*, actor: User, participation: Participation, note: str = "") -> Participation:
    """Dropped participants never count."""
    PARTICIPATION_LIFECYCLE.authorise(actor, participation, S.DROPPED)
    return _transition(actor, participation, S.DROPPED, check_note(normalize(note)))


def _validate_follow_up(follow_up: FollowUp, participation: Participation) -> None:
    errors: dict[str, str] = {}
    course = participation.course
    if not course.course_type.employment_oriented:
        errors["participation"] = _("Chỉ theo dõi việc làm cho học viên các lớp đào tạo nghề, trung cấp nghề.")
    elif participation.status != S.COMPLETED:
        errors["participation"] = _("Chỉ theo dõi học viên đã hoàn thành lớp.")
    if follow_up.date and follow_up.date < course.end_date:
        errors["date"] = _("Ngày theo dõi không được trước ngày kết thúc lớp (%(d)s).") % {
            "d": course.end_date.strftime("%d/%m/%Y")}
    elif follow_up.date and follow_up.date > timezone.localdate():
        errors["date"] = _("Ngày theo dõi không được sau ngày hôm nay.")
    if follow_up.monthly_income_vnd is not None and follow_up.monthly_income_vnd < 0:
        errors["monthly_income_vnd"] = _("Thu nhập bình quân tháng không được âm.")
    if errors:
        raise ValidationError(errors)


def _follow_up_values(actor: User, participation: Participation, data: Mapping[str, Any]) -> dict[str, Any]:
    """The follow-up input cleaned, once the actor may write this trainee's results (recording or correcting)."""
    require(policy.may_edit_person(actor, participation.person),
            _("Bạn chỉ được cập nhật kết quả của học viên thuộc xã/phường mình phụ trách."))
    _refuse_restricted(participation.person)
    values = dict(data)
    if "employer_text" in values:
        values["employer_text"] = normalize(values["employer_text"] or "")
    return values


@transaction.atomic
def follow_up_record(*, actor: User, participation: Participation, data: Mapping[str, Any]) -> FollowUp:
    """Record what a trainee was doing on a date after the course ended."""
    values = _follow_up_values(actor, participation, data)
    follow_up = FollowUp(participation=participation, **values)
    _validate_follow_up(follow_up, participation)
    return core.save_new(follow_up, actor=actor)


@transaction.atomic
def follow_up_update(*, actor: User, follow_up: FollowUp, data: Mapping[str, Any]) -> FollowUp:
    """Correct a recorded follow-up (status, employer, income, note) with the same checks as recording it."""
    participation = follow_up.participation
    values = _follow_up_values(actor, participation, data)
    for key, value in values.items():
        setattr(follow_up, key, value)
    _validate_follow_up(follow_up, participation)
    return core.save_changes(follow_up, actor=actor, expected_version=None)
