"""List pages like a spreadsheet: sortable columns, a page-size choice, totals, state in the URL.

Every list page declares its :class:`Table` once — the columns in display order, which of them sort
and by which database fields, the default order — and the view does::

    listing = Listing.from_request(request, TABLE)       # refuses a bad ?sort= or ?page_size=
    items = listing.order(selectors.thing_list(...))     # the export sees the same order
    if response := export_list(request, items, ...): ...
    context = {"listing": listing.present(items, totals={"support": Sum("public_support")})}

and the template includes ``core/_list_table_head.html`` (clickable headers with an arrow and
``aria-sort``), ``core/_list_summary.html`` (row count, page-size links) and
``core/_list_pagination.html``. The state lives only in the URL (``?sort=-year&page_size=50`` next to
the filters), so a link, a bookmark, a pagination step and an export all reproduce the same list.

Sort keys are a whitelist mapped to database expressions; an unknown key or page size is refused
with a 400 and a Vietnamese message naming the parameter, like a bad filter — never silently
ignored, so a mistyped bookmark does not show a list in an order the user did not ask for. Names
sort with the ``"vi"`` collation (``vi_field``), so "Đ" comes after "D" on both databases.

Totals are one SQL aggregate over the whole filtered list (not the page); the row count comes from
the same query, so the paginator does not count a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Aggregate, Count, F, OrderBy, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Collate
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from khuyencong.core.collation import COLLATION

SORT_PARAM, PAGE_SIZE_PARAM, PAGE_PARAM = "sort", "page_size", "page"
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
COUNT = "count"

OrderTerm = str | Combinable


def vi_field(name: str) -> Collate:
    """A text field in Vietnamese alphabetical order (the ``"vi"`` collation of core)."""
    return Collate(name, COLLATION)


@dataclass(frozen=True)
class Column:
    """One column of a list table.

    ``sort`` is the URL key (``?sort=name``, ``?sort=-name``) or empty for a column that does not sort;
    ``by`` the database terms it orders by, ascending (defaults to the key itself as a field name).
    ``css`` carries the column's classes (``hide-sm``, ``num``).
    """

    label: str | Promise
    sort: str = ""
    by: tuple[OrderTerm, ...] = ()
    css: str = ""

    def terms(self) -> tuple[OrderTerm, ...]:
        return self.by or (self.sort,)


@dataclass(frozen=True)
class Table:
    """The columns of a list page and its default order (``"-end_date"``: newest first)."""

    columns: tuple[Column, ...]
    default_sort: str
    tie_breaker: tuple[str, ...] = ("pk",)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.sort and c.sort == key), None)


class ListingError(Exception):
    """A sort key or page size the list does not offer; answered with a 400."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param, self.message = param, message


def _ordered(term: OrderTerm, descending: bool) -> OrderBy:
    """One sort term in the chosen direction; empty values last either way, as in a spreadsheet
    (SQLite and PostgreSQL disagree on where NULL goes by default)."""
    if isinstance(term, str):
        flipped = term.startswith("-")
        return OrderBy(F(term.removeprefix("-")), descending=descending != flipped, nulls_last=True)
    if isinstance(term, OrderBy):
        return OrderBy(term.expression, descending=descending != term.descending, nulls_last=True)
    return OrderBy(term, descending=descending, nulls_last=True)  # type: ignore[arg-type]  # Collate & co.


@dataclass
class Listing:
    """The sort and page size asked for in one request, checked against the table."""

    request: HttpRequest
    table: Table
    sort: str
    page_size: int

    @classmethod
    def from_request(cls, request: HttpRequest, table: Table) -> Listing:
        return cls(request, table, _sort(request, table), _page_size(request))

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def order(self, items: QuerySet[Any]) -> QuerySet[Any]:
        """The items in the chosen order, ties broken by the table's stable fields."""
        column = self.table.column(self.sort_key)
        assert column is not None  # from_request checked the key
        terms = [_ordered(t, self.descending) for t in column.terms()]
        return items.order_by(*terms, *self.table.tie_breaker)

    def present(self, items: QuerySet[Any], totals: Mapping[str, Aggregate] | None = None) -> ListPage:
        """The page asked for, the headers with their sort links, and the totals of the whole list."""
        # Aliases of their own: an aggregate named like the annotation it sums ("enrolled") would
        # shadow it, and the database would be asked for a column that only exists in the subquery.
        aliased = {f"total_{name}": aggregate for name, aggregate in (totals or {}).items()}
        raw = items.order_by().aggregate(total_row_count=Count("pk"), **aliased)
        sums = {COUNT: raw["total_row_count"], **{name: raw[f"total_{name}"] for name in totals or {}}}
        paginator = Paginator(items, self.page_size)
        paginator.count = sums[COUNT]  # already counted by the aggregate
        page = paginator.get_page(self.request.GET.get(PAGE_PARAM))
        return ListPage(page=page, headers=self._headers(), totals=sums, query=self._query(),
                        page_sizes=self._page_sizes(), sort=self.sort)

    def _params(self, **changes: str | None) -> QueryDict:
        params = self.request.GET.copy()
        for name in (PAGE_PARAM, "format"):
            params.pop(name, None)
        for name, value in changes.items():
            params.pop(name, None)
            if value is not None:
                params[name] = value
        return params

    def _query(self) -> str:
        return self._params().urlencode()

    def _headers(self) -> list[dict[str, Any]]:
        headers = []
        for column in self.table.columns:
            header: dict[str, Any] = {"label": column.label, "css": column.css, "url": "", "direction": ""}
            if column.sort:
                current = column.sort == self.sort_key
                next_sort = column.sort if not (current and not self.descending) else f"-{column.sort}"
                header["url"] = "?" + self._params(**{SORT_PARAM: next_sort}).urlencode()
                if current:
                    header["direction"] = "descending" if self.descending else "ascending"
            headers.append(header)
        return headers

    def _page_sizes(self) -> list[dict[str, Any]]:
        return [{"size": size, "current": size == self.page_size,
                 "url": "?" + self._params(**{PAGE_SIZE_PARAM: str(size)}).urlencode()} for size in PAGE_SIZES]


@dataclass
class ListPage:
    """What the list templates read: ``page``, ``headers``, ``totals`` (``count`` and the sums),
    ``query`` (the URL state without the page number, for pagination links) and ``page_sizes``."""

    page: Page[Any]
    headers: list[dict[str, Any]]
    totals: dict[str, Any]
    query: str
    page_sizes: list[dict[str, Any]] = field(default_factory=list)
    sort: str = ""

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def count(self) -> int:
        return int(self.totals[COUNT])


def _sort(request: HttpRequest, table: Table) -> str:
    value = request.GET.get(SORT_PARAM, "").strip()
    if not value:
        return table.default_sort
    if table.column(value.removeprefix("-")) is None:
        offered = ", ".join(c.sort for c in table.columns if c.sort)
        raise ListingError(SORT_PARAM, _("Không sắp xếp được theo “%(value)s” (tham số sort). Các cột sắp xếp "
                                         "được: %(offered)s; thêm dấu “-” phía trước để xếp giảm dần.")
                           % {"value": value[:40], "offered": offered})
    return value


def _page_size(request: HttpRequest) -> int:
    value = request.GET.get(PAGE_SIZE_PARAM, "").strip()
    if not value:
        return DEFAULT_PAGE_SIZE
    if not value.isdigit() or int(value) not in PAGE_SIZES:
        raise ListingError(PAGE_SIZE_PARAM, _("Số dòng mỗi trang “%(value)s” không hợp lệ (tham số page_size): "
                                              "chọn một trong %(sizes)s.")
                           % {"value": value[:40], "sizes": ", ".join(str(s) for s in PAGE_SIZES)})
    return int(value)


View = Callable[..., HttpResponse]


def refuses_bad_listing(view: View) -> View:
    """Answer a :class:`ListingError` raised by the view with a 400 page that says what was wrong."""
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ListingError as exc:
            params = request.GET.copy()
            for name in (SORT_PARAM, PAGE_SIZE_PARAM, PAGE_PARAM):
                params.pop(name, None)
            return render(request, "core/list_error.html", {
                "message": exc.message, "back": "?" + params.urlencode()}, status=400)
    return wrapper


def column_keys(table: Table) -> Sequence[str]:
    """The sort keys a table offers (for tests and documentation)."""
    return [c.sort for c in table.columns if c.sort]
