"""National-scale synthetic data for the indicator benchmark, bulk-loaded with INSERT … SELECT generate_series.

Runs against the PostgreSQL database of ``DATABASE_URL`` (migrated, with the real unit register loaded
by ``khuyencong load_geo``). Records are spread over the 34 current provinces and their communes with
a deterministic multiplicative hash, so two runs at one scale give the same data. At ``--scale 1``:
1,000,000 establishments, 3,000,000 persons, 200,000 courses, 10,000,000 participations, 200,000
accepted schemes (+ beneficiaries, demonstration models, disbursements), 2,000 fairs with 500,000
participations, 5,000 cooperation activities with 50,000 participants, 100,000 typical products with
300,000 nominations in each province's yearly rounds (one per level) and a certificate for 70 % of them
(2 % revoked). Councils and scores are not generated: the indicators read decisions and certificates.

    DATABASE_URL=postgres://… KHUYENCONG_ENV=test .venv/bin/python benchmarks/indicators/generate.py --scale 0.01
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BASE = {"establishments": 1_000_000, "persons": 3_000_000, "courses": 200_000, "participations": 10_000_000,
        "schemes": 200_000, "fairs": 2_000, "fair_participations": 500_000, "activities": 5_000,
        "activity_participants": 50_000, "products": 100_000, "nominations": 300_000}
FIRST_YEAR, YEARS = 2014, 12  # 2014–2025
TAG = "BENCH"  # marks generated rows so they can be deleted again

# h(g, k): a deterministic pseudo-random integer in [0, k) for row g (Knuth's multiplicative hash). Two draws
# for one row from the same g are correlated (they differ by a constant); hashing a hash breaks that.
H = "((({g})::bigint * 2654435761 + {salt}) % 4294967296 % ({k}))"


def h(g: str, k: str | int, salt: int = 0) -> str:
    return H.format(g=g, k=k, salt=salt)


def day(g: str, salt: int = 0) -> str:
    return f"(DATE '{FIRST_YEAR}-01-01' + {h(g, YEARS * 365, salt)}::int)"


def statements(n: dict[str, int]) -> list[tuple[str, str]]:
    now = "now()"
    tracked = f"{now}, {now}, 0"
    return [
        ("units", """
            DROP TABLE IF EXISTS bench_commune; DROP TABLE IF EXISTS bench_province;
            CREATE TABLE bench_province AS SELECT row_number() OVER (ORDER BY code) - 1 AS rn, id, code
              FROM geo_administrativeunit WHERE level = 'province' AND valid_to IS NULL;
            CREATE TABLE bench_commune AS SELECT row_number() OVER (ORDER BY code) - 1 AS rn, id, parent_id
              FROM geo_administrativeunit WHERE level = 'commune' AND valid_to IS NULL;
            CREATE UNIQUE INDEX ON bench_commune (rn); CREATE UNIQUE INDEX ON bench_province (rn);
            ANALYZE bench_commune; ANALYZE bench_province;"""),
        ("establishments", f"""
            INSERT INTO establishments_establishment (created_at, updated_at, version, name, search_name, legal_form,
              business_registration_no, representative_name, representative_phone, address, vsic_code, sector_group,
              employees, craft_village, women_owned, ethnic_minority_owned, status, registered_on, notes, commune_id)
            SELECT {tracked}, '{TAG} co so ' || g, '{TAG} co so ' || g,
              (ARRAY['enterprise','cooperative','cooperative_group','household'])[1 + {h('g', 4, 1)}], '', '', '',
              '', '', (ARRAY['agro_processing','construction_materials','mechanical','handicrafts','other'])
              [1 + {h('g', 5, 2)}], 1 + {h('g', 50, 3)}, '', false, false, 'active', DATE '2010-01-01', '', c.id
            FROM generate_series(1, {n['establishments']}) g
            JOIN bench_commune c ON c.rn = {h('g', '(SELECT count(*) FROM bench_commune)', 4)};"""),
        ("persons", f"""
            INSERT INTO training_person (created_at, updated_at, version, full_name, search_name, gender, ethnicity,
              role, phone, restricted, restriction_note, commune_id, birth_year)
            SELECT {tracked}, '{TAG} hoc vien ' || g, '{TAG} hoc vien ' || g,
              CASE WHEN {h('g', 2, 5)} = 0 THEN 'male' ELSE 'female' END, '',
              CASE WHEN {h('g', 50, 6)} = 0 THEN 'civil_servant' ELSE 'worker' END, '', false, '', c.id,
              1960 + {h('g', 45, 7)}
            FROM generate_series(1, {n['persons']}) g
            JOIN bench_commune c ON c.rn = {h('g', '(SELECT count(*) FROM bench_commune)', 8)};"""),
        ("courses", f"""
            INSERT INTO training_course (created_at, updated_at, version, code, title, organiser, trainer,
              abroad_country, abroad_city, start_date, end_date, planned_participants, notes, organising_unit_id,
              course_type_id)
            SELECT {tracked}, '{TAG}-L' || g, 'Lop ' || g, 'Trung tam khuyen cong', '', '', '',
              {day('g', 9)} - 30, {day('g', 9)}, 50, '',
              CASE WHEN {h('g', 4, 10)} = 0 THEN p.id ELSE c.id END,
              (SELECT id FROM training_coursetype WHERE code = (ARRAY['vocational','intermediate',
                'cleaner_production','management','startup'])[1 + {h('g', 5, 11)}])
            FROM generate_series(1, {n['courses']}) g
            JOIN bench_commune c ON c.rn = {h('g', '(SELECT count(*) FROM bench_commune)', 12)}
            JOIN geo_administrativeunit p ON p.id = c.parent_id;"""),
        ("participations", f"""
            CREATE TEMP TABLE bench_course AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id,
              organising_unit_id FROM training_course WHERE code LIKE '{TAG}-L%'; ANALYZE bench_course;
            CREATE UNIQUE INDEX ON bench_course (rn);
            CREATE TEMP TABLE bench_person AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
              FROM training_person WHERE full_name LIKE '{TAG} %'; ANALYZE bench_person;
            CREATE UNIQUE INDEX ON bench_person (rn);
            INSERT INTO training_participation (created_at, updated_at, version, status, certificate_no, course_id,
              person_id)
            SELECT {tracked}, CASE WHEN {h('g', 20, 13)} = 0 THEN 'dropped' ELSE 'completed' END, '', c.id, p.id
            FROM generate_series(0, {n['participations']} - 1) g
            JOIN bench_course c ON c.rn = g % {n['courses']}
            JOIN bench_person p ON p.rn = {h('g', n['persons'], 14)}
            ON CONFLICT DO NOTHING;"""),
        ("schemes", f"""
            INSERT INTO schemes_programme (created_at, updated_at, version, name, level, start_year, end_year,
              decision_no)
            VALUES ({tracked}, '{TAG} chuong trinh', 'national', {FIRST_YEAR}, {FIRST_YEAR + YEARS}, '{TAG}');
            INSERT INTO schemes_annualplan (created_at, updated_at, version, year, funding_source, approved_total,
              decision_no, programme_id)
            SELECT {tracked}, y, f, 10000000000000, '{TAG}-' || y || f,
              (SELECT max(id) FROM schemes_programme WHERE decision_no = '{TAG}')
            FROM generate_series({FIRST_YEAR}, {FIRST_YEAR + YEARS - 1}) y, unnest(ARRAY['national','local']) f;
            CREATE TEMP TABLE bench_est AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
              FROM establishments_establishment WHERE name LIKE '{TAG} %'; ANALYZE bench_est;
            CREATE UNIQUE INDEX ON bench_est (rn);
            INSERT INTO schemes_scheme (created_at, updated_at, version, code, title, funding_source,
              implementing_unit_name, total_cost, public_support, counterpart_capital, status, appraisal_comments,
              approval_decision_no, contract_no, acceptance_record_no, notes, activity_type_id, acceptance_date,
              plan_id)
            SELECT {tracked}, '{TAG}-S' || g, 'De an ' || g, s.f, 'Trung tam', 3 * s.support, s.support,
              2 * s.support, CASE WHEN {h('g', 40, 15)} = 0 THEN 'cancelled' ELSE 'accepted' END, '', '', '', '', '',
              (SELECT id FROM schemes_activitytype WHERE code = s.activity ORDER BY valid_from DESC LIMIT 1),
              s.accepted, (SELECT id FROM schemes_annualplan WHERE decision_no = '{TAG}-' ||
                extract(year FROM s.accepted)::int || s.f)
            FROM generate_series(1, {n['schemes']}) g,
            LATERAL (SELECT CASE WHEN {h('g', 3, 16)} = 0 THEN 'national' ELSE 'local' END AS f,
                     (50 + {h('g', 950, 17)}) * 1000000::bigint AS support, {day('g', 18)} AS accepted,
                     (ARRAY['machinery','machinery','machinery','demo_model','training','advisory','trade_fair',
                            'communication'])[1 + {h('g', 8, 19)}] AS activity) s;
            CREATE TEMP TABLE bench_scheme AS SELECT id, row_number() OVER (ORDER BY id) AS g
              FROM schemes_scheme WHERE code LIKE '{TAG}-S%'; ANALYZE bench_scheme;
            INSERT INTO schemes_schemebeneficiary (scheme_id, establishment_id)
            SELECT s.id, e.id FROM bench_scheme s JOIN bench_est e ON e.rn = {h('s.g', n['establishments'], 20)}
            UNION
            SELECT s.id, e.id FROM bench_scheme s JOIN bench_est e ON e.rn = {h('s.g', n['establishments'], 21)}
            WHERE s.g % 10 = 0;
            INSERT INTO schemes_demonstrationmodel (created_at, updated_at, version, technology, workers_employed,
              host_establishment_id, scheme_id, avg_worker_income_vnd)
            SELECT {tracked}, 'Cong nghe', 10, b.establishment_id, s.id, (4 + {h('s.id', 5, 22)}) * 1000000
            FROM schemes_scheme s JOIN LATERAL (SELECT establishment_id FROM schemes_schemebeneficiary
              WHERE scheme_id = s.id ORDER BY id LIMIT 1) b ON true
            WHERE s.code LIKE '{TAG}-S%' AND s.activity_type_id IN (SELECT id FROM schemes_activitytype
              WHERE code = 'demo_model');
            INSERT INTO schemes_disbursement (created_at, updated_at, version, date, amount, note, scheme_id)
            SELECT {tracked}, s.acceptance_date, s.public_support, '', s.id FROM schemes_scheme s
            WHERE s.code LIKE '{TAG}-S%' AND s.status = 'accepted';"""),
        ("fairs", f"""
            INSERT INTO fairs_fair (created_at, updated_at, version, name, organiser, scope, venue_country,
              venue_city, venue_detail, start_date, end_date, support_policy, booth_support_vnd, cancelled, notes,
              venue_unit_id)
            SELECT {tracked}, '{TAG} hoi cho ' || g, 'Bo Cong Thuong',
              (ARRAY['provincial','regional','national','international'])[1 + {h('g', 4, 23)}], '', '', '',
              {day('g', 24)}, {day('g', 24)} + 4, '', 12000000, {h('g', 50, 25)} = 0, '', p.id
            FROM generate_series(1, {n['fairs']}) g JOIN bench_province p ON p.rn = {h('g', 34, 26)};
            CREATE TEMP TABLE bench_fair AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
              FROM fairs_fair WHERE name LIKE '{TAG} %'; ANALYZE bench_fair;
            CREATE UNIQUE INDEX ON bench_fair (rn);
            INSERT INTO fairs_fairparticipation (created_at, updated_at, version, kind, platform, booths,
              products_shown, support_vnd, withdrawn, notes, establishment_id, fair_id)
            SELECT {tracked}, 'fair', '', 1, '[]'::jsonb, 12000000, {h('g', 30, 27)} = 0, '', e.id, f.id
            FROM generate_series(1, {n['fair_participations']}) g
            JOIN bench_fair f ON f.rn = g % {n['fairs']}
            JOIN bench_est e ON e.rn = {h('g', n['establishments'], 28)}
            ON CONFLICT DO NOTHING;"""),
        ("cooperation", f"""
            INSERT INTO cooperation_partner (created_at, updated_at, version, name, country, city, notes)
            VALUES ({tracked}, '{TAG} doi tac', 'Nhat Ban', 'Sanjo', '');
            INSERT INTO cooperation_activity (created_at, updated_at, version, kind, title, abroad_country,
              abroad_city, start_date, end_date, notes, organising_unit_id, partner_id)
            SELECT {tracked}, 'study_tour', '{TAG} hoat dong ' || g, 'Nhat Ban', 'Sanjo', {day('g', 29)},
              {day('g', 29)} + 7, '', p.id, (SELECT max(id) FROM cooperation_partner WHERE name = '{TAG} doi tac')
            FROM generate_series(1, {n['activities']}) g JOIN bench_province p ON p.rn = {h('g', 34, 30)};
            CREATE TEMP TABLE bench_activity AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
              FROM cooperation_activity WHERE title LIKE '{TAG} %'; ANALYZE bench_activity;
            CREATE TEMP TABLE bench_official AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
              FROM training_person WHERE full_name LIKE '{TAG} %' AND role = 'civil_servant'; ANALYZE bench_official;
            CREATE UNIQUE INDEX ON bench_official (rn);
            INSERT INTO cooperation_activityparticipant (created_at, updated_at, version, activity_id, person_id)
            SELECT {tracked}, a.id, o.id FROM generate_series(1, {n['activity_participants']}) g
            JOIN bench_activity a ON a.rn = g % {n['activities']}
            JOIN bench_official o ON o.rn = {h('g', '(SELECT count(*) FROM bench_official)', 31)}
            ON CONFLICT DO NOTHING;"""),
        ("products", f"""
            CREATE TEMP TABLE bench_pest AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, id
              FROM establishments_establishment WHERE name LIKE '{TAG} %'; ANALYZE bench_pest;
            CREATE UNIQUE INDEX ON bench_pest (rn);
            INSERT INTO products_product (created_at, updated_at, version, name, description, one_off,
              establishment_id, group_id)
            SELECT {tracked}, '{TAG} san pham ' || g, '', false, e.id,
              (ARRAY(SELECT id FROM products_productgroup ORDER BY id))[1 + {h('g', 4, 40)}]
            FROM generate_series(0, {n['products']} - 1) g
            JOIN bench_pest e ON e.rn = {h('g', n['establishments'], 41)};
            -- Every province runs one round per level each year (the levels in force on its dossier deadline).
            INSERT INTO products_selectionround (created_at, updated_at, version, name, year, plan_document_no,
              dossier_deadline, status, level_id, organiser_id, rule_set_id)
            SELECT {tracked}, '{TAG} binh chon ' || p.code || ' ' || y || ' ' || l.code, y, '', make_date(y, 11, 30),
              'decided', l.id, p.id, (SELECT min(id) FROM products_ruleset)
            FROM bench_province p CROSS JOIN generate_series({FIRST_YEAR}, {FIRST_YEAR + YEARS - 1}) y
            JOIN products_recognitionlevel l ON l.valid_from <= make_date(y, 11, 30)
              AND (l.valid_to IS NULL OR make_date(y, 11, 30) <= l.valid_to);
            INSERT INTO products_recognitiondecision (created_at, updated_at, version, number, decided_on, round_id)
            SELECT {tracked}, '{TAG}-QD-' || r.id, make_date(r.year, 12, 15), r.id FROM products_selectionround r
            WHERE r.name LIKE '{TAG} %';
            CREATE TEMP TABLE bench_round AS SELECT r.id, r.organiser_id, r.dossier_deadline,
              row_number() OVER (PARTITION BY r.organiser_id ORDER BY r.id) - 1 AS k
              FROM products_selectionround r WHERE r.name LIKE '{TAG} %'; ANALYZE bench_round;
            CREATE TEMP TABLE bench_product AS SELECT row_number() OVER (ORDER BY pr.id) - 1 AS rn, pr.id,
              c.parent_id AS province_id FROM products_product pr
              JOIN establishments_establishment e ON e.id = pr.establishment_id
              JOIN geo_administrativeunit c ON c.id = e.commune_id WHERE pr.name LIKE '{TAG} %'; ANALYZE bench_product;
            CREATE UNIQUE INDEX ON bench_product (rn);
            -- Nominations in rounds of the product's province: a product may be recognised at one level in two
            -- years (counted once), at several levels, or not at all.
            INSERT INTO products_nomination (created_at, updated_at, version, selection_code, submitted_on,
              registration_form_no, made_by_establishment, dossier_note, eligibility, status, product_id, round_id)
            SELECT {tracked}, '{TAG}-N' || g, r.dossier_deadline - 10, '', true, '', '[]'::jsonb,
              CASE WHEN {h(h('g', 999_983, 43), 10, 47)} < 7 THEN 'recognised' ELSE 'not_recognised' END, p.id, r.id
            FROM generate_series(0, {n['nominations']} - 1) g
            JOIN bench_product p ON p.rn = {h('g', n['products'], 42)}
            JOIN (SELECT organiser_id, count(*) AS n FROM bench_round GROUP BY 1) c ON c.organiser_id = p.province_id
            JOIN bench_round r ON r.organiser_id = p.province_id AND r.k = {h(h('g', 1_000_003, 44), 'c.n', 46)}
            ON CONFLICT DO NOTHING;
            INSERT INTO products_certificate (created_at, updated_at, version, number, year, issued_on, revoked,
              revocation_reason, nomination_id, product_id, decision_id, level_id)
            SELECT {tracked}, '{TAG}-C' || n.id, r.year, d.decided_on, {h('n.id', 50, 45)} = 0, '', n.id,
              n.product_id, d.id, r.level_id
            FROM products_nomination n JOIN products_selectionround r ON r.id = n.round_id
            JOIN products_recognitiondecision d ON d.round_id = r.id
            WHERE n.selection_code LIKE '{TAG}-N%' AND n.status = 'recognised';"""),
        ("analyze", "ANALYZE;"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national scale (10M participations)")
    parser.add_argument("--only", nargs="+", metavar="STEP", help="run only these steps (e.g. products) on data "
                        "generated earlier at the same scale")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL (set DATABASE_URL).")
    n = {k: max(int(v * args.scale), 10) for k, v in BASE.items()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM geo_administrativeunit WHERE level = 'province' AND valid_to IS NULL")
        if cursor.fetchone()[0] != 34:
            sys.exit("Load the unit register first: khuyencong load_geo")
        cursor.execute("SELECT count(*) FROM schemes_scheme WHERE code LIKE %s", [f"{TAG}-S%"])
        if cursor.fetchone()[0] and not args.only:
            sys.exit("Benchmark data already present; use a fresh database.")
    started = time.perf_counter()
    steps = statements(n)
    if args.only:
        steps = [(name, sql) for name, sql in steps if name in {"units", *args.only, "analyze"}]
    for name, sql in steps:
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            # Bulk load: the rows are consistent by construction, so skip the per-row deferred FK triggers.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql)
        if name == "analyze":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"{name:<16} {time.perf_counter() - t0:8.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("establishments_establishment", "training_person", "training_participation", "schemes_scheme",
                      "fairs_fairparticipation", "cooperation_activityparticipant", "products_product",
                      "products_certificate"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table:<34} {cursor.fetchone()[0]:>12,}")
    print(f"total {time.perf_counter() - started:.1f} s at scale {args.scale}")


if __name__ == "__main__":
    main()
