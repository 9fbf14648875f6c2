"""Round trip: every register exported from the demo data and imported into an empty database gives
the same period report, to the last person and the last đồng.

"Empty" means: the unit register, code lists seeded by migrations and user accounts stay (they are
not registers); every record the demo created is deleted before the import.
"""

from __future__ import annotations

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.serializers import sort_dependencies
from django.db import transaction

from khuyencong.accounts.models import Representation, User
from khuyencong.accounts.policy import other_provinces_allowed
from khuyencong.exchange import registry
from khuyencong.exchange.export import write_register
from khuyencong.exchange.pipeline import run_import

pytestmark = pytest.mark.django_db  # so that pytest-django creates the test database for this module
DOMAIN_APPS = ("establishments", "schemes", "training", "cooperation", "products", "fairs")


def _report(*args: str) -> dict:
    out = io.StringIO()
    call_command("report", "--from", "2014-01-01", "--to", "2020-12-31", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _reports() -> dict[str, dict]:
    return {"77": _report("--area", "77", "--boundary-date", "2020-12-31"), "79": _report("--area", "79")}


def _domain_models() -> list:
    app_list = [(apps.get_app_config(label), None) for label in DOMAIN_APPS]
    return [m for m in sort_dependencies(app_list, allow_cycles=True) if not m.__name__.startswith("Historical")]


def _snapshot() -> dict:
    return {model: set(model.objects.values_list("pk", flat=True)) for model in _domain_models()}


def _delete_demo_records(before: dict) -> None:
    """Delete what load_demo added, most dependent records first (so PROTECT never fires)."""
    Representation.objects.all().delete()
    for model in reversed(_domain_models()):
        model.objects.exclude(pk__in=before[model]).delete()


@pytest.fixture(scope="module")
def round_trip(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("exchange")
    with django_db_blocker.unblock(), transaction.atomic():
        before = _snapshot()
        call_command("load_demo", stdout=io.StringIO())
        admin = User.objects.get(username="quantri")
        expected = _reports()
        files = []
        for register in registry.all_registers():
            path = folder / f"{register.code}.xlsx"
            write_register(register, admin, str(path))
            files.append((register, path))
        counts = {m: m.objects.count() for m in _domain_models()}
        _delete_demo_records(before)
        results = []
        with other_provinces_allowed():
            for register, path in files:
                results.append(run_import(path.read_bytes(), filename=path.name, actor=admin,
                                          register_code=register.code))
        yield {"expected": expected, "actual": _reports(), "results": results, "counts": counts,
               "files": files, "admin": admin}
        transaction.set_rollback(True)


def test_every_register_imports_without_a_problem(round_trip):
    for result in round_trip["results"]:
        assert result.problems == [], f"{result.register}: {result.problems[:10]}"
        assert result.committed


def test_the_period_report_is_identical_after_the_round_trip(round_trip):
    assert round_trip["actual"]["77"]["indicators"] == round_trip["expected"]["77"]["indicators"]
    assert round_trip["actual"] == round_trip["expected"]


def test_the_demo_traps_survive_the_round_trip(round_trip):
    """Persons in several courses stay one person; establishments at several fairs stay one establishment."""
    figures = round_trip["actual"]["77"]["indicators"]
    assert figures["training.vocational.persons"] == 285 and figures["fairs.participations"] == 258


def test_importing_the_exported_files_again_changes_nothing(round_trip, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        before = {m: m.objects.count() for m in _domain_models()}
        with other_provinces_allowed():
            for register, path in round_trip["files"]:
                again = run_import(path.read_bytes(), filename=path.name, actor=round_trip["admin"],
                                   register_code=register.code, dry_run=True)
                assert again.ok, again.problems[:5]
                assert all(o.created == 0 and o.updated == 0 for o in again.outcomes.values()), \
                    (register.code, again.outcomes)
        assert {m: m.objects.count() for m in _domain_models()} == before
        transaction.set_rollback(True)
