"""Indicator benchmark: the full catalogue for one province, and for the whole country by province × year.

Each engine time is printed beside a lower bound measured in the same run — one hand-written SQL
statement computing the same figures — and their ratio. Run ``generate.py`` first (see README.md).
The lower bound keys records by the province of their (current) unit, which is what the generated
data uses; the engine's crosswalk handling is what it pays for on top.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Per indicator family: SELECT <group key>, value … over the counted rows (same rules as the counting apps).
# {unit} is the record's area unit column; the outer query maps it to a province (or filters to the area).
PARTS = {
    "training": """SELECT {key_unit} AS k, ct.code AS ind, extract(year FROM c.end_date)::int AS y,
        count(DISTINCT p.person_id) AS v FROM training_participation p JOIN training_course c ON c.id = p.course_id
        JOIN training_coursetype ct ON ct.id = c.course_type_id {join_unit} c.organising_unit_id {join_more}
        WHERE p.status = 'completed' AND c.end_date BETWEEN %(f)s AND %(t)s {where_unit} GROUP BY 1, 2 {group_y}""",
    "schemes": """SELECT {key_unit} AS k, 'schemes' AS ind, extract(year FROM s.acceptance_date)::int AS y,
        count(*) + sum(s.public_support) + sum(s.counterpart_capital) + coalesce(sum(d.amount), 0) AS v
        FROM schemes_scheme s
        LEFT JOIN LATERAL (SELECT sum(amount) AS amount FROM schemes_disbursement WHERE scheme_id = s.id) d ON true
        JOIN LATERAL (SELECT e.commune_id FROM schemes_schemebeneficiary b JOIN establishments_establishment e
          ON e.id = b.establishment_id WHERE b.scheme_id = s.id ORDER BY b.id LIMIT 1) u ON true
        {join_unit} u.commune_id {join_more}
        WHERE s.status IN ('accepted', 'settled', 'amended') AND s.acceptance_date BETWEEN %(f)s AND %(t)s
        {where_unit} GROUP BY 1, 2 {group_y}""",
    "machinery": """SELECT {key_unit} AS k, 'machinery' AS ind, extract(year FROM s.acceptance_date)::int AS y,
        count(DISTINCT b.establishment_id) AS v FROM schemes_schemebeneficiary b JOIN schemes_scheme s
        ON s.id = b.scheme_id JOIN schemes_activitytype a ON a.id = s.activity_type_id
        JOIN establishments_establishment e ON e.id = b.establishment_id {join_unit} e.commune_id {join_more}
        WHERE a.code = 'machinery' AND s.status IN ('accepted', 'settled', 'amended')
        AND s.acceptance_date BETWEEN %(f)s AND %(t)s {where_unit} GROUP BY 1, 2 {group_y}""",
    "demo": """SELECT {key_unit} AS k, 'demo' AS ind, extract(year FROM s.acceptance_date)::int AS y,
        count(*) + sum(s.counterpart_capital) + min(m.avg_worker_income_vnd) + max(m.avg_worker_income_vnd) AS v
        FROM schemes_scheme s JOIN schemes_activitytype a ON a.id = s.activity_type_id
        JOIN schemes_demonstrationmodel m ON m.scheme_id = s.id
        JOIN establishments_establishment e ON e.id = m.host_establishment_id {join_unit} e.commune_id {join_more}
        WHERE a.code = 'demo_model' AND s.status IN ('accepted', 'settled', 'amended')
        AND s.acceptance_date BETWEEN %(f)s AND %(t)s {where_unit} GROUP BY 1, 2 {group_y}""",
    "products": """SELECT {key_unit} AS k, l.code AS ind, extract(year FROM d.decided_on)::int AS y,
        count(DISTINCT c.product_id) AS v FROM products_certificate c
        JOIN products_recognitiondecision d ON d.id = c.decision_id
        JOIN products_recognitionlevel l ON l.id = c.level_id
        JOIN products_product pr ON pr.id = c.product_id JOIN establishments_establishment e
        ON e.id = pr.establishment_id {join_unit} e.commune_id {join_more}
        WHERE NOT c.revoked AND d.decided_on BETWEEN %(f)s AND %(t)s {where_unit} GROUP BY 1, 2 {group_y}""",
    "fairs": """SELECT {key_unit} AS k, 'fairs' AS ind, extract(year FROM f.start_date)::int AS y,
        count(*) + count(DISTINCT fp.establishment_id) AS v FROM fairs_fairparticipation fp
        JOIN fairs_fair f ON f.id = fp.fair_id JOIN establishments_establishment e ON e.id = fp.establishment_id
        {join_unit} e.commune_id {join_more}
        WHERE NOT fp.withdrawn AND NOT f.cancelled AND fp.kind = 'fair' AND f.start_date BETWEEN %(f)s AND %(t)s
        {where_unit} GROUP BY 1, 2 {group_y}""",
    "cooperation": """SELECT {key_unit} AS k, 'cooperation' AS ind, extract(year FROM a.start_date)::int AS y,
        count(*) AS v FROM cooperation_activityparticipant ap JOIN cooperation_activity a ON a.id = ap.activity_id
        JOIN training_person pe ON pe.id = ap.person_id {join_unit} a.organising_unit_id {join_more}
        WHERE pe.role = 'civil_servant' AND a.start_date BETWEEN %(f)s AND %(t)s {where_unit}
        GROUP BY 1, 2 {group_y}""",
}


def lower_bound_sql(*, national: bool) -> str:
    """One statement: UNION ALL of every family's GROUP BY (province × year nationally, totals for the area)."""
    if national:
        fmt = {"key_unit": "CASE WHEN gu.level = 'province' THEN gu.id ELSE gu.parent_id END",
               "join_unit": "JOIN geo_administrativeunit gu ON gu.id =", "join_more": "", "where_unit": "",
               "group_y": ", 3"}
        parts = [sql.format(**fmt) for sql in PARTS.values()]
    else:
        fmt = {"key_unit": "0", "join_more": "",
               "join_unit": "JOIN (SELECT unnest(%(ids)s::bigint[]) AS id) area ON area.id =",
               "where_unit": "", "group_y": ""}
        parts = [re.sub(r"extract\(year FROM [a-z_.]+\)::int AS y", "0 AS y", sql.format(**fmt))
                 for sql in PARTS.values()]
    return " UNION ALL ".join(f"({p})" for p in parts)


def timed(fn, repeat: int):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def national_rows(period, national, province: str, repeat: int, t_low: float) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
    """The national province × year breakdown served from the figures kept ready: first read (every year
    slice computed and stored), a read with nothing changed, and reads after one new participation and its
    removal (one province-year recomputed each); the last result is checked against the live computation."""
    from khuyencong.indicators.breakdowns import breakdown_many, compute_breakdown, unit_targets
    from khuyencong.indicators.models import Change, ReadySlice
    from khuyencong.indicators.sources import Dimension
    from khuyencong.training.models import Course, Participation, Person

    dims = [Dimension.UNIT, Dimension.YEAR]
    ReadySlice.objects.all().delete()
    Change.objects.all().delete()

    def national_breakdown():  # type: ignore[no-untyped-def]
        return compute_breakdown(period, national, dims)

    t_cold, _ = timed(national_breakdown, 1)
    t_warm, _ = timed(national_breakdown, repeat)
    course = Course.objects.filter(organising_unit__code=province, course_type__code="vocational",
                                   end_date__year=2020).order_by("pk").first()
    person = Person.objects.exclude(participations__course=course).order_by("pk").first()
    added = Participation.objects.create(person=person, course=course, status="completed")
    t_added, stored = timed(national_breakdown, 1)
    added.delete()
    t_removed, stored = timed(national_breakdown, 1)
    ReadySlice.objects.filter(date_from__year=2020).delete()  # as after a change in every province of 2020
    t_year, stored = timed(national_breakdown, 1)
    t_employed, _ = timed(lambda: breakdown_many(["training.intermediate.employed"], period, national, dims,
                                                 unit_targets(national)), 1)
    t0 = time.perf_counter()
    live = breakdown_many(list(stored.values), period, national, dims, unit_targets(national))
    t_live = time.perf_counter() - t0
    for code, cells in stored.values.items():
        assert {k: v for k, v in cells.items() if v} == {k: v for k, v in live[code].items() if v}, code
    print(f"(national breakdown computed live for the check: {t_live:.1f} s; figures identical)")
    label = f"country: province × year, full catalogue ({len(stored.values)} indicators)"
    return [(f"{label}, first read", t_cold, t_low), (f"{label}, stored", t_warm, t_low),
            (f"{label}, after a new participation", t_added, t_low),
            (f"{label}, after its removal", t_removed, t_low),
            (f"{label}, one year recomputed in full", t_year, t_low),
            ("  of which employment of trainees (computed live on every read)", t_employed, t_low)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--province", default="79", help="province code for the one-province report")
    parser.add_argument("--from", dest="date_from", default="2014-01-01")
    parser.add_argument("--to", dest="date_to", default="2025-12-31")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction

    from khuyencong.indicators.breakdowns import POSTGRES_SETTINGS
    from khuyencong.indicators.engine import compute, resolve_area
    from khuyencong.indicators.periods import Period

    period = Period(dt.date.fromisoformat(args.date_from), dt.date.fromisoformat(args.date_to))
    params = {"f": period.date_from, "t": period.date_to}

    def sql(statement: str, extra: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
        # The lower bound runs with the session settings the engine's breakdown queries use (no JIT, more
        # sort memory), so the ratio compares the queries, not the settings.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(POSTGRES_SETTINGS)
            cursor.execute(statement, {**params, **(extra or {})})
            return cursor.fetchall()

    rows = []
    t_area, area = timed(lambda: resolve_area(args.province, None), 1)
    t_eng, figures = timed(lambda: compute(period, area), args.repeat)
    ids = sorted(area.unit_ids or [])
    t_low, _ = timed(lambda: sql(lower_bound_sql(national=False), {"ids": ids}), args.repeat)
    rows.append((f"province {args.province}: full catalogue ({len(figures.values)} indicators)", t_eng, t_low))
    national = resolve_area(None, None)
    t_nlow, _ = timed(lambda: sql(lower_bound_sql(national=True)), args.repeat)
    rows += national_rows(period, national, args.province, args.repeat, t_nlow)
    print(f"(area resolution for {args.province}: {t_area:.3f} s, {len(ids)} unit ids)")
    print(f"{'benchmark':<100} {'engine':>9} {'lower bd':>9} {'ratio':>7}")
    for name, engine, low in rows:
        print(f"{name:<100} {engine:8.3f}s {low:8.3f}s {engine / low:6.2f}×")
    print("figures:", {k: v for k, v in figures.values.items() if v})


if __name__ == "__main__":
    main()
