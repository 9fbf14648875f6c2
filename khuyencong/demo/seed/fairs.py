"""Trade fairs and participations behind "nearly 260 participations" (the demo uses 258).

Traps: establishments that went to several fairs (participations ≠ establishments), a withdrawn
registration, a fair in 2021, and a fair where establishments of another province exhibited.
"""

from __future__ import annotations

import datetime as dt

from khuyencong.demo.seed.base import AFTER_PERIOD, SeedContext, bulk
from khuyencong.fairs.models import Fair, FairParticipation, FairScope

PARTICIPATIONS = 258
FAIRS = [  # (name, scope, start) — 14 fairs in 2014–2020
    ("Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, dt.date(2014, 11, 5)),
    ("Hội chợ hàng công nghiệp nông thôn tiêu biểu khu vực phía Nam", FairScope.REGIONAL, dt.date(2015, 8, 12)),
    ("Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, dt.date(2015, 12, 2)),
    ("Hội chợ triển lãm hàng Việt Nam chất lượng cao", FairScope.NATIONAL, dt.date(2016, 4, 20)),
    ("Hội chợ hàng CNNT tiêu biểu khu vực phía Nam", FairScope.REGIONAL, dt.date(2016, 9, 7)),
    ("Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, dt.date(2017, 1, 10)),
    ("Triển lãm quốc tế Vietnam Expo", FairScope.INTERNATIONAL, dt.date(2017, 4, 12)),
    ("Hội chợ hàng CNNT tiêu biểu khu vực phía Nam", FairScope.REGIONAL, dt.date(2017, 10, 18)),
    ("Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, dt.date(2018, 11, 28)),
    ("Hội chợ triển lãm hàng Việt Nam chất lượng cao", FairScope.NATIONAL, dt.date(2018, 6, 6)),
    ("Hội chợ Xúc tiến thương mại Sanjo", FairScope.INTERNATIONAL, dt.date(2019, 5, 22)),
    ("Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, dt.date(2019, 12, 4)),
    ("Hội chợ hàng CNNT tiêu biểu khu vực phía Nam", FairScope.REGIONAL, dt.date(2020, 9, 23)),
    ("Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, dt.date(2020, 12, 16)),
]
PER_FAIR = [15, 20, 18, 17, 21, 16, 12, 22, 19, 20, 8, 24, 25, 21]  # adds up to 258


def _fair(ctx: SeedContext, name: str, scope: str, start: dt.date) -> Fair:
    abroad = scope == FairScope.INTERNATIONAL and "Sanjo" in name
    return Fair(name=f"{name} {start.year}", organiser="Sở Công Thương", scope=scope,
                venue_unit=None if abroad else ctx.rng.choice(ctx.communes),
                venue_country="Nhật Bản" if abroad else "", venue_city="Sanjo" if abroad else "",
                start_date=start, end_date=start + dt.timedelta(days=5), booth_support_vnd=12_000_000,
                support_policy="Hỗ trợ 80% chi phí thuê gian hàng tiêu chuẩn")


def seed_fairs(ctx: SeedContext) -> None:
    assert sum(PER_FAIR) == PARTICIPATIONS
    fairs = bulk(Fair, [_fair(ctx, *spec) for spec in FAIRS], ctx.actor)
    # A pool smaller than the number of participations, so many establishments attend several fairs.
    pool = ctx.rng.sample(ctx.establishments, 120)
    rows = []
    for fair, count in zip(fairs, PER_FAIR, strict=True):
        for establishment in ctx.rng.sample(pool, count):
            rows.append(FairParticipation(
                fair=fair, establishment=establishment, booths=1, support_vnd=12_000_000,
                contracts_signed=ctx.rng.randint(0, 3), sales_vnd=ctx.rng.randrange(5_000_000, 120_000_000, 1_000_000),
                new_distributors=ctx.rng.randint(0, 2)))
    # Traps: a withdrawn registration, establishments of another province at the same fair, a 2021 fair.
    spare = next(e for e in ctx.establishments if e not in {r.establishment for r in rows if r.fair == fairs[-1]})
    rows.append(FairParticipation(fair=fairs[-1], establishment=spare, withdrawn=True, support_vnd=0))
    rows += [FairParticipation(fair=fairs[4], establishment=e, support_vnd=0) for e in ctx.outside_establishments]
    late = bulk(Fair, [_fair(ctx, "Hội chợ Công thương Bà Rịa - Vũng Tàu", FairScope.PROVINCIAL, AFTER_PERIOD)],
                ctx.actor)[0]
    rows += [FairParticipation(fair=late, establishment=e, support_vnd=12_000_000) for e in pool[:15]]
    bulk(FairParticipation, rows, ctx.actor)
