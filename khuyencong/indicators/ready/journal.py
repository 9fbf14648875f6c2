"""The change journal: database triggers record every insert, update and delete of the tables the
indicators read, with the columns that locate a record (its unit, its date, its parent record).

Triggers, not signals or service hooks: bulk writes, queryset updates, imports and the admin all reach
the tables without passing through the same Python code, and a single write that escaped the journal
would leave a stored figure wrong. Only *where and when* a record counts is captured — any update is
journalled (a changed amount or status changes the cells of the record's own place and year), except
for the tables listed with ``when_changed``, whose other columns do not affect a figure.

PostgreSQL uses statement-level triggers with transition tables (one INSERT … SELECT per statement, so
a bulk import of 100,000 rows writes its journal in one statement); SQLite uses row-level triggers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

JOURNAL_TABLE = "indicators_change"
PREFIX = "kc_journal"


@dataclass(frozen=True)
class Watched:
    table: str
    columns: tuple[str, ...]  # captured with the row id
    events: tuple[str, ...] = ("insert", "update", "delete")
    when_changed: tuple[str, ...] = ()  # journal an update only when one of these columns changed


# Derived from the registered sources (``derive``): every table a source reads, once; the latest
# migration holds a frozen copy (a test compares them, and fails when a source's tables are not watched).
WATCHED: list[Watched] = []


def derive(sources: Iterable[Any]) -> None:
    """Fill ``WATCHED`` (by table name: the order of registration does not matter) and ``touches.RESOLVERS``
    from the sources' watched tables; a table shared by several apps' sources (an establishment's
    commune) is declared once, by its own app, and the same declaration is named by each source."""
    from khuyencong.indicators.ready.touches import RESOLVERS

    declared: dict[str, Any] = {}
    for source in sources:
        for table in source.watched:
            known = declared.setdefault(table.table, table)
            if known != table:
                raise ValueError(f"table {table.table!r} is watched in two different ways")
    WATCHED[:] = [Watched(t.table, t.columns, t.events, t.when_changed)
                  for t in sorted(declared.values(), key=lambda t: t.table)]
    RESOLVERS.clear()
    RESOLVERS.update({t.table: t.resolver for t in declared.values()})


def as_spec(watched: Sequence[Watched] = WATCHED) -> list[list[Any]]:
    """Plain lists, as a migration freezes them."""
    return [[w.table, list(w.columns), list(w.events), list(w.when_changed)] for w in watched]


def from_spec(spec: list[list[Any]]) -> tuple[Watched, ...]:
    return tuple(Watched(t, tuple(c), tuple(e), tuple(w)) for t, c, e, w in spec)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _object(function: str, alias: str, columns: tuple[str, ...]) -> str:
    pairs = ", ".join(f"'{c}', {alias}.{_quoted(c)}" for c in ("id", *columns))
    return f"{function}({pairs})"


def _changed(old: str, new: str, columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{old}.{_quoted(c)} IS DISTINCT FROM {new}.{_quoted(c)}" for c in columns)


def _postgresql(w: Watched) -> list[str]:
    old, new = _object("jsonb_build_object", "o", w.columns), _object("jsonb_build_object", "n", w.columns)
    changed = f" WHERE {_changed('o', 'n', w.when_changed)}" if w.when_changed else ""
    selects = {  # (old, new) of each journalled row, and the transition tables the statement reads
        "insert": (f"SELECT NULL::jsonb, {new} FROM kc_new n", "NEW TABLE AS kc_new"),  # nosec B608
        "delete": (f"SELECT {old}, NULL::jsonb FROM kc_old o", "OLD TABLE AS kc_old"),  # nosec B608
        "update": (f"SELECT {old}, {new} FROM kc_old o JOIN kc_new n ON n.id = o.id{changed}",  # nosec B608
                   "OLD TABLE AS kc_old NEW TABLE AS kc_new"),
    }
    statements = []
    for event in w.events:
        name, (select, tables) = f"{PREFIX}_{w.table}_{event}", selects[event]
        insert = f"INSERT INTO {JOURNAL_TABLE} (source, old, new) SELECT '{w.table}', j.* FROM ({select}) j"  # nosec B608
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {insert}; "
            "RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {_quoted(w.table)} REFERENCING {tables} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return statements


def _sqlite(w: Watched) -> list[str]:
    statements = []
    for event in w.events:
        name = f"{PREFIX}_{w.table}_{event}"
        old = _object("json_object", "OLD", w.columns) if event != "insert" else "NULL"
        new = _object("json_object", "NEW", w.columns) if event != "delete" else "NULL"
        when = f" WHEN {_changed('OLD', 'NEW', w.when_changed)}" if event == "update" and w.when_changed else ""
        insert = f"INSERT INTO {JOURNAL_TABLE} (source, old, new) VALUES ('{w.table}', {old}, {new})"  # nosec B608
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {_quoted(w.table)} FOR EACH ROW{when} BEGIN {insert}; END")
    return statements


def _drop(vendor: str, w: Watched) -> list[str]:
    out = []
    for event in w.events:
        name = f"{PREFIX}_{w.table}_{event}"
        if vendor == "postgresql":
            out += [f"DROP TRIGGER IF EXISTS {name} ON {_quoted(w.table)}", f"DROP FUNCTION IF EXISTS {name}()"]
        else:
            out.append(f"DROP TRIGGER IF EXISTS {name}")
    return out


def install(schema_editor: Any, spec: list[list[Any]]) -> None:
    vendor = schema_editor.connection.vendor
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if build is None:
        raise NotImplementedError(f"no change journal for {vendor}")
    for w in from_spec(spec):
        for statement in [*_drop(vendor, w), *build(w)]:
            schema_editor.execute(statement, params=None)


def uninstall(schema_editor: Any, spec: list[list[Any]]) -> None:
    for w in from_spec(spec):
        for statement in _drop(schema_editor.connection.vendor, w):
            schema_editor.execute(statement, params=None)
