from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.accounts.models import ApiToken, ApiTokenUse, Representation, User
from khuyencong.accounts.tokens import token_revoke
from khuyencong.core.requests import AuthenticatedHttpRequest


class RepresentationInline(admin.TabularInline):
    model = Representation
    fk_name = "user"
    raw_id_fields = ["establishment", "confirmed_by"]
    extra = 0


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Khuyến công", {"fields": ("full_name", "role", "communes")}),
    )
    raw_id_fields = ["communes"]
    inlines = [RepresentationInline]


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Tokens are issued with ``khuyencong issue_token`` (the key is shown once); here they are listed,
    their trail read, and revoked."""

    list_display = ["prefix", "user", "name", "scope", "second_factor_waived", "expires_at", "last_used_at",
                    "revoked_at"]
    list_filter = ["scope", "second_factor_waived"]
    search_fields = ["user__username", "prefix", "name"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoked, never deleted: the trail stays

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request: AuthenticatedHttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            token_revoke(actor=request.user, token=token)


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "method", "path", "allowed"]
    list_filter = ["allowed", "method"]
    readonly_fields = ["token", "at", "method", "path", "allowed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# DRF's plain token table is no longer read (``ApiTokenAuthentication``); its admin would issue dead keys.
try:
    admin.site.unregister(TokenProxy)
except NotRegistered:
    pass
