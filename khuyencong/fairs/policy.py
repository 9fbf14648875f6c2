"""Who may do what with fairs, participations and showrooms (role × area × ownership).

Fairs and showrooms are province-level events: every member reads them, province staff manage them.
Participations and displays hang off an establishment: commune officers register and edit those of
establishments in their communes, representatives read their own, council and auditors read all.
"""

from __future__ import annotations

from typing import Any

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import (
    PROVINCE_WIDE,
    Action,
    in_installation_province,
    is_active_member,
    visible_commune_ids,
)
from khuyencong.accounts.representation import represents

_READERS: set[str] = {*PROVINCE_WIDE, Role.COMMUNE_OFFICER, Role.ESTABLISHMENT_REP}
_PROVINCE_STAFF: set[str] = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}

_EVENT_RULES: dict[Action, set[str]] = {  # fairs and showrooms
    Action.VIEW: _READERS,
    Action.CREATE: _PROVINCE_STAFF,
    Action.UPDATE: _PROVINCE_STAFF,
    Action.DELETE: {Role.PROVINCE_ADMIN},
}
_ENTRY_RULES: dict[Action, set[str]] = {  # participations and showroom displays
    Action.VIEW: _READERS,
    Action.CREATE: {*_PROVINCE_STAFF, Role.COMMUNE_OFFICER},
    Action.UPDATE: {*_PROVINCE_STAFF, Role.COMMUNE_OFFICER},
    Action.DELETE: _PROVINCE_STAFF,
}


def may_read(user: Any) -> bool:
    """The fair and showroom lists (participations inside are scoped by establishment)."""
    return may_manage_events(user, Action.VIEW)


def may_manage_events(user: Any, action: Action) -> bool:
    """Fairs and showrooms: read by every member, written by province staff."""
    return is_active_member(user) and user.role in _EVENT_RULES[action]


def entry_role_allows(user: Any, action: Action) -> bool:
    """Role check only for participations and displays (area is checked per record)."""
    return is_active_member(user) and user.role in _ENTRY_RULES[action]


def may_act_on_entry(user: User, action: Action, establishment: Any) -> bool:
    """Role, plus area for commune officers and the province for writes, plus ownership for reps."""
    if not entry_role_allows(user, action):
        return False
    if action != Action.VIEW and not in_installation_province(establishment.commune_id):
        return False
    if user.role == Role.ESTABLISHMENT_REP:
        return represents(user, establishment.pk)
    if user.role == Role.COMMUNE_OFFICER:
        return establishment.commune_id in (visible_commune_ids(user) or set())
    return True


# The named checks menus, buttons and views ask for (registered by core.appconfig).
NAMED_CHECKS = {
    "fairs.list": may_read,
    "fairs.create": lambda user: may_manage_events(user, Action.CREATE),
}
