"""``khuyencong load_demo``: units, demo establishments and one demo account per role."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.demo.establishments import load_demo_establishments
from khuyencong.demo.seed import load_seed_dataset
from khuyencong.demo.users import DEMO_PASSWORD, load_demo_users


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa (Bà Rịa – Vũng Tàu) và tài khoản minh họa cho từng vai trò."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--allow-production", action="store_true",
                            help="Cho phép chạy khi KHUYENCONG_ENV=production (không khuyến nghị).")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION and not options["allow_production"]:
            raise CommandError("Không nạp dữ liệu minh họa vào hệ thống đang vận hành (KHUYENCONG_ENV=production).")
        call_command("load_geo", stdout=self.stdout)
        users = load_demo_users()  # the admin must exist before establishments are created by it
        created = load_demo_establishments()
        load_demo_users()  # link the representative to an establishment now that they exist
        seeded = load_seed_dataset()
        if settings.REPORT_SIGNING_DEMO and not settings.REPORT_SIGNING_PKCS12:  # signing works out of the box
            from khuyencong.reports.signing import ensure_demo_certificate

            self.stdout.write(f"Chứng thư số minh họa để ký báo cáo: {ensure_demo_certificate()}")
        self.stdout.write(f"Cơ sở minh họa mới: {created}.")
        self.stdout.write("Bộ dữ liệu Bà Rịa – Vũng Tàu 2014–2020: " + ("đã nạp." if seeded else "đã có sẵn."))
        self.stdout.write(f"Tài khoản minh họa (mật khẩu: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.role.label}")
        self.stdout.write("  giamkhao1..3 Giám khảo hội đồng bình chọn; thuky Thư ký hội đồng")
        self.stdout.write("Tài khoản quản trị và thư ký hội đồng phải thiết lập xác thực hai bước (TOTP) "
                          "khi đăng nhập lần đầu.")
