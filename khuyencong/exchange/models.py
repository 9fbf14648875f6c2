"""Imports as records: who imported which file (by fingerprint), what it changed, and its problems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    PREVIEWED = "previewed", _("Đã kiểm tra, chờ xác nhận")
    REJECTED = "rejected", _("Có lỗi, không ghi dữ liệu")
    COMMITTED = "committed", _("Đã ghi vào cơ sở dữ liệu")
    FAILED = "failed", _("Lỗi hệ thống")


class ImportJob(models.Model):
    """One uploaded (or CLI-imported) file and what became of it.

    The history of this model is the audit trail of imports: the fingerprint (SHA-256 of the file)
    identifies exactly which file changed the data, and the stored file lets an auditor open it.
    """

    register = models.CharField(_("loại dữ liệu"), max_length=40)
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"), default=0)
    status = models.CharField(_("trạng thái"), max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_done = models.PositiveIntegerField(_("số dòng đã xử lý"), default=0)
    # {"sheet": {"created": n, "updated": n, "unchanged": n}}
    outcomes = models.JSONField(_("kết quả"), default=dict, blank=True)
    # [{"sheet": …, "row": …, "column": …, "message": …}]
    problems = models.JSONField(_("các lỗi"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("hoàn tất lúc"), null=True, blank=True)
    # The process working on the job ("host:pid"; empty while it waits in the broker's queue) and its
    # last sign of life: a job whose process died is failed with a message instead of waiting forever.
    worker = models.CharField(_("tiến trình xử lý"), max_length=100, blank=True, default="")
    heartbeat_at = models.DateTimeField(_("tín hiệu xử lý gần nhất"), null=True, blank=True)
    # Runs that were found abandoned by a dead worker: a file that kills workers is not run forever.
    lost_runs = models.PositiveSmallIntegerField(_("số lần xử lý bị gián đoạn"), default=0)
    history = HistoricalRecords(excluded_fields=["rows_done", "heartbeat_at"])

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("các lần nhập dữ liệu")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.fingerprint[:12]})"
