"""In-app notifications: one row per recipient and event (issue 18, point 5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
                                  related_name="notifications")
    # What happened, as a stable key chosen by the app that notifies (e.g. "representation.invited").
    kind = models.CharField(_("loại"), max_length=60)
    text = models.CharField(_("nội dung"), max_length=500)
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.kind}"
