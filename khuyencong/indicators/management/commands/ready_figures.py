"""``khuyencong ready_figures [--from-year Y] [--to-year Y]``: bring the stored national figures up to date.

A read of the national province × year breakdown does this itself; running it after a large import,
or nightly from cron, spares the first reader the wait.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from khuyencong.indicators.breakdowns import compute_breakdown
from khuyencong.indicators.engine import resolve_area
from khuyencong.indicators.models import ReadySlice
from khuyencong.indicators.periods import Period
from khuyencong.indicators.sources import Dimension

FIRST_YEAR = 2014  # the first programme period the system holds records of (Decree 45/2012 from 2013)


class Command(BaseCommand):
    help = "Cập nhật số liệu tính sẵn của bảng toàn quốc theo tỉnh và năm (sau khi nhập dữ liệu lớn, hoặc hằng đêm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-year", type=int, default=FIRST_YEAR, help="Năm đầu (mặc định %(default)s)")
        parser.add_argument("--to-year", type=int, default=None, help="Năm cuối (mặc định: năm nay)")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["from_year"], options["to_year"] or timezone.localdate().year
        if not 1990 <= first <= last <= 2100:
            raise CommandError(f"Khoảng năm không hợp lệ: {first}–{last} (năm đầu phải trước hoặc bằng năm cuối).")
        started = time.perf_counter()
        compute_breakdown(Period(dt.date(first, 1, 1), dt.date(last, 12, 31)), resolve_area(None, None),
                          [Dimension.UNIT, Dimension.YEAR])
        self.stdout.write(f"Đã cập nhật số liệu tính sẵn {first}–{last} ({ReadySlice.objects.count()} lát năm) "
                          f"trong {time.perf_counter() - started:.1f} giây.")
