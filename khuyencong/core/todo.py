"""The home page's "Việc cần làm": what waits on the signed-in user, gathered from the domain apps.

The core knows no domain model. Each app registers, in its ``AppConfig.ready``, small selectors
(:class:`TodoSource`) that answer for one user: ``None`` when the list does not concern the user's
role, otherwise a :class:`TodoList` already scoped to the user's area. The home page shows the
non-empty lists, the one with the oldest due date first, and the key figures that apps register
with :func:`register_figures`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.functional import Promise

# How many items a list shows on the home page; its link leads to the full list.
SHOWN = 5


@dataclass(frozen=True)
class TodoItem:
    label: str
    url: str
    due: dt.date | None = None
    note: str | Promise = ""


@dataclass(frozen=True)
class TodoList:
    title: str | Promise
    count: int
    url: str
    items: list[TodoItem] = field(default_factory=list)
    oldest_due: dt.date | None = None
    # One sentence on what the list holds (its window, what "due" means), shown under the title.
    explanation: str | Promise = ""
    # Items left out of the window (e.g. overdue for years), counted and linked rather than listed.
    older_count: int = 0
    older_url: str = ""
    older_label: str | Promise = ""

    @property
    def is_empty(self) -> bool:
        return self.count == 0 and self.older_count == 0


class TodoSource(Protocol):
    def __call__(self, user: Any, *, today: dt.date) -> TodoList | None: ...


@dataclass(frozen=True)
class Figure:
    label: str | Promise
    value: int
    unit: str | Promise = ""
    url: str = ""


class FiguresSource(Protocol):
    def __call__(self, user: Any, *, year: int) -> list[Figure] | None: ...


_SOURCES: dict[str, TodoSource] = {}
_FIGURES: list[FiguresSource] = []


def register(key: str, source: TodoSource) -> None:
    known = _SOURCES.get(key)
    if known is not None and known is not source:
        raise ValueError(f"to-do source {key!r} is already registered")
    _SOURCES[key] = source


def register_figures(source: FiguresSource) -> None:
    if source not in _FIGURES:
        _FIGURES.append(source)


def sources() -> dict[str, TodoSource]:
    return dict(_SOURCES)


def todo_for(user: Any, *, today: dt.date) -> list[TodoList]:
    """Every list that concerns the user and holds something, oldest due date first (undated last)."""
    lists = [found for source in _SOURCES.values() if (found := source(user, today=today)) and not found.is_empty]
    return sorted(lists, key=lambda t: (t.oldest_due is None, t.oldest_due or dt.date.max))


def figures_for(user: Any, *, year: int) -> list[Figure]:
    return [figure for source in _FIGURES for figure in (source(user, year=year) or [])]
