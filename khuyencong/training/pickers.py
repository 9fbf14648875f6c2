"""Person picker source: trainees the user may see (scoped), by folded name or (roles that may unmask,
logged and rate-limited) full ID number; labels carry no ID number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khuyencong.core.pickers import LIMIT
from khuyencong.training.models import Person
from khuyencong.training.services import person_search


def person_label(p: Person) -> str:
    year = f" ({p.birth_date.year})" if p.birth_date else ""
    commune = f" — {p.commune.name}" if p.commune_id else ""
    return f"{p.full_name}{year}{commune}"


def search(user: Any, query: str, params: Mapping[str, str]) -> list[tuple[str, str]]:
    items = person_search(actor=user, q=query).select_related("commune")[:LIMIT]
    return [(str(p.pk), person_label(p)) for p in items]


# The search-as-you-type pickers this app answers (registered by core.appconfig).
PICKERS = {"persons": search}
