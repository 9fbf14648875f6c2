"""``khuyencong restore FILE --yes``: replace the database with a verified backup."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.core.backup import BackupError, restore_database, restore_media


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu từ bản sao lưu đã kiểm tra mã SHA-256 (ghi đè dữ liệu hiện tại)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp sao lưu (.sqlite3 hoặc .dump) có tệp .sha256 bên cạnh.")
        parser.add_argument("--yes", action="store_true", help="Xác nhận ghi đè cơ sở dữ liệu hiện tại.")
        parser.add_argument("--media", default=None, help="Kèm tệp lưu trữ tài liệu đính kèm (.tar.gz) cần khôi phục.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Khôi phục sẽ ghi đè toàn bộ dữ liệu hiện tại; chạy lại với --yes để xác nhận.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp sao lưu {path}.")
        try:
            restore_database(path)
            if options["media"]:
                restore_media(Path(options["media"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục từ {path}.")
