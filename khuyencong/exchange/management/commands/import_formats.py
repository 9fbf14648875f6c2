"""``khuyencong import_formats``: print docs/import-formats.md from the register specifications."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from khuyencong.exchange.formats_doc import render


class Command(BaseCommand):
    help = "In tài liệu định dạng tệp nhập (docs/import-formats.md) từ đặc tả các mẫu."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render(), ending="")
