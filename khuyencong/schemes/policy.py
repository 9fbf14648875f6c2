"""Who may do what with programmes, plans and schemes (role × area × ownership)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import Action, is_active_member, role_allows, visible_commune_ids

# The provincial DoIT / extension centre drives the lifecycle and the money.
DRIVERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}
PROPOSERS = {*DRIVERS, Role.COMMUNE_OFFICER}
# Support norms are rules with legal force: only the province administrator edits them.
NORM_EDITORS = {Role.PROVINCE_ADMIN}


def may_view(user: User) -> bool:
    return role_allows(user, Action.VIEW)


def may_drive(user: User) -> bool:
    """Transitions, disbursements, attachments, plans and programmes."""
    return is_active_member(user) and user.role in DRIVERS


def may_edit_norms(user: User) -> bool:
    return is_active_member(user) and user.role in NORM_EDITORS


def may_start_proposal(user: User) -> bool:
    """Whether the "new scheme" form is offered at all (the area check happens on save)."""
    return is_active_member(user) and user.role in PROPOSERS


def _in_officer_area(user: User, establishments: Iterable[Any], unit_id: int | None) -> bool:
    communes = visible_commune_ids(user) or set()
    establishments = list(establishments)
    if establishments:
        return all(e.commune_id in communes for e in establishments)
    return unit_id is not None and unit_id in communes


def may_propose(user: User, *, establishments: Iterable[Any] = (), unit_id: int | None = None) -> bool:
    """Province staff propose anywhere; a commune officer only for establishments in their communes."""
    if not is_active_member(user) or user.role not in PROPOSERS:
        return False
    if user.role == Role.COMMUNE_OFFICER:
        return _in_officer_area(user, establishments, unit_id)
    return True


def may_edit(user: User, scheme: Any) -> bool:
    """Province staff edit any unsettled scheme; a commune officer only their area's schemes still proposed."""
    if may_drive(user):
        return True
    if is_active_member(user) and user.role == Role.COMMUNE_OFFICER and scheme.status == "proposed":
        return _in_officer_area(user, scheme.beneficiaries.all(), scheme.implementing_unit_id)
    return False


# The named checks menus, buttons and views ask for (registered by core.appconfig).
NAMED_CHECKS = {
    "schemes.list": may_view,
    "schemes.create": may_start_proposal,
    "schemes.drive": may_drive,
}
