from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.establishments.models import EligibilityRule, Establishment


@admin.register(Establishment)
class EstablishmentAdmin(SimpleHistoryAdmin):
    """Back-office view for stewards; day-to-day edits go through the registry pages and services."""

    list_display = ["name", "tax_code", "legal_form", "sector_group", "commune", "status"]
    list_filter = ["legal_form", "sector_group", "status"]
    search_fields = ["name", "search_name", "tax_code"]
    raw_id_fields = ["commune", "created_by", "updated_by"]
    list_select_related = ["commune"]

    def has_add_permission(self, request):
        return False  # creation must pass the service's checks (scope, duplicates)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deletion must pass establishment_delete's permission check


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "legal_basis", "valid_from", "valid_to"]
