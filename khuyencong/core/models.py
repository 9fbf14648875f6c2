"""Abstract bases shared by every domain record: authorship, timestamps and an edit version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackedModel(models.Model):
    """Who created/changed the record and when, plus a version that refuses stale edits."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    class Meta:
        abstract = True
