from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from khuyencong.core import pickers, review, todo
from khuyencong.core.errors import PermissionDeniedError, RateLimitedError
from khuyencong.core.requests import AuthenticatedHttpRequest

# Years offered for the key figures: this year back to the first year of records kept (the demo starts in 2014).
FIRST_YEAR = 2014


class FiguresPeriodForm(forms.Form):
    nam = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False)

    def __init__(self, *args: object, this_year: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        year_field: forms.TypedChoiceField = self.fields["nam"]  # type: ignore[assignment]
        year_field.choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """"Việc cần làm": what waits on this user (from every app's to-do sources), then their area's key figures."""
    today = timezone.localdate()
    form = FiguresPeriodForm(request.GET or None, this_year=today.year)
    year = (form.cleaned_data.get("nam") if form.is_valid() else None) or today.year
    return render(request, "core/home.html", {
        "todo": todo.todo_for(request.user, today=today),
        "figures": todo.figures_for(request.user, year=year), "year": year, "form": form,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the reason a policy gave (when it gave one), and the way back."""
    reason = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the same answer for an unknown record and one outside the user's area (never say which)."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request context (no user, no menu, no database query)."""
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database reachable and fully migrated (a deploy that forgot ``migrate`` is not ready)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # any database failure means "not ready", never a 500 page
        return JsonResponse({"status": "database unavailable"}, status=503)
    if pending:
        return JsonResponse({"status": "migrations pending", "pending": len(pending)}, status=503)
    return JsonResponse({"status": "ready"})


@login_required
def picker(request: AuthenticatedHttpRequest, kind: str) -> JsonResponse:
    """``/chon/<kind>/?q=…``: at most 20 {value, text} the user may see (each source reads its scoped selector)."""
    search = pickers.SOURCES.get(kind)
    if search is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    if not query and not request.GET.get("parent"):
        return JsonResponse({"results": []})
    try:
        results = search(request.user, query, request.GET)
    except PermissionDeniedError as exc:  # e.g. an ID number search by a role that may not see IDs
        return JsonResponse({"results": [], "error": str(exc)}, status=403)
    except RateLimitedError as exc:
        return JsonResponse({"results": [], "error": str(exc)}, status=429)
    return JsonResponse({"results": [{"value": value, "text": text} for value, text in results]})


@login_required
def held_duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open cases of entries refused for colliding with a record the submitter may not see (province staff)."""
    if not review.may_review(request.user):
        raise Http404
    return render(request, "core/held_duplicates.html", {"cases": review.open_cases()[:200]})


@login_required
@require_POST
def held_duplicate_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not review.may_review(request.user):
        raise Http404
    case = get_object_or_404(review.open_cases(), pk=pk)
    case.resolved_at, case.resolved_by = timezone.now(), request.user
    case.save(update_fields=["resolved_at", "resolved_by"])
    messages.success(request, _("Đã đánh dấu là đã xử lý."))
    return redirect("held_duplicates")
