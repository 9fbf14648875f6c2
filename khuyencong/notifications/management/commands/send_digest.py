from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from khuyencong.notifications.digest import send_daily_digest


class Command(BaseCommand):
    help = "Gửi e-mail tóm tắt việc cần làm trong ngày cho cán bộ (chạy mỗi sáng; chạy lại không gửi trùng)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_daily_digest()
        self.stdout.write(f"{sent} digest(s) sent")
