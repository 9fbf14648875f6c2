"""Writes of the typical-product scheme. Pages, the API and importers all come here."""

from khuyencong.products.services.nominations import check_eligibility, conflict_declare, nomination_create
from khuyencong.products.services.products import (
    other_certification_add,
    product_create,
    product_document_add,
    product_register,
    product_update,
)
from khuyencong.products.services.rounds import (
    TRANSITIONS,
    council_create,
    council_member_add,
    jury_warning,
    round_create,
    round_start_scoring,
)
from khuyencong.products.services.scoring import (
    certificate_revoke,
    recognition_decide,
    results_compute,
    round_approve,
    round_close_scoring,
    score_sheet_submit,
)

__all__ = [
    "TRANSITIONS", "certificate_revoke", "check_eligibility", "conflict_declare", "council_create",
    "council_member_add", "jury_warning", "nomination_create", "other_certification_add", "product_create",
    "product_document_add", "product_register",
    "product_update", "recognition_decide", "results_compute", "round_approve", "round_close_scoring",
    "round_create", "round_start_scoring", "score_sheet_submit",
]
