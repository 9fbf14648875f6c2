"""Establishment picker source: the user's scoped registry, found by folded name or tax code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from khuyencong.core.pickers import LIMIT
from khuyencong.core.text import fold
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_for


def establishment_label(e: Establishment) -> str:
    return f"{e.name} — {e.commune.name}"


def search(user: Any, query: str, params: Mapping[str, str]) -> list[tuple[str, str]]:
    digits = "".join(query.split())
    match = Q(search_name__contains=fold(query))
    if digits.isdigit():
        match |= Q(tax_code=digits)
    items = establishments_for(user).filter(match).order_by("search_name", "pk")[:LIMIT]
    return [(str(e.pk), establishment_label(e)) for e in items]


# The search-as-you-type pickers this app answers (registered by core.appconfig).
PICKERS = {"establishments": search}
