"""Activity-specific details: each kind only on schemes of its activity type, never after settlement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.establishments.models import Establishment
from khuyencong.schemes.models import (
    CleanerProductionAssessment,
    CommunicationOutput,
    DemonstrationModel,
    MachineryItem,
    Scheme,
)
from khuyencong.schemes.policy import may_edit
from khuyencong.schemes.services.schemes import refuse_frozen


def _guard(actor: User, scheme: Scheme, activity: str) -> None:
    require(may_edit(actor, scheme))
    refuse_frozen(scheme)
    if scheme.activity_type.code != activity:
        raise ValidationError({"__all__": _("Thông tin này chỉ dùng cho đề án loại “%(a)s”.") % {"a": activity}})


@transaction.atomic
def demonstration_save(*, actor: User, scheme: Scheme, data: Mapping[str, Any],
                       adopters: Iterable[Establishment] = (), expected_version: int | None = None,
                       ) -> DemonstrationModel:
    _guard(actor, scheme, "demo_model")
    model = DemonstrationModel.objects.filter(scheme=scheme).first()
    if model is None:
        model = core.save_new(DemonstrationModel(scheme=scheme, **data), actor=actor)
    else:
        for key, value in data.items():
            setattr(model, key, value)
        core.save_changes(model, actor=actor, expected_version=expected_version)
    model.adopters.set(list(adopters))
    return model


@transaction.atomic
def machinery_item_add(*, actor: User, scheme: Scheme, data: Mapping[str, Any]) -> MachineryItem:
    _guard(actor, scheme, "machinery")
    return core.save_new(MachineryItem(scheme=scheme, **data), actor=actor)


@transaction.atomic
def communication_output_add(*, actor: User, scheme: Scheme, data: Mapping[str, Any]) -> CommunicationOutput:
    _guard(actor, scheme, "communication")
    return core.save_new(CommunicationOutput(scheme=scheme, **data), actor=actor)


@transaction.atomic
def cleaner_production_assessment_add(*, actor: User, scheme: Scheme,
                                      data: Mapping[str, Any]) -> CleanerProductionAssessment:
    _guard(actor, scheme, "cleaner_production")
    return core.save_new(CleanerProductionAssessment(scheme=scheme, **data), actor=actor)
