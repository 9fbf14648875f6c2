"""Issued reports in the back office: read only (an issued report is never edited or deleted)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.reports.models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(SimpleHistoryAdmin):
    list_display = ["number", "issued_on", "area_name", "date_from", "date_to", "signer_name", "signed_pdf_sha256"]
    search_fields = ["number", "area_name", "signer_name"]
    exclude = ["pdf", "docx", "signed_pdf"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
