"""Shared test fixtures: the unit register loaded once, and the permission personas."""

from __future__ import annotations

from typing import Any

import pytest

from khuyencong.geo.services import geo_load_units


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the real administrative units once per test session (about two seconds)."""
    with django_db_blocker.unblock():
        geo_load_units()


@pytest.fixture(autouse=True)
def _units_before_transactional_tests(request: Any, django_db_blocker: Any) -> None:
    """A transactional test ends by emptying every table, unit register included, and pytest-django runs those
    tests last: the next one finds no units. Reload them (only then) before such a test starts."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server", "live_database"} & set(request.fixturenames))
    if not transactional:
        return
    from khuyencong.geo.models import AdministrativeUnit

    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        if not AdministrativeUnit.objects.exists():
            geo_load_units()


pytest_plugins = ["khuyencong.testing.fixtures"]
