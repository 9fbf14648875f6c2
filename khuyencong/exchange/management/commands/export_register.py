"""``khuyencong export_register CODE --user USERNAME --output FILE [--template]``.

Writes the register in the template layout (or the blank template). The file is written under a
temporary name and renamed when complete, so a failure leaves no partial file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.exchange import registry
from khuyencong.exchange.export import write_register
from khuyencong.exchange.layout import build_template
from khuyencong.exchange.management.commands._actor import actor_named, add_user_argument


class Command(BaseCommand):
    help = "Xuất một loại dữ liệu theo mẫu nhập (hoặc tải mẫu trống)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("register", help="establishments, schemes, training, cooperation, products, fairs hoặc all")
        add_user_argument(parser)
        parser.add_argument("--output", required=True, help="Tệp .xlsx (với all: thư mục)")
        parser.add_argument("--template", action="store_true", help="Chỉ xuất mẫu trống có hướng dẫn")

    def handle(self, *args: Any, **options: Any) -> None:
        code, output = options["register"], Path(options["output"])
        if code == "all":
            output.mkdir(parents=True, exist_ok=True)
            targets = [(r, output / f"{r.code}.xlsx") for r in registry.all_registers()]
        else:
            try:
                targets = [(registry.get(code), output)]
            except KeyError:
                known = ", ".join(r.code for r in registry.all_registers())
                raise CommandError(f"Không có loại dữ liệu “{code}”. Các loại: {known}.") from None
        actor = actor_named(options["user"])
        for register, path in targets:
            rows = self._write(register, actor, path, template=options["template"])
            self.stdout.write(f"{register.title}: {rows} dòng → {path}")

    @staticmethod
    def _write(register: Any, actor: Any, path: Path, *, template: bool) -> int:
        fd, tmp = tempfile.mkstemp(dir=path.parent or ".", suffix=".part")
        os.close(fd)
        try:
            if template:
                Path(tmp).write_bytes(build_template(register))
                rows = 0
            else:
                rows = write_register(register, actor, tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return rows
