"""Import jobs on the web: who may import what, uploads, dry runs, confirmation, background runs.

The pipeline (``pipeline.run_import``) does the importing; this module wraps it in an
:class:`ImportJob` so that an upload can be checked first (dry run), looked at, and confirmed later
by the same person, and so that large files run on a Celery worker while the page shows progress.
The stored file is re-read and its SHA-256 compared with the fingerprint recorded at upload before
every run: what is committed is exactly the file that was previewed.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import time
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import is_active_member, require
from khuyencong.core import uploads
from khuyencong.core.services import attribute
from khuyencong.exchange import reader
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.pipeline import fingerprint_of, max_upload_bytes, run_import
from khuyencong.exchange.spec import Register
from khuyencong.exchange.workbook import _OLE2

logger = logging.getLogger(__name__)

DEFAULT_BACKGROUND_ROWS = 2_000
DEFAULT_BACKGROUND_BYTES = 1024 * 1024
# Jobs still being worked on; a task finding its job in any other state has nothing to do.
ACTIVE = (ImportStatus.QUEUED, ImportStatus.RUNNING)
# Roles that read every import job (the audit of who imported what); everyone else sees their own.
SEES_ALL_JOBS = {Role.PROVINCE_ADMIN, Role.AUDITOR}

# A running job that gave no sign of life (progress, start) for this long lost its worker: progress is
# written at least every few thousand rows, so a quarter of an hour of silence is not a slow file.
DEFAULT_LOST_AFTER = 15 * 60
# A job waiting in the broker's queue may wait for busy workers; after this long nothing will run it.
DEFAULT_QUEUED_LOST_AFTER = 6 * 3600
# Runs of one job whose worker died: the first death may be a restart or a reboot, the second is the
# file (a redelivered poison message would otherwise kill a worker at every delivery).
DEFAULT_MAX_LOST_RUNS = 2

_ZIP = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class JobConflict(ValidationError):
    """The job is not in a state that allows the request (already running, file changed…): a 409."""


# --- Who may do what --------------------------------------------------------------------------------

def may_import(user: User, register: Register) -> bool:
    """Its app's rule (the register's ``may_import``): record-level scope (a commune officer's communes) is
    enforced row by row by the register, through the same services as the forms; this only keeps other
    roles away from the upload."""
    return register.may_import(user)


def may_exchange(user: User) -> bool:
    """Templates and scoped exports are for every member; the register limits what an export holds."""
    return is_active_member(user)


def sees_all_jobs(user: User) -> bool:
    return is_active_member(user) and user.role in SEES_ALL_JOBS


# --- Reads ------------------------------------------------------------------------------------------

def job_list(user: User) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by")
    if sees_all_jobs(user):
        return jobs
    if not user.is_authenticated:
        return jobs.none()
    return jobs.filter(created_by=user)


def job_get(user: User, pk: int) -> ImportJob:
    """The job if ``user`` may see it; 404 otherwise (another user's job does not exist for them)."""
    job = job_list(user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("Không tìm thấy lần nhập dữ liệu này."))
    return reap_if_lost(job)


def stored_bytes(job: ImportJob) -> bytes | None:
    if not job.file:
        return None
    try:
        with job.file.open("rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


# --- Upload -----------------------------------------------------------------------------------------

def spreadsheet_suffix(data: bytes) -> str | None:
    """The workbook format the content (not the name) shows, or None if it is not a spreadsheet.

    A Word document is a ZIP too, so ZIP files must also hold an Excel workbook part or the
    OpenDocument spreadsheet media type.
    """
    if data.startswith(_OLE2):
        return ".xls"
    if not data.startswith(_ZIP):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return ".xlsx"
            if "xl/workbook.bin" in names:
                return ".xlsb"
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return ".ods"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def size_message(size: int | None = None) -> str:
    limit = max_upload_bytes() / 1048576
    if size is None:
        return _("Tệp quá lớn: giới hạn là %(limit).0f MB. Hãy chia thành nhiều tệp.") % {"limit": limit}
    return _("Tệp quá lớn (%(size).1f MB): giới hạn là %(limit).0f MB. Hãy chia thành nhiều tệp.") % {
        "size": size / 1048576, "limit": limit}


def not_spreadsheet_message() -> str:
    return _("Tệp này không phải là bảng tính: chỉ nhận tệp Excel (.xlsx, .xls) hoặc OpenDocument (.ods). "
             "Hãy mở tệp bằng Excel và lưu lại theo định dạng .xlsx, tốt nhất là trên mẫu tải từ hệ thống.")


def check_upload(data: bytes) -> str:
    """The stored file's suffix; a ValidationError (message in Vietnamese, ``code`` saying why) otherwise."""
    if len(data) > max_upload_bytes():
        raise ValidationError(size_message(len(data)), code="too_large")
    if not data:
        raise ValidationError(_("Tệp tải lên đang trống."), code="empty")
    suffix = spreadsheet_suffix(data)
    if suffix is None:
        raise ValidationError(not_spreadsheet_message(), code="not_spreadsheet")
    try:  # the declared sizes and the sheets' extents, streamed: a hostile file never reaches a reader
        reader.inspect_workbook(data)
    except reader.UnsafeWorkbook as unsafe:
        raise ValidationError(unsafe.message, code="unsafe") from None
    except reader.NotASpreadsheet:
        raise ValidationError(not_spreadsheet_message(), code="not_spreadsheet") from None
    return suffix


def _display_name(name: str) -> str:
    return uploads.safe_name(name, limit=255, fallback="tep.xlsx")


def job_upload(*, actor: User, register: Register, filename: str, data: bytes) -> ImportJob:
    """Store an uploaded workbook as a queued dry-run job (the file under a generated name)."""
    require(may_import(actor, register),
            _("Bạn không có quyền nhập dữ liệu “%(title)s”.") % {"title": register.title})
    suffix = check_upload(data)
    job = ImportJob(register=register.code, filename=_display_name(filename), fingerprint=fingerprint_of(data),
                    size=len(data), status=ImportStatus.QUEUED, dry_run=True, created_by=actor,
                    worker=this_process(), heartbeat_at=timezone.now())
    # The uploader's file name never becomes a path: only the generated name is stored on disk.
    job.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    with uploads.removed_unless_saved(job.file):
        job.full_clean()
        attribute(job, actor)
        job.save()
    return job


# --- Running ----------------------------------------------------------------------------------------

def background_rows() -> int:
    return int(getattr(settings, "EXCHANGE_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS))


def background_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_BACKGROUND_BYTES", DEFAULT_BACKGROUND_BYTES))


def count_rows(data: bytes) -> int:
    """Data rows in all sheets (header rows excluded), from the streamed inspection (no reader opens
    the file for it); 0 when unreadable, the pipeline will say why."""
    try:
        return reader.data_rows(data) or 0
    except (reader.UnsafeWorkbook, reader.NotASpreadsheet):
        return 0


def runs_in_background(data: bytes) -> bool:
    """Big files go to a worker; a small one is counted cheaply first (reading it costs milliseconds)."""
    return len(data) > background_bytes() or count_rows(data) > background_rows()


class ProgressRecorder:
    """The pipeline's ``progress(done, total)`` callback: writes ``rows_done``/``rows_total`` for the page.

    The import runs inside one transaction, and what it writes stays invisible to other connections
    until it ends, so progress written on the same connection would only appear at the very end. On
    databases where another connection may write meanwhile (PostgreSQL), progress therefore goes
    through a second, autocommitting connection. SQLite allows one writer at a time (a second
    connection would wait for the import's lock), so there it is written in-line; SQLite
    installations run jobs eagerly in the request anyway, with nobody polling.
    Updates bypass the model (no history row per tick: ``rows_done`` is not audited).
    """

    MIN_INTERVAL = 0.5  # seconds between two writes, except the last one

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.alias = router.db_for_write(ImportJob) or DEFAULT_DB_ALIAS
        self._last = 0.0
        self._side: Any = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.MIN_INTERVAL:
            return
        self._last = now
        beat = timezone.now()  # each report is also the worker's sign of life
        if connections[self.alias].vendor == "sqlite":
            ImportJob.objects.filter(pk=self.job_id).update(rows_done=done, rows_total=total, heartbeat_at=beat)
            return
        side = self._side_connection()
        table = side.ops.quote_name(ImportJob._meta.db_table)
        with side.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET rows_done = %s, rows_total = %s, heartbeat_at = %s "  # noqa: S608 (quoted table name)  # nosec B608
                           "WHERE id = %s", [done, total, beat, self.job_id])

    def _side_connection(self) -> Any:
        if self._side is None:
            self._side = connections.create_connection(self.alias)
        return self._side

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def _mark(job: ImportJob, status: str, *, actor: User | None, **changes: Any) -> None:
    job.status = status
    for name, value in changes.items():
        setattr(job, name, value)
    attribute(job, actor)
    job.save()


def _fail(job: ImportJob, message: str) -> ImportJob:
    _mark(job, ImportStatus.FAILED, actor=job.created_by, finished_at=timezone.now(),
          problems=[{"sheet": "", "row": None, "column": None, "message": message}])
    return job


def job_run(job: ImportJob, *, dry_run: bool) -> ImportJob:
    """Run the pipeline on the stored file (a dry run or the real import). Safe to call twice."""
    if job.status not in ACTIVE:
        return job  # already done: a redelivered task must not import twice
    if job.status == ImportStatus.RUNNING and job.worker != this_process():
        if worker_alive(job):
            return job  # a duplicate delivery while another worker is on it
        job.lost_runs += 1  # found abandoned: its worker died during the run
        if job.lost_runs >= max_lost_runs():
            logger.error("import job %s: worker died %s times, not run again", job.pk, job.lost_runs)
            return _fail(job, worker_died_message(job))
    data = stored_bytes(job)
    if data is None or fingerprint_of(data) != job.fingerprint:
        return _fail(job, _("Tệp đã lưu không còn đúng với tệp đã tải lên (dấu vân tay SHA-256 không khớp); "
                            "không ghi dữ liệu nào. Hãy tải tệp lên lại."))
    if job.created_by is None:
        return _fail(job, _("Tài khoản đã tải tệp lên không còn tồn tại; không ghi dữ liệu nào."))
    _mark(job, ImportStatus.RUNNING, actor=job.created_by, dry_run=dry_run, rows_done=0,
          worker=this_process(), heartbeat_at=timezone.now())
    recorder = ProgressRecorder(job.pk)
    try:
        run_import(data, filename=job.filename, actor=job.created_by, dry_run=dry_run,
                   register_code=job.register, progress=recorder, job=job)
    except OperationalError:
        _release(job.pk)
        raise  # transient database trouble: the task retries
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.refresh_from_db()
        return _fail(job, _("Lỗi hệ thống khi xử lý tệp; không ghi dữ liệu nào. "
                            "Hãy báo quản trị hệ thống (mã lần nhập %(pk)s).") % {"pk": job.pk})
    finally:
        recorder.close()
    return job


def _release(job_id: int) -> None:
    """Back to the queue for the retry (which any worker may take), if the database lets us say so."""
    try:
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
            status=ImportStatus.QUEUED, worker="", heartbeat_at=timezone.now())
    except OperationalError:
        logger.warning("import job %s: could not release it for the retry", job_id)


def job_dispatch(job: ImportJob, data: bytes, *, dry_run: bool) -> bool:
    """Run now, or hand a large file to a worker once the job row is committed; True if handed over."""
    if not runs_in_background(data):
        job_run(job, dry_run=dry_run)
        return False
    transaction.on_commit(lambda: _enqueue(job.pk, dry_run))
    return True


def _enqueue(job_id: int, dry_run: bool) -> None:
    """Hand the job to the queue; if the broker cannot be reached, the job says so instead of waiting forever."""
    from khuyencong.exchange.tasks import run_import_job

    try:
        run_import_job.delay(job_id, dry_run)
        # In the broker's queue now: no process of ours answers for it until a worker starts it.
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED, worker=this_process()).update(
            worker="", heartbeat_at=timezone.now())
    except Exception:
        logger.exception("could not queue import job %s", job_id)
        job = ImportJob.objects.select_related("created_by").get(pk=job_id)
        if job.status in ACTIVE:
            _fail(job, _("Không gửi được tệp vào hàng đợi xử lý nền; không ghi dữ liệu nào. "
                         "Hãy thử lại sau hoặc báo quản trị hệ thống."))


def confirmable(job: ImportJob) -> bool:
    return job.status == ImportStatus.PREVIEWED and job.dry_run and not job.problems


def job_confirm(*, actor: User, job: ImportJob) -> bool:
    """Import for real the file whose dry run found no problem; True if it runs in the background.

    Only the uploader confirms (an administrator who sees the job did not check the file), and only
    the very file that was previewed: its fingerprint is checked again here and before the run.
    """
    require(job.created_by_id == actor.pk, _("Chỉ người đã tải tệp lên mới được xác nhận nhập tệp này."))
    from khuyencong.exchange import registry

    try:
        register = registry.get(job.register)
    except KeyError:
        raise JobConflict(_("Loại dữ liệu “%(code)s” không còn trong hệ thống.") % {"code": job.register}) from None
    require(may_import(actor, register), _("Bạn không có quyền nhập dữ liệu “%(title)s”.") % {"title": register.title})
    if job.problems:
        raise ValidationError(_("Bản kiểm tra còn lỗi: hãy sửa tệp theo danh sách lỗi rồi tải lên lại."))
    if not confirmable(job):
        raise JobConflict(_("Lần nhập này không còn chờ xác nhận (trạng thái: %(status)s).")
                          % {"status": job.get_status_display()})
    data = stored_bytes(job)
    if data is None or fingerprint_of(data) != job.fingerprint:
        raise JobConflict(_("Tệp đã lưu đã bị thay đổi sau khi kiểm tra (dấu vân tay SHA-256 không khớp); "
                            "không ghi dữ liệu nào. Hãy tải tệp lên lại."))
    # Claim the job with a conditional UPDATE so that a double click cannot start two imports.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED, dry_run=True).update(
        status=ImportStatus.QUEUED, dry_run=False, rows_done=0, worker=this_process(), heartbeat_at=timezone.now())
    if not claimed:
        raise JobConflict(_("Lần nhập này đang được xử lý hoặc đã xử lý xong."))
    job.refresh_from_db()
    attribute(job, actor)
    job.save()  # a history row: who confirmed, when, which fingerprint
    return job_dispatch(job, data, dry_run=False)


# --- Jobs whose worker died -------------------------------------------------------------------------

def this_process() -> str:
    """"host:pid" of the running process, as recorded on the jobs it works on."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def lost_after() -> int:
    return int(getattr(settings, "EXCHANGE_JOB_LOST_AFTER", DEFAULT_LOST_AFTER))


def queued_lost_after() -> int:
    return int(getattr(settings, "EXCHANGE_JOB_QUEUED_LOST_AFTER", DEFAULT_QUEUED_LOST_AFTER))


def max_lost_runs() -> int:
    return int(getattr(settings, "EXCHANGE_JOB_MAX_LOST_RUNS", DEFAULT_MAX_LOST_RUNS))


def _process_alive(worker: str) -> bool | None:
    """Whether the recorded process still runs; None when it ran on another machine (we cannot tell)."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, under another user
    return True


def worker_alive(job: ImportJob) -> bool:
    """Is some process still working on (or about to queue) this active job?

    A recorded process on this machine that no longer exists settles it at once (the web process that
    ran a job in the request was killed); otherwise the last sign of life decides: progress for a
    running job, the hand-over for a job waiting in the broker's queue.
    """
    if job.worker and _process_alive(job.worker) is False:
        return False
    since = job.heartbeat_at or job.created_at
    if since is None:
        return True
    patience = queued_lost_after() if job.status == ImportStatus.QUEUED and not job.worker else lost_after()
    return (timezone.now() - since).total_seconds() < patience


def worker_died_message(job: ImportJob) -> str:
    return _("Quá trình xử lý tệp “%(name)s” đã dừng đột ngột (máy xử lý bị tắt hoặc hết bộ nhớ, thường do tệp "
             "quá lớn hoặc bị hỏng); không ghi dữ liệu nào. Hãy kiểm tra tệp, chia thành tệp nhỏ hơn nếu cần, rồi "
             "tải lên lại (mã lần nhập %(pk)s).") % {"name": job.filename, "pk": job.pk}


def fail_lost(job: ImportJob, message: str | None = None) -> ImportJob:
    """Fail ``job`` if it is still active (a finished job keeps its outcome)."""
    job.refresh_from_db()
    if job.status not in ACTIVE:
        return job
    logger.error("import job %s lost its worker (%s)", job.pk, job.worker or "queue")
    return _fail(job, message or worker_died_message(job))


def reap_if_lost(job: ImportJob) -> ImportJob:
    """The job as it stands, failed with a message first if its worker is gone (the page shows it)."""
    if job.status in ACTIVE and not worker_alive(job):
        return fail_lost(job)
    return job


def reap_lost_jobs(queryset: QuerySet[ImportJob]) -> None:
    for job in queryset.filter(status__in=ACTIVE).select_related("created_by"):
        reap_if_lost(job)
