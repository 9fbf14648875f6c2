"""Two people saving the same version at the same moment: one wins, the other is told, never a 500.

Real threads against the real database. On SQLite the in-memory test database cannot show the
problem (shared-cache locks are not file locks), so these tests copy it into a temporary file and
point the connections at that file while they run.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.accounts.models import Role
from khuyencong.establishments.models import Establishment
from khuyencong.geo.services import geo_load_units
from khuyencong.testing.fixtures import COMMUNE_A, make_establishment, make_user, unit


@pytest.fixture
def live_database(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Listed before ``transactional_db``, so the flush at the end hits the copy, not the shared database."""
    conn = connections["default"]
    if conn.vendor != "sqlite":
        yield
        with django_db_blocker.unblock():
            geo_load_units()  # the transactional flush emptied the unit register the session loaded
        return
    with django_db_blocker.unblock():
        conn.ensure_connection()
    memory, memory_name = conn.connection, conn.settings_dict["NAME"]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/concurrent.sqlite3"
        target = sqlite3.connect(path)
        memory.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        conn.connection = None  # the next query opens the file; the memory database stays open in `memory`
        conn.settings_dict["NAME"] = path
        try:
            yield
        finally:
            conn.close()
            conn.settings_dict["NAME"] = memory_name
            conn.connection = memory


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same instant; an exception is kept as the outcome."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:  # the test client re-raises what would have been a 500
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _record() -> tuple[Any, Establishment]:
    officer = make_user("officer", Role.PROVINCE_OFFICER)
    est = make_establishment("Cơ sở may Long Hương", unit(COMMUNE_A), representative_phone="0912345678")
    return officer, est


def test_double_click_on_save_is_one_save_and_one_stale_message(live_database, transactional_db) -> None:
    officer, est = _record()
    url = reverse("establishments:edit", args=[est.pk])
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(officer)
        clients.append(client)
    for attempt in range(3):
        form = {"name": est.name, "legal_form": "household", "commune": unit(COMMUNE_A).pk, "vsic_code": "1410",
                "sector_group": "handicrafts", "employees": str(10 + attempt), "status": "active",
                "version": str(est.version + attempt)}
        outcomes = race([lambda c=c, f=form: c.post(url, f) for c in clients])
        codes = sorted(getattr(o, "status_code", repr(o)) for o in outcomes)
        assert codes == [302, 400], (attempt, codes)
        refused = next(o for o in outcomes if o.status_code == 400)
        assert "đã được người khác thay đổi" in str(refused.context["form"].non_field_errors())
    assert Establishment.objects.get(pk=est.pk).version == est.version + 3


def test_six_patches_with_one_version_one_wins_five_conflict(live_database, transactional_db) -> None:
    officer, est = _record()
    clients = []
    for _ in range(6):
        client = APIClient()
        client.force_authenticate(officer)
        clients.append(client)
    detail = f"/api/v1/establishments/{est.pk}"
    outcomes = race([lambda c=c, i=i: c.patch(detail, {"employees": 20 + i, "version": est.version}, format="json")
                     for i, c in enumerate(clients)])
    codes = sorted(getattr(o, "status_code", repr(o)) for o in outcomes)
    assert codes == [200, 409, 409, 409, 409, 409], codes
    assert Establishment.objects.get(pk=est.pk).version == est.version + 1
