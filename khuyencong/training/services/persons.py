"""Person writes: one record per real person (dedup by ID number, or name + birth date + commune)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import review
from khuyencong.core import services as core
from khuyencong.core.services import attribute
from khuyencong.core.text import fold, normalize
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.training import policy
from khuyencong.training.models import (
    FollowUp,
    Participation,
    ParticipationStatus,
    Person,
    PersonConsent,
    PersonMerge,
)
from khuyencong.training.validators import birth_year_of, is_female_by_id

_TEXT_FIELDS = {"full_name", "ethnicity", "restriction_note"}
# Filled from the merged record when the kept record has no value.
_MERGE_FILL = ["national_id", "birth_date", "birth_year", "ethnicity", "employer", "phone"]


def _clean_input(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    for key in _TEXT_FIELDS & cleaned.keys():
        cleaned[key] = normalize(cleaned[key] or "")
    if "national_id" in cleaned:
        cleaned["national_id"] = "".join((cleaned["national_id"] or "").split()) or None
    if "phone" in cleaned:
        cleaned["phone"] = (cleaned["phone"] or "").replace(" ", "").replace(".", "")
    return cleaned


def derived_identity(full_name: str, birth_date: Any, birth_year: int | None) -> tuple[str, int | None]:
    """The search name and birth year stored with a person (a known birth date decides the year).

    On plain values so that a 100,000-row import derives them as a form does, without building records.
    """
    return fold(full_name), birth_date.year if birth_date else birth_year


def _derive(person: Person) -> None:
    person.search_name, person.birth_year = derived_identity(person.full_name, person.birth_date, person.birth_year)


def identity_errors(national_id: str | None, birth_year: int | None, gender: str | None) -> dict[str, str]:
    """The CCCD's century/sex digit and year digits must agree with what else we know (Circular 59/2021).

    On plain values so that a 100,000-row import applies the same rule without building records.
    """
    nid = national_id
    if not (nid and len(nid) == 12 and nid.isdigit()):
        return {}
    if birth_year and birth_year_of(nid) != birth_year:
        return {"national_id": _(
            "Số định danh không khớp với năm sinh %(y)s (chữ số thứ 4–6 mã hóa năm sinh)."
        ) % {"y": birth_year}}
    if gender and is_female_by_id(nid) != (gender == "female"):
        return {"national_id": _("Số định danh không khớp với giới tính (chữ số thứ 4 mã hóa thế kỷ và giới tính).")}
    return {}


def person_errors(national_id: str | None, birth_year: int | None, gender: str | None,
                  commune: AdministrativeUnit | None) -> dict[str, str]:
    """Every check of a person's own values (identity digits, commune level), by field; on plain values."""
    errors = identity_errors(national_id, birth_year, gender)
    if commune is not None and commune.level != "commune":
        errors["commune"] = _("Hãy chọn đơn vị cấp xã/phường/đặc khu.")
    return errors


def _validate(person: Person) -> None:
    errors = person_errors(person.national_id, person.birth_year, person.gender,
                           person.commune if person.commune_id else None)
    if errors:
        raise ValidationError(errors)


def person_prepare(person: Person) -> None:
    """Derive and check a changed person's values as ``person_update`` does (raises ValidationError)."""
    _derive(person)
    _validate(person)


def _refuse_known_id(actor: User, person: Person) -> None:
    if not person.national_id:
        return
    existing = Person.objects.filter(national_id=person.national_id).exclude(pk=person.pk).first()
    if existing is None:
        return
    if policy.covers_residence(actor, existing.commune_id):
        message = _("Số định danh này đã có trong hệ thống: %(name)s (hồ sơ số %(pk)s). Hãy dùng hồ sơ đó.") % {
            "name": existing.full_name, "pk": existing.pk}
        raise ValidationError({"national_id": message}, code="duplicate_id")
    # Outside the actor's area: neither "exists" nor "elsewhere"; a province officer settles it.
    hold_person_id(actor, existing)
    raise ValidationError({"national_id": review.held_message(_("số định danh"))}, code="held_for_review")


def hold_person_id(actor: User, existing: Person) -> None:
    """Send a collision on the ID number of a person outside the actor's area to a province officer."""
    review.hold(register="training.person", field="national_id", record=existing, actor=actor,
                label=existing.full_name, url=reverse("training:person_detail", args=[existing.pk]))


def suspected_duplicates(person: Person) -> list[Person]:
    """Same folded name, birth date and commune: probably the same person entered twice."""
    if not person.birth_date:
        return []
    same = Person.objects.filter(search_name=person.search_name, birth_date=person.birth_date,
                                 commune_id=person.commune_id)
    return list(same.exclude(pk=person.pk)[:5])


def _refuse_suspected(person: Person) -> None:
    similar = suspected_duplicates(person)
    if similar:
        names = "; ".join(f"{p.full_name} (hồ sơ số {p.pk})" for p in similar)
        message = _(
            "Có thể trùng với người đã có (cùng họ tên, ngày sinh, xã/phường): %(names)s. "
            "Kiểm tra lại; nếu đúng là người khác thì xác nhận để lưu."
        ) % {"names": names}
        raise ValidationError({"full_name": ValidationError(message, code="suspected_duplicate")})


@transaction.atomic
def person_create(*, actor: User, data: Mapping[str, Any], confirm_distinct: bool = False) -> Person:
    """Record a person living in a commune the actor covers, unless they are already recorded."""
    require(policy.may_edit(actor))
    person = Person(**_clean_input(data))
    _derive(person)
    _validate(person)
    require(policy.may_edit_person(actor, person),
            _("Bạn chỉ được ghi nhận người cư trú tại xã/phường mình phụ trách."))
    _refuse_known_id(actor, person)
    if not person.national_id and not confirm_distinct:
        _refuse_suspected(person)
    return core.save_new(person, actor=actor)


@transaction.atomic
def person_update(*, actor: User, person: Person, data: Mapping[str, Any], expected_version: int | None,
                  correction: bool = False) -> Person:
    """Change a person. ``correction`` marks a data-subject correction, allowed even under restriction."""
    require(policy.may_edit_person(actor, person))
    if person.restricted and not correction:
        raise ValidationError({"restricted": _(
            "Dữ liệu của người này đang bị hạn chế xử lý; chỉ được sửa theo yêu cầu đính chính của chủ thể dữ liệu."
        )}, code="restricted")
    for key, value in _clean_input(data).items():
        if key not in {"restricted", "restriction_note"}:
            setattr(person, key, value)
    _derive(person)
    _validate(person)
    require(policy.may_edit_person(actor, person), _("Bạn chỉ được quản lý người thuộc xã/phường mình phụ trách."))
    _refuse_known_id(actor, person)
    return core.save_changes(person, actor=actor, expected_version=expected_version)


@transaction.atomic
def person_restrict(*, actor: User, person: Person, restricted: bool, note: str = "",
                    expected_version: int | None = None) -> Person:
    """Restrict (or lift the restriction of) processing at the data subject's request (Law 91/2025)."""
    require(policy.sees_personal_data(actor, person) and policy.may_edit_person(actor, person))
    person.restricted = restricted
    person.restriction_note = normalize(note)[:300] if restricted else ""
    return core.save_changes(person, actor=actor, expected_version=expected_version)


def _move_participations(actor: User, keep: Person, merge: Person) -> None:
    kept_courses = {p.course_id: p for p in keep.participations.all()}
    for participation in list(merge.participations.select_related("course")):
        twin = kept_courses.get(participation.course_id)
        if twin is not None and ParticipationStatus.DROPPED not in (twin.status, participation.status):
            raise ValidationError({"merge": _(
                "Cả hai hồ sơ cùng học lớp %(code)s: không thể là một người. Kiểm tra lại trước khi gộp."
            ) % {"code": participation.course.code}}, code="same_course")
        if twin is not None and participation.status == ParticipationStatus.DROPPED:
            core.delete_record(participation, actor=actor)  # the kept record's enrolment stands
            continue
        if twin is not None:  # the kept record dropped out, the merged one did not
            for follow_up in FollowUp.objects.filter(participation=twin):
                follow_up.participation = participation
                core.save_changes(follow_up, actor=actor, expected_version=None)
            core.delete_record(twin, actor=actor)
        participation.person = keep
        core.save_changes(participation, actor=actor, expected_version=None)


def _move_other_records(actor: User, keep: Person, merge: Person) -> None:
    """Re-point every other record about ``merge`` (consents, access log, other apps' participations)."""
    for relation in Person._meta.related_objects:
        if relation.related_model is Participation or not relation.one_to_many:
            continue
        name = relation.field.name
        for record in relation.related_model._default_manager.filter(**{name: merge}):
            setattr(record, name, keep)
            try:
                record.validate_unique()
                record.validate_constraints()
            except ValidationError:
                raise ValidationError({"merge": _(
                    "Cả hai hồ sơ cùng có trong một “%(what)s”: không thể là một người. Kiểm tra lại trước khi gộp."
                ) % {"what": relation.related_model._meta.verbose_name}}) from None
            attribute(record, actor)  # read by django-simple-history
            record.save()


@transaction.atomic
def person_merge(*, actor: User, keep: Person, merge: Person) -> Person:
    """Merge duplicate ``merge`` into ``keep``: participations, follow-ups, consents and logs move."""
    require(policy.may_merge(actor), _("Chỉ cán bộ cấp tỉnh được gộp hồ sơ trùng."))
    if keep.pk == merge.pk:
        raise ValidationError({"merge": _("Hãy chọn hai hồ sơ khác nhau.")})
    if keep.national_id and merge.national_id and keep.national_id != merge.national_id:
        raise ValidationError({"merge": _("Hai hồ sơ có số định danh khác nhau: đây là hai người khác nhau.")})
    _move_participations(actor, keep, merge)
    _move_other_records(actor, keep, merge)
    fills = {name: getattr(merge, name) for name in _MERGE_FILL if not getattr(keep, name) and getattr(merge, name)}
    PersonMerge.objects.create(kept=keep, merged_person_id=merge.pk, merged_name=merge.full_name, by=actor)
    core.delete_record(merge, actor=actor)  # first, so its ID number is free for the kept record
    if fills:
        for name, value in fills.items():
            setattr(keep, name, value)
        _derive(keep)
        _validate(keep)
        core.save_changes(keep, actor=actor, expected_version=None)
    return keep


@transaction.atomic
def consent_record(*, actor: User, person: Person, data: Mapping[str, Any]) -> PersonConsent:
    """Record the legal basis or consent for one purpose (Decree 356/2025: per purpose)."""
    require(policy.may_edit_person(actor, person))
    return core.save_new(PersonConsent(person=person, **data), actor=actor)


@transaction.atomic
def consent_withdraw(*, actor: User, consent: PersonConsent, on: Any) -> PersonConsent:
    require(policy.may_edit_person(actor, consent.person))
    consent.withdrawn_at = on
    if on < consent.given_at:
        raise ValidationError({"withdrawn_at": _("Ngày rút lại không được trước ngày đồng ý.")})
    return core.save_changes(consent, actor=actor, expected_version=None)
