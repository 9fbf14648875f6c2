"""List exports: every list page and API list as CSV or XLSX, streamed in constant memory.

One URL scheme everywhere: the list's own URL with its current filters plus ``format=csv`` or
``format=xlsx`` (``/co-so/?q=gốm&format=xlsx``, ``/api/v1/establishments?unit=…&format=csv``). The
export therefore runs the very selector the page runs — same filters, same area scoping, same
masking — and only the presentation changes. Any other ``format`` value is a 400 with a Vietnamese
message.

* CSV starts with a UTF-8 byte-order mark so that Excel opens Vietnamese text correctly, and is
  produced row by row by a generator (``StreamingHttpResponse``).
* XLSX is written by XlsxWriter in ``constant_memory`` mode to a temporary file (each row is
  flushed to disk as soon as it is written), then sent with a ``FileResponse``. Numbers stay
  numbers, dates are real Excel dates shown as dd/mm/yyyy, the header row is bold and frozen.
* Text that a spreadsheet could take for a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
  carriage return) is prefixed with an apostrophe in both formats; real numbers, negative amounts
  included, are not text and are left alone.

Querysets are read with ``.iterator(chunk_size=…)`` — never materialised as a list; prefetches run
once per chunk, so the number of queries does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, cast

import xlsxwriter
from django.contrib import messages
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from khuyencong.core import disclosure as access_log

FORMAT_PARAM = "format"
CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CHUNK_SIZE = 2000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAX_TEXT = 32_767           # Excel's limit for one cell
_MAX_WIDTH, _MIN_WIDTH = 60, 8    # column widths, in characters


# --- Columns -------------------------------------------------------------------------------------

Accessor = Callable[[Any], Any]


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: the Vietnamese header and how to read the value from a record.

    ``value`` is a dotted attribute path (``"commune.name"``; a method found on the way is called,
    so ``"get_status_display"`` works) or a function of the record.
    """

    header: str | Promise
    value: str | Accessor
    # A personal-data column (ID number, phone) masked for some readers: an export writing it in full
    # for any record is logged (``ListDisclosure``).
    personal: bool = False

    def read(self, record: Any) -> Any:
        if callable(self.value):
            return self.value(record)
        return attribute_path(record, self.value)


def attribute_path(record: Any, path: str) -> Any:
    """Follow ``a.b.c`` from ``record``; ``None`` anywhere on the way gives ``None``."""
    value = record
    for name in path.split("."):
        if value is None:
            return None
        value = getattr(value, name)
        if callable(value) and not isinstance(value, Mapping):
            value = value()
    return value


def col(header: str | Promise, value: str | Accessor) -> ExportColumn:
    """Short constructor so that column lists in views read like tables."""
    return ExportColumn(header, value)


def joined(path: str, *, separator: str = "; ") -> Accessor:
    """A to-many relation (prefetched) as one cell: ``joined("beneficiaries.name")``."""
    relation, _dot, attribute = path.partition(".")

    def read(record: Any) -> str:
        items = getattr(record, relation).all()
        return separator.join(str(attribute_path(item, attribute) if attribute else item) for item in items)

    return read


# --- Cell values ---------------------------------------------------------------------------------

def neutralise(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula with an apostrophe; leave other values alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return f"'{value}"
    return value


def shown_in_full(value: Any) -> bool:
    """Is a personal-data cell (ID number, phone) written unmasked? Masks always contain ``*``."""
    return isinstance(value, str) and bool(value.strip()) and "*" not in value


def plain_value(value: Any) -> Any:
    """Reduce a model value to what a cell holds: text, number, date, or ``None`` for empty."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, bool):
            return _("Có") if value else _("Không")
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return value
    if isinstance(value, Enum):
        return str(value.label) if hasattr(value, "label") else str(value.value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, list | tuple | set):
        return "; ".join(str(plain_value(v)) for v in value if v is not None)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {plain_value(v)}" for k, v in value.items())
    return str(value)


def text_value(value: Any) -> str:
    """A cell as CSV text: dates as dd/mm/yyyy (the province's usual form), numbers unformatted."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def records(rows: Iterable[Any]) -> Iterator[Any]:
    """Iterate a queryset in chunks (never the whole list in memory); anything else as it is."""
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


# --- CSV ----------------------------------------------------------------------------------------

class _Echo:
    """A file-like object whose ``write`` returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str | Promise], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        yield writer.writerow([text_value(v) for v in row])


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 6266)."""
    from urllib.parse import quote

    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename.encode("ascii", "ignore").decode()) or "xuat"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, headers: Sequence[str | Promise],
                 rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse((line.encode("utf-8") for line in csv_lines(headers, rows)),
                                     content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- XLSX ---------------------------------------------------------------------------------------

class _SheetWriter:
    """Writes typed cells into one constant-memory worksheet and remembers column widths."""

    def __init__(self, book: xlsxwriter.Workbook, sheet_name: str, headers: Sequence[str | Promise]) -> None:
        self.sheet = book.add_worksheet(sheet_title(sheet_name))
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.datetime = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        self.widths = [len(str(h)) for h in headers]
        bold = book.add_format({"bold": True})
        for column, header in enumerate(headers):
            self.sheet.write_string(0, column, neutralise(str(header)), bold)
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def write_row(self, values: Sequence[Any]) -> None:
        for column, raw in enumerate(values):
            self._write_cell(column, plain_value(raw))
        self.row += 1

    def _write_cell(self, column: int, value: Any) -> None:
        sheet, row = self.sheet, self.row
        if value is None or value == "":
            return  # an empty cell, not an empty string
        if isinstance(value, dt.datetime):
            sheet.write_datetime(row, column, value, self.datetime)
            self._fit(column, 16)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, column, value, self.date)
            self._fit(column, 10)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, column, float(value))
            self._fit(column, len(str(value)) + 2)
        else:
            text = neutralise(str(value))[:_XLSX_MAX_TEXT]
            sheet.write_string(row, column, text)
            self._fit(column, len(text))

    def _fit(self, column: int, length: int) -> None:
        if column < len(self.widths):
            self.widths[column] = max(self.widths[column], length)

    def finish(self) -> None:
        for column, width in enumerate(self.widths):
            self.sheet.set_column(column, column, min(max(width + 1, _MIN_WIDTH), _MAX_WIDTH))


def sheet_title(name: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet1"


def write_xlsx(path: str, sheet_name: str, headers: Sequence[str | Promise],
               rows: Iterable[Sequence[Any]]) -> None:
    book = xlsxwriter.Workbook(path, {
        "constant_memory": True, "tmpdir": os.path.dirname(path),
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
    })
    writer = _SheetWriter(book, sheet_name, headers)
    for row in rows:
        writer.write_row(row)
    writer.finish()
    book.close()


def xlsx_response(filename: str, sheet_name: str, headers: Sequence[str | Promise],
                  rows: Iterable[Sequence[Any]]) -> FileResponse:
    """Write the workbook to a temporary file and stream it; the file is gone once the response closes."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="khuyencong-export-")
    os.close(handle)
    try:
        write_xlsx(path, sheet_name, headers, rows)
        stream = open(path, "rb")  # FileResponse closes it
    finally:
        os.unlink(path)  # the open handle keeps the data readable until the response is closed
    response = FileResponse(stream, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


# --- The one entry point for list pages ---------------------------------------------------------

def bad_format_message(value: str) -> str:
    return _("Định dạng xuất “%(value)s” không được hỗ trợ; chọn format=csv hoặc format=xlsx.") % {
        "value": value[:20]}


def requested_format(request: HttpRequest) -> str | None:
    """``None`` when the page itself is asked for, else the requested export format (maybe invalid)."""
    value = request.GET.get(FORMAT_PARAM)
    return None if value is None else value.strip().lower()


@dataclass(frozen=True)
class ListDisclosure:
    """Who asks for a list export, and what it is (its address), for the personal-data access log."""

    actor: Any
    subject: str

    @classmethod
    def of(cls, request: HttpRequest) -> ListDisclosure:
        return cls(request.user, f"Xuất danh sách {request.get_full_path()}")

    def log(self, count: int) -> None:
        if count <= 0:  # every personal cell masked: nothing disclosed, nothing to log
            return
        # core.disclosure refuses when no access log is registered: never a full export without its log line.
        access_log.log(actor=self.actor, kind=access_log.Kind.LIST_EXPORT, subject=self.subject, count=count)


def _counted(rows: Iterable[list[Any]], personal: list[int], disclosure: ListDisclosure) -> Iterator[list[Any]]:
    """The rows as they are, counting those with a personal cell in full; logged once the rows are out.

    A CSV is streamed: the count is known only after the last row (or when the client went away,
    then it is what was sent), so the log row is written when the generator ends.
    """
    count = 0
    try:
        for row in rows:
            if any(shown_in_full(row[i]) for i in personal):
                count += 1
            yield row
    finally:
        disclosure.log(count)


def export_table(fmt: str, *, filename: str, sheet_name: str, columns: Sequence[ExportColumn],
                 items: Iterable[Any], disclosure: ListDisclosure | None = None) -> HttpResponse:
    """``items`` (a filtered, scoped queryset) as CSV or XLSX; ``fmt`` must be one of FORMATS.

    The answer is a ``StreamingHttpResponse`` or a ``FileResponse``; it is typed ``HttpResponse`` so
    that the list views keep their signature. With ``disclosure``, records whose personal columns
    were written in full are counted into the personal-data access log.
    """
    headers = [c.header for c in columns]
    rows: Iterable[list[Any]] = ([c.read(record) for c in columns] for record in records(items))
    personal = [i for i, c in enumerate(columns) if c.personal]
    if disclosure is not None and personal:
        rows = _counted(rows, personal, disclosure)
    stamped = f"{filename}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == CSV:
        return cast(HttpResponse, csv_response(stamped, headers, rows))
    return cast(HttpResponse, xlsx_response(stamped, sheet_name, headers, rows))


# --- Filters of list pages: refuse, don't guess ----------------------------------------------------
# A filter the form rejects (year=1900, status=AAA) must not fall back to "no filter": the page would
# show, and the export download, the whole register under a filter the user believes applied.

def bad_filters(form: BaseForm | None) -> bool:
    return form is not None and form.is_bound and not form.is_valid()


def bad_filters_message(form: BaseForm) -> str:
    """One sentence naming every rejected filter and why, e.g. "Năm: … lớn hơn hoặc bằng 2000."."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        parts.append(f"{label or name}: {' '.join(str(e) for e in errors)}")
    return _("Bộ lọc không hợp lệ — %(details)s") % {"details": "; ".join(parts)}


def unless_bad_filters(items: QuerySet[Any], form: BaseForm | None) -> QuerySet[Any]:
    """The page's rows, or none when a filter is bad (the page then shows only the error)."""
    return items.none() if bad_filters(form) else items


def filter_status(form: BaseForm | None) -> int:
    """The list page's status: 400 when a filter is bad, so that scripts see the refusal too."""
    return 400 if bad_filters(form) else 200


def export_list(request: HttpRequest, items: Iterable[Any], columns: Sequence[ExportColumn], *,
                filename: str, sheet_name: str, filters: BaseForm | None = None) -> HttpResponse | None:
    """The export a list page was asked for, or ``None`` when the page itself should be rendered.

    Call it with the same filtered, scoped queryset the page paginates, and the page's filter form::

        if response := export_list(request, items, COLUMNS, filename="co-so", sheet_name="Cơ sở",
                                   filters=form):
            return response

    With a bad filter an export is a 400 naming the filter (never the unfiltered register), and the
    page gets the same message (render it with ``status=filter_status(form)``).
    """
    fmt = requested_format(request)
    bad = bad_filters(filters)
    if fmt is None:
        if bad:
            assert filters is not None
            messages.error(request, bad_filters_message(filters))
        return None
    if fmt not in FORMATS:
        return HttpResponseBadRequest(bad_format_message(fmt), content_type="text/plain; charset=utf-8")
    if bad:
        assert filters is not None
        return HttpResponseBadRequest(bad_filters_message(filters), content_type="text/plain; charset=utf-8")
    return export_table(fmt, filename=filename, sheet_name=sheet_name, columns=columns, items=items,
                        disclosure=ListDisclosure.of(request))


def export_links(request: HttpRequest) -> dict[str, str]:
    """Query strings for the "Xuất Excel" / "Xuất CSV" buttons: the current filters, no page number."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(FORMAT_PARAM, None)
    links = {}
    for fmt in FORMATS:
        query[FORMAT_PARAM] = fmt
        links[fmt] = "?" + query.urlencode()
    return links
