"""``khuyencong issue_token USERNAME [--scope read|read_write] [--days N] [--name …] [--second-factor-waived]``.

Prints the new key once (only its digest is stored). ``--second-factor-waived`` is the one way, with
the admin, to give a token to an account that needs a second factor.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.accounts.models import TokenScope, User
from khuyencong.accounts.tokens import token_issue


class Command(BaseCommand):
    help = "Cấp khóa API (có thời hạn và phạm vi) cho một tài khoản."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--days", type=int, default=None, help="Mặc định: KHUYENCONG_API_TOKEN_DAYS")
        parser.add_argument("--name", default="", help="Tên gọi (dùng cho ứng dụng nào)")
        parser.add_argument("--second-factor-waived", action="store_true",
                            help="Cho phép tài khoản cần xác thực hai bước dùng khóa này")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{options['username']}”.")
        try:
            token, key = token_issue(actor=None, user=user, scope=options["scope"], days=options["days"],
                                     name=options["name"], second_factor_waived=options["second_factor_waived"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Khóa API {token.prefix}… cho {user.username}, {token.get_scope_display()}, "
                          f"hết hạn {token.expires_at:%d/%m/%Y}. Khóa chỉ hiện một lần:")
        self.stdout.write(key)
