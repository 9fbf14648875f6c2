"""Programmes, annual plans, schemes, their money and lifecycle, support norms and activity details."""

from khuyencong.schemes.models.details import (
    CleanerProductionAssessment,
    CommunicationKind,
    CommunicationOutput,
    DemonstrationModel,
    MachineryItem,
)
from khuyencong.schemes.models.finance import Disbursement, SchemeAmendment, SupportNorm
from khuyencong.schemes.models.plans import ActivityType, AnnualPlan, FundingSource, Programme, ProgrammeLevel
from khuyencong.schemes.models.schemes import (
    AttachmentKind,
    Scheme,
    SchemeAttachment,
    SchemeBeneficiary,
    SchemeEvent,
    SchemeStatus,
)

__all__ = [
    "ActivityType", "AnnualPlan", "AttachmentKind", "CleanerProductionAssessment", "CommunicationKind",
    "CommunicationOutput", "DemonstrationModel", "Disbursement", "FundingSource", "MachineryItem", "Programme",
    "ProgrammeLevel", "Scheme", "SchemeAmendment", "SchemeAttachment", "SchemeBeneficiary", "SchemeEvent",
    "SchemeStatus", "SupportNorm",
]
