from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from khuyencong.core import pickers
from khuyencong.establishments.models import LegalForm, SectorGroup
from khuyencong.establishments.selectors import registry_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Home dashboard: the registry at a glance, within the user's own scope."""
    summary = registry_summary(request.user)  # type: ignore[arg-type]
    for row in summary["by_sector"]:
        row["label"] = SectorGroup(row["sector_group"]).label
    for row in summary["by_legal_form"]:
        row["label"] = LegalForm(row["legal_form"]).label
    return render(request, "core/home.html", {"summary": summary})


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
def picker(request: HttpRequest, kind: str) -> JsonResponse:
    """``/chon/<kind>/?q=…``: at most 20 {value, text} the user may see (each source reads its scoped selector)."""
    search = pickers.SOURCES.get(kind)
    if search is None:
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    if not query and not request.GET.get("parent"):
        return JsonResponse({"results": []})
    results = search(request.user, query, request.GET)
    return JsonResponse({"results": [{"value": value, "text": text} for value, text in results]})
