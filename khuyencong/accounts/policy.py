"""The one place that decides what a user may do: role × area × ownership.

Selectors ask :func:`visible_commune_ids` to scope reads; services ask :func:`require` before writes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils import timezone

from khuyencong.accounts.models import Role, User
from khuyencong.core.errors import PermissionDeniedError

# Roles that read the whole province's registry.
PROVINCE_WIDE = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.AUDITOR, Role.COUNCIL_MEMBER}
# Roles whose work needs representatives' phone numbers and other personal contact data.
PERSONAL_DATA_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


_ESTABLISHMENT_RULES: dict[Action, set[str]] = {
    Action.VIEW: {*PROVINCE_WIDE, Role.COMMUNE_OFFICER, Role.ESTABLISHMENT_REP},
    Action.CREATE: {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER},
    Action.UPDATE: {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER, Role.ESTABLISHMENT_REP},
    Action.DELETE: {Role.PROVINCE_ADMIN},
}


def is_active_member(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role)


def role_allows(user: Any, action: Action) -> bool:
    return is_active_member(user) and user.role in _ESTABLISHMENT_RULES[action]


def visible_commune_ids(user: User) -> set[int] | None:
    """Commune unit ids (all versions) a commune officer covers; ``None`` means no area limit.

    An officer of today's commune also covers the pre-2025 communes merged into it, so records
    registered before the reform stay in their hands.
    """
    from khuyencong.geo.selectors import units_within_any

    if user.role in PROVINCE_WIDE:
        return None
    if user.role != Role.COMMUNE_OFFICER:
        return set()
    return units_within_any(user.communes.all(), on=timezone.localdate())


def province_commune_ids() -> set[int]:
    """Unit ids (all versions) inside the province this installation serves, on today's map."""
    from django.conf import settings

    from khuyencong.geo.selectors import unit_by_code, unit_ids_within

    today = timezone.localdate()
    return unit_ids_within(unit_by_code(settings.PROVINCE_CODE, on=today, level="province"), on=today)


def may_act_on_establishment(user: User, action: Action, establishment: Any) -> bool:
    """Role check plus area (commune officers, and the province for everyone) and ownership."""
    if not role_allows(user, action):
        return False
    if action in (Action.CREATE, Action.UPDATE) and establishment.commune_id not in province_commune_ids():
        return False
    if user.role == Role.ESTABLISHMENT_REP:
        return establishment.pk is not None and establishment.pk == user.establishment_id
    if user.role == Role.COMMUNE_OFFICER:
        communes = visible_commune_ids(user) or set()
        return establishment.commune_id in communes
    return True


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def sees_personal_data(user: User, establishment: Any | None = None) -> bool:
    if user.role in PERSONAL_DATA_ROLES:
        return True
    is_own = establishment is not None and establishment.pk == user.establishment_id
    return user.role == Role.ESTABLISHMENT_REP and is_own
