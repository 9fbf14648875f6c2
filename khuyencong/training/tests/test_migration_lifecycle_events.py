"""The migrations that unify the event tables keep every row: ``by`` becomes ``actor``, long notes stay whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.services import geo_load_units

BEFORE = [("training", "0005_bulk_disclosures")]
AFTER = [("training", "0006_lifecycle_events")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_participation_events_keep_their_rows_and_their_actor() -> None:
    if not AdministrativeUnit.objects.exists():  # an earlier transactional test flushed the session's register
        geo_load_units()
    apps = _migrate(BEFORE)
    try:
        user = apps.get_model("accounts", "User").objects.create(username="migrator")
        unit = apps.get_model("geo", "AdministrativeUnit").objects.filter(level="commune").order_by("pk").first()
        course_type, _ = apps.get_model("training", "CourseType").objects.get_or_create(
            code="vocational", valid_from=dt.date(2012, 1, 1),
            defaults={"label": "Đào tạo nghề", "legal_basis": "NĐ 45/2012"})
        day = dt.date(2015, 5, 1)
        course = apps.get_model("training", "Course").objects.create(
            code="MIG-1", title="Lớp", course_type_id=course_type.pk, organiser="TT", organising_unit_id=unit.pk,
            start_date=day, end_date=day)
        person = apps.get_model("training", "Person").objects.create(
            national_id="079123456789", full_name="Nguyễn Văn Chuyển", search_name="nguyen van chuyen",
            gender="male", commune_id=unit.pk)
        participation = apps.get_model("training", "Participation").objects.create(
            person_id=person.pk, course_id=course.pk, status="dropped")
        event_model = apps.get_model("training", "ParticipationEvent")
        note = "Lý do " * 50  # 300 characters, the old limit
        kept = [event_model.objects.create(participation_id=participation.pk, to_status="enrolled", by_id=user.pk),
                event_model.objects.create(participation_id=participation.pk, from_status="enrolled",
                                           to_status="dropped", by_id=user.pk, note=note)]
        apps = _migrate(AFTER)
        rows = apps.get_model("training", "ParticipationEvent").objects.order_by("pk")
        assert [(e.pk, e.actor_id, e.from_status, e.to_status, e.note) for e in rows] == [
            (kept[0].pk, user.pk, "", "enrolled", ""), (kept[1].pk, user.pk, "enrolled", "dropped", note)]
    finally:
        _migrate(AFTER)
