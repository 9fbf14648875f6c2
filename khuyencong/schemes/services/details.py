"""Activity-specific details: each kind only on schemes of its activity type, never after settlement.

Counts and money here feed the indicators (workers employed, their income, equipment value, reach), so
they are checked as non-negative integers; establishments named here must be in the actor's area.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require, visible_commune_ids
from khuyencong.core import services as core
from khuyencong.core.services import attribute
from khuyencong.establishments.models import Establishment
from khuyencong.schemes.models import (
    CleanerProductionAssessment,
    CommunicationKind,
    CommunicationOutput,
    DemonstrationModel,
    MachineryItem,
    Scheme,
)
from khuyencong.schemes.policy import may_edit
from khuyencong.schemes.services.schemes import refuse_frozen

DEMONSTRATION_FIELDS = {"host_establishment", "technology", "workers_employed", "avg_worker_income_vnd"}
MACHINERY_FIELDS = {"name", "quantity", "unit_price", "supplier", "sector_group"}
COMMUNICATION_FIELDS = {"kind", "title", "quantity", "reach"}
ASSESSMENT_FIELDS = {"establishment", "assessed_on", "findings", "annual_savings_vnd", "energy_saving_kwh",
                     "water_saving_m3"}
_MONEY = {"avg_worker_income_vnd", "unit_price", "annual_savings_vnd"}
_POSITIVE = {"quantity"}  # one item of nothing is not an item


def _guard(actor: User, scheme: Scheme, activity: str) -> None:
    require(may_edit(actor, scheme))
    refuse_frozen(scheme)
    if scheme.activity_type.code != activity:
        raise ValidationError({"__all__": _("Thông tin này chỉ dùng cho đề án loại “%(a)s”.") % {"a": activity}})


def _clean(data: Mapping[str, Any], allowed: set[str]) -> dict[str, Any]:
    """Unknown fields refused; numbers must be integers (≥ 1 for quantities, ≥ 0 otherwise); text trimmed."""
    errors: dict[str, str] = {name: _("Không thể sửa trường này ở đây.") for name in sorted(set(data) - allowed)}
    cleaned: dict[str, Any] = {}
    for key, raw in data.items():
        value: Any = raw.strip() if isinstance(raw, str) else raw
        number = isinstance(value, int) and not isinstance(value, bool)
        if key in _POSITIVE and not (number and value >= 1):
            errors[key] = _("Số lượng phải là số nguyên lớn hơn 0.")
        elif key in _MONEY and value is not None and not (number and value >= 0):
            errors[key] = _("Số tiền phải là số nguyên không âm, tính bằng đồng.")
        elif number and value < 0:
            errors[key] = _("Giá trị không được âm.")
        cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _in_area(actor: User, establishments: Iterable[Establishment | None], field: str) -> None:
    """A commune officer may only name establishments of their own communes (docs/architecture.md §2 area scoping)."""
    communes = visible_commune_ids(actor)
    if communes is None:
        return
    if any(e is not None and e.commune_id not in communes for e in establishments):
        raise ValidationError({field: _("Có cơ sở không tồn tại hoặc ngoài phạm vi của bạn.")})


@transaction.atomic
def demonstration_save(*, actor: User, scheme: Scheme, data: Mapping[str, Any],
                       adopters: Iterable[Establishment] | None = None, expected_version: int | None = None,
                       ) -> DemonstrationModel:
    """Create or update the scheme's demonstration model; ``adopters`` None leaves them unchanged."""
    _guard(actor, scheme, "demo_model")
    cleaned = _clean(data, DEMONSTRATION_FIELDS)
    _in_area(actor, [cleaned.get("host_establishment")], "host_establishment")
    chosen = list(adopters) if adopters is not None else None
    if chosen is not None:
        _in_area(actor, chosen, "adopters")
        host = cleaned.get("host_establishment")
        if host is not None and any(e.pk == host.pk for e in chosen):
            raise ValidationError({"adopters": _("Cơ sở thực hiện mô hình không tính là cơ sở nhân rộng.")})
    model = DemonstrationModel.objects.filter(scheme=scheme).first()
    if model is None:
        model = core.save_new(DemonstrationModel(scheme=scheme, **cleaned), actor=actor)
    else:
        for key, value in cleaned.items():
            setattr(model, key, value)
        core.save_changes(model, actor=actor, expected_version=expected_version)
    if chosen is not None:
        attribute(model, actor)  # m2m history rows name the actor too
        model.adopters.set(chosen)
    return model


@transaction.atomic
def machinery_item_add(*, actor: User, scheme: Scheme, data: Mapping[str, Any]) -> MachineryItem:
    _guard(actor, scheme, "machinery")
    return core.save_new(MachineryItem(scheme=scheme, **_clean(data, MACHINERY_FIELDS)), actor=actor)


@transaction.atomic
def communication_output_add(*, actor: User, scheme: Scheme, data: Mapping[str, Any]) -> CommunicationOutput:
    _guard(actor, scheme, "communication")
    cleaned = _clean(data, COMMUNICATION_FIELDS)
    if cleaned.get("kind") not in CommunicationKind.values:
        raise ValidationError({"kind": _("Loại sản phẩm truyền thông không hợp lệ.")})
    return core.save_new(CommunicationOutput(scheme=scheme, **cleaned), actor=actor)


@transaction.atomic
def cleaner_production_assessment_add(*, actor: User, scheme: Scheme,
                                      data: Mapping[str, Any]) -> CleanerProductionAssessment:
    _guard(actor, scheme, "cleaner_production")
    cleaned = _clean(data, ASSESSMENT_FIELDS)
    _in_area(actor, [cleaned.get("establishment")], "establishment")
    return core.save_new(CleanerProductionAssessment(scheme=scheme, **cleaned), actor=actor)


DETAIL_MODELS: dict[str, tuple[type[Any], str]] = {
    "machinery": (MachineryItem, "machinery"),
    "communication": (CommunicationOutput, "communication"),
    "assessment": (CleanerProductionAssessment, "cleaner_production"),
}


@transaction.atomic
def detail_item_remove(*, actor: User, scheme: Scheme, kind: str, item_id: int) -> None:
    """Remove one machinery item, communication output or assessment (history keeps a deletion row)."""
    model, activity = DETAIL_MODELS[kind]
    _guard(actor, scheme, activity)
    item = model.objects.filter(scheme=scheme, pk=item_id).first()
    if item is None:
        raise ValidationError({"__all__": _("Không tìm thấy mục cần xóa.")})
    core.delete_record(item, actor=actor)
