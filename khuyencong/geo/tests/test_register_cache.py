"""Area closures cached in a worker follow a reload of the unit register made by any other worker."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db.models import F
from django.utils import timezone

from khuyencong.accounts.policy import province_commune_ids
from khuyencong.geo.models import AdministrativeUnit, RegisterVersion
from khuyencong.geo.register_cache import RegisterCache, register_changed, register_version
from khuyencong.geo.selectors import unit_by_code

pytestmark = pytest.mark.django_db


def _another_worker_adds_a_commune() -> AdministrativeUnit:
    """What a reload in another process leaves in the database; this process's caches are not told."""
    province = unit_by_code(django_settings.PROVINCE_CODE, on=timezone.localdate(), level="province")
    commune = AdministrativeUnit.objects.create(code="99999", level="commune", unit_type="xa", name="Xã Thử",
                                                parent=province)
    RegisterVersion.objects.get_or_create(pk=1)
    RegisterVersion.objects.filter(pk=1).update(version=F("version") + 1)
    return commune


def test_a_reload_in_another_worker_reaches_this_workers_province_scope(settings) -> None:  # type: ignore[no-untyped-def]
    settings.GEO_REGISTER_RECHECK_SECONDS = 0
    before = province_commune_ids()
    commune = _another_worker_adds_a_commune()
    assert commune.pk not in before
    assert commune.pk in province_commune_ids()


def test_within_the_interval_a_cached_scope_costs_no_query(settings, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    settings.GEO_REGISTER_RECHECK_SECONDS = 3600
    cache = RegisterCache()
    calls: list[int] = []
    cache.get("key", lambda: calls.append(1) or len(calls))
    with django_assert_num_queries(0):
        assert cache.get("key", lambda: calls.append(1) or len(calls)) == 1
    settings.GEO_REGISTER_RECHECK_SECONDS = 0
    _another_worker_adds_a_commune()
    assert cache.get("key", lambda: calls.append(1) or len(calls)) == 2


def test_a_reload_here_bumps_the_version_and_forgets_at_once() -> None:
    cache = RegisterCache()
    assert cache.get("key", lambda: "old") == "old"
    before = register_version()
    register_changed()
    assert register_version() == before + 1
    assert cache.get("key", lambda: "new") == "new"
