"""Scheme picker source: schemes the user may see, by code or folded title."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khuyencong.core.pickers import CANDIDATES, folded_match
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.selectors import visible_schemes


def search(user: Any, query: str, params: Mapping[str, str]) -> list[tuple[str, str]]:
    # Titles have no folded column: fold the scoped candidates (code, title, unit) in one query.
    rows = list(visible_schemes(user, Scheme.objects.all()).order_by("-pk")
                .values_list("pk", "code", "title", "implementing_unit_name")[:CANDIDATES])
    return [(str(pk), f"{code} — {title}") for pk, code, title, _unit in folded_match(rows, query)]


# The search-as-you-type pickers this app answers (registered by core.appconfig).
PICKERS = {"schemes": search}
