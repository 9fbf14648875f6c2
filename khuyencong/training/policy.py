"""Who may do what with courses and persons: role × area, on top of accounts.policy.

Training records hold personal data, so fewer roles see them than see the registry: selection-council
members and establishment representatives have no business reading trainees (Decree 356/2025,
data minimisation).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

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


def may_edit_person(user: User, person: Any) -> bool:
    return may_edit(user) and in_area(user, person.commune_id)


def sees_full_ids(user: Any) -> bool:
    """The role part of the unmask rule: may this role see full ID numbers of anyone at all?

    Files that hold persons' data as a whole (a stored import file) are for these roles only."""
    return is_active_member(user) and user.role in PERSONAL_DATA


def sees_personal_data(user: User, person: Any) -> bool:
    """Full ID and phone: province admin/officer, and commune officers of the person's own commune."""
    if not sees_full_ids(user):
        return False
    communes = visible_commune_ids(user)
    return communes is None or person.commune_id in communes


def may_search_by_id(user: Any) -> bool:
    """Exact search by national ID: only roles that may see full IDs (for their own area's persons).

    Anyone else could confirm a guessed number against a masked one."""
    return sees_full_ids(user)


def scope_training(records: QuerySet[Any], user: User, *, commune_path: str) -> QuerySet[Any]:
    """accounts.scoping.scope, restricted to the roles that read training records."""
    if not may_read(user):
        return records.none()
    return scope(records, user, commune_path=commune_path)


# The named checks menus, buttons and views ask for (registered by core.appconfig).
NAMED_CHECKS = {
    "personal_data.full_ids": sees_full_ids,
    "training.list": may_read,
    "training.create": may_edit,
}
