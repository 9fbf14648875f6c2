"""One way to lock a row for the rest of a transaction, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, router, transaction

M = TypeVar("M", bound=models.Model)


def locked(model: type[M], pk: Any, *, related: tuple[str, ...] = ()) -> M:
    """Re-read row ``pk`` of ``model`` holding its write lock until the transaction ends.

    A check that reads then writes (a budget ceiling, one chair per council, a status move) is only
    safe if no other writer can change what it read in between. PostgreSQL takes the row lock with
    ``SELECT … FOR UPDATE``; SQLite has no row locks, but its connections begin every transaction
    ``IMMEDIATE`` (config/settings.py), so the whole database is already held and Django drops the
    ``FOR UPDATE``. Outside a transaction the lock would end at once, so that is refused on both
    databases rather than silently holding nothing.
    """
    if not transaction.get_connection(router.db_for_write(model)).in_atomic_block:
        raise RuntimeError(f"locked({model.__name__}) outside a transaction holds no lock")
    # ``of=("self",)``: only this row is locked, not the rows ``related`` joins in (nor their nullable side).
    return model._default_manager.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
