"""``khuyencong report --from … --to … [--area CODE] [--boundary-date …] --format json|xlsx|docx|pdf [--sign]``.

Prints (or writes to ``--output``) the catalogue's figures for the period and area. Files are
written to a temporary name and renamed only when complete, so a failed run leaves no partial file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khuyencong.indicators.breakdowns import compute_breakdown, parse_dimensions, with_breakdown
from khuyencong.indicators.engine import ReportRequestError, compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.indicators.targets import plan_vs_actual


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (dùng dạng YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Tính các chỉ tiêu khuyến công cho một kỳ và một địa bàn, xuất JSON/XLSX/DOCX/PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="Ngày đầu kỳ, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="Ngày cuối kỳ, YYYY-MM-DD")
        parser.add_argument("--area", default=None, help="Mã đơn vị hành chính (tỉnh/huyện/xã, cũ hoặc mới)")
        parser.add_argument("--boundary-date", default=None, help="Vẽ địa bàn theo ranh giới ngày này, YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json")
        parser.add_argument("--output", default=None, help="Tệp kết quả (mặc định: in ra màn hình, chỉ với json)")
        parser.add_argument("--sign", action="store_true",
                            help="Ký số tệp PDF (PAdES) bằng chứng thư số của cơ quan (chỉ với --format pdf)")
        parser.add_argument("--indicator", action="append", dest="codes", help="Chỉ tính chỉ tiêu này (lặp lại được)")
        parser.add_argument("--breakdown", default=None,
                            help="Phân tổ (chỉ với json): year, unit, activity, funding, sector, product_group, "
                                 "level, gender; nhiều cách phân cách bằng dấu phẩy")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = Period(_date(options["date_from"]), _date(options["date_to"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        boundary = _date(options["boundary_date"]) if options["boundary_date"] else None
        fmt, output = options["format"], options["output"]
        if options["breakdown"] and fmt != "json":
            raise CommandError("--breakdown chỉ dùng với --format json.")
        if options["sign"] and fmt != "pdf":
            raise CommandError("--sign chỉ dùng với --format pdf.")
        try:
            area = resolve_area(options["area"], boundary)
            dimensions = parse_dimensions(options["breakdown"]) if options["breakdown"] else None
            figures = compute(period, area, options["codes"])
            body = figures.as_json()
            if dimensions:
                body = with_breakdown(figures, compute_breakdown(period, area, dimensions, options["codes"]))
            if fmt == "json":  # beside "indicators", never inside it: other tools read that key as it is
                body["plan_vs_actual"] = plan_vs_actual(period, area).as_json()
        except ReportRequestError as exc:
            raise CommandError(f"{exc} ({exc.field})") from None
        if fmt == "json":
            text = json.dumps(body, ensure_ascii=False, indent=2)
            if not output:
                self.stdout.write(text)
                return
            content = text.encode("utf-8")
        else:
            if not output:
                raise CommandError(f"Định dạng {fmt} cần --output TỆP.")
            from khuyencong.reports.exports import render

            content = render(figures, fmt)
            content = _signed(content) if options["sign"] else content
        _write_atomically(Path(output), content)
        self.stdout.write(f"Đã ghi {output}")


def _signed(pdf: bytes) -> bytes:
    from django.conf import settings

    from khuyencong.reports.signing import SigningError, sign_pdf

    try:
        return sign_pdf(pdf, reason="Báo cáo khuyến công", location=settings.REPORT_PLACE)
    except SigningError as exc:
        raise CommandError(str(exc)) from None


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
