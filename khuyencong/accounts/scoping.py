"""Area scoping for any record that hangs off a commune or an establishment.

Every app's selectors call :func:`scope` so that "who sees what" is decided in one way:
province-wide roles see everything, commune officers see records whose commune (any version)
lies in their communes, representatives see records of the establishments they represent, others nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import Action, role_allows, visible_commune_ids
from khuyencong.accounts.representation import represented_establishment_ids

M = TypeVar("M", bound=Model)


def scope(records: QuerySet[M], user: User, *, commune_path: str, establishment_path: str | None = None) -> QuerySet[M]:
    """Restrict ``records`` to what ``user`` may read.

    ``commune_path`` is the lookup from the record to its commune unit id (e.g. ``"establishment__commune_id"``);
    ``establishment_path`` the lookup to its establishment id, for representatives (None: they see nothing).
    """
    if not role_allows(user, Action.VIEW):
        return records.none()
    if user.role == Role.ESTABLISHMENT_REP:
        represented = represented_establishment_ids(user)
        if establishment_path is None or not represented:
            return records.none()
        return records.filter(**{f"{establishment_path}__in": represented})
    communes = visible_commune_ids(user)
    return records if communes is None else records.filter(**{f"{commune_path}__in": communes})
