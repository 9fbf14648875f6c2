"""Set-based inserts for large imports: rows as plain tuples, their history rows written by the database.

``bulk_create_with_history`` builds a model instance and a historical instance per row and lets the
ORM compile an INSERT for each batch; for a 100,000-row workbook (five rows written per participant)
that Python work cost far more than the database's own. :class:`BulkInsert` keeps the same outcome —
every row stored with its defaults and ``created_*``/``updated_*`` stamps, plus one ``+`` history row
per record naming the actor — with three statements per table:

1. ids taken from the table's own sequence (PostgreSQL ``nextval``; on SQLite the ``AUTOINCREMENT``
   counter, advanced under the write lock), so dependent rows can point at them before they exist;
2. the rows themselves: PostgreSQL ``COPY … FROM STDIN``, SQLite ``executemany``;
3. their history rows: ``INSERT INTO history … SELECT … FROM table WHERE id IN (the new ids)``, so
   the history holds exactly what was stored.

Values must already be valid and in database form (str, int, bool, date, aware datetime, ``None``,
foreign keys as ids): validation belongs to the caller, which uses the services' own checks. Field
types that need conversion before storage (JSON, decimals…) are refused when the writer is built.
The change journal (``indicators.ready``) is written by its triggers, which fire for ``COPY`` too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

#: Internal types whose Python values the database drivers store as they are.
PLAIN_TYPES = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "CharField", "TextField", "SlugField", "EmailField",
    "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField", "BooleanField", "DateField", "DateTimeField", "ForeignKey", "OneToOneField",
})


class BulkInsert:
    """Inserts rows of ``model`` given as tuples of ``fields`` (attnames); every other field gets its default."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.db = router.db_for_write(model)
        concrete = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in fields if name not in concrete]
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {unknown}")
        refused = [f.attname for f in concrete.values() if f.get_internal_type() not in PLAIN_TYPES]
        if refused:
            raise TypeError(f"{model.__name__}: fields {refused} need conversion; use bulk_create instead")
        pk = model._meta.pk
        assert pk is not None
        self.filled = tuple(f for f in concrete.values() if f.attname != pk.attname and f.attname not in fields)
        columns = [pk.column, *(concrete[name].column for name in fields), *(f.column for f in self.filled)]
        self.columns: tuple[str, ...] = tuple(c for c in columns if c is not None)
        assert len(self.columns) == len(columns)  # concrete fields always have a column

    def _constants(self, now: dt.datetime) -> tuple[Any, ...]:
        """The values of the fields not given: ``auto_now(_add)`` stamps or the field's default."""
        return tuple(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
                     for f in self.filled)

    def insert(self, rows: Sequence[Sequence[Any]], *, now: dt.datetime | None = None) -> list[int]:
        """Store ``rows`` (one tuple per record, in ``fields`` order); their new ids, in the same order."""
        if not rows:
            return []
        rest = self._constants(now or timezone.now())
        ids = allocate_ids(self.model, len(rows))
        connection = connections[self.db]
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for pk, row in zip(ids, rows, strict=True):
                        copy.write_row((pk, *row, *rest))
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # nosec B608
                                   [(pk, *row, *rest) for pk, row in zip(ids, rows, strict=True)])
        return ids


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, never used before and never handed out again."""
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(table), _pk_column(model), count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite AUTOINCREMENT keeps the highest id ever used in sqlite_sequence; advancing it first takes
        # the database's write lock, so no other writer can be handed the same ids.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq", [count, table])
        found = cursor.fetchone()
        if found is None:  # the table never had a row: start its counter after any explicit ids
            pk_column = connection.ops.quote_name(_pk_column(model))
            cursor.execute(f"SELECT COALESCE(MAX({pk_column}), 0) FROM {connection.ops.quote_name(table)}")  # nosec B608
            start = cursor.fetchone()[0]
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start + count])
            found = (start + count,)
        last = found[0]
        return list(range(last - count + 1, last + 1))


def write_history(model: type[Model], ids: Iterable[int], *, history_type: str, user_id: int | None,
                  reason: str | None = None, when: dt.datetime | None = None) -> None:
    """One history row per record in ``ids``, copied by the database from the stored rows.

    ``history_type`` is simple-history's ``+`` (created), ``~`` (changed) or ``-`` (deleted).
    """
    history = model.history.model  # type: ignore[attr-defined]
    connection = connections[router.db_for_write(history)]
    quote = connection.ops.quote_name
    copied = [f.column for f in history._meta.concrete_fields if not f.attname.startswith("history_")]
    target = [*copied, "history_date", "history_change_reason", "history_type", "history_user_id"]
    id_list = [int(pk) for pk in ids]
    if not id_list:
        return
    pk_column = quote(_pk_column(model))
    if connection.vendor == "postgresql":
        members = f"{pk_column} = ANY(%s::bigint[])"
        id_param: str = "{" + ",".join(map(str, id_list)) + "}"
    else:
        members = f"{pk_column} IN (SELECT value FROM json_each(%s))"  # nosec B608
        id_param = json.dumps(id_list)
    sql = (f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in target)}) "  # nosec B608
           f"SELECT {', '.join(quote(c) for c in copied)}, %s, %s, %s, %s "
           f"FROM {quote(model._meta.db_table)} WHERE {members}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [when or timezone.now(), reason, history_type, user_id, id_param])


def _pk_column(model: type[Model]) -> str:
    pk = model._meta.pk
    assert pk is not None and pk.column is not None
    return pk.column
