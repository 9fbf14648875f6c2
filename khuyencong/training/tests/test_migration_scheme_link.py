"""The data migration that turns free-text scheme codes into links (courses, fairs, showrooms) loses nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.services import geo_load_units

BEFORE = [("training", "0002_seed_course_types"), ("fairs", "0001_initial")]
AFTER = [("training", "0003_course_scheme"), ("fairs", "0002_scheme_links_and_products")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # Every app at the migrations now applied (the targets' own state would lack schemes and geo).
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.mark.django_db(transaction=True)
def test_codes_become_links_and_unknown_codes_move_to_notes() -> None:
    if not AdministrativeUnit.objects.exists():  # an earlier transactional test flushed the session's register
        geo_load_units()
    apps = _migrate(BEFORE)
    try:
        scheme_model = apps.get_model("schemes", "Scheme")
        # Seeded code lists may have been flushed by an earlier transactional test: create what is needed.
        start = dt.date(2012, 1, 1)
        kind, _ = apps.get_model("schemes", "ActivityType").objects.get_or_create(
            code="training", valid_from=start, defaults={"label": "Đào tạo", "legal_basis": "NĐ 45/2012"})
        scheme = scheme_model.objects.create(code="KCDP-2015-07", title="Đề án", activity_type_id=kind.pk,
                                             funding_source="local", implementing_unit_name="TT")
        unit = apps.get_model("geo", "AdministrativeUnit").objects.filter(level="commune").order_by("pk").first()
        course_type, _ = apps.get_model("training", "CourseType").objects.get_or_create(
            code="vocational", valid_from=start, defaults={"label": "Đào tạo nghề", "legal_basis": "NĐ 45/2012"})
        course = apps.get_model("training", "Course")
        day = dt.date(2015, 5, 1)
        linked = course.objects.create(code="L1", title="Lớp 1", course_type_id=course_type.pk, organiser="TT",
                                       organising_unit_id=unit.pk, start_date=day, end_date=day,
                                       scheme_code="kcdp-2015-07")
        unknown = course.objects.create(code="L2", title="Lớp 2", course_type_id=course_type.pk, organiser="TT",
                                        organising_unit_id=unit.pk, start_date=day, end_date=day,
                                        scheme_code="CU-99", notes="Ghi chú cũ")
        fair = apps.get_model("fairs", "Fair").objects.create(
            name="Hội chợ", organiser="Sở", scope="provincial", venue_unit_id=unit.pk, start_date=day, end_date=day,
            scheme_code="KCDP-2015-07")
        apps = _migrate(AFTER)
        course = apps.get_model("training", "Course")
        assert course.objects.get(pk=linked.pk).scheme_id == scheme.pk
        moved = course.objects.get(pk=unknown.pk)
        assert moved.scheme_id is None and moved.notes == "Ghi chú cũ\nMã đề án (trước khi liên kết): CU-99"
        assert apps.get_model("fairs", "Fair").objects.get(pk=fair.pk).scheme_id == scheme.pk
    finally:
        _migrate(AFTER)
