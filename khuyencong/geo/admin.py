from django.contrib import admin

from khuyencong.geo.models import AdministrativeUnit, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "unit_type", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "unit_type"]
    search_fields = ["code", "name", "search_name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_on"]
    raw_id_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
