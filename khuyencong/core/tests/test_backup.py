"""Backup → restore round trip into an empty database, compared table by table."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from khuyencong.core.backup import BackupError, backup_database, restore_postgresql, restore_sqlite
from khuyencong.testing.fixtures import COMMUNE_A, make_establishment, unit

PG_DIGEST = 'SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), \'\')) FROM "{table}" t'


def table_digests(cursor: Any, tables: list[str], vendor: str) -> dict[str, tuple[int, str]]:
    """Row count and a content hash of every table, independent of physical row order.

    On PostgreSQL the server renders each row as text, so client-side type loaders cannot differ.
    """
    out = {}
    for table in tables:  # table names come from introspection, not from users
        if vendor == "postgresql":
            cursor.execute(PG_DIGEST.format(table=table))
            count, digest = cursor.fetchone()
            out[table] = (count, digest)
            continue
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        rows = sorted(repr(tuple(str(v) for v in row)) for row in cursor.fetchall())
        out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def live_digests() -> dict[str, tuple[int, str]]:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        return table_digests(cursor, tables, connection.vendor)


@pytest.fixture
def some_records(transactional_db) -> None:  # type: ignore[no-untyped-def]
    from khuyencong.geo.services import geo_load_units

    geo_load_units()
    for i in range(5):
        make_establishment(f"Cơ sở sao lưu {i}", unit(COMMUNE_A), notes="ghi chú ‘đặc biệt’ <b>")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite path")
def test_sqlite_round_trip_is_identical(some_records, tmp_path: Path) -> None:
    result = backup_database(tmp_path / "backups")
    assert Path(f"{result.path}.sha256").read_text().startswith(result.sha256)
    target = tmp_path / "restored.sqlite3"
    restore_sqlite(result.path, target)
    # Django registers its SQLite converters globally; parse declared types the same way here.
    with sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES) as restored:
        tables = [r[0] for r in restored.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if not r[0].startswith("sqlite_")]
        restored_digests = table_digests(restored.cursor(), tables, "sqlite")
    live = live_digests()
    assert set(restored_digests) == set(live)
    assert restored_digests == live
    assert live["establishments_establishment"][0] == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL path")
def test_postgresql_round_trip_is_identical(some_records, tmp_path: Path) -> None:
    import psycopg

    result = backup_database(tmp_path / "backups")
    settings_dict = {**connection.settings_dict, "NAME": f"kc_restore_{os.getpid()}"}
    admin = psycopg.connect(host="127.0.0.1", user=settings_dict["USER"] or "postgres", dbname="postgres",
                            autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
    admin.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    try:
        restore_postgresql(result.path, settings_dict)
        with psycopg.connect(host="127.0.0.1", user=settings_dict["USER"] or "postgres",
                             dbname=settings_dict["NAME"]) as restored:
            live = live_digests()
            assert table_digests(restored.cursor(), list(live), "postgresql") == live
        assert live["establishments_establishment"][0] == 5
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')
        admin.close()


def test_tampered_backup_is_refused(tmp_path: Path) -> None:
    backup = tmp_path / "khuyencong.sqlite3"
    with sqlite3.connect(backup) as db:
        db.execute("CREATE TABLE t (x)")
    Path(f"{backup}.sha256").write_text("0" * 64 + "  khuyencong.sqlite3\n")
    target = tmp_path / "live.sqlite3"
    target.write_bytes(b"precious")
    with pytest.raises(BackupError, match="không khớp mã kiểm tra"):
        restore_sqlite(backup, target)
    assert target.read_bytes() == b"precious"


def test_backup_without_checksum_is_refused(tmp_path: Path) -> None:
    backup = tmp_path / "khuyencong.sqlite3"
    backup.write_bytes(b"x")
    with pytest.raises(BackupError, match="Thiếu tệp kiểm tra"):
        restore_sqlite(backup, tmp_path / "live.sqlite3")


def test_restore_command_needs_confirmation(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.sqlite3"))


def test_media_round_trip_and_tampering(settings, tmp_path: Path) -> None:
    from khuyencong.core.backup import backup_media, restore_media

    settings.MEDIA_ROOT = str(tmp_path / "media")
    document = tmp_path / "media" / "schemes" / "2026" / "quyet-dinh.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4 quyet dinh")
    result = backup_media(tmp_path / "backups")
    assert result is not None
    document.unlink()
    restore_media(result.path)
    assert document.read_bytes() == b"%PDF-1.4 quyet dinh"
    Path(f"{result.path}.sha256").write_text("0" * 64 + "  x\n")
    with pytest.raises(BackupError):
        restore_media(result.path)


def test_no_media_archive_when_nothing_was_uploaded(settings, tmp_path: Path) -> None:
    from khuyencong.core.backup import backup_media

    settings.MEDIA_ROOT = str(tmp_path / "empty")
    assert backup_media(tmp_path / "backups") is None
