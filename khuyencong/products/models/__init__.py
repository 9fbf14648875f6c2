"""Models of the typical-product scheme (Circular 26/2014/TT-BCT, consolidated VBHN 46/VBHN-BCT)."""

from khuyencong.products.models.catalog import (
    CombineMethod,
    Criterion,
    DocumentKind,
    PassMark,
    ProductGroup,
    RecognitionLevel,
    RuleSet,
    in_force,
)
from khuyencong.products.models.products import OtherCertification, Product, ProductDocument
from khuyencong.products.models.rounds import (
    SCORES_PUBLIC_STATUSES,
    Certificate,
    ConflictDeclaration,
    Council,
    CouncilMember,
    MemberRole,
    Nomination,
    NominationStatus,
    RecognitionDecision,
    Result,
    RoundEvent,
    RoundStatus,
    Score,
    SelectionRound,
)

__all__ = [
    "SCORES_PUBLIC_STATUSES", "Certificate", "CombineMethod", "ConflictDeclaration", "Council", "CouncilMember",
    "Criterion", "DocumentKind", "MemberRole", "Nomination", "NominationStatus", "OtherCertification", "PassMark",
    "Product", "ProductDocument", "ProductGroup", "RecognitionDecision", "RecognitionLevel", "Result",
    "RoundEvent", "RoundStatus", "RuleSet", "Score", "SelectionRound", "in_force",
]
