"""The "Bà Rịa – Vũng Tàu 2014–2020" demo dataset: individual records whose report equals the seed.

Everything is generated deterministically (fixed random seed) as records — establishments, schemes,
courses, persons, participations, follow-ups, products, rounds, jury scores, certificates, fairs and
cooperation activities — never as stored totals. The report for 2014-01-01..2020-12-31 over old
province code 77 reproduces every seed value of the indicator catalogue; each module's docstring lists
the traps it plants (records that a naive count would include).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.core.text import fold
from khuyencong.demo.seed.base import SeedContext, bulk
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.schemes.models import Scheme

SEED = 20142020
MARKER = "MH-2015-01"  # the first demonstration model: present means the dataset is loaded


def _context() -> SeedContext:
    last_day = dt.date(2025, 6, 30)
    province = AdministrativeUnit.objects.get(level="province", code="77", valid_to=last_day)
    other = AdministrativeUnit.objects.get(level="province", code="75", valid_to=last_day)
    communes = list(AdministrativeUnit.objects.filter(level="commune", parent__parent=province, valid_to=last_day)
                    .order_by("code"))
    others = list(AdministrativeUnit.objects.filter(level="commune", parent__parent=other, valid_to=last_day)
                  .order_by("code"))
    ctx = SeedContext(random.Random(SEED), User.objects.get(username="quantri"), province, other, communes, others)
    ctx.establishments = list(Establishment.objects.filter(commune__in=communes, registered_on__lte=dt.date(2020, 12,
                                                                                                            31))
                              .select_related("commune__parent").order_by("pk"))
    ctx.outside_establishments = _outside_establishments(ctx)
    return ctx


def _outside_establishments(ctx: SeedContext) -> list[Establishment]:
    """A few establishments of neighbouring Đồng Nai that appear at regional events (outside the area)."""
    rows = [Establishment(name=f"Cơ sở chế biến gỗ Đồng Nai {i}", search_name=fold(f"Cơ sở chế biến gỗ Đồng Nai {i}"),
                          legal_form="household", commune=ctx.other_communes[i * 7], vsic_code="1629",
                          sector_group="handicrafts", registered_on=dt.date(2016, 3, 1), employees=6)
             for i in range(1, 7)]
    return bulk(Establishment, rows, ctx.actor)


@transaction.atomic
def load_seed_dataset() -> bool:
    """Create the dataset once; returns False if it is already there."""
    from khuyencong.demo.seed.cooperation import officials_pool, seed_cooperation
    from khuyencong.demo.seed.current import seed_current
    from khuyencong.demo.seed.fairs import seed_fairs
    from khuyencong.demo.seed.products import seed_products
    from khuyencong.demo.seed.schemes import seed_schemes
    from khuyencong.demo.seed.training import seed_training

    if Scheme.objects.filter(code=MARKER).exists():
        return False
    ctx = _context()
    people = seed_training(ctx)
    seed_schemes(ctx)
    seed_products(ctx)
    seed_fairs(ctx)
    seed_cooperation(ctx, officials_pool(ctx), people["management"][0])
    seed_current()  # today's work for the demo accounts' home lists, after (and outside) the 2014–2020 data
    return True
