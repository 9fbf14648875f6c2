"""Course writes: create and update, with the organising unit inside the actor's area."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.text import normalize
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.selectors import visible_schemes
from khuyencong.training import policy
from khuyencong.training.models import Course, Participation
from khuyencong.training.services.participations import refresh_due_dates

_TEXT_FIELDS = {"code", "title", "organiser", "trainer", "abroad_country", "abroad_city", "notes"}


def _clean_input(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    for key in _TEXT_FIELDS & cleaned.keys():
        cleaned[key] = normalize(cleaned[key] or "")
    if "code" in cleaned:
        cleaned["code"] = cleaned["code"].upper()
    return cleaned


def check_scheme_visible(actor: User, scheme: Scheme | None) -> None:
    """A course may only be linked to a scheme the actor can see (scoped like the scheme pages)."""
    if scheme is not None and not visible_schemes(actor).filter(pk=scheme.pk).exists():
        raise ValidationError({"scheme": _("Không tìm thấy đề án khuyến công này hoặc bạn không có quyền xem đề án.")})


def _validate(course: Course) -> None:
    """Rules a model constraint cannot express; each error names its field in Vietnamese."""
    errors: dict[str, str] = {}
    if course.start_date and course.end_date and course.end_date < course.start_date:
        errors["end_date"] = _("Ngày kết thúc không được trước ngày khai giảng.")
    if course.course_type_id and course.start_date and not course.course_type.is_valid_on(course.start_date):
        errors["course_type"] = _("Loại lớp “%(t)s” không có hiệu lực vào ngày khai giảng.") % {
            "t": course.course_type.label}
    unit = course.organising_unit if course.organising_unit_id else None
    if unit is not None and (unit.level not in ("province", "commune")
                             or (course.start_date and not unit.is_valid_on(course.start_date))):
        errors["organising_unit"] = _("Địa bàn tổ chức phải là tỉnh hoặc xã/phường còn hiệu lực vào ngày khai giảng.")
    if course.venue_unit_id and course.abroad_country:
        errors["abroad_country"] = _("Chỉ chọn một địa điểm: trong nước hoặc ở nước ngoài.")
    if course.abroad_city and not course.abroad_country:
        errors["abroad_country"] = _("Hãy ghi tên nước khi lớp tổ chức ở nước ngoài.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(*, actor: User, data: Mapping[str, Any]) -> Course:
    """Open a course organised by a unit the actor covers (province-wide roles: the province)."""
    require(policy.may_edit(actor))
    course = Course(**_clean_input(data))
    check_scheme_visible(actor, course.scheme)
    _validate(course)
    require(policy.may_edit_course(actor, course), _("Bạn chỉ được quản lý lớp do địa bàn mình phụ trách tổ chức."))
    return core.save_new(course, actor=actor)


@transaction.atomic
def course_update(*, actor: User, course: Course, data: Mapping[str, Any], expected_version: int | None) -> Course:
    """Change a course; participants' follow-up milestones move with its end date and type."""
    require(policy.may_edit_course(actor, course))
    old_key = (course.end_date, course.course_type_id)
    cleaned = _clean_input(data)
    # Only a changed link is checked: keeping a scheme the actor cannot see (set by province staff) is fine.
    if "scheme" in cleaned and getattr(cleaned["scheme"], "pk", None) != course.scheme_id:
        check_scheme_visible(actor, cleaned["scheme"])
    for key, value in cleaned.items():
        setattr(course, key, value)
    _validate(course)
    require(policy.may_edit_course(actor, course), _("Bạn chỉ được quản lý lớp do địa bàn mình phụ trách tổ chức."))
    saved = core.save_changes(course, actor=actor, expected_version=expected_version)
    if (saved.end_date, saved.course_type_id) != old_key:
        for participation in Participation.objects.filter(course=saved).select_related("course__course_type"):
            refresh_due_dates(participation, actor=actor)
    return saved
