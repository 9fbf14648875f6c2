"""Back-office views, read-only: changes pass the services' checks."""

from django.contrib import admin

from khuyencong.cooperation.models import Activity, ActivityParticipant, Agreement, Partner
from khuyencong.training.admin import ReadOnlyAdmin


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "city"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "partner", "signed_on", "valid_from", "valid_to"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "partner", "organising_unit", "start_date"]
    list_select_related = ["partner", "organising_unit"]


@admin.register(ActivityParticipant)
class ActivityParticipantAdmin(ReadOnlyAdmin):
    list_display = ["activity", "person"]
