"""Background imports: large files go to a Celery task (eager in tests) that reports progress; tasks are idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from khuyencong.establishments.models import Establishment
from khuyencong.exchange import jobs, pipeline
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.tasks import run_import_job
from khuyencong.exchange.tests.test_views import (
    client_for,
    establishment_row,
    establishments_file,
    job_of,
    two_establishments,
    upload,
)
from khuyencong.testing.fixtures import VALID_TAX_CODES


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def three_establishments() -> bytes:
    return establishments_file(*[establishment_row(tax_code=code, name=f"Cơ sở nền {i}")
                                 for i, code in enumerate(VALID_TAX_CODES[:3])])


@pytest.fixture
def progress_calls(monkeypatch) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """Every progress report the pipeline makes (one per row: chunks of one), all written."""
    calls: list[tuple[int, int]] = []
    original = jobs.ProgressRecorder.__call__

    def spy(self: jobs.ProgressRecorder, done: int, total: int) -> None:
        calls.append((done, total))
        original(self, done, total)

    monkeypatch.setattr(pipeline, "CHUNK", 1)
    monkeypatch.setattr(jobs.ProgressRecorder, "MIN_INTERVAL", 0)
    monkeypatch.setattr(jobs.ProgressRecorder, "__call__", spy)
    return calls


def test_large_file_runs_in_background_with_progress(personas, settings, progress_calls,
                                                     django_capture_on_commit_callbacks) -> None:
    settings.EXCHANGE_BACKGROUND_ROWS = 2
    client = client_for(personas["province_officer"])
    before = Establishment.objects.count()
    with django_capture_on_commit_callbacks() as queued:
        job = job_of(upload(client, three_establishments()))
    assert job.status == ImportStatus.QUEUED and len(queued) == 1

    # While the job waits, the page shows a progress bar driven by a static script polling JSON.
    page = client.get(reverse("exchange:job", args=[job.pk])).content.decode()
    progress_url = reverse("exchange:progress", args=[job.pk])
    assert f'data-progress-url="{progress_url}"' in page and "<progress" in page
    assert 'src="/static/js/exchange-progress.js"' in page
    assert client.get(progress_url).json()["finished"] is False

    queued[0]()  # the worker (eager here) runs the dry run
    assert progress_calls == [(1, 3), (2, 3), (3, 3)]
    state = client.get(progress_url).json()
    assert state == {"status": "previewed", "status_label": "Đã kiểm tra, chờ xác nhận", "rows_done": 3,
                     "rows_total": 3, "finished": True}
    preview = client.get(reverse("exchange:job", args=[job.pk]))
    assert preview.context["can_confirm"] and "<progress" not in preview.content.decode()
    assert Establishment.objects.count() == before

    progress_calls.clear()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert client.post(reverse("exchange:confirm", args=[job.pk])).status_code == 302
    assert len(queued) == 1 and progress_calls[-1] == (3, 3)
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and (job.rows_done, job.rows_total) == (3, 3)
    assert Establishment.objects.count() == before + 3


def test_big_files_go_to_the_background_by_size(settings) -> None:
    data = two_establishments()
    settings.EXCHANGE_BACKGROUND_ROWS = 2
    settings.EXCHANGE_BACKGROUND_BYTES = len(data) + 1
    assert jobs.count_rows(data) == 2 and not jobs.runs_in_background(data)
    settings.EXCHANGE_BACKGROUND_BYTES = len(data) - 1
    assert jobs.runs_in_background(data)
    assert jobs.count_rows(b"not a workbook") == 0


def test_progress_recorder_writes_rows(personas) -> None:
    job = ImportJob.objects.create(register="establishments", filename="a.xlsx", fingerprint="0" * 64,
                                   created_by=personas["province_officer"], status=ImportStatus.RUNNING)
    recorder = jobs.ProgressRecorder(job.pk)
    try:
        recorder(5, 10)
        recorder(6, 10)  # within MIN_INTERVAL: skipped
        recorder(10, 10)  # the last one is always written
    finally:
        recorder.close()
    if connection.vendor == "sqlite":
        job.refresh_from_db()
        assert (job.rows_done, job.rows_total) == (10, 10)
        assert job.history.count() == 1  # its creation only: progress ticks are not audit events
    else:
        # Written through a second connection, so that a page polling during the import's one
        # transaction sees it. (The test's own transaction hides this job's row from that connection.)
        assert recorder._side is None  # closed


def test_task_is_idempotent_and_tolerates_missing_jobs(personas) -> None:
    client = client_for(personas["province_officer"])
    job = job_of(upload(client, two_establishments()))
    assert job.status == ImportStatus.PREVIEWED
    history = job.history.count()
    assert run_import_job.delay(job.pk, False).get() == ImportStatus.PREVIEWED  # not confirmed: nothing to do
    assert job.history.count() == history
    assert run_import_job.delay(10**9, True).get() == "missing"


def test_changed_file_fails_the_job_and_saves_nothing(personas) -> None:
    job = job_of(upload(client_for(personas["province_officer"]), two_establishments()))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, dry_run=False)
    Path(job.file.path).write_bytes(establishments_file(establishment_row(name="Cơ sở bị tráo")))
    before = Establishment.objects.count()
    assert run_import_job.delay(job.pk, False).get() == ImportStatus.FAILED
    job.refresh_from_db()
    assert "dấu vân tay" in job.problems[0]["message"] and Establishment.objects.count() == before


def test_unexpected_error_fails_the_job_without_a_500(personas, monkeypatch) -> None:
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    monkeypatch.setattr(jobs, "run_import", broken)
    client = client_for(personas["province_officer"])
    job = job_of(upload(client, two_establishments()))
    assert job.status == ImportStatus.FAILED
    page = client.get(reverse("exchange:job", args=[job.pk]))
    assert page.status_code == 200 and "Lỗi hệ thống" in page.content.decode()
    assert page.context["can_confirm"] is False


def test_unreachable_queue_fails_the_job(personas, settings, monkeypatch, django_capture_on_commit_callbacks) -> None:
    def no_broker(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("broker down")

    settings.EXCHANGE_BACKGROUND_ROWS = 1
    monkeypatch.setattr(run_import_job, "delay", no_broker)
    client = client_for(personas["province_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(upload(client, two_establishments()))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "hàng đợi" in job.problems[0]["message"]
    assert client.get(reverse("exchange:progress", args=[job.pk])).json()["finished"] is True
