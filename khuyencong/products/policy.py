"""Who may do what in the typical-product scheme: roles of the system × roles in a round's council."""

from __future__ import annotations

from typing import Any

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import (
    COUNCIL_SEATABLE_ROLES,
    Action,
    is_active_member,
    may_act_on_establishment,
    role_allows,
    visible_commune_ids,
)
from khuyencong.products.models import MemberRole, SelectionRound

# Staff of the DoIT and its Extension Centre organise provincial rounds and prepare regional/national entries.
PROVINCE_MANAGERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}


def may_view(user: User) -> bool:
    return role_allows(user, Action.VIEW)


# Accounts that may hold a council seat (juror, secretary, chair…). Councils are made of officials and
# experts (Circular 26/2014 Art. 9, 11): council-member accounts and province staff. Never an
# establishment representative (a party to the round), never the auditor (read-only), never a commune
# officer (their reads stop at their communes, and a juror must read every dossier they score).
SEATABLE_ROLES = COUNCIL_SEATABLE_ROLES  # defined with the accounts policy: the second-factor rule reads it too
# Level a commune officer may organise: only a commune-level round held by one of their communes.
COMMUNE_LEVEL = "commune"


def may_create_round(user: User) -> bool:
    return is_active_member(user) and user.role in (*PROVINCE_MANAGERS, Role.COMMUNE_OFFICER)


def may_organise(user: User, *, level_code: str, organiser_id: int | None) -> bool:
    """Province staff organise any level; a commune officer only a commune-level round of their own commune."""
    if not may_create_round(user):
        return False
    if user.role in PROVINCE_MANAGERS:
        return True
    return level_code == COMMUNE_LEVEL and organiser_id in (visible_commune_ids(user) or set())


def may_be_seated(user: User) -> bool:
    return is_active_member(user) and user.role in SEATABLE_ROLES


def membership(user: User, selection_round: SelectionRound) -> Any:
    """The user's seat in the round's council, or None (a seat held by a role that may not sit counts for nothing)."""
    if not may_be_seated(user):
        return None
    from khuyencong.products.models import CouncilMember

    return CouncilMember.objects.filter(council__round=selection_round, user=user, removed_on__isnull=True).first()


def may_manage_round(user: User, selection_round: SelectionRound) -> bool:
    """Province staff, the council's secretary, or a commune officer for a round organised in their area."""
    if not is_active_member(user):
        return False
    if user.role in PROVINCE_MANAGERS:
        return True
    seat = membership(user, selection_round)
    if seat is not None and seat.role == MemberRole.SECRETARY:
        return True
    if user.role == Role.COMMUNE_OFFICER:
        return selection_round.organiser_id in (visible_commune_ids(user) or set())
    return False


def may_approve_round(user: User, selection_round: SelectionRound) -> bool:
    """The council approves: its chair (or vice-chair) or whoever manages the round on its behalf."""
    seat = membership(user, selection_round)
    if seat is not None and seat.role in (MemberRole.CHAIR, MemberRole.VICE_CHAIR):
        return True
    return may_manage_round(user, selection_round)


def may_register_product(user: User) -> bool:
    """Registering a product: roles that may update some establishment (the form lists only theirs)."""
    return role_allows(user, Action.UPDATE)


def may_edit_product_of(user: User, establishment: Any) -> bool:
    """Products and nominations are prepared by the establishment itself or by the officers covering it."""
    return may_act_on_establishment(user, Action.UPDATE, establishment)


def may_see_all_rounds(user: User) -> bool:
    return may_view(user)


# The named checks menus, buttons and views ask for (registered by core.appconfig).
NAMED_CHECKS = {
    "products.list": may_view,
    "products.round_create": may_create_round,
    "products.product_create": may_register_product,
}
