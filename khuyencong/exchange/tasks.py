"""Background imports: a large file is checked (dry run) or imported on a Celery worker.

Idempotent: the job's status says whether there is anything left to do, so a redelivered message
(``acks_late``) finds a finished job and returns. A file that kills the worker process is a poison
message: the task does not requeue it when the pool process dies (``reject_on_worker_lost=False``:
the message is acknowledged and the ``task_failure`` signal, sent by the worker's main process,
fails the job with a message); if a whole worker dies and the broker redelivers, ``jobs.job_run``
counts the abandoned run and fails the job after ``EXCHANGE_JOB_MAX_LOST_RUNS``.
"""

from __future__ import annotations

import logging
from typing import Any

from billiard.exceptions import WorkerLostError
from celery import shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import task_failure
from django.db import OperationalError
from django.utils.translation import gettext as _

from khuyencong.core import review
from khuyencong.exchange import jobs
from khuyencong.exchange.models import ImportJob

logger = logging.getLogger(__name__)

# Options of the task, named so that a test holds them: retried only for a database hiccup, and
# never requeued when the process running it dies.
TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
    "acks_late": True,  # a message is acknowledged once the job is done...
    "reject_on_worker_lost": False,  # ...or once its process died: not redelivered to kill the next one
    "acks_on_failure_or_timeout": True,
}


@shared_task(**TASK_OPTIONS)
def run_import_job(self: object, job_id: int, dry_run: bool) -> str:
    """Run import job ``job_id`` (a dry run or the real import); returns the job's final status."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with review.collecting():  # entries held for review are written after the import's rollback
        return str(jobs.job_run(job, dry_run=dry_run).status)


@task_failure.connect
def fail_job_of_failed_task(sender: Any = None, task_id: str | None = None, exception: BaseException | None = None,
                            args: tuple[Any, ...] | None = None, kwargs: dict[str, Any] | None = None,
                            **_extra: Any) -> None:
    """The task failed outside ``job_run`` (its process died, the hard time limit, retries exhausted):
    the job says so instead of staying queued or running forever."""
    if getattr(sender, "name", None) != run_import_job.name:
        return
    job_id = (args or ())[0] if args else (kwargs or {}).get("job_id")
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first() if job_id else None
    if job is None:
        return
    logger.error("import task %s for job %s failed: %r", task_id, job_id, exception)
    if isinstance(exception, WorkerLostError | TimeLimitExceeded):
        jobs.fail_lost(job)
    else:
        jobs.fail_lost(job, _("Lỗi hệ thống khi xử lý tệp; không ghi dữ liệu nào. Hãy báo quản trị hệ thống "
                              "(mã lần nhập %(pk)s).") % {"pk": job.pk})
