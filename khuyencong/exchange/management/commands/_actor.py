"""The user a command-line import or export acts as: named explicitly, because scope and audit need one."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser

from khuyencong.accounts.models import User


def add_user_argument(parser: CommandParser) -> None:
    parser.add_argument("--user", default=None,
                        help="Tên đăng nhập của người thực hiện (phạm vi dữ liệu và nhật ký theo người này); "
                             "mặc định: quản trị hệ thống duy nhất")


def actor_named(username: str | None) -> User:
    if username is None:
        admins = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
        if len(admins) != 1:
            raise CommandError("Hãy chỉ rõ người thực hiện bằng --user (tên đăng nhập).")
        return admins[0]
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"Không có người dùng đang hoạt động tên “{username}”.") from None
    return user
