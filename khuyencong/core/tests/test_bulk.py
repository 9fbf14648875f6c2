"""Set-based inserts (``core.bulk``): rows, defaults, ids and history exactly as the ORM would store them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from khuyencong.core.bulk import BulkInsert, allocate_ids, write_history
from khuyencong.exchange.models import ImportJob
from khuyencong.indicators.models import Change
from khuyencong.testing.fixtures import COMMUNE_A, unit
from khuyencong.training.models import Participation, Person, PersonRole
from khuyencong.training.tests.conftest import make_course, make_person

pytestmark = pytest.mark.django_db

PERSON_FIELDS = ("national_id", "full_name", "search_name", "birth_year", "gender", "commune_id", "created_by_id")


def person_row(n: int, commune_id: int, user_id: int | None) -> tuple[object, ...]:
    return (f"07709000{n:04d}", f"Người {n}", f"nguoi {n}", 1990, "male", commune_id, user_id)


def test_rows_are_stored_with_their_defaults_and_ids_in_order(personas) -> None:
    actor = personas["province_officer"]
    commune = unit(COMMUNE_A)
    now = timezone.now()

    ids = BulkInsert(Person, PERSON_FIELDS).insert([person_row(n, commune.pk, actor.pk) for n in range(3)], now=now)

    stored = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    assert [stored[pk].full_name for pk in ids] == ["Người 0", "Người 1", "Người 2"]
    first = stored[ids[0]]
    # Fields not given take the model's defaults and the auto_now(_add) stamps, as Model.save() would.
    assert (first.version, first.role, first.restricted, first.phone, first.employer_id) == (
        1, PersonRole.WORKER, False, "", None)
    assert first.created_at == first.updated_at == now
    assert first.created_by == actor and first.updated_by is None


def test_history_rows_copy_what_was_stored(personas) -> None:
    actor = personas["province_officer"]
    ids = BulkInsert(Person, PERSON_FIELDS).insert([person_row(n, unit(COMMUNE_A).pk, actor.pk) for n in range(2)])
    when = timezone.now() - dt.timedelta(minutes=1)

    write_history(Person, ids, history_type="+", user_id=actor.pk, reason="Nhập từ tệp Excel", when=when)

    history = list(Person.history.filter(id__in=ids).order_by("id"))  # type: ignore[attr-defined]
    assert [(h.id, h.full_name, h.national_id, h.commune_id) for h in history] == [
        (p.pk, p.full_name, p.national_id, p.commune_id) for p in Person.objects.filter(pk__in=ids).order_by("pk")]
    assert {(h.history_type, h.history_user_id, h.history_change_reason, h.history_date) for h in history} == {
        ("+", actor.pk, "Nhập từ tệp Excel", when)}


def test_ids_are_never_reused_and_the_orm_continues_after_them(db) -> None:
    """A deleted record's id is not handed out again (history would mix two persons), and ORM creates
    made after a bulk insert do not collide with the ids it took."""
    gone = make_person("Người đã xoá")
    gone_id = gone.pk
    gone.delete()

    ids = allocate_ids(Person, 3)
    after = make_person("Người tạo sau")

    assert len(set(ids)) == 3
    assert min(ids) > gone_id
    assert after.pk not in ids and after.pk > max(ids)


def test_rows_inserted_in_bulk_reach_the_change_journal(db) -> None:
    """The indicators' stored figures learn of bulk inserts: the journal triggers fire for COPY too."""
    course, person = make_course(), make_person()
    before = Change.objects.filter(source=Participation._meta.db_table).count()

    BulkInsert(Participation, ("person_id", "course_id", "status")).insert([(person.pk, course.pk, "completed")])

    assert Change.objects.filter(source=Participation._meta.db_table).count() == before + 1


def test_fields_needing_conversion_and_unknown_fields_are_refused() -> None:
    with pytest.raises(TypeError, match="outcomes"):
        BulkInsert(ImportJob, ("filename",))
    with pytest.raises(ValueError, match="no_such_field"):
        BulkInsert(Person, ("no_such_field",))


def test_nothing_to_insert_writes_nothing(db) -> None:
    assert BulkInsert(Person, PERSON_FIELDS).insert([]) == []
    write_history(Person, [], history_type="+", user_id=None)
    assert Person.objects.count() == 0 and Person.history.count() == 0  # type: ignore[attr-defined]
