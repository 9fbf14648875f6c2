"""``khuyencong import FILE --user USERNAME [--register CODE] [--dry-run]``: import a workbook, all or nothing."""
# ruff: noqa: N999  -- the module name is the command name the issue fixes: `khuyencong import`.

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.accounts.policy import other_provinces_allowed
from khuyencong.core import review
from khuyencong.exchange.management.commands._actor import actor_named, add_user_argument
from khuyencong.exchange.pipeline import max_upload_bytes, run_import


class Command(BaseCommand):
    help = "Nhập dữ liệu từ tệp Excel theo mẫu; có lỗi thì không ghi gì và liệt kê mọi lỗi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp .xlsx/.xls/.ods theo mẫu của hệ thống")
        add_user_argument(parser)
        parser.add_argument("--register", default=None, help="Loại dữ liệu (mặc định: nhận theo tên các trang)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")
        parser.add_argument("--system", action="store_true",
                            help="Chuyển dữ liệu giữa hai hệ thống (chỉ quản trị hệ thống): nhận cả bản ghi của "
                                 "tỉnh khác (đơn vị dự hội chợ, bình chọn khu vực…) có trong tệp xuất")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}.")
        if path.stat().st_size > max_upload_bytes():
            raise CommandError(f"Tệp quá lớn (giới hạn {max_upload_bytes() // 1048576} MB).")
        actor = actor_named(options["user"])
        if options["system"] and not actor.is_superuser:
            raise CommandError("--system chỉ dành cho quản trị hệ thống.")
        scope = other_provinces_allowed() if options["system"] else contextlib.nullcontext()
        with scope, review.collecting():
            result = run_import(path.read_bytes(), filename=path.name, actor=actor, dry_run=options["dry_run"],
                                register_code=options["register"])
        if result.problems:
            # The counts of a refused file are what *would* have been written: saying "thêm 18" would claim
            # rows that were rolled back.
            for name in result.outcomes:
                self.stdout.write(f"{name}: không ghi dòng nào (tệp có lỗi)")
            for problem in result.problems:
                self.stderr.write(f"{problem.where()}: {problem.message}")
            raise CommandError(f"Có {len(result.problems)} lỗi; không ghi dữ liệu nào.")
        for name, outcome in result.outcomes.items():
            self.stdout.write(f"{name}: thêm {outcome.created}, cập nhật {outcome.updated}, "
                              f"không đổi {outcome.unchanged}")
        verb = "Kiểm tra xong, không có lỗi (chưa ghi)" if options["dry_run"] else "Đã nhập"
        self.stdout.write(f"{verb}: {result.rows} dòng, mã tệp {result.fingerprint[:12]}.")
