"""Home figures of the registry: establishments within the user's scope (not tied to the period)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.policy import Action, role_allows
from khuyencong.core.todo import Figure
from khuyencong.establishments.selectors import establishments_for


def registry_figures(user: Any, *, year: int) -> list[Figure] | None:
    if not role_allows(user, Action.VIEW):
        return None
    return [Figure(label=_("Cơ sở CNNT trong phạm vi của bạn (hiện nay)"), value=establishments_for(user).count(),
                   unit=_("cơ sở"), url=reverse("establishments:list"))]
