"""The figures kept ready equal the figures computed from the records, after every kind of change.

Each step changes the records the way the system can (services, forms, imports, bulk updates that pass
no Python hook) and the stored national province × year breakdown must then equal the breakdown
computed from scratch, cell by cell — including the cell the change left (a course moved to another
year or province, an establishment moved to another province, a scheme cancelled).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import DurationField, Value
from django.db.models.functions import Now

from khuyencong.establishments.models import Establishment
from khuyencong.fairs.models import FairParticipation
from khuyencong.indicators.breakdowns import _Aggregate, breakdown_many, compute_breakdown, unit_targets
from khuyencong.indicators.catalogue import CATALOGUE
from khuyencong.indicators.engine import resolve_area
from khuyencong.indicators.models import Change, ReadySlice
from khuyencong.indicators.periods import Period
from khuyencong.indicators.ready import slices
from khuyencong.indicators.ready.journal import WATCHED, as_spec
from khuyencong.indicators.ready.touches import RESOLVERS
from khuyencong.indicators.sources import SOURCES, Dimension
from khuyencong.indicators.tests.test_breakdown_equals_engine import KIM_MA, PERIOD, _course, _scheme, records
from khuyencong.products.models import Product
from khuyencong.schemes.models import DemonstrationModel, Disbursement, SchemeBeneficiary
from khuyencong.testing.fixtures import unit
from khuyencong.training.models import CourseType, Participation, Person
from khuyencong.training.tests.conftest import enrol, make_person

__all__ = ["records"]  # the dataset of the engine-equality tests (a fixture)
DIMS = [Dimension.UNIT, Dimension.YEAR]
CODES = [indicator.code for indicator in CATALOGUE]


def _stored(period: Period = PERIOD, boundary: dt.date | None = None, dims: list[Dimension] = DIMS):
    return compute_breakdown(period, resolve_area(None, boundary), dims).values


def _live(period: Period = PERIOD, boundary: dt.date | None = None, dims: list[Dimension] = DIMS):
    area = resolve_area(None, boundary)
    return breakdown_many(CODES, period, area, dims, unit_targets(area))


def _assert_ready_equals_live(**kwargs: Any) -> None:
    stored, live = _stored(**kwargs), _live(**kwargs)
    for code in CODES:
        assert {k: v for k, v in stored[code].items() if v} == {k: v for k, v in live[code].items() if v}, code


def _records_of() -> dict[str, Any]:
    from khuyencong.cooperation.models import Activity
    from khuyencong.fairs.models import Fair
    from khuyencong.products.models import Certificate
    from khuyencong.schemes.models import Scheme
    from khuyencong.training.models import Course

    return {"courses": list(Course.objects.order_by("pk")), "schemes": {s.code: s for s in Scheme.objects.all()},
            "fairs": list(Fair.objects.order_by("start_date")), "activities": list(Activity.objects.order_by("pk")),
            "certificates": list(Certificate.objects.order_by("pk"))}


def _hanoi_establishment():
    return Establishment.objects.get(name="Cơ sở Ba Đình")


def move_course_year(r):  # leaves its 2024 cell, enters 2026
    course = r["courses"][0]
    course.end_date = dt.date(2026, 3, 31)
    course.save()


def move_course_province(r):
    course = r["courses"][1]
    course.organising_unit = unit("01")
    course.save()


def bulk_drop(r):  # a queryset update: no model save, no signal
    Participation.objects.filter(course=r["courses"][3]).update(status="dropped")


def delete_course(r):
    course = r["courses"][5]  # Chi's intermediate course in Hà Nội (follow-ups go with the participation)
    course.participations.all().delete()
    course.delete()


def cancel_scheme(r):
    scheme = r["schemes"]["JOINT-2P"]
    scheme.status = "cancelled"
    scheme.save()


def scheme_to_other_year(r):
    scheme = r["schemes"]["NO-BENEFICIARY"]
    scheme.acceptance_date = dt.date(2025, 1, 15)
    scheme.save()


def first_beneficiary_moves_the_scheme(r):  # it counted at its implementing unit (Hà Nội), now in HCMC
    SchemeBeneficiary.objects.create(scheme=r["schemes"]["NO-BENEFICIARY"],
                                     establishment=Establishment.objects.get(name__contains="Phước Nguyên"))


def remove_beneficiary(r):
    SchemeBeneficiary.objects.filter(scheme=r["schemes"]["DEMO"], establishment=_hanoi_establishment()).delete()


def add_disbursement(r):
    Disbursement.objects.create(scheme=r["schemes"]["JOINT-1W"], date=dt.date(2026, 3, 1), amount=7_000_000)


def model_host_moves(r):
    DemonstrationModel.objects.filter(scheme=r["schemes"]["DEMO"]).update(host_establishment=_hanoi_establishment())


def revoke_certificate(r):
    certificate = r["certificates"][0]
    certificate.revoked, certificate.revoked_on = True, dt.date(2025, 1, 1)
    certificate.save()


def redate_decision(r):
    decision = r["certificates"][-1].decision
    decision.decided_on = dt.date(2026, 1, 5)
    decision.save()


def product_changes_hands(r):  # from Hà Nội to Hồ Chí Minh City
    Product.objects.filter(pk=r["certificates"][-1].product_id).update(
        establishment=Establishment.objects.get(name__contains="Phước Nguyên"))


def establishment_moves_province(r):  # its fairs, products and schemes follow it, in every year
    Establishment.objects.filter(name__contains="Phước Nguyên").update(commune=unit("00004"))


def fair_cancelled(r):
    fair = r["fairs"][0]
    fair.cancelled = True
    fair.save()


def fair_moves_year(r):
    fair = r["fairs"][1]
    fair.start_date, fair.end_date = dt.date(2026, 4, 1), dt.date(2026, 4, 4)
    fair.save()


def withdraw_and_join(r):
    FairParticipation.objects.filter(fair=r["fairs"][1], establishment__name__contains="Cù Bị").update(
        withdrawn=True)
    FairParticipation.objects.create(fair=r["fairs"][1], establishment=_hanoi_establishment(), booths=1,
                                     support_vnd=1)


def official_becomes_worker(r):
    Person.objects.filter(role="civil_servant").update(role="worker")


def activity_moves(r):
    activity = r["activities"][0]
    activity.organising_unit = unit(KIM_MA, dt.date(2024, 6, 1))
    activity.start_date, activity.end_date = dt.date(2026, 2, 1), dt.date(2026, 2, 10)
    activity.save()


def new_course_and_people(r):
    course = _course(unit("79"), dt.date(2026, 5, 31), "management")
    for name in ("Dung", "Em", "Giang"):
        enrol(make_person(name), course)


def rename_course_type(r):  # a code list entry renamed: every training figure may change
    CourseType.objects.filter(code="management").update(code="management-renamed")


def new_scheme(r):
    _scheme("NEW-2026", "machinery", dt.date(2026, 6, 1), 50_000_000, [_hanoi_establishment()])


CHANGES = [move_course_year, move_course_province, bulk_drop, delete_course, cancel_scheme, scheme_to_other_year,
    first_beneficiary_moves_the_scheme, remove_beneficiary, add_disbursement, model_host_moves,
    revoke_certificate, redate_decision, product_changes_hands, establishment_moves_province, fair_cancelled,
    fair_moves_year, withdraw_and_join, activity_moves, official_becomes_worker, new_course_and_people,
    new_scheme, rename_course_type]


def test_ready_figures_equal_the_records_after_every_kind_of_change(records) -> None:
    _assert_ready_equals_live()
    assert ReadySlice.objects.count() == 3  # 2024, 2025 and 2026 up to the period's end
    for change in CHANGES:
        name = change.__name__
        before = _stored()
        change(_records_of())
        after, live = _stored(), _live()
        assert after != before, f"{name} changed no figure: the step tests nothing"
        for code in CODES:
            assert {k: v for k, v in after[code].items() if v} == {k: v for k, v in live[code].items() if v}, \
                (name, code)


def test_a_change_recomputes_only_the_province_year_it_touches(records, monkeypatch) -> None:
    _stored()
    calls: list[tuple[int, set[str] | None]] = []
    real = slices.compute_slice

    def spy(period, maps, provinces=None):  # type: ignore[no-untyped-def]
        calls.append((period.date_from.year, provinces))
        return real(period, maps, provinces)

    monkeypatch.setattr(slices, "compute_slice", spy)
    _stored()
    assert calls == []  # nothing changed: every slice is read as stored
    from khuyencong.training.models import Course

    course = Course.objects.get(organising_unit=unit("79"))  # a course of 2025 organised by Hồ Chí Minh City
    enrol(make_person("Hạnh"), course)
    values = _stored()
    assert calls == [(2025, {"79"})]
    assert values["training.vocational.persons"]["79|2025"] == 3


def test_other_maps_and_orders_are_kept_apart(records) -> None:
    _assert_ready_equals_live(boundary=dt.date(2020, 12, 31))  # 63 provinces
    _assert_ready_equals_live(dims=[Dimension.YEAR, Dimension.UNIT])
    assert len({s.mapping for s in ReadySlice.objects.all()}) == 2  # the two orders share the current map
    assert "2025|79" in _stored(dims=[Dimension.YEAR, Dimension.UNIT])["training.vocational.persons"]


def test_part_of_a_year_is_a_slice_of_its_own(records) -> None:
    period = Period(dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    _assert_ready_equals_live(period=period)
    assert set(ReadySlice.objects.values_list("date_from", "date_to")) == {
        (dt.date(2024, 7, 1), dt.date(2024, 12, 31)), (dt.date(2025, 1, 1), dt.date(2025, 6, 30))}


def test_the_journal_is_pruned_once_every_slice_has_seen_it_and_an_hour_has_passed(records) -> None:
    _stored()
    enrol(make_person("Khoa"), _records_of()["courses"][0])
    seen = min(ReadySlice.objects.values_list("watermark", flat=True))
    _stored()
    watermark = min(ReadySlice.objects.values_list("watermark", flat=True))
    assert watermark > seen and Change.objects.filter(id__lte=watermark).exists()  # recorded within the hour
    Change.objects.update(recorded_at=Now() - Value(dt.timedelta(hours=2), output_field=DurationField()))
    _stored()
    assert not Change.objects.filter(id__lte=watermark).exists()


def test_the_migration_installs_the_watched_tables_of_the_code(db) -> None:
    migration = importlib.import_module("khuyencong.indicators.migrations.0002_watched_tables_from_sources")
    assert migration.SPEC == as_spec(), "journal.WATCHED changed: add a migration that installs the triggers again"
    assert set(RESOLVERS) == {w.table for w in WATCHED}
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for watched in WATCHED:
            assert watched.table in tables
            columns = {c.name for c in connection.introspection.get_table_description(cursor, watched.table)}
            assert {"id", *watched.columns, *watched.when_changed} <= columns, watched.table


def _tables_read(code: str) -> set[str]:
    """The tables the SQL of a source's rows, keyed by unit and year within an area, reads."""
    source = SOURCES[code]
    keys = {f"_k{n}": source.keys[dim]({1}) for n, dim in enumerate([Dimension.UNIT, Dimension.YEAR])}
    rows = source.rows(PERIOD.date_from, PERIOD.date_to, {1}).values(_x=_Aggregate.of(source.value()).argument, **keys)
    sql, _params = rows.query.sql_with_params()
    return set(re.findall(r'(?:FROM|JOIN) "([a-z_]+)"', sql)) - {"geo_administrativeunit"}


@pytest.mark.parametrize("code", slices.ready_codes())
def test_every_table_a_stored_figure_reads_is_watched(db, code) -> None:
    """A change to a table a stored figure reads and the journal does not watch would leave it wrong."""
    watched = {w.table for w in WATCHED}
    assert _tables_read(code) <= watched, f"{code}: add the tables to its source's ``watched``"
    assert {w.table for w in SOURCES[code].watched} <= watched


def test_bulk_writes_are_journalled_in_one_entry_per_row(records) -> None:
    from khuyencong.training.models import Participation

    Change.objects.all().delete()
    updated = Participation.objects.filter(status="completed").update(status="dropped")
    assert updated > 5
    entries = list(Change.objects.filter(source="training_participation"))
    assert len(entries) == updated
    assert all(e.old["course_id"] == e.new["course_id"] for e in entries)


@pytest.mark.parametrize("update", [{"phone": "0900000000"}, {"full_name": "Tên mới"}])
def test_columns_that_change_no_figure_are_not_journalled(records, update) -> None:
    from khuyencong.training.models import Person

    Change.objects.all().delete()
    Person.objects.update(**{k: v for k, v in update.items() if hasattr(Person, k)})
    assert not Change.objects.exists()


def test_the_command_stores_every_year_and_refuses_a_reversed_range(records) -> None:
    from django.core.management import CommandError, call_command

    call_command("ready_figures", "--from-year", "2024", "--to-year", "2026", stdout=io.StringIO())
    assert sorted(ReadySlice.objects.values_list("date_from__year", flat=True)) == [2024, 2025, 2026]
    _assert_ready_equals_live(period=Period(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
    with pytest.raises(CommandError, match="Khoảng năm không hợp lệ"):
        call_command("ready_figures", "--from-year", "2026", "--to-year", "2024")


def test_without_a_sure_watermark_the_figures_come_from_the_records_and_nothing_is_stored(records,
                                                                                          monkeypatch) -> None:
    """A long import holding the journal (PostgreSQL lock time-out): compute from the records, store nothing."""
    monkeypatch.setattr(slices, "current_watermark", lambda: None)
    _assert_ready_equals_live()
    assert not ReadySlice.objects.exists()


def test_the_journal_is_emptied_when_no_slice_is_kept(records) -> None:
    assert Change.objects.exists()  # the dataset's own inserts
    slices.prune(slices.current_watermark() or 0, keep=dt.timedelta(0))
    assert not Change.objects.exists()


def test_a_period_of_many_decades_is_computed_live(records) -> None:
    period = Period(dt.date(1990, 1, 1), dt.date(2030, 12, 31))
    _assert_ready_equals_live(period=period)
    assert not ReadySlice.objects.exists()
