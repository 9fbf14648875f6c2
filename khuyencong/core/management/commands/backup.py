"""``khuyencong backup [--output DIR]``: a verified backup of the database with a checksum file."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.core.backup import BackupError, backup_database, backup_media


class Command(BaseCommand):
    help = "Sao lưu toàn bộ cơ sở dữ liệu (kèm tệp mã kiểm tra SHA-256)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "backups"),
                            help="Thư mục lưu bản sao lưu (mặc định: var/backups).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = [backup_database(Path(options["output"])), backup_media(Path(options["output"]))]
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for result in filter(None, results):
            self.stdout.write(f"Đã sao lưu ({result.vendor}): {result.path}\nSHA-256: {result.sha256}")
