"""Exchange benchmark: a 100,000-row participants workbook imported and exported on PostgreSQL.

Each timing is printed beside its lower bound measured in the same run, and their ratio:

(a) reading the generated workbook with python-calamine alone (every cell of every sheet);
(b) the full import, ``exchange.pipeline.run_import`` (read, layout checks, normalisation, the training
    register's bulk path with history rows, one transaction), compared with (a);
(c) exporting the 100,000 participations with the register export ``exchange.export.write_register``;
(d) writing the same cells with xlsxwriter alone (``constant_memory``, as the export does), the bound of (c);
(e) the database alone storing what the import stores — the persons, participations and status events with
    one history row each, generated server-side by ``INSERT … SELECT`` from ``generate_series`` with the
    foreign keys checked as at commit, then rolled back: no file, no Python per row. A second lower bound of
    (b): no import into this schema can be faster than its database.

Also reported: re-importing the same file (every row unchanged, nothing written).

Run against an empty database holding only the administrative units (``khuyencong migrate`` then
``khuyencong load_geo``); the script creates its actor and its courses, and removes the persons and
participations of a previous run first::

    KHUYENCONG_ENV=development DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench \\
        .venv/bin/python benchmarks/exchange/run.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COURSE_PREFIX = "BENCH-"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Kim", "Quốc"]
GIVEN = ["Hùng", "Lan", "Dũng", "Hoa", "Long", "Mai", "Sơn", "Hương", "Tâm", "Trang", "Phúc", "Linh"]


def _timed(label: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    print(f"  {label}: {elapsed:.2f} s", flush=True)
    return elapsed, result


def _setup(courses: int) -> tuple[Any, list[Any], list[str]]:
    """The actor (a province officer), ``courses`` ended courses organised by the province, its communes."""
    from django.conf import settings
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from khuyencong.accounts.models import Role, User
    from khuyencong.accounts.policy import province_commune_ids
    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.geo.selectors import unit_by_code
    from khuyencong.training.models import Course, CourseType, FollowUp, Participation, ParticipationEvent, Person

    actor, _ = User.objects.get_or_create(username="bench_officer", defaults={"role": Role.PROVINCE_OFFICER})
    ParticipationEvent.objects.filter(participation__course__code__startswith=COURSE_PREFIX).delete()
    FollowUp.objects.filter(participation__course__code__startswith=COURSE_PREFIX).delete()
    Participation.objects.filter(course__code__startswith=COURSE_PREFIX).delete()
    Person.objects.filter(national_id__startswith="079").delete()
    for model in (Person, Participation, ParticipationEvent):
        model.history.all().delete()  # type: ignore[attr-defined]
    today = timezone.localdate()
    province = unit_by_code(settings.PROVINCE_CODE, on=today, level="province")
    course_type = CourseType.objects.filter(code="vocational").order_by("-valid_from").first()
    existing = set(Course.objects.filter(code__startswith=COURSE_PREFIX).values_list("code", flat=True))
    new = [Course(code=f"{COURSE_PREFIX}{i:05d}", title=f"Lớp đào tạo nghề {i}", course_type=course_type,
                  organiser="Trung tâm Khuyến công", organising_unit=province, start_date=dt.date(2026, 3, 1),
                  end_date=dt.date(2026, 6, 30), planned_participants=100, created_by=actor, updated_by=actor)
           for i in range(courses) if f"{COURSE_PREFIX}{i:05d}" not in existing]
    bulk_create_with_history(new, Course, batch_size=1000, default_user=actor)
    ids = province_commune_ids()
    communes = list(AdministrativeUnit.objects.filter(pk__in=ids, level="commune", valid_to__isnull=True)
                    .values_list("code", flat=True))
    codes = sorted(Course.objects.filter(code__startswith=COURSE_PREFIX).values_list("code", flat=True))[:courses]
    return actor, codes, communes


def _workbook(rows: int, courses: list[str], communes: list[str]) -> tuple[bytes, int]:
    """The participants workbook: ~70 % of persons attend one course, the others two or three."""
    import xlsxwriter

    from khuyencong.training.sheets import COURSES, FOLLOW_UPS, PARTICIPANTS

    rng = random.Random(8)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for spec in (COURSES, FOLLOW_UPS):
        book.add_worksheet(spec.name).write_row(0, 0, [c.header for c in spec.columns])
    sheet = book.add_worksheet(PARTICIPANTS.name)
    sheet.write_row(0, 0, [c.header for c in PARTICIPANTS.columns])
    r, person = 1, 0
    while r <= rows:
        person += 1
        female = rng.random() < 0.45
        birth = dt.date(rng.randint(1965, 2005), rng.randint(1, 12), rng.randint(1, 28))
        century = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        nid = f"079{century}{birth.year % 100:02d}{person:06d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        commune = rng.choice(communes)
        phone = f"09{rng.randint(10_000_000, 99_999_999)}"  # one person, one set of details on every row
        attended = rng.sample(courses, k=1 if rng.random() < 0.7 else rng.choice((2, 3)))
        for course in attended:
            if r > rows:
                break
            status = "Hoàn thành" if rng.random() < 0.9 else "Bỏ học"
            values = [course, nid, name, None, None, commune, "Nữ" if female else "Nam", "Kinh", "Người lao động",
                      phone, "", "", "", status,
                      f"{course}/{r:06d}" if status == "Hoàn thành" else ""]
            for c, value in enumerate(values):
                if value:
                    sheet.write_string(r, c, value)
            sheet.write_datetime(r, 3, birth, date_format)
            r += 1
    book.close()
    return buffer.getvalue(), person


_FLOOR_SQL = [
    """INSERT INTO training_person (created_at, updated_at, created_by_id, updated_by_id, version, national_id,
           full_name, search_name, birth_date, birth_year, gender, ethnicity, commune_id, employer_id, role, phone,
           restricted, restriction_note)
       SELECT now(), now(), %(actor)s, %(actor)s, 1, '089' || lpad(g::text, 9, '0'), 'Nguyễn Văn Hùng',
           'nguyen van hung', date '1990-01-01' + g %% 5000, 1990 + g %% 10, 'male', 'Kinh', %(commune)s, NULL,
           'worker', '0912345678', false, '' FROM generate_series(1, %(persons)s) g""",
    """INSERT INTO training_historicalperson (id, created_at, created_by_id, updated_by_id, national_id, full_name,
           birth_date, birth_year, gender, ethnicity, commune_id, employer_id, role, phone, restricted,
           restriction_note, history_date, history_change_reason, history_type, history_user_id)
       SELECT id, created_at, created_by_id, updated_by_id, national_id, full_name, birth_date, birth_year, gender,
           ethnicity, commune_id, employer_id, role, phone, restricted, restriction_note, now(), 'x', '+', %(actor)s
       FROM training_person WHERE id > %(person_from)s""",
    """INSERT INTO training_participation (created_at, updated_at, version, status, certificate_no,
           follow_up_due_3m, follow_up_due_6m, course_id, created_by_id, updated_by_id, person_id)
       SELECT now(), now(), 1, 'completed', 'BENCH/' || g, NULL, NULL, c.id, %(actor)s, %(actor)s,
           p.id FROM generate_series(1, %(rows)s) g
       JOIN floor_courses c ON c.n = 1 + g %% %(courses)s
       JOIN floor_persons p ON p.n = 1 + g %% %(persons)s""",
    """INSERT INTO training_historicalparticipation (id, created_at, status, certificate_no, follow_up_due_3m,
           follow_up_due_6m, course_id, created_by_id, updated_by_id, person_id, history_date,
           history_change_reason, history_type, history_user_id)
       SELECT id, created_at, status, certificate_no, follow_up_due_3m, follow_up_due_6m, course_id, created_by_id,
           updated_by_id, person_id, now(), 'x', '+', %(actor)s FROM training_participation
       WHERE id > %(participation_from)s""",
    """INSERT INTO training_participationevent (participation_id, from_status, to_status, at, actor_id, note)
       SELECT id, '', status, now(), %(actor)s, 'x' FROM training_participation WHERE id > %(participation_from)s""",
    """INSERT INTO training_historicalparticipationevent (id, participation_id, from_status, to_status, at, actor_id,
           note, history_date, history_type, history_user_id)
       SELECT id, participation_id, from_status, to_status, at, actor_id, note, now(), '+', %(actor)s
       FROM training_participationevent WHERE id > %(event_from)s""",
    "SET CONSTRAINTS ALL IMMEDIATE",  # the foreign-key checks a commit would run
]


def _database_floor(actor: Any, communes: list[str], rows: int, persons: int) -> float:
    """(e): seconds for the database alone to store the import's records with their history; rolled back."""
    from django.db import connection, transaction

    from khuyencong.geo.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.filter(code=communes[0], level="commune", valid_to__isnull=True).get()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE floor_courses ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) "
                       "AS n, id FROM training_course WHERE code LIKE %s", [f"{COURSE_PREFIX}%"])
        cursor.execute("SELECT count(*) FROM floor_courses")
        courses = cursor.fetchone()[0]
        marks = {}
        for table in ("training_person", "training_participation", "training_participationevent"):
            cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {table}")  # fixed names
            marks[table] = cursor.fetchone()[0]
        params = {"actor": actor.pk, "commune": commune.pk, "persons": persons, "rows": rows, "courses": courses,
                  "person_from": marks["training_person"], "participation_from": marks["training_participation"],
                  "event_from": marks["training_participationevent"]}
        steps = []
        for number, sql in enumerate(_FLOOR_SQL):
            start = time.perf_counter()
            cursor.execute(sql, params)
            steps.append(time.perf_counter() - start)
            if number == 1:  # persons stored: number them for the participations (not timed as theirs)
                cursor.execute("CREATE TEMP TABLE floor_persons ON COMMIT DROP AS SELECT row_number() OVER "
                               "(ORDER BY id) AS n, id FROM training_person WHERE id > %s", [marks["training_person"]])
        transaction.set_rollback(True)
    names = ("persons", "their history", "participations", "their history", "events", "their history",
             "foreign-key checks")
    print(f"  (e) the database alone (INSERT … SELECT, history, foreign keys checked): {sum(steps):.2f} s — "
          + ", ".join(f"{name} {seconds:.2f}" for name, seconds in zip(names, steps, strict=True)), flush=True)
    return sum(steps)


_SETTLED_TABLES = ("training_person", "training_participation", "training_participationevent", "training_course",
                   "training_historicalperson", "training_historicalparticipation",
                   "training_historicalparticipationevent", "indicators_change")


def _settle() -> None:
    """VACUUM ANALYZE the tables the import writes, so autovacuum catching up on the previous step's deletes
    or inserts does not run during the next measurement, and plans use current statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in _SETTLED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _raw_read(data: bytes) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def _raw_write(path: str, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> None:
    """The same cells as the register export, written with xlsxwriter alone (dates as dates, text as text)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, headers, rows in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, headers)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()


class _CellRecorder:
    """Stands in for a worksheet: records what the export's cell writers would write."""

    def __init__(self) -> None:
        self.value: Any = None

    def write_string(self, _r: int, _c: int, value: Any, *_: Any) -> None:
        self.value = value

    write_number = write_datetime = write_string


def _exported_cells(actor: Any) -> list[tuple[str, list[str], list[list[Any]]]]:
    """What the register export writes, as plain cells (unit codes, choice labels), read before timing (d)."""
    from khuyencong.exchange.export import _cell_writer
    from khuyencong.exchange.layout import Formats
    from khuyencong.training.sheets import TRAINING

    formats = Formats(__import__("xlsxwriter").Workbook(io.BytesIO(), {"in_memory": True}))
    recorder = _CellRecorder()

    def cell(writer: Any, value: Any) -> Any:
        recorder.value = None
        writer(recorder, 0, 0, value)
        return recorder.value

    sheets = []
    for spec in TRAINING.sheets:
        writers = [_cell_writer(column, formats) for column in spec.columns]
        rows = [[cell(w, v) for w, v in zip(writers, row, strict=True)]
                for row in TRAINING.export_rows(spec, actor=actor)]
        sheets.append((spec.name, [c.header for c in spec.columns], rows))
    return sheets


def _line(label: str, measured: float, bound: float, bound_label: str, rows: int, target: str) -> None:
    print(f"{label:<34} {measured:7.2f} s  {rows / measured:9,.0f} rows/s   lower bound ({bound_label}) "
          f"{bound:6.2f} s   ratio {measured / bound:4.2f}×   target {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=2_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from khuyencong.exchange.export import write_register
    from khuyencong.exchange.pipeline import run_import
    from khuyencong.training.sheets import TRAINING

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    actor, courses, communes = _setup(args.courses)
    data, persons = _workbook(args.rows, courses, communes)
    print(f"Workbook: {args.rows:,} participant rows, {len(courses):,} courses, {len(data) / 1e6:.1f} MB")

    _settle()
    read_s, _ = _timed("(a) raw read, python-calamine", lambda: _raw_read(data))
    floor_s = _database_floor(actor, communes, args.rows, persons)
    import_s, result = _timed("(b) run_import (first import)", lambda: run_import(
        data, filename="bench.xlsx", actor=actor, register_code="training"))
    if result.problems:
        for problem in result.problems[:10]:
            print("   ", problem.where(), problem.message)
        raise SystemExit("the benchmark import was refused")
    print(f"     outcomes: {result.outcomes}")
    _settle()
    again_s, again = _timed("     re-import (all unchanged)", lambda: run_import(
        data, filename="bench.xlsx", actor=actor, register_code="training"))
    print(f"     outcomes: {again.outcomes}")
    _settle()

    with tempfile.TemporaryDirectory() as tmp:
        export_s, exported = _timed("(c) register export, write_register",
                                    lambda: write_register(TRAINING, actor, os.path.join(tmp, "export.xlsx")))
        cells = _exported_cells(actor)
        write_s, _ = _timed("(d) raw write, xlsxwriter alone",
                            lambda: _raw_write(os.path.join(tmp, "raw.xlsx"), cells))

    print()
    _line("import (b) vs raw read (a)", import_s, read_s, "calamine", args.rows, "≥ 20,000 rows/s, ≤ 3×")
    _line("import (b) vs database alone (e)", import_s, floor_s, "database", args.rows, "—")
    _line("database alone (e) vs raw read (a)", floor_s, read_s, "calamine", args.rows, "—")
    _line("re-import, unchanged", again_s, read_s, "calamine", args.rows, "—")
    _line("export (c) vs raw write (d)", export_s, write_s, "xlsxwriter", exported, "≤ 1.5×")


if __name__ == "__main__":
    main()
