"""``khuyencong load_geo``: load or refresh administrative units and the crosswalk (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from khuyencong.geo.services import geo_load_units


class Command(BaseCommand):
    help = "Nạp hoặc cập nhật danh mục đơn vị hành chính (trước và sau 01/7/2025) và bảng chuyển đổi."

    def handle(self, *args: Any, **options: Any) -> None:
        report = geo_load_units()
        self.stdout.write(
            f"Đơn vị hành chính: thêm {report.created}, cập nhật {report.updated}; "
            f"quan hệ kế thừa: thêm {report.successions_created}."
        )
