"""The demo dataset reproduces the seed report exactly, and every trap in it matters.

The dataset is loaded once for the module (inside a transaction rolled back at the end).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from khuyencong.geo.selectors import unit_by_code, unit_ids_within

SEED_VALUES = {
    "training.vocational.persons": 285,
    "training.intermediate.persons": 480,
    "training.intermediate.employed": 450,
    "training.cleaner_production.persons": 344,
    "training.management.persons": 718,
    "training.startup.persons": 50,
    "demo_models.count": 6,
    "demo_models.counterpart_vnd": 24_700_000_000,
    "demo_models.worker_income_min_vnd": 5_000_000,
    "demo_models.worker_income_max_vnd": 7_000_000,
    "machinery.establishments": 113,
    "products.recognized.district": 214,
    "products.recognized.province": 112,
    "products.recognized.region": 39,
    "products.recognized.national": 9,
    "fairs.participations": 258,
    "cooperation.official_participations": 83,
}
FROM, TO = dt.date(2014, 1, 1), dt.date(2020, 12, 31)


def report(*args: str) -> dict:
    out = io.StringIO()
    call_command("report", "--from", "2014-01-01", "--to", "2020-12-31", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def old_77(demo, db) -> set[int]:  # type: ignore[no-untyped-def]
    return unit_ids_within(unit_by_code("77", on=TO), on=TO)


def test_cli_report_equals_every_seed_value(demo, db) -> None:
    figures = report("--area", "77", "--boundary-date", "2020-12-31")["indicators"]
    for code, expected in SEED_VALUES.items():
        assert figures[code] == expected, code


def test_todays_ho_chi_minh_city_includes_all_of_them(demo, db) -> None:
    figures = report("--area", "79")["indicators"]
    for code, expected in SEED_VALUES.items():
        assert figures[code] >= expected, code
    assert figures["training.vocational.persons"] == 285  # nothing else was recorded in the merged city


def test_api_gives_the_same_figures(demo, personas) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(personas["province_officer"])
    body = client.get("/api/v1/indicators", {"from": "2014-01-01", "to": "2020-12-31", "area": "77",
                                             "boundary_date": "2020-12-31"}).json()
    assert body["indicators"] == report("--area", "77", "--boundary-date", "2020-12-31")["indicators"]


def test_loading_twice_adds_nothing(demo, db) -> None:
    from khuyencong.schemes.models import Scheme
    from khuyencong.training.models import Participation

    before = (Scheme.objects.count(), Participation.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Scheme.objects.count(), Participation.objects.count()) == before


# Each trap: the naive count differs from the right one.

def test_trap_persons_with_two_courses_of_one_type(demo, old_77) -> None:
    from khuyencong.training.indicators import counted_participations

    rows = counted_participations("vocational", FROM, TO, old_77)
    assert rows.count() > rows.values("person").distinct().count() == 285


def test_trap_dropped_participants(demo, old_77) -> None:
    from khuyencong.training.models import Participation

    everyone = Participation.objects.filter(course__course_type__code="vocational", course__end_date__range=(FROM, TO),
                                            course__organising_unit__in=old_77)
    assert everyone.values("person").distinct().count() > 285


def test_trap_latest_follow_up_decides_employment(demo, old_77) -> None:
    from khuyencong.training.models import FollowUp

    ever_employed = (FollowUp.objects.filter(participation__course__course_type__code="intermediate",
                                             status__in=["employed", "self_employed"], date__lte=TO)
                     .values("participation__person").distinct().count())
    assert ever_employed > 450


def test_trap_follow_ups_after_the_period(demo, old_77) -> None:
    from khuyencong.training.indicators import employed_participations

    employed = employed_participations("intermediate", FROM, dt.date(2021, 12, 31), old_77)
    assert employed.values("person_id").distinct().count() != 450


def test_trap_two_machinery_schemes_and_a_cancelled_one(demo, old_77) -> None:
    from khuyencong.schemes.models import SchemeBeneficiary

    links = SchemeBeneficiary.objects.filter(scheme__activity_type__code="machinery",
                                             establishment__commune__in=old_77)
    accepted = links.filter(scheme__acceptance_date__range=(FROM, TO))
    assert accepted.count() > 113  # schemes, not establishments
    assert links.exclude(scheme__acceptance_date__gt=TO).values("establishment").distinct().count() > 113
    assert links.filter(scheme__status="cancelled").exists()


def test_trap_scheme_cancelled_before_acceptance(demo, old_77) -> None:
    from khuyencong.schemes.models import Scheme

    assert Scheme.objects.filter(activity_type__code="demo_model", status="cancelled", acceptance_date=None).exists()


def test_trap_products_recognised_twice_at_one_level(demo, old_77) -> None:
    from khuyencong.products.models import Certificate

    district = Certificate.objects.filter(level__code="district", decision__decided_on__range=(FROM, TO),
                                          product__establishment__commune__in=old_77)
    twice = district.values("product").annotate(n=Count("pk")).filter(n__gt=1).count()
    assert district.count() == 214 + twice and twice > 0


def test_trap_establishments_at_several_fairs_and_a_withdrawal(demo, old_77) -> None:
    from khuyencong.fairs.models import FairParticipation

    in_period = FairParticipation.objects.filter(fair__start_date__range=(FROM, TO), establishment__commune__in=old_77)
    assert in_period.values("establishment").distinct().count() < 258 < in_period.count()


def test_trap_records_outside_the_area(demo, db) -> None:
    figures = report()["indicators"]  # no area: everything recorded
    assert figures["training.vocational.persons"] > 285
    assert figures["machinery.establishments"] > 113
    assert figures["products.recognized.region"] > 39
    assert figures["fairs.participations"] > 258


def test_trap_records_outside_the_period(demo, db) -> None:
    out = io.StringIO()
    call_command("report", "--from", "2014-01-01", "--to", "2021-12-31", "--area", "77", "--boundary-date",
                 "2021-12-31", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["indicators"]
    assert figures["demo_models.count"] == 7 and figures["fairs.participations"] > 258
    assert figures["cooperation.official_participations"] > 83


def test_trap_business_owner_on_a_cooperation_activity(demo, old_77) -> None:
    from khuyencong.cooperation.models import ActivityParticipant

    everyone = ActivityParticipant.objects.filter(activity__start_date__range=(FROM, TO))
    assert everyone.count() == 84 and everyone.values("person").distinct().count() < 83


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_files_contain_the_same_figures_as_json(demo, db, tmp_path: Path, fmt: str) -> None:
    """Every file names each indicator in Vietnamese (never by its internal code) next to the JSON's figure."""
    from khuyencong.indicators.catalogue import BY_CODE

    target = tmp_path / f"report.{fmt}"
    call_command("report", "--from", "2014-01-01", "--to", "2020-12-31", "--area", "77", "--boundary-date",
                 "2020-12-31", "--format", fmt, "--output", str(target), stdout=io.StringIO())
    figures = report("--area", "77", "--boundary-date", "2020-12-31")["indicators"]
    by_label = {BY_CODE[code].label_vi: code for code in figures}
    if fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
        found = {by_label[row[1]]: row[3] for row in rows if len(row) > 3 and row[1] in by_label}
        assert {k: int(v) for k, v in found.items()} == figures
        assert not any(code in str(cell) for row in rows for cell in row for code in figures)
        return
    text = " ".join(_document_text(target, fmt).split())  # PDF lines wrap anywhere
    assert "285 người" in text and "24,7 tỷ đồng" in text and "5–7 triệu đồng" in text
    for code in SEED_VALUES:
        assert BY_CODE[code].label_vi in text, code
        assert code not in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận" in text


def _document_text(path: Path, fmt: str) -> str:
    if fmt == "docx":
        from docx import Document

        doc = Document(str(path))
        cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
