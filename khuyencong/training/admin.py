"""Back-office views, read-only: every change passes the services' checks (scope, dedup, logging)."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.training.models import Course, CourseType, FollowUp, Participation, Person, PersonalDataAccess


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(CourseType)
class CourseTypeAdmin(SimpleHistoryAdmin):
    """The code list is data an administrator maintains (labels, validity, legal basis)."""

    list_display = ["code", "label", "employment_oriented", "valid_from", "valid_to", "legal_basis"]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "course_type", "organising_unit", "start_date", "end_date"]
    list_select_related = ["course_type", "organising_unit"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    # No ID number or phone here: the admin has no masking or access log.
    list_display = ["full_name", "birth_year", "gender", "commune", "role", "restricted"]
    exclude = ["national_id", "phone"]
    list_select_related = ["commune"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ["person", "course", "status", "certificate_no"]
    list_select_related = ["person", "course"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["participation", "date", "status", "monthly_income_vnd"]


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "person", "kind"]
