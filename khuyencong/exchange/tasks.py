"""Background imports: a large file is checked (dry run) or imported on a Celery worker.

Idempotent: the job's status says whether there is anything left to do, so a redelivered message
(``acks_late``) finds a finished job and returns; a job left RUNNING by a dead worker runs again,
which is harmless because the import is all or nothing.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from khuyencong.core import review
from khuyencong.exchange import jobs
from khuyencong.exchange.models import ImportJob


@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def run_import_job(self: object, job_id: int, dry_run: bool) -> str:
    """Run import job ``job_id`` (a dry run or the real import); returns the job's final status."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    with review.collecting():  # entries held for review are written after the import's rollback
        return str(jobs.job_run(job, dry_run=dry_run).status)
