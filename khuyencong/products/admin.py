"""Admin: reference data (groups, levels, rule sets, criteria) is edited here; scheme records are read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.products import models


@admin.register(models.ProductGroup, models.RecognitionLevel, models.RuleSet, models.Criterion, models.PassMark)
class ReferenceAdmin(SimpleHistoryAdmin):
    """Effective-dated code lists and rule sets are data the administrator keeps up to date."""


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Records of rounds and products change only through the services (rules, audit, state machine)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (models.Product, models.SelectionRound, models.Nomination, models.Council, models.CouncilMember,
              models.Score, models.Result, models.RecognitionDecision, models.Certificate):
    admin.site.register(model, ReadOnlyAdmin)
