"""Read-only back-office views; every write goes through the services (scope, duplicates, outcomes)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.fairs.models import Fair, FairParticipation, Showroom, ShowroomDisplay


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fair)
class FairAdmin(_ReadOnlyAdmin):
    list_display = ["name", "scope", "start_date", "end_date", "cancelled"]
    list_filter = ["scope", "cancelled"]
    search_fields = ["name", "organiser", "scheme__code"]
    date_hierarchy = "start_date"


@admin.register(FairParticipation)
class FairParticipationAdmin(_ReadOnlyAdmin):
    list_display = ["establishment", "fair", "kind", "support_vnd", "sales_vnd", "withdrawn"]
    list_filter = ["kind", "withdrawn"]
    list_select_related = ["establishment", "fair"]
    raw_id_fields = ["establishment", "fair"]


@admin.register(Showroom)
class ShowroomAdmin(_ReadOnlyAdmin):
    list_display = ["name", "operator", "opened_on", "closed_on"]


@admin.register(ShowroomDisplay)
class ShowroomDisplayAdmin(_ReadOnlyAdmin):
    list_display = ["establishment", "showroom", "displayed_from", "displayed_to"]
    list_select_related = ["establishment", "showroom"]
