"""One name, "vi", for Vietnamese ordering on both databases.

PostgreSQL gets an ICU collation created by a migration; SQLite gets the same name registered on
every new connection, backed by :func:`khuyencong.core.text.compare`. Querysets order with
``Collate("name", "vi")`` and never need to know which database they run on.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created

from khuyencong.core.text import compare

COLLATION = "vi"


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)


def register() -> None:
    connection_created.connect(_on_connection, dispatch_uid="khuyencong-vi-collation")
