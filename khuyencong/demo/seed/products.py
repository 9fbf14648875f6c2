"""Typical products, selection rounds, jury scores and certificates behind the recognition figures.

Targets (distinct products recognised 2014–2020, establishment in the province): 214 district,
112 province, 39 region, 9 national. Traps: 20 products recognised at district level twice (2015
and 2019), 30 nominations that failed the pass mark, a 2021 round, and region-level products of
establishments in another province.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from khuyencong.accounts.models import Role, User
from khuyencong.demo.seed.base import SeedContext, bulk
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.products.models import (
    Certificate,
    Council,
    CouncilMember,
    Criterion,
    Nomination,
    NominationStatus,
    Product,
    ProductGroup,
    RecognitionDecision,
    RecognitionLevel,
    Result,
    RoundStatus,
    RuleSet,
    Score,
    SelectionRound,
)
from khuyencong.products.services.scoring import competition_ranks

TARGETS = {"district": 214, "province": 112, "region": 39, "national": 9}
TWICE_AT_DISTRICT, FAILED, IN_2021, OUTSIDE = 20, 30, 10, 5
GROUP_OF_SECTOR = {"agro_processing": "agro_food", "handicrafts": "handicrafts", "mechanical": "mechanical"}
PRODUCT_WORDS = {"agro_food": ["Hạt điều rang muối", "Nước mắm cá cơm", "Mực một nắng", "Bánh tráng", "Chà bông cá"],
                 "handicrafts": ["Giỏ mây đan", "Bình gốm", "Tranh sơn mài", "Đèn tre", "Khay lục bình"],
                 "mechanical": ["Máy bóc vỏ hạt điều", "Máy sấy nông sản", "Cối xay bột", "Máy đóng gói"],
                 "other": ["Gạch không nung", "Chổi đót", "Túi vải"]}


class ProductSeeder:
    """Builds rounds lazily: one per (level, organising unit, year), each with its council and decision."""

    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.rules = RuleSet.objects.order_by("valid_from").first()
        self.criteria = list(Criterion.objects.filter(rule_set=self.rules, parent__isnull=True).order_by("order"))
        self.levels = {lv.code: lv for lv in RecognitionLevel.objects.filter(valid_from__lt=dt.date(2025, 7, 1))}
        self.jurors = [self._user(f"giamkhao{i}", f"Giám khảo {i}") for i in (1, 2, 3)]
        self.secretary = self._user("thuky", "Thư ký hội đồng")
        self.rounds: dict[tuple[str, int, int], SelectionRound] = {}
        self.entries: dict[tuple[str, int, int], list[tuple[Product, bool]]] = defaultdict(list)

    def _user(self, username: str, name: str) -> User:
        user, _created = User.objects.get_or_create(username=username, defaults={"full_name": name,
                                                                                  "role": Role.COUNCIL_MEMBER})
        if _created:
            from khuyencong.demo.users import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def nominate(self, level: str, organiser: AdministrativeUnit, year: int, product: Product, *,
                 passes: bool = True) -> None:
        self.entries[(level, organiser.pk, year)].append((product, passes))
        if (level, organiser.pk, year) not in self.rounds:
            self.rounds[(level, organiser.pk, year)] = SelectionRound(
                name=f"Bình chọn sản phẩm CNNT tiêu biểu {self.levels[level].label.lower()} năm {year} – "
                     f"{organiser.name}", level=self.levels[level], organiser=organiser, year=year,
                plan_document_no=f"KH-{level}-{year}", dossier_deadline=dt.date(year, 6, 30),
                rule_set=self.rules, status=RoundStatus.DECIDED)

    def write(self) -> None:
        rounds = bulk(SelectionRound, list(self.rounds.values()), self.ctx.actor)
        for key, stored in zip(list(self.rounds), rounds, strict=True):
            self.rounds[key] = stored
        councils = bulk(Council, [Council(round=r, name=f"Hội đồng {r.name}") for r in rounds], self.ctx.actor)
        members = {c.round_id: self._members(c) for c in councils}
        # National decisions come last in the year, after the regional ones they build on.
        decisions = bulk(RecognitionDecision, [
            RecognitionDecision(round=r, number=f"{r.pk}/QĐ-BC",
                                decided_on=dt.date(r.year, 11, 28 if r.level.code == "national" else 20))
            for r in rounds], self.ctx.actor)
        by_round = {d.round_id: d for d in decisions}
        for key, entries in self.entries.items():
            self._write_round(self.rounds[key], entries, members[self.rounds[key].pk], by_round[self.rounds[key].pk])

    def _members(self, council: Council) -> list[CouncilMember]:
        rows = [CouncilMember(council=council, user=j, role="juror") for j in self.jurors]
        rows.append(CouncilMember(council=council, user=self.secretary, role="secretary"))
        return bulk(CouncilMember, rows, self.ctx.actor)[:3]

    def _write_round(self, rnd: SelectionRound, entries: list[tuple[Product, bool]], jurors: list[CouncilMember],
                     decision: RecognitionDecision) -> None:
        nominations = bulk(Nomination, [
            Nomination(round=rnd, product=p, submitted_on=dt.date(rnd.year, 5, 15), made_by_establishment=True,
                       status=NominationStatus.RECOGNISED if ok else NominationStatus.NOT_RECOGNISED)
            for p, ok in entries], self.ctx.actor)
        scores, results, certificates = [], [], []
        for nomination, (product, ok) in zip(nominations, entries, strict=True):
            totals = []
            for juror in jurors:
                points = self._sheet(ok)
                totals.append(sum(points))
                scores += [Score(nomination=nomination, member=juror, criterion=c, points=Decimal(pt))
                           for c, pt in zip(self.criteria, points, strict=True)]
            combined = Decimal(sum(totals)) / len(totals)
            results.append(Result(nomination=nomination, combined_score=combined.quantize(Decimal("0.01")),
                                  juror_count=len(jurors), rank_in_group=0, passed_mark=ok, within_quota=ok,
                                  proposed=ok, approved=ok))
            if ok:
                certificates.append(Certificate(
                    decision=decision, nomination=nomination, product=product, level=rnd.level, year=rnd.year,
                    number=f"{rnd.level.code[:2].upper()}-{rnd.year}-{nomination.pk:05d}",
                    issued_on=decision.decided_on, valid_until=rnd.rule_set.valid_until(decision.decided_on)))
        # Ranks within each product group by combined score, ties sharing a rank, as the service ranks them.
        by_group: dict[int, list[Result]] = defaultdict(list)
        for result, (product, _ok) in zip(results, entries, strict=True):
            by_group[product.group_id].append(result)
        for group in by_group.values():
            ranks = competition_ranks(r.combined_score for r in group)
            for result in group:
                result.rank_in_group = ranks[result.combined_score]
        bulk(Score, scores, self.ctx.actor)
        bulk(Result, results, self.ctx.actor)
        bulk(Certificate, certificates, self.ctx.actor)

    def _sheet(self, passes: bool) -> list[int]:
        """Points per criterion (max 40/40/10/10): passing sheets total 72–92, failing 50–66."""
        rng = self.ctx.rng
        if passes:
            return [rng.randint(29, 37), rng.randint(28, 36), rng.randint(7, 10), rng.randint(7, 9)]
        return [rng.randint(20, 27), rng.randint(20, 26), rng.randint(5, 7), rng.randint(5, 6)]


def _products(ctx: SeedContext, owners: list[Establishment]) -> list[Product]:
    groups = {g.code: g for g in ProductGroup.objects.filter(valid_to__isnull=True)}
    rows = []
    for i, owner in enumerate(owners):
        code = GROUP_OF_SECTOR.get(owner.sector_group, "other")
        name = f"{ctx.rng.choice(PRODUCT_WORDS[code])} {owner.name.split()[-1]}-{i + 1:03d}"
        rows.append(Product(establishment=owner, name=name, group=groups[code],
                            description="Sản phẩm truyền thống của địa phương."))
    return bulk(Product, rows, ctx.actor)


def _district(product: Product) -> AdministrativeUnit:
    """The pre-2025 district that organised district-level rounds for this product's commune."""
    district = product.establishment.commune.parent
    assert district is not None
    return district


def seed_products(ctx: SeedContext) -> None:
    seeder = ProductSeeder(ctx)
    needed = TARGETS["district"] + FAILED + IN_2021
    owners = [ctx.establishments[i % len(ctx.establishments)] for i in range(needed)]
    products = _products(ctx, owners)
    recognised, failed, late = products[:214], products[214:244], products[244:]
    district_year: dict[int, int] = {}
    for i, product in enumerate(recognised):
        year = (2015, 2017, 2019)[i % 3]
        district = _district(product)
        seeder.nominate("district", district, 2015 if i < TWICE_AT_DISTRICT else year, product)
        district_year[product.pk] = 2015 if i < TWICE_AT_DISTRICT else year
        if i < TWICE_AT_DISTRICT:  # recognised again when the first certificate had expired
            seeder.nominate("district", district, 2019, product)
    for product in failed:
        seeder.nominate("district", _district(product), 2017, product, passes=False)
    for product in late:
        seeder.nominate("district", _district(product), 2021, product)
    _higher_levels(seeder, ctx, recognised, district_year)
    seeder.write()


def _higher_levels(seeder: ProductSeeder, ctx: SeedContext, recognised: list[Product],
                   district_year: dict[int, int]) -> None:
    """Each level nominates products holding a certificate of the level below that is still in force."""
    province_products = recognised[: TARGETS["province"]]
    province_year = {p.pk: 2017 if district_year[p.pk] <= 2017 else 2019 for p in province_products}
    for product in province_products:
        seeder.nominate("province", ctx.province, province_year[product.pk], product)
    for i, product in enumerate(province_products[: TARGETS["region"]]):
        year = 2018 if province_year[product.pk] == 2017 else 2020
        seeder.nominate("region", ctx.province, year, product)
        if i < TARGETS["national"]:
            seeder.nominate("national", ctx.province, year, product)
    outside = _products(ctx, ctx.outside_establishments[:OUTSIDE])
    for product in outside:  # the same regional round also recognised other provinces' products
        seeder.nominate("region", ctx.province, 2018, product)
