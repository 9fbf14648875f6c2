"""International cooperation with the Sanjo Chamber of Commerce and Industry (Japan).

Target: 83 participations (lượt) of civil servants and public employees in 2014–2020 (the article
says "more than 80"). Traps: officials who took part in several activities, a business owner who
joined a study tour (not a civil servant), and an activity in 2021.
"""

from __future__ import annotations

import datetime as dt

from khuyencong.cooperation.models import Activity, ActivityKind, ActivityParticipant, Agreement, Partner
from khuyencong.demo.seed.base import AFTER_PERIOD, SeedContext, bulk
from khuyencong.training.models import Person, PersonRole

PARTICIPATIONS = 83
ACTIVITIES = [  # (kind, title, start, abroad, participants)
    (ActivityKind.COURSE_IN_PROVINCE, "Khóa đào tạo quản lý sản xuất theo phương pháp Nhật Bản", dt.date(2016, 3, 14),
     False, 22),
    (ActivityKind.COURSE_ABROAD, "Khóa đào tạo tại Sanjo về công nghiệp hỗ trợ", dt.date(2017, 6, 5), True, 12),
    (ActivityKind.COURSE_IN_PROVINCE, "Khóa đào tạo 5S và Kaizen cho cán bộ khuyến công", dt.date(2018, 8, 20),
     False, 25),
    (ActivityKind.COURSE_ABROAD, "Khóa đào tạo tại Sanjo về gia công kim loại", dt.date(2019, 10, 7), True, 14),
    (ActivityKind.WORKSHOP, "Hội thảo hợp tác khuyến công Bà Rịa - Vũng Tàu – Sanjo", dt.date(2020, 1, 9), False, 10),
]


def seed_cooperation(ctx: SeedContext, officials: list[Person], business_owner: Person) -> None:
    assert sum(a[4] for a in ACTIVITIES) == PARTICIPATIONS
    partner = bulk(Partner, [Partner(name="Phòng Thương mại và Công nghiệp Sanjo (SCCI)", country="Nhật Bản",
                                     city="Sanjo")], ctx.actor)[0]
    agreement = bulk(Agreement, [Agreement(partner=partner, title="Biên bản ghi nhớ hợp tác khuyến công",
                                           signed_on=dt.date(2015, 11, 2), valid_from=dt.date(2015, 11, 2))],
                     ctx.actor)[0]
    activities = [Activity(partner=partner, agreement=agreement, kind=kind, title=title, organising_unit=ctx.province,
                           venue_unit=None if abroad else ctx.rng.choice(ctx.communes),
                           abroad_country="Nhật Bản" if abroad else "", abroad_city="Sanjo" if abroad else "",
                           start_date=start, end_date=start + dt.timedelta(days=10 if abroad else 3))
                  for kind, title, start, abroad, _n in ACTIVITIES]
    activities.append(Activity(partner=partner, agreement=agreement, kind=ActivityKind.STUDY_TOUR,
                               title="Khảo sát tại Sanjo (năm 2021)", organising_unit=ctx.province,
                               abroad_country="Nhật Bản", abroad_city="Sanjo", start_date=AFTER_PERIOD,
                               end_date=AFTER_PERIOD + dt.timedelta(days=7)))
    activities = bulk(Activity, activities, ctx.actor)
    rows = []
    for activity, (*_spec, count) in zip(activities, ACTIVITIES, strict=False):
        # The 40 officials rotate through the activities: most attend two (participations > officials).
        start = ctx.rng.randint(0, len(officials) - 1)
        chosen = [officials[(start + k) % len(officials)] for k in range(count)]
        rows += [ActivityParticipant(activity=activity, person=p) for p in chosen]
    rows.append(ActivityParticipant(activity=activities[1], person=business_owner))  # not a civil servant
    rows += [ActivityParticipant(activity=activities[-1], person=p) for p in officials[:8]]  # 2021
    bulk(ActivityParticipant, rows, ctx.actor)


def officials_pool(ctx: SeedContext, count: int = 40) -> list[Person]:
    from khuyencong.demo.seed.training import _persons

    return _persons(ctx, count, PersonRole.CIVIL_SERVANT, ctx.communes)
