"""Who may do what with cooperation records: the training roles, since participants are trainees' records.

Partners and agreements are the province's business (DoIT); activities follow the organising unit.
"""

from __future__ import annotations

from typing import Any

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import is_active_member
from khuyencong.training.policy import in_area, may_edit, may_read, scope_training

PROVINCE_EDITORS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER}

__all__ = ["may_edit", "may_edit_activity", "may_edit_partner", "may_read", "scope_training"]


def may_edit_partner(user: Any) -> bool:
    return is_active_member(user) and user.role in PROVINCE_EDITORS


def may_edit_activity(user: User, activity: Any) -> bool:
    return may_edit(user) and in_area(user, activity.organising_unit_id)


# The named checks menus, buttons and views ask for (registered by core.appconfig).
NAMED_CHECKS = {
    "cooperation.list": may_read,
    "cooperation.create": may_edit,
    "cooperation.partners": may_read,
}
