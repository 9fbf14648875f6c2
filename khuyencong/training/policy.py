"""Who may do what with courses and persons: role × area, on top of accounts.policy.

Training records hold personal data, so fewer roles see them than see the registry: selection-council
members and establishment representatives have no business reading trainees (Decree 356/2025,
data minimisation).

Courses and cooperation activities belong to the unit that organises them (domain.md §5), and people
from anywhere in Vietnam attend the province's courses. So a person's residence never gates recording
them as a participant of a course or activity the user may manage: the province's staff record persons
living anywhere; a commune officer manages the persons living in their communes. Who sees a person
follows :func:`scope_persons`: where they live, or the courses and activities they took part in.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import in_installation_province, is_active_member, visible_commune_ids
from khuyencong.accounts.scoping import scope

READERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.AUDITOR, Role.COMMUNE_OFFICER}
EDITORS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}
# Roles that may see full ID numbers and phones (commune officers only for their communes' persons)
# and answer data-subject requests.
PERSONAL_DATA = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}
MERGERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


def may_read(user: Any) -> bool:
    return is_active_member(user) and user.role in READERS


def may_edit(user: Any) -> bool:
    return is_active_member(user) and user.role in EDITORS


def may_merge(user: Any) -> bool:
    return is_active_member(user) and user.role in MERGERS


def in_area(user: User, unit_id: int | None) -> bool:
    """Is a unit inside the user's area (commune officers) and inside the province (everyone)?"""
    if not in_installation_province(unit_id):
        return False
    communes = visible_commune_ids(user)
    return communes is None or unit_id in communes


def may_edit_course(user: User, course: Any) -> bool:
    return may_edit(user) and in_area(user, course.organising_unit_id)


def covers_residence(user: User, commune_id: int | None) -> bool:
    """Does the user's area cover a person living in this commune? The province's staff: anywhere in
    Vietnam (trainees of the province's courses come from everywhere); commune officers: their communes."""
    communes = visible_commune_ids(user)
    return communes is None or commune_id in communes


def may_edit_person(user: User, person: Any) -> bool:
    return may_edit(user) and covers_residence(user, person.commune_id)


def sees_full_ids(user: Any) -> bool:
    """The role part of the unmask rule: may this role see full ID numbers of anyone at all?

    Files that hold persons' data as a whole (a stored import file) are for these roles only."""
    return is_active_member(user) and user.role in PERSONAL_DATA


def sees_personal_data(user: User, person: Any) -> bool:
    """Full ID and phone: province admin/officer, and commune officers of the person's own commune."""
    return sees_full_ids(user) and covers_residence(user, person.commune_id)


def may_search_by_id(user: Any) -> bool:
    """Exact search by national ID: only roles that may see full IDs (for their own area's persons).

    Anyone else could confirm a guessed number against a masked one."""
    return sees_full_ids(user)


def scope_training(records: QuerySet[Any], user: User, *, commune_path: str) -> QuerySet[Any]:
    """accounts.scoping.scope, restricted to the roles that read training records."""
    if not may_read(user):
        return records.none()
    return scope(records, user, commune_path=commune_path)


# Lookups from a person to the organising unit of something they took part in: the training app's
# courses here, other apps' activities through :func:`register_participation_path` (cooperation).
_PARTICIPATION_PATHS: list[str] = ["participations__course__organising_unit_id"]


def register_participation_path(path: str) -> None:
    """Let the persons who took part in another app's activities be seen by whoever sees the activity."""
    if path not in _PARTICIPATION_PATHS:
        _PARTICIPATION_PATHS.append(path)


def scope_persons(records: QuerySet[Any], user: User, *, person_path: str = "") -> QuerySet[Any]:
    """The one rule of who sees a person: the person lives in the user's area, or took part in a course or
    activity the user sees (organised in the user's area). Masking is another rule (``sees_personal_data``).

    ``person_path`` leads from ``records`` to the person (``""``: the records are persons).
    """
    if not may_read(user):
        return records.none()
    communes = visible_commune_ids(user)
    if communes is None:
        return records
    from khuyencong.training.models import Person  # the models import nothing from here: no cycle, but late

    prefix = f"{person_path}__" if person_path else ""
    seen = Q(**{f"{prefix}commune_id__in": communes})
    for path in _PARTICIPATION_PATHS:
        took_part = Person.objects.filter(**{f"{path}__in": communes}).values("pk")
        seen |= Q(**{f"{prefix}pk__in": took_part})
    return records.filter(seen)


def sees_person(user: User, person: Any) -> bool:
    """Is this stored person in the user's scope (:func:`scope_persons`)? A query only when the user's area
    does not cover where the person lives."""
    if may_read(user) and covers_residence(user, person.commune_id):
        return True
    from khuyencong.training.models import Person

    return scope_persons(Person.objects.filter(pk=person.pk), user).exists()


# The named checks menus, buttons and views ask for (registered by core.appconfig).
NAMED_CHECKS = {
    "personal_data.full_ids": sees_full_ids,
    "training.list": may_read,
    "training.create": may_edit,
}
