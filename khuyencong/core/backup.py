"""Backups and restores of the whole database, verified by checksum and integrity check.

* SQLite: an online copy through SQLite's backup API (consistent while the app runs), then
  ``PRAGMA integrity_check`` on the copy.
* PostgreSQL: ``pg_dump --format=custom``; restore with ``pg_restore --clean --if-exists``.

Every backup file gets a ``.sha256`` file beside it; a restore refuses a file whose checksum does
not match, so a truncated or tampered backup never overwrites good data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    """A backup or restore could not be made or verified; nothing was overwritten."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    vendor: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_checksum(path: Path) -> str:
    checksum = sha256_of(path)
    Path(f"{path}.sha256").write_text(f"{checksum}  {path.name}\n", encoding="ascii")
    return checksum


def verify_checksum(path: Path) -> str:
    sidecar = Path(f"{path}.sha256")
    if not sidecar.exists():
        raise BackupError(f"Thiếu tệp kiểm tra {sidecar.name}; không khôi phục tệp chưa được xác thực.")
    expected = sidecar.read_text(encoding="ascii").split()[0]
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(f"Tệp sao lưu {path.name} không khớp mã kiểm tra (có thể bị hỏng hoặc bị sửa).")
    return actual


def _sqlite_integrity(path: Path) -> None:
    with sqlite3.connect(path) as db:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"Tệp SQLite {path.name} không toàn vẹn: {result}")


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432),
            "-U", settings_dict.get("USER") or "postgres"]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def backup_database(directory: Path, *, alias: str = "default") -> BackupResult:
    """Write a verified backup of database ``alias`` into ``directory`` and return its path."""
    connection = connections[alias]
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if connection.vendor == "sqlite":
        target = directory / f"khuyencong-{stamp}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        _sqlite_integrity(target)
    elif connection.vendor == "postgresql":
        target = directory / f"khuyencong-{stamp}.dump"
        args, env = _pg_env(connection.settings_dict)
        command = ["pg_dump", *args, "--format=custom", "--no-owner", "-f", str(target),
                   connection.settings_dict["NAME"]]
        subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603
    else:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    return BackupResult(target, _write_checksum(target), connection.vendor)


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace the SQLite file ``target`` with a verified copy of ``backup`` (atomic rename)."""
    verify_checksum(backup)
    _sqlite_integrity(backup)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".restoring") as tmp:
        staging = Path(tmp.name)
    shutil.copyfile(backup, staging)
    _sqlite_integrity(staging)
    for suffix in ("-wal", "-shm"):  # stale WAL files of the old database must not be replayed
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    staging.replace(target)


def restore_postgresql(backup: Path, settings_dict: dict[str, Any]) -> None:
    """Restore a verified custom-format dump into the database named in ``settings_dict``."""
    verify_checksum(backup)
    args, env = _pg_env(settings_dict)
    command = ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
               "--exit-on-error", "-d", settings_dict["NAME"], str(backup)]
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore thất bại: {result.stderr.strip()[:500]}")


def restore_database(backup: Path, *, alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "sqlite":
        connection.close()
        restore_sqlite(backup, Path(connection.settings_dict["NAME"]))
    elif connection.vendor == "postgresql":
        connection.close()
        restore_postgresql(backup, connection.settings_dict)
    else:
        raise BackupError(f"Chưa hỗ trợ khôi phục cơ sở dữ liệu {connection.vendor}.")


def backup_media(directory: Path) -> BackupResult | None:
    """Archive uploaded files (scheme attachments, product documents); None when there are none."""
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir() or not any(p.is_file() for p in media.rglob("*")):
        return None
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"khuyencong-media-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.tar.gz"
    with tarfile.open(target, "w:gz") as archive:
        archive.add(media, arcname="media")
    return BackupResult(target, _write_checksum(target), "media")


def restore_media(archive: Path) -> None:
    """Replace MEDIA_ROOT with a verified archive; the "data" filter refuses links and paths outside it."""
    verify_checksum(archive)
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=media.parent, prefix=".media-restoring-"))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        old = media.with_name(media.name + ".old")
        if media.exists():
            media.replace(old)
        (staging / "media").replace(media)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
