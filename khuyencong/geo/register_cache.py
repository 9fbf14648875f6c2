"""Values computed from the unit register, kept in each process until any process reloads the register.

A reload bumps :class:`~khuyencong.geo.models.RegisterVersion` in the database. A cache reads that version
when it computes a value and again on a hit once ``GEO_REGISTER_RECHECK_SECONDS`` have passed since its
last reading: at most one tiny query per worker in that interval, never one per request, and a reload
done in another worker is seen within the interval (it is a security boundary: area scopes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.db.models import F

from khuyencong.geo.models import RegisterVersion

_CACHES: list[RegisterCache] = []
_ROW = 1


def register_version() -> int:
    return RegisterVersion.objects.filter(pk=_ROW).values_list("version", flat=True).first() or 0


def register_changed() -> None:
    """Called by every write to the unit register: all processes drop what they computed from it."""
    RegisterVersion.objects.get_or_create(pk=_ROW)
    RegisterVersion.objects.filter(pk=_ROW).update(version=F("version") + 1)
    for cache in _CACHES:
        cache.forget()


class RegisterCache:
    """The latest value only (its key holds the day and what it is about), valid for one register version."""

    def __init__(self) -> None:
        self._key: Hashable = None
        self._value: Any = None
        self._version: int | None = None
        self._checked_at = 0.0
        _CACHES.append(self)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if self._version is not None and key == self._key and not self._recheck_due():
            return self._value
        version = register_version()
        self._checked_at = time.monotonic()
        if version != self._version or key != self._key:
            value = compute()
            self._version, self._key, self._value = version, key, value
        return self._value

    def forget(self) -> None:
        self._version = self._key = self._value = None

    def _recheck_due(self) -> bool:
        every = settings.GEO_REGISTER_RECHECK_SECONDS
        return every is not None and time.monotonic() - self._checked_at >= every
