"""Writes on programmes, plans, schemes and their money. Web, API, admin and importers all come here."""

from khuyencong.schemes.services.attachments import attachment_add
from khuyencong.schemes.services.details import (
    cleaner_production_assessment_add,
    communication_output_add,
    demonstration_save,
    detail_item_remove,
    machinery_item_add,
)
from khuyencong.schemes.services.lifecycle import (
    TRANSITIONS,
    allowed_targets,
    scheme_amend,
    scheme_transition,
    scheme_transition_with_document,
)
from khuyencong.schemes.services.money import disbursement_create
from khuyencong.schemes.services.norms import support_norm_create, support_norm_revise, support_norm_update
from khuyencong.schemes.services.plans import (
    plan_create,
    plan_update,
    programme_create,
    programme_update,
)
from khuyencong.schemes.services.schemes import scheme_create, scheme_update

__all__ = [
    "TRANSITIONS", "allowed_targets", "attachment_add", "cleaner_production_assessment_add",
    "communication_output_add", "demonstration_save", "detail_item_remove", "disbursement_create",
    "machinery_item_add", "plan_create",
    "plan_update", "programme_create", "programme_update", "scheme_amend", "scheme_create", "scheme_transition",
    "scheme_transition_with_document", "scheme_update", "support_norm_create", "support_norm_revise",
    "support_norm_update",
]
