"""Product picker source: products the user may see, labelled product — establishment — commune."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khuyencong.core.pickers import CANDIDATES, folded_match
from khuyencong.products.selectors import products_for


def search(user: Any, query: str, params: Mapping[str, str]) -> list[tuple[str, str]]:
    # Product names have no folded column: fold the scoped candidates in one query.
    items = products_for(user)
    if params.get("establishment", "").isdigit():
        items = items.filter(establishment_id=int(params["establishment"]))
    rows = list(items.order_by("-pk").values_list(
        "pk", "name", "establishment__name", "establishment__commune__name")[:CANDIDATES])
    return [(str(pk), f"{name} — {est} — {commune}") for pk, name, est, commune in folded_match(rows, query)]


# The search-as-you-type pickers this app answers (registered by core.appconfig).
PICKERS = {"products": search}
