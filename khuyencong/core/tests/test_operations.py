"""Production plumbing: probes, the replica router and the background-job queue."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from khuyencong.core.db_router import REPLICA, ReplicaRouter, reporting_reads
from khuyencong.core.tasks import ping


def test_health_and_ready(db) -> None:
    assert Client().get("/healthz").json() == {"status": "ok"}
    assert Client().get("/readyz").json() == {"status": "ready"}


def test_ready_reports_pending_migrations(db, monkeypatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("app", "0002")])
    response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "migrations pending"


def test_router_sends_only_reporting_reads_to_replica(monkeypatch) -> None:
    from django.conf import settings

    router = ReplicaRouter()
    monkeypatch.setattr(settings, "DATABASES", {"default": {}, REPLICA: {}})
    assert router.db_for_read(None) == "default"
    with reporting_reads():
        assert router.db_for_read(None) == REPLICA
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) == "default"
    assert router.allow_migrate(REPLICA, "geo") is False and router.allow_migrate("default", "geo") is True


def test_router_without_replica_stays_on_primary() -> None:
    with reporting_reads():
        assert ReplicaRouter().db_for_read(None) == "default"


def test_jobs_run_in_process_without_broker() -> None:
    assert ping.delay().get(timeout=5) == "pong"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_job_round_trip_through_redis_and_a_worker(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The production queue set-up on one machine: a real worker process and a producer process,
    both configured only through CELERY_BROKER_URL, exchanging a job through Redis."""
    env = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15", "KHUYENCONG_ENV": "test",
           "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}"}
    root = Path(__file__).resolve().parents[3]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "--without-gossip", "--without-mingle", "-Q", "celery", "--loglevel=WARNING"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        producer = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from khuyencong.core.tasks import ping; "
             "print(ping.delay().get(timeout=60))"],
            cwd=root, env=env, capture_output=True, text=True, timeout=90,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert producer.stdout.strip() == "pong", producer.stderr[-2000:]


def test_metrics_only_for_the_monitoring_system(db, settings) -> None:
    settings.METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    settings.IS_PRODUCTION = True  # behind the proxy every request is from loopback: refuse without a token
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403
    settings.IS_PRODUCTION = False
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 403
    body = outside.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert body.status_code == 200 and b"django_http_requests" in body.content
