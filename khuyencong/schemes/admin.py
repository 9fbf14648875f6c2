"""Back-office views. Records change only through the services (permissions, norms, budgets, events)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.schemes.models import (
    ActivityType,
    AnnualPlan,
    Disbursement,
    Programme,
    Scheme,
    SchemeAmendment,
    SchemeEvent,
    SupportNorm,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "activity_type", "funding_source", "status", "public_support"]
    list_filter = ["status", "funding_source", "activity_type"]
    search_fields = ["code", "title"]
    list_select_related = ["activity_type"]


@admin.register(SupportNorm)
class SupportNormAdmin(ReadOnlyAdmin):
    list_display = ["activity_type_code", "funding_source", "legal_form", "max_percent", "cap_vnd", "legal_basis",
                    "valid_from", "valid_to"]


for model in (ActivityType, Programme, AnnualPlan, Disbursement, SchemeEvent, SchemeAmendment):
    admin.site.register(model, ReadOnlyAdmin)
