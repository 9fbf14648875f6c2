"""Reads of the typical-product scheme, scoped to what the user may see.

Jurors' independence: a juror sees only their own scores until the round's scoring closes; the
dashboard shows how many sheets each juror has finished, never the points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import PROVINCE_WIDE
from khuyencong.accounts.scoping import scope
from khuyencong.products.models import (
    SCORES_PUBLIC_STATUSES,
    Certificate,
    CouncilMember,
    MemberRole,
    Nomination,
    Product,
    Result,
    RoundStatus,
    Score,
    SelectionRound,
)
from khuyencong.products.policy import may_manage_round, may_view

CENT = Decimal("0.01")


def _get(items: QuerySet[Any], pk: Any) -> Any:
    try:
        return items.get(pk=int(pk))
    except (items.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---- rounds -------------------------------------------------------------------------------------

def rounds_for(user: User) -> QuerySet[SelectionRound]:
    """Rounds are public administrative acts: every active role may read them (not their scores)."""
    items = SelectionRound.objects.select_related("level", "organiser", "rule_set").annotate(
        dossiers=Count("nominations", distinct=True))
    return items.order_by("-year", "name", "pk") if may_view(user) else items.none()


def round_get(user: User, pk: Any) -> SelectionRound:
    return _get(rounds_for(user), pk)


def juror_progress(selection_round: SelectionRound) -> list[dict[str, Any]]:
    """Per juror: sheets finished and sheets expected (nominations minus recusals), counted in SQL."""
    dossiers = selection_round.nominations.count()
    members = (CouncilMember.objects.filter(council__round=selection_round, role=MemberRole.JUROR,
                                            removed_on__isnull=True)
               .select_related("user")
               .annotate(done=Count("scores__nomination", distinct=True), recused=Count("conflicts", distinct=True))
               .order_by("pk"))
    return [{"member": m, "done": m.done, "expected": dossiers - m.recused, "recused": m.recused} for m in members]


# ---- nominations --------------------------------------------------------------------------------

def nominations_for(user: User) -> QuerySet[Nomination]:
    """Dossiers by area and ownership; a council member sees only their own rounds' dossiers and never
    the ones they are recused from."""
    base = Nomination.objects.select_related(
        "round__level", "product__group", "product__establishment__commune", "result")
    items = scope(base, user, commune_path="product__establishment__commune_id",
                  establishment_path="product__establishment_id")
    if user.is_authenticated and user.role == Role.COUNCIL_MEMBER:
        items = items.filter(round__council__members__user=user).exclude(conflicts__member__user=user)
    return items.order_by("round_id", "selection_code", "pk")


def nomination_get(user: User, pk: Any) -> Nomination:
    return _get(nominations_for(user), pk)


def nomination_for_scoring(user: User, pk: Any) -> Nomination:
    """A dossier to score: one the user sees, or one of a round where the user sits as juror.

    Recused dossiers are hidden from a juror's lists, but a juror who asks to score one must be
    told why they may not (403 with the reason from the service), not that it does not exist.
    Users with no link at all to the dossier still get 404.
    """
    visible = nominations_for(user).filter(pk=OuterRef("pk"))
    items = Nomination.objects.select_related("round__rule_set", "product__group").filter(
        Exists(visible) | Exists(CouncilMember.objects.filter(council__round=OuterRef("round"), user_id=user.pk,
                                                              role=MemberRole.JUROR)))
    return _get(items, pk)


def juror_queue(user: User, selection_round: SelectionRound | None = None) -> QuerySet[Nomination]:
    """Nominations ``user`` has to score as a juror (not recused), with how many lines they scored.

    Without a round: only rounds in scoring — a closed round's dossiers can no longer be scored, so listing
    them would offer work that every save refuses."""
    items = (Nomination.objects.filter(round__council__members__user=user,
                                       round__council__members__role=MemberRole.JUROR,
                                       round__council__members__removed_on__isnull=True)
             .exclude(conflicts__member__user=user)
             .select_related("round", "product__group")
             .annotate(my_lines=Count("scores", filter=Q(scores__member__user=user), distinct=True)))
    if selection_round is not None:
        items = items.filter(round=selection_round)
    else:
        items = items.filter(round__status=RoundStatus.SCORING)
    return items.order_by("round_id", "selection_code", "pk")


def scores_visible_to(user: User, selection_round: SelectionRound) -> QuerySet[Score]:
    """Own scores always; everyone else's only once scoring has closed, and only for those who may see them."""
    base = Score.objects.filter(nomination__round=selection_round).select_related("member__user", "criterion")
    if selection_round.status in SCORES_PUBLIC_STATUSES and (
        user.role in PROVINCE_WIDE - {Role.COUNCIL_MEMBER} or may_manage_round(user, selection_round)
        or CouncilMember.objects.filter(council__round=selection_round, user=user).exists()
    ):
        return base
    return base.filter(member__user=user)


def results_for(user: User, selection_round: SelectionRound) -> QuerySet[Result]:
    """Results once scoring has closed, limited to the dossiers the user may see."""
    if selection_round.status not in SCORES_PUBLIC_STATUSES:
        return Result.objects.none()
    visible = nominations_for(user).filter(round=selection_round).values("pk")
    if may_manage_round(user, selection_round):
        visible = Nomination.objects.filter(round=selection_round).values("pk")
    return (Result.objects.filter(nomination__in=visible)
            .select_related("nomination__product__group", "nomination__product__establishment")
            .order_by("nomination__product__group__order", "rank_in_group", "nomination__selection_code"))


@dataclass
class Deviation:
    member: CouncilMember
    mean_deviation: Decimal
    compared: int
    flagged: bool


def juror_deviations(selection_round: SelectionRound) -> list[Deviation]:
    """Each juror's mean gap to the other jurors' mean on the same dossiers; far-off jurors are flagged."""
    from khuyencong.products.services.scoring import juror_totals

    totals = juror_totals(selection_round)
    threshold = selection_round.rule_set.deviation_threshold
    gaps: dict[int, list[Decimal]] = {}
    for by_member in totals.values():
        for member_id, total in by_member.items():
            others = [t for m, t in by_member.items() if m != member_id]
            if others:
                gaps.setdefault(member_id, []).append(total - sum(others, Decimal(0)) / len(others))
    members = CouncilMember.objects.filter(pk__in=gaps).select_related("user").in_bulk()
    out = []
    for member_id, values in sorted(gaps.items()):
        mean = (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))
        out.append(Deviation(members[member_id], mean, len(values), abs(mean) > threshold))
    return out


@dataclass
class CouncilDeviation:
    round_id: int
    round_name: str
    council_name: str
    organiser: str
    dossiers: int
    mean_score: Decimal
    others_mean: Decimal
    gap: Decimal
    flagged: bool
    current: bool


def council_deviations(selection_round: SelectionRound) -> list[CouncilDeviation]:
    """Councils of the same level and year: each one's mean combined score against the others' mean.

    The peers are the rounds with results (scoring closed) of the same level code and year; a council
    whose mean sits further than the rule set's council threshold from the mean of the other councils'
    means is flagged. One SQL aggregate; nothing is shown when the round has no peer.
    """
    rows = list(
        Result.objects.filter(nomination__round__level__code=selection_round.level.code,
                              nomination__round__year=selection_round.year)
        .values("nomination__round_id", "nomination__round__name", "nomination__round__council__name",
                "nomination__round__organiser__name")
        .annotate(mean=Avg("combined_score"), dossiers=Count("pk"))
        .order_by("nomination__round_id")
    )
    if len(rows) < 2 or not any(r["nomination__round_id"] == selection_round.pk for r in rows):
        return []
    threshold = selection_round.rule_set.council_deviation_threshold
    means = {r["nomination__round_id"]: Decimal(str(r["mean"])).quantize(CENT) for r in rows}
    out = []
    for row in rows:
        pk = row["nomination__round_id"]
        others = [m for other, m in means.items() if other != pk]
        others_mean = (sum(others, Decimal(0)) / len(others)).quantize(CENT)
        gap = means[pk] - others_mean
        out.append(CouncilDeviation(
            round_id=pk, round_name=row["nomination__round__name"],
            council_name=row["nomination__round__council__name"] or "",
            organiser=row["nomination__round__organiser__name"],
            dossiers=row["dossiers"], mean_score=means[pk], others_mean=others_mean, gap=gap,
            flagged=abs(gap) > threshold, current=pk == selection_round.pk))
    return out


def score_sheet(selection_round: SelectionRound, member: CouncilMember) -> QuerySet[Nomination]:
    """One juror's sheets for the printable form: the dossiers with that juror's scores prefetched."""
    return (Nomination.objects.filter(round=selection_round).exclude(conflicts__member=member)
            .select_related("product__group", "product__establishment")
            .annotate(my_total=Sum("scores__points", filter=Q(scores__member=member)))
            .prefetch_related(Prefetch("scores", queryset=Score.objects.filter(member=member)
                                       .select_related("criterion").order_by("criterion__order"),
                                       to_attr="sheet"))
            .order_by("selection_code", "pk"))


# ---- products and certificates -----------------------------------------------------------------

def products_for(user: User) -> QuerySet[Product]:
    base = Product.objects.select_related("group", "establishment__commune")
    return scope(base, user, commune_path="establishment__commune_id", establishment_path="establishment_id")


def product_get(user: User, pk: Any) -> Product:
    items = products_for(user).prefetch_related(
        "documents", "other_certifications",
        Prefetch("certificates", queryset=Certificate.objects.select_related("level", "decision")
                 .order_by("issued_on")),
        Prefetch("nominations", queryset=Nomination.objects.select_related("round__level", "result")
                 .order_by("round__year", "pk")),
    )
    return _get(items, pk)


def certificates_for(user: User) -> QuerySet[Certificate]:
    base = Certificate.objects.select_related("level", "decision", "product__group", "product__establishment__commune")
    return scope(base, user, commune_path="product__establishment__commune_id",
                 establishment_path="product__establishment_id").order_by("-issued_on", "number")


def certificate_get(user: User, pk: Any) -> Certificate:
    return _get(certificates_for(user).select_related("decision__round__organiser"), pk)


@dataclass
class PublicFilters:
    level: str = ""
    year: int | None = None
    group: str = ""
    area: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def public_recognised(filters: PublicFilters) -> QuerySet[Certificate]:
    """The public register of recognised products: no login, no personal data, revoked ones left out."""
    from khuyencong.establishments.selectors import unit_filter
    from khuyencong.geo.selectors import UnitNotFound

    items = (Certificate.objects.filter(revoked=False)
             .select_related("level", "product__group", "product__establishment__commune__parent")
             .only("number", "year", "issued_on", "valid_until", "level__label", "level__code",
                   "product__name", "product__group__label", "product__establishment__name",
                   "product__establishment__commune__name", "product__establishment__commune__parent__name"))
    if filters.level:
        items = items.filter(level__code=filters.level)
    if filters.year:
        items = items.filter(year=filters.year)
    if filters.group:
        items = items.filter(product__group__code=filters.group)
    if filters.area:
        try:
            items = items.filter(product__establishment__commune_id__in=unit_filter(filters.area))
        except UnitNotFound as exc:
            filters.errors["area"] = str(exc)
            items = items.none()
    return items.order_by("-year", "level__rank", "product__name", "pk")
