"""Import of the "Chương trình", "Kế hoạch năm" and "Đề án" sheets, by natural key, through the services.

A scheme is created and walked through its lifecycle up to acceptance on the "Đề án" sheet; fields of
steps already taken are decisions on record and a file cannot rewrite them.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from khuyencong.accounts.models import User
from khuyencong.core import review
from khuyencong.establishments.models import Establishment
from khuyencong.exchange.rows import RowProblem
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.schemes import services
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.selectors import plans_for, programmes_for, visible_schemes
from khuyencong.schemes.sheets.common import (
    References,
    activity_type_on,
    changed_fields,
    save_changes,
    unit_in_force,
)
from khuyencong.schemes.sheets.lifecycle import advance, check_recorded_steps, progress_of
from khuyencong.schemes.sheets.specs import CLOSED, MONEY, PROGRESS, S


def import_programme(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    data = {"name": v["name"], "level": v["level"], "start_year": v["start_year"], "end_year": v["end_year"],
            "decision_no": v["decision_no"] or "", "decision_date": v["decision_date"]}
    existing = programmes_for(ctx.actor).filter(level=v["level"], start_year=v["start_year"],
                                                end_year=v["end_year"]).first()
    save_changes(ctx, sheet, existing, data, lambda: services.programme_create(actor=ctx.actor, data=data),
                 lambda found, changes: services.programme_update(actor=ctx.actor, programme=found, data=changes,
                                                                  expected_version=None))


def import_plan(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    programmes = list(programmes_for(ctx.actor).filter(level=v["programme_level"],
                                                       start_year=v["programme_start_year"]))
    if len(programmes) != 1:
        raise RowProblem("programme_start_year", "Không có chương trình cấp này bắt đầu năm "
                         f"{v['programme_start_year']}: hãy thêm ở trang “Chương trình”." if not programmes else
                         "Có nhiều chương trình cùng cấp bắt đầu năm này.")
    data = {"programme": programmes[0], "year": v["year"], "funding_source": v["funding_source"],
            "approved_total": v["approved_total"], "decision_no": v["decision_no"] or "",
            "decision_date": v["decision_date"]}
    existing = plans_for(ctx.actor).filter(programme=programmes[0], year=v["year"],
                                           funding_source=v["funding_source"]).first()
    save_changes(ctx, sheet, existing, data, lambda: services.plan_create(actor=ctx.actor, data=data),
                 lambda found, changes: services.plan_update(actor=ctx.actor, plan=found, data=changes,
                                                             expected_version=None))


def import_scheme(row: Row, ctx: ImportContext, sheet: SheetSpec, refs: References) -> None:
    v = row.values
    code = v["code"]
    existing = Scheme.objects.filter(code=code).select_related("activity_type", "plan").first()
    if existing is not None and not visible_schemes(ctx.actor).filter(pk=existing.pk).exists():
        review.hold(register="schemes.scheme", field="code", record=existing, actor=ctx.actor,
                    label=f"{existing.code} · {existing.title}", url=reverse("schemes:detail", args=[existing.pk]))
        raise RowProblem("code", review.held_message("mã đề án"))
    on = v["planned_start"] or timezone.localdate()
    data = {
        "title": v["title"], "funding_source": v["funding_source"],
        "implementing_unit_name": v["implementing_unit_name"],
        "implementing_unit": unit_in_force(v["implementing_unit"], on),
        "planned_start": v["planned_start"], "planned_end": v["planned_end"], "actual_start": v["actual_start"],
        "actual_end": v["actual_end"], "notes": v["notes"] or "",
        **{k: v[k] if v[k] is not None else 0 for k in MONEY},
    }
    if existing is None or existing.activity_type.code != v["activity_type"]:
        data["activity_type"] = activity_type_on(v["activity_type"], on)
    beneficiaries = refs.establishment_list(v["beneficiaries"], "beneficiaries")
    steps = {
        "plan": refs.plan(v["plan_year"], v["funding_source"], v["plan_level"]),
        "appraisal_score": v["appraisal_score"], "appraisal_comments": v["appraisal_comments"] or "",
        "approval_decision_no": v["approval_decision_no"] or "",
        "approval_decision_date": v["approval_decision_date"],
        "contract_no": v["contract_no"] or "", "contract_date": v["contract_date"],
        "acceptance_date": v["acceptance_date"], "acceptance_record_no": v["acceptance_record_no"] or "",
    }
    target = v["progress"] or S.PROPOSED
    outcome = ctx.outcome(sheet)
    if existing is None:
        scheme = services.scheme_create(actor=ctx.actor, data={"code": code, **data}, beneficiaries=beneficiaries)
        advance(ctx.actor, scheme, target, steps)
        outcome.created += 1
        return
    if _update_scheme(ctx.actor, existing, data, beneficiaries, target, steps):
        outcome.updated += 1
    else:
        outcome.unchanged += 1


def _update_scheme(actor: User, scheme: Scheme, data: dict[str, Any], beneficiaries: list[Establishment],
                   target: str, steps: dict[str, Any]) -> bool:
    """Apply the row to an existing scheme; True if anything was written."""
    reached = progress_of(scheme)
    if data["actual_start"] is None and PROGRESS.index(reached) >= PROGRESS.index(S.IN_PROGRESS):
        del data["actual_start"]  # filled in by the service when work started; a blank cell keeps it
    changes = changed_fields(scheme, data)
    current = {e.pk for e in scheme.beneficiaries.all()}
    new_links = beneficiaries if {e.pk for e in beneficiaries} != current else None
    check_recorded_steps(scheme, reached, steps)
    if scheme.status in CLOSED:
        if changes or new_links is not None:
            services.scheme_update(actor=actor, scheme=scheme, data=changes, expected_version=None,
                                   beneficiaries=new_links)  # refuses, with the service's message
        return False
    if PROGRESS.index(target) < PROGRESS.index(reached):
        raise RowProblem("progress", f"Đề án đã ở bước “{S(reached).label}”; không thể lùi về "
                         f"“{S(target).label}”.")
    wrote = bool(changes) or new_links is not None
    if wrote:
        services.scheme_update(actor=actor, scheme=scheme, data=changes, expected_version=None,
                               beneficiaries=new_links)
    return advance(actor, scheme, target, steps) or wrote
