"""Shared test fixtures: the unit register loaded once, and the permission personas."""

from __future__ import annotations

import pytest

from khuyencong.geo.services import geo_load_units


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the real administrative units once per test session (about two seconds)."""
    with django_db_blocker.unblock():
        geo_load_units()


pytest_plugins = ["khuyencong.testing.fixtures"]
