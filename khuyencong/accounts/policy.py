"""The one place that decides what a user may do: role × area × ownership.

Selectors ask :func:`visible_commune_ids` to scope reads; services ask :func:`require` before writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import Any

from django.utils import timezone

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.representation import represents
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.geo.register_cache import RegisterCache

# Roles that read the whole province's registry.
# Accounts that may hold a council seat (juror, secretary, chair…). Councils are made of officials and
# experts (Circular 26/2014 Art. 9, 11): council-member accounts and province staff. A seat held by any
# other role gives no power (products policy) and asks for no second factor (two_factor).
COUNCIL_SEATABLE_ROLES = frozenset({Role.COUNCIL_MEMBER, Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER})
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
    # A page asks several selectors for the same area: computed once per user object (a request's user) and day;
    # a change of the officer's communes forgets it (``forget_visible_communes``, connected in apps.py).
    today = timezone.localdate()
    cached = getattr(user, _AREA_CACHE, None)
    if cached is None or cached[0] != today:
        cached = (today, frozenset(units_within_any(user.communes.all(), on=today)))
        setattr(user, _AREA_CACHE, cached)
    return set(cached[1])


_AREA_CACHE = "_visible_commune_ids"


def forget_visible_communes(instance: Any, **_kwargs: Any) -> None:
    """``m2m_changed`` receiver for ``User.communes``: the next scope reads the new area."""
    if isinstance(instance, User):
        instance.__dict__.pop(_AREA_CACHE, None)


_PROVINCE_CLOSURE = RegisterCache()
# Set only by a system administrator's data migration (``khuyencong import --system``): the records of
# regional events (other provinces' exhibitors, recognitions, courses) travel with the rest.
_OTHER_PROVINCES_ALLOWED: ContextVar[bool] = ContextVar("other_provinces_allowed", default=False)


def province_commune_ids() -> frozenset[int]:
    """Unit ids (all versions) inside the province this installation serves, on today's map.

    Cached per (province, day) in each process, and dropped in every process when the unit register is
    (re)loaded (:mod:`khuyencong.geo.register_cache`): the closure walks the crosswalk, and imports ask
    once per row.
    """
    from django.conf import settings

    from khuyencong.geo.selectors import unit_by_code, unit_ids_within

    today = timezone.localdate()

    def closure() -> frozenset[int]:
        province = unit_by_code(settings.PROVINCE_CODE, on=today, level="province")
        return frozenset(unit_ids_within(province, on=today))

    closure_ids: frozenset[int] = _PROVINCE_CLOSURE.get((settings.PROVINCE_CODE, today), closure)
    return closure_ids


def in_installation_province(unit_id: int | None) -> bool:
    """May a record in ``unit_id`` be written here: inside the province (or during a system migration)?"""
    if _OTHER_PROVINCES_ALLOWED.get():
        return unit_id is not None
    return unit_id in province_commune_ids()


def require_in_province(unit_id: int | None, *, field: str, message: str) -> None:
    """Refuse a write placed in a unit outside the installation's province, under ``field`` and for that
    reason — not with the commune officers' "your communes" reason, which would send a province officer
    looking for a right they already have. ``message`` names ``%(unit)s`` and ``%(province)s``."""
    if unit_id is None or in_installation_province(unit_id):
        return
    from django.conf import settings
    from django.core.exceptions import ValidationError

    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.geo.pickers import unit_label
    from khuyencong.geo.selectors import UnitNotFound, unit_by_code

    unit = AdministrativeUnit.objects.select_related("parent").get(pk=unit_id)
    try:
        province = unit_by_code(settings.PROVINCE_CODE, on=timezone.localdate(), level="province").name
    except UnitNotFound:
        province = settings.PROVINCE_CODE
    raise ValidationError({field: message % {"unit": unit_label(unit), "province": province}},
                          code="outside_province")


@contextmanager
def other_provinces_allowed() -> Iterator[None]:
    token = _OTHER_PROVINCES_ALLOWED.set(True)
    try:
        yield
    finally:
        _OTHER_PROVINCES_ALLOWED.reset(token)


def may_act_on_establishment(user: User, action: Action, establishment: Any) -> bool:
    """Role check plus area (commune officers, and the province for everyone) and ownership."""
    if not role_allows(user, action):
        return False
    if action in (Action.CREATE, Action.UPDATE) and not in_installation_province(establishment.commune_id):
        return False
    if user.role == Role.ESTABLISHMENT_REP:
        return represents(user, establishment.pk)
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
    is_own = establishment is not None and represents(user, establishment.pk)
    return user.role == Role.ESTABLISHMENT_REP and is_own


def may_review_duplicates(user: Any) -> bool:
    """Entries held because they match another area's record (``core.review``) are settled by province staff."""
    return is_active_member(user) and user.role in {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}
