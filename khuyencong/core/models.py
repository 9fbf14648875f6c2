"""Abstract bases shared by every domain record: authorship, timestamps and an edit version; dated rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
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


class DatedQuerySet(models.QuerySet[Any]):
    def valid_on(self, day: dt.date) -> DatedQuerySet:
        """The versions in force on ``day`` (both ends included; no end date: still in force)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class Dated(models.Model):
    """A record in force from one day (always known) to another (open while NULL)."""

    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DatedRule(Dated):
    """A rule or code list kept as data, each version with the legal text that sets it.

    A change of the law is a new version from its effective date; the old one keeps deciding the records
    dated before it.
    """

    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)

    class Meta:
        abstract = True


class HeldDuplicate(models.Model):
    """An entry refused because its identifier (ID number, tax code, course code) is already recorded
    on a record the submitter may not see (issue 21, existence oracles).

    The submitter is told only that the entry cannot be recorded and has been sent for review, the
    same words whatever the reason; a province officer, who may see both sides, finds it in the home
    to-do list and settles it (merge, move the record, or tell the commune).
    """

    register = models.CharField(_("sổ"), max_length=60)              # e.g. "training.person"
    field = models.CharField(_("trường"), max_length=40)             # e.g. "national_id"
    record_id = models.PositiveBigIntegerField(_("mã hồ sơ đã có"))
    record_label = models.CharField(_("hồ sơ đã có"), max_length=200)
    record_url = models.CharField(_("đường dẫn"), max_length=200, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người xử lý"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("trùng lặp cần xem xét")
        verbose_name_plural = _("trùng lặp cần xem xét")
        ordering = ["raised_at", "pk"]

    def __str__(self) -> str:
        return f"{self.register}.{self.field} → {self.record_id}"

    @property
    def field_label(self) -> str:
        from khuyencong.core.review import FIELD_LABELS

        return str(FIELD_LABELS.get(self.field, self.field))
