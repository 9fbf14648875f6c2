"""Send heavy read-only work (reports, indicators, exports) to a read replica when one exists.

Writes and ordinary page reads stay on the primary so a user always sees what they just saved;
code that can tolerate replication lag opts in with ``with reporting_reads(): ...``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reporting: ContextVar[bool] = ContextVar("khuyencong_reporting_reads", default=False)


@contextmanager
def _reads_from_replica(allowed: bool) -> Iterator[None]:
    token = _reporting.set(allowed)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_reads() -> AbstractContextManager[None]:
    return _reads_from_replica(True)


def primary_reads() -> AbstractContextManager[None]:
    """Read from the primary even inside ``reporting_reads`` (work that must see every committed change)."""
    return _reads_from_replica(False)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return REPLICA if _reporting.get() and REPLICA in settings.DATABASES else "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same data as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
