"""The schemes workbook's export: each sheet's rows for the records the actor may see, in column order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet

from khuyencong.accounts.models import User
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.sheets import reference_values
from khuyencong.schemes.models import (
    CleanerProductionAssessment,
    CommunicationOutput,
    DemonstrationModel,
    Disbursement,
    MachineryItem,
    Scheme,
    SchemeEvent,
)
from khuyencong.schemes.selectors import plans_for, programmes_for, visible_schemes
from khuyencong.schemes.sheets.common import reference_text
from khuyencong.schemes.sheets.lifecycle import progress_of
from khuyencong.schemes.sheets.specs import CLOSED, NO_REASON, S

Rows = Iterable[Sequence[Any]]


def programmes(actor: User) -> Rows:
    for p in programmes_for(actor).order_by("start_year", "level", "end_year"):
        yield [p.level, p.start_year, p.end_year, p.name, p.decision_no, p.decision_date]


def plans(actor: User) -> Rows:
    for p in plans_for(actor).order_by("year", "funding_source", "programme__start_year", "programme__level"):
        yield [p.programme.level, p.programme.start_year, p.year, p.funding_source, p.approved_total,
               p.decision_no, p.decision_date]


def _visible(actor: User) -> QuerySet[Scheme]:
    return visible_schemes(actor, Scheme.objects.all()).order_by("code")


def schemes(actor: User) -> Rows:
    found = (_visible(actor).select_related("activity_type", "plan__programme", "implementing_unit")
             .prefetch_related(Prefetch("beneficiaries", Establishment.objects.select_related("commune")
                                        .order_by("pk")),
                               Prefetch("events", SchemeEvent.objects.filter(to_status=S.CANCELLED),
                                        to_attr="cancellations")))
    for s in found:
        plan = s.plan
        yield [s.code, s.title, s.activity_type.code, s.funding_source, plan.year if plan else None,
               plan.programme.level if plan else None, s.implementing_unit_name,
               s.implementing_unit.code if s.implementing_unit else "",
               "; ".join(reference_text(e) for e in s.beneficiaries.all()),
               s.planned_start, s.planned_end, s.actual_start, s.actual_end, s.total_cost, s.public_support,
               s.counterpart_capital, progress_of(s), s.appraisal_score, s.appraisal_comments,
               s.approval_decision_no, s.approval_decision_date, s.contract_no, s.contract_date,
               s.acceptance_date, s.acceptance_record_no, s.notes]


def numbered(items: QuerySet[Any], cells: Callable[[Any, int], Sequence[Any]]) -> Rows:
    """Rows numbered 1, 2, 3… within each scheme (items ordered by scheme code first)."""
    current, number = None, 0
    for item in items:
        number = number + 1 if item.scheme_id == current else 1
        current = item.scheme_id
        yield cells(item, number)


def disbursements(actor: User) -> Rows:
    items = (Disbursement.objects.filter(scheme__in=_visible(actor).values("pk")).select_related("scheme")
             .order_by("scheme__code", "date", "pk"))
    yield from numbered(items, lambda d, n: [d.scheme.code, n, d.date, d.amount, d.note])


def machinery(actor: User) -> Rows:
    items = (MachineryItem.objects.filter(scheme__in=_visible(actor).values("pk")).select_related("scheme")
             .order_by("scheme__code", "pk"))
    yield from numbered(items, lambda m, n: [m.scheme.code, n, m.name, m.quantity, m.unit_price, m.supplier,
                                             m.sector_group])


def demonstrations(actor: User) -> Rows:
    models = (DemonstrationModel.objects.filter(scheme__in=_visible(actor).values("pk"))
              .select_related("scheme", "host_establishment__commune")
              .prefetch_related(Prefetch("adopters", Establishment.objects.select_related("commune")
                                         .order_by("pk")))
              .order_by("scheme__code"))
    for m in models:
        yield [m.scheme.code, *reference_values(m.host_establishment), m.technology, m.workers_employed,
               m.avg_worker_income_vnd, "; ".join(reference_text(e) for e in m.adopters.all())]


def communication(actor: User) -> Rows:
    items = (CommunicationOutput.objects.filter(scheme__in=_visible(actor).values("pk")).select_related("scheme")
             .order_by("scheme__code", "pk"))
    yield from numbered(items, lambda c, n: [c.scheme.code, n, c.kind, c.title, c.quantity, c.reach])


def assessments(actor: User) -> Rows:
    items = (CleanerProductionAssessment.objects.filter(scheme__in=_visible(actor).values("pk"))
             .select_related("scheme", "establishment__commune").order_by("scheme__code", "pk"))
    yield from numbered(items, lambda a, n: [a.scheme.code, n, *reference_values(a.establishment), a.assessed_on,
                                             a.findings, a.annual_savings_vnd, a.energy_saving_kwh,
                                             a.water_saving_m3])


def closing(actor: User) -> Rows:
    closed = (_visible(actor).filter(status__in=CLOSED)
              .prefetch_related(Prefetch("events", SchemeEvent.objects.filter(to_status=S.CANCELLED)
                                         .order_by("at", "pk"), to_attr="cancellations")))
    for s in closed:
        if s.status == S.CANCELLED:
            events = s.cancellations
            reason = (events[-1].note if events else "") or NO_REASON
            yield [s.code, S.CANCELLED, None, None, reason]
        else:  # settled, or amended (the transient step of an amendment, settled again)
            yield [s.code, S.SETTLED, s.settled_amount, s.settlement_date, ""]
