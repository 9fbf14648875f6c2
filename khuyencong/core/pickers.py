"""Sources for the search-as-you-type pickers (``GET /chon/<kind>/?q=…``).

Core knows no domain app: each app declares its sources in its pickers module's ``PICKERS``
(registered by ``core.appconfig``). A source is
``search(user, query, params) -> [(value, label), …]`` and must read through the app's area-scoped
selector, so a picker never offers a record the user may not see, and fold the query
(``core.text.fold``) so "banh trang" finds "Bánh tráng".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from khuyencong.core.text import fold

Search = Callable[[Any, str, Mapping[str, str]], list[tuple[str, str]]]
LIMIT = 20
CANDIDATES = 5000  # scoped rows folded in Python where a table has no folded search column
SOURCES: dict[str, Search] = {}


def register(kind: str, search: Search) -> None:
    SOURCES[kind] = search


def folded_match(rows: list[tuple[Any, ...]], query: str, limit: int = LIMIT) -> list[tuple[Any, ...]]:
    """Rows (id, text, …) whose texts, folded, contain every word of the query: for tables with no
    folded search column (the candidate rows are already scoped and bounded by the caller)."""
    words = fold(query).split()
    found = []
    for row in rows:
        haystack = fold(" ".join(str(part) for part in row[1:] if part))
        if all(word in haystack for word in words):
            found.append(row)
            if len(found) == limit:
                break
    return found
