"""Reads on programmes, plans and schemes, scoped to what the user may see; totals computed in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import visible_commune_ids
from khuyencong.accounts.scoping import scope
from khuyencong.core.lookup import one_or_404
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import unit_filter
from khuyencong.geo.selectors import UnitNotFound
from khuyencong.schemes.models import (
    ActivityType,
    AnnualPlan,
    CleanerProductionAssessment,
    CommunicationOutput,
    DemonstrationModel,
    Disbursement,
    FundingSource,
    MachineryItem,
    Programme,
    Scheme,
    SchemeAttachment,
    SchemeBeneficiary,
    SchemeEvent,
    SchemeStatus,
    SupportNorm,
)
from khuyencong.schemes.policy import may_view
from khuyencong.schemes.services.common import COMMITTED


def _disbursed() -> Coalesce:
    total = (Disbursement.objects.filter(scheme=OuterRef("pk")).order_by().values("scheme")
             .annotate(s=Sum("amount")).values("s"))
    return Coalesce(Subquery(total), 0)


def _has_beneficiary() -> Exists:
    return Exists(SchemeBeneficiary.objects.filter(scheme=OuterRef("pk")))


def visible_schemes(user: User, base: QuerySet[Scheme] | None = None) -> QuerySet[Scheme]:
    """Schemes whose area (beneficiary's commune, else implementing unit) the user covers.

    Two ``scope`` calls express the domain's area rule: establishments first, and the
    implementing unit only for schemes without any establishment.
    """
    base = Scheme.objects.all() if base is None else base
    if not may_view(user):
        return base.none()
    if visible_commune_ids(user) is None:
        return base
    links = scope(SchemeBeneficiary.objects.all(), user, commune_path="establishment__commune_id",
                  establishment_path="establishment_id")
    by_unit = scope(Scheme.objects.filter(~_has_beneficiary()), user, commune_path="implementing_unit_id")
    return base.filter(Q(pk__in=links.values("scheme_id")) | Q(pk__in=by_unit.values("pk")))


def schemes_for(user: User) -> QuerySet[Scheme]:
    """What list, plan and detail pages show, pre-joined, with the disbursed total from one subquery."""
    base = (Scheme.objects.select_related("activity_type", "plan__programme", "implementing_unit")
            .prefetch_related(Prefetch("beneficiaries", queryset=Establishment.objects.select_related("commune")))
            .annotate(disbursed=_disbursed()))
    return visible_schemes(user, base)


@dataclass
class SchemeFilters:
    year: int | None = None
    activity_type: str = ""
    funding_source: str = ""
    status: str = ""
    unit: str = ""
    q: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def scheme_list(user: User, filters: SchemeFilters) -> QuerySet[Scheme]:
    items = schemes_for(user)
    if filters.year:
        items = items.filter(Q(plan__year=filters.year) | Q(plan__isnull=True, planned_start__year=filters.year))
    if filters.activity_type:
        items = items.filter(activity_type__code=filters.activity_type)
    if filters.funding_source:
        items = items.filter(funding_source=filters.funding_source)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.q:
        items = items.filter(Q(code__icontains=filters.q) | Q(title__icontains=filters.q))
    if filters.unit:
        try:
            ids = unit_filter(filters.unit)
        except UnitNotFound as exc:
            filters.errors["unit"] = str(exc)
            return items.none()
        in_area = Exists(SchemeBeneficiary.objects.filter(scheme=OuterRef("pk"), establishment__commune_id__in=ids))
        items = items.filter(in_area | (Q(implementing_unit_id__in=ids) & ~_has_beneficiary()))
    return items.order_by("-created_at", "-pk")


def scheme_get(user: User, pk: Any) -> Scheme:
    """One scheme, or 404 — never a hint that a record outside the user's scope exists."""
    return one_or_404(schemes_for(user), pk)


def scheme_timeline(scheme: Scheme) -> QuerySet[SchemeEvent]:
    return scheme.events.select_related("actor", "attachment").order_by("at", "pk")


def scheme_disbursements(scheme: Scheme) -> QuerySet[Disbursement]:
    return scheme.disbursements.order_by("date", "pk")


def scheme_attachments(scheme: Scheme) -> QuerySet[SchemeAttachment]:
    return scheme.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk")


def attachment_get(user: User, pk: Any) -> SchemeAttachment:
    """An attachment of a scheme the user may see, or 404."""
    try:
        attachment = SchemeAttachment.objects.get(pk=int(pk))
    except (SchemeAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not visible_schemes(user).filter(pk=attachment.scheme_id).exists():
        raise Http404
    return attachment


def programmes_for(user: User) -> QuerySet[Programme]:
    return Programme.objects.all() if may_view(user) else Programme.objects.none()


def plans_for(user: User) -> QuerySet[AnnualPlan]:
    """Plans are province documents; everyone who may read schemes may read them."""
    return AnnualPlan.objects.select_related("programme") if may_view(user) else AnnualPlan.objects.none()


def plans_with_committed(user: User) -> QuerySet[AnnualPlan]:
    """Plans with the support already committed by approved schemes (one GROUP BY query)."""
    committed = Coalesce(Sum("schemes__public_support", filter=Q(schemes__status__in=COMMITTED)), 0)
    return plans_for(user).annotate(committed=committed).order_by("-year", "funding_source")


def plan_get(user: User, pk: Any) -> AnnualPlan:
    return one_or_404(plans_for(user), pk)


def plan_schemes(user: User, plan: AnnualPlan) -> QuerySet[Scheme]:
    return schemes_for(user).filter(plan=plan).order_by("code", "pk")


_MONEY = {
    "count": Count("pk"),
    "total_cost": Coalesce(Sum("total_cost"), 0),
    "public_support": Coalesce(Sum("public_support"), 0),
    "counterpart_capital": Coalesce(Sum("counterpart_capital"), 0),
    "settled_amount": Coalesce(Sum("settled_amount"), 0),
}


def money_totals(schemes: QuerySet[Scheme], by: tuple[str, ...] = ()) -> Any:
    """Sums over committed schemes (approved and later) in one SQL query, grouped by ``by`` if given.

    Disbursements are summed per scheme in a subquery first, so the join never multiplies the other sums.
    """
    committed = (Scheme.objects.filter(pk__in=schemes.values("pk"), status__in=COMMITTED).order_by()
                 .annotate(scheme_disbursed=_disbursed()))
    sums = {**_MONEY, "disbursed": Coalesce(Sum("scheme_disbursed"), 0)}
    if by:
        return list(committed.values(*by).annotate(**sums).order_by(*by))
    return committed.aggregate(**sums)


def plan_totals(user: User, plan: AnnualPlan) -> dict[str, Any]:
    """Totals shown on the plan page: overall, per funding source and per activity type."""
    schemes = visible_schemes(user).filter(plan=plan)
    overall = money_totals(schemes)
    overall["remaining"] = plan.approved_total - overall["public_support"]
    return {
        "overall": overall,
        "by_source": [{**row, "label": FundingSource(row["funding_source"]).label}
                      for row in money_totals(schemes, ("funding_source",))],
        "by_activity": money_totals(schemes, ("activity_type__code", "activity_type__label")),
        "by_status": list(schemes.order_by().values("status").annotate(n=Count("pk")).order_by("status")),
    }


def norms_for(user: User, *, activity_code: str = "", funding_source: str = "",
              valid_on: dt.date | None = None) -> QuerySet[SupportNorm]:
    """Support norms are public rules: every reader sees them; the activity label comes from one subquery."""
    if not may_view(user):
        return SupportNorm.objects.none()
    label = (ActivityType.objects.filter(code=OuterRef("activity_type_code")).order_by("-valid_from")
             .values("label")[:1])
    items = SupportNorm.objects.valid_on(valid_on) if valid_on is not None else SupportNorm.objects.all()
    items = items.select_related("updated_by").annotate(activity_label=Subquery(label))
    if activity_code:
        items = items.filter(activity_type_code=activity_code)
    if funding_source:
        items = items.filter(funding_source=funding_source)
    return items.order_by("activity_type_code", "funding_source", "legal_form", "-valid_from", "pk")


def norm_get(user: User, pk: Any) -> SupportNorm:
    return one_or_404(norms_for(user), pk)


def norm_versions(norm: SupportNorm) -> QuerySet[SupportNorm]:
    """All versions of the same rule (activity, source, legal form), newest first."""
    return SupportNorm.objects.filter(activity_type_code=norm.activity_type_code,
                                      funding_source=norm.funding_source,
                                      legal_form=norm.legal_form).order_by("-valid_from", "pk")


def programme_get(user: User, pk: Any) -> Programme:
    return one_or_404(programmes_for(user), pk)


@dataclass
class SchemeDetails:
    """Activity-specific records of one scheme, each list read in one query."""

    demonstration: DemonstrationModel | None
    machinery: list[MachineryItem]
    communication: list[CommunicationOutput]
    assessments: list[CleanerProductionAssessment]


def scheme_details(scheme: Scheme) -> SchemeDetails:
    """Only the kind matching the scheme's activity type is queried (others are empty by construction)."""
    code = scheme.activity_type.code
    demo = None
    if code == "demo_model":
        demo = (DemonstrationModel.objects.filter(scheme=scheme).select_related("host_establishment__commune")
                .prefetch_related(Prefetch("adopters", queryset=Establishment.objects.select_related("commune")))
                .first())
    return SchemeDetails(
        demonstration=demo,
        machinery=list(scheme.machinery_items.order_by("pk")) if code == "machinery" else [],
        communication=list(scheme.communication_outputs.order_by("pk")) if code == "communication" else [],
        assessments=list(scheme.cleaner_production_assessments.select_related("establishment")
                         .order_by("assessed_on", "pk")) if code == "cleaner_production" else [],
    )


ACTIVE_STATUSES = [s for s in SchemeStatus.values if s != SchemeStatus.CANCELLED]
