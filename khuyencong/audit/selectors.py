"""Read-only views over the audit trail: change history of every tracked record and personal-data access.

History rows are written by django-simple-history inside the services; nothing here can change
them, and no admin page may either (tested).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, Q, QuerySet

from khuyencong.accounts.models import Role, User

AUDIT_ROLES = {Role.AUDITOR, Role.PROVINCE_ADMIN}


def may_audit(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in AUDIT_ROLES)


def tracked_models() -> dict[str, type[Model]]:
    """Every model with an audit history, keyed "app.model" (their historical twins hold the trail)."""
    out = {}
    for model in apps.get_models():
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model") and not model.__name__.startswith("Historical"):
            out[model._meta.label_lower] = model
    return dict(sorted(out.items()))


@dataclass
class AuditFilters:
    username: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


def _dated(rows: QuerySet, field: str, filters: AuditFilters) -> QuerySet:
    if filters.date_from:
        rows = rows.filter(**{f"{field}__date__gte": filters.date_from})
    if filters.date_to:
        rows = rows.filter(**{f"{field}__date__lte": filters.date_to})
    return rows


def change_history(label: str, filters: AuditFilters) -> QuerySet:
    model = tracked_models()[label]
    rows = model.history.model.objects.select_related("history_user").order_by("-history_date")  # type: ignore[attr-defined]
    if filters.username:
        rows = rows.filter(history_user__username=filters.username)
    return _dated(rows, "history_date", filters)


def personal_data_access(filters: AuditFilters) -> QuerySet:
    access = apps.get_model("training", "PersonalDataAccess")
    rows = access.objects.select_related("actor", "person").order_by("-at", "-pk")
    if filters.username:
        rows = rows.filter(actor__username=filters.username)
    if filters.text:
        from khuyencong.core.text import fold

        # A person's name, or for disclosures of many persons the export or file named in ``subject``.
        rows = rows.filter(Q(person__search_name__contains=fold(filters.text)) | Q(subject__icontains=filters.text))
    return _dated(rows, "at", filters)
