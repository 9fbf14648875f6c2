""""Is this a rural industrial (CNNT) establishment in an eligible area on date D?"

The rule in force on D is read from :class:`EligibilityRule` rows, never from code, because the
definition changed (Decree 45/2012 → Decree 235/2025) and may change again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from khuyencong.establishments.models import EligibilityRule, Establishment, LegalForm, Status
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import successors_on


@dataclass
class EligibilityResult:
    eligible: bool
    rule: EligibilityRule | None
    reasons: list[str] = field(default_factory=list)


def rule_on(day: dt.date) -> EligibilityRule | None:
    return EligibilityRule.objects.valid_on(day).order_by("-valid_from").first()


def _area_pattern_matches(pattern: str, commune: AdministrativeUnit) -> bool:
    unit_type, _sep, parent_type = pattern.partition("@")
    parent = commune.parent.unit_type if commune.parent else ""
    return unit_type in ("*", commune.unit_type) and parent_type in ("*", "", parent)


def _area_reasons(rule: EligibilityRule, establishment: Establishment, day: dt.date) -> list[str]:
    communes = successors_on(establishment.commune, on=day)
    if rule.craft_village_exempt and establishment.craft_village:
        return []
    excluded = [c for c in communes if any(_area_pattern_matches(p, c) for p in rule.excluded_areas)]
    if communes and len(excluded) == len(communes):
        return [_("Địa bàn %(unit)s không thuộc đối tượng theo %(basis)s.")
                % {"unit": excluded[0].full_name, "basis": rule.legal_basis}]
    return []


def check_eligibility(establishment: Establishment, *, on: dt.date) -> EligibilityResult:
    rule = rule_on(on)
    if rule is None:
        return EligibilityResult(False, None, [_("Chưa có quy định về đối tượng CNNT áp dụng cho ngày %(day)s.")
                                               % {"day": on.strftime("%d/%m/%Y")}])
    reasons = []
    if establishment.legal_form not in rule.legal_forms:
        reasons.append(_("Loại hình “%(form)s” không thuộc đối tượng theo %(basis)s.")
                       % {"form": LegalForm(establishment.legal_form).label, "basis": rule.legal_basis})
    if establishment.status != Status.ACTIVE:
        reasons.append(_("Cơ sở không ở trạng thái đang hoạt động."))
    reasons += _area_reasons(rule, establishment, on)
    return EligibilityResult(not reasons, rule, reasons)
