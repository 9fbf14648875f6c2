"""Every spreadsheet-like list page runs a fixed number of queries, however many rows it shows.

Each page is asked with a sort and a page size (so the sort joins and the totals aggregate are part
of the count), first with a few rows, then with many more.
"""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from khuyencong.cooperation.models import Partner
from khuyencong.cooperation.tests.conftest import attend, make_activity, official
from khuyencong.fairs.tests.conftest import make_fair, make_participation
from khuyencong.schemes.models import AnnualPlan, Programme
from khuyencong.schemes.tests.conftest import bulk_schemes
from khuyencong.testing.fixtures import COMMUNE_A, make_establishment, unit
from khuyencong.testing.queries import assert_constant_queries
from khuyencong.training.tests.conftest import enrol, make_course, make_person


def _client(personas) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(personas["province_admin"])
    return client


def test_scheme_list(personas, est_a, est_b) -> None:
    programme = Programme.objects.create(name="Chương trình", level="national", start_year=2026, end_year=2030,
                                         decision_no="1/QĐ", decision_date=dt.date(2025, 9, 23))
    plan = AnnualPlan.objects.create(programme=programme, year=2026, funding_source="national",
                                     approved_total=10**12, decision_no="2/QĐ", decision_date=dt.date(2026, 1, 10))
    bulk_schemes(plan, [est_a], 3)

    def grow() -> None:
        from khuyencong.schemes.models import Scheme

        Scheme.objects.filter(code__startswith="BULK-").delete()
        bulk_schemes(plan, [est_a, est_b], 40)

    assert_constant_queries(_client(personas), reverse("schemes:list"), grow, at_most=12,
                            params={"sort": "activity_type", "page_size": "50"})


def test_course_list(personas) -> None:
    person = make_person("Trần Thị Bình")
    for _ in range(2):
        enrol(person, make_course())

    def grow() -> None:
        for i in range(30):
            enrol(make_person(f"Học viên {i}"), make_course(organising="province"))

    assert_constant_queries(_client(personas), reverse("training:list"), grow, at_most=10,
                            params={"sort": "-enrolled", "page_size": "100"})


def test_person_list(personas) -> None:
    make_person("Lê Văn Cường")

    def grow() -> None:
        for i in range(40):
            make_person(f"Đặng Thị Hoa {i}")

    assert_constant_queries(_client(personas), reverse("training:person_list"), grow, at_most=10,
                            params={"sort": "commune", "page_size": "50"})


def test_activity_list(personas) -> None:
    partner = Partner.objects.create(name="Sanjo", country="Nhật Bản", city="Sanjo")
    attend(make_activity(partner), official("Phạm Văn Dũng"))

    def grow() -> None:
        for i in range(25):
            attend(make_activity(partner, start=dt.date(2020, 1, 1) + dt.timedelta(days=i)), official(f"Cán bộ {i}"))

    assert_constant_queries(_client(personas), reverse("cooperation:list"), grow, at_most=10,
                            params={"sort": "partner", "page_size": "50"})


def test_fair_list(personas) -> None:
    establishment = make_establishment("Cơ sở gốm", unit(COMMUNE_A))
    make_participation(make_fair("Hội chợ 1"), establishment)

    def grow() -> None:
        for i in range(30):
            make_participation(make_fair(f"Hội chợ thêm {i}", start=dt.date(2025, 1, 1) + dt.timedelta(days=i)),
                               establishment)

    assert_constant_queries(_client(personas), reverse("fairs:list"), grow, at_most=10,
                            params={"khi": "past", "sort": "-participants", "page_size": "50"})


def test_round_list(personas, est_a) -> None:
    from khuyencong.products.tests.conftest import make_round

    admin, district = personas["province_admin"], est_a.commune.parent
    make_round(admin, year=2016, organiser=district)

    def grow() -> None:
        for year in range(2017, 2026):
            make_round(admin, year=year, organiser=district)

    assert_constant_queries(_client(personas), reverse("products:list"), grow, at_most=12,
                            params={"sort": "-dossiers", "page_size": "25"})


def test_course_totals_count_courses_not_participations(personas) -> None:
    """The totals aggregate runs over the annotated counts, so a course with many participants is one course."""
    course = make_course()
    for i in range(3):
        enrol(make_person(f"Học viên {i}"), course)
    make_course()
    listing = _client(personas).get(reverse("training:list"), {"sort": "enrolled"}).context["listing"]
    assert listing.count == 2 and listing.totals["enrolled"] == 3 and listing.totals["completed"] == 3
    assert listing.totals["planned"] == 40


def test_empty_values_sort_last_both_ways(personas) -> None:
    make_person("Ngô Văn Không Rõ")
    make_person("Vũ Thị Sáu", birth_year=1990)
    make_person("Hồ Văn Bảy", birth_year=1985)
    client = _client(personas)
    for sort, years in (("birth_year", [1985, 1990, None]), ("-birth_year", [1990, 1985, None])):
        listing = client.get(reverse("training:person_list"), {"sort": sort}).context["listing"]
        assert [p.birth_year for p in listing.page] == years
