"""Entering a product into a round: eligibility (Circular 26/2014 Art. 4, 15) and conflicts of interest."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.text import normalize
from khuyencong.geo.selectors import UnitNotFound, is_within
from khuyencong.products.models import (
    Certificate,
    ConflictDeclaration,
    CouncilMember,
    MemberRole,
    Nomination,
    Product,
    ProductDocument,
    RoundStatus,
    SelectionRound,
)
from khuyencong.products.policy import may_edit_product_of, may_manage_round


@dataclass
class Eligibility:
    eligible: bool = True
    reasons: dict[str, str] = field(default_factory=dict)
    lower_certificate: Certificate | None = None
    checks: list[dict[str, object]] = field(default_factory=list)

    def add(self, code: str, ok: bool, message: str) -> None:
        self.checks.append({"check": code, "ok": ok, "message": "" if ok else message})
        if not ok:
            self.eligible = False
            self.reasons.setdefault(code, message)


def certificate_in_force(product: Product, *, rank: int, on: dt.date) -> Certificate | None:
    """A certificate of ``product`` at the tier ``rank`` valid on ``on``.

    Matching on the tier rather than one level row lets a district certificate issued before
    1 July 2025 and still in force qualify a product for a provincial round held after the reform.
    """
    return (
        Certificate.objects.filter(product=product, level__rank=rank, revoked=False, issued_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-issued_on").first()
    )


def check_eligibility(*, product: Product, selection_round: SelectionRound, made_by_establishment: bool,
                      submitted_on: dt.date) -> Eligibility:
    result = Eligibility()
    day = selection_round.dossier_deadline
    result.add("made_by_establishment", made_by_establishment,
               _("Sản phẩm phải do chính cơ sở sản xuất."))
    result.add("one_off", not product.one_off,
               _("Sản phẩm độc bản (không sản xuất hàng loạt) không được tham gia bình chọn."))
    present = set(product.documents.values_list("kind", flat=True))
    missing = [kind for kind in product.group.required_documents if kind not in present]
    from khuyencong.products.models import DocumentKind

    result.add("documents", not missing, _("Hồ sơ còn thiếu giấy tờ: %(kinds)s.") % {
        "kinds": ", ".join(str(DocumentKind(k).label) for k in missing if k in DocumentKind.values)})
    result.add("deadline", submitted_on <= day, _("Hồ sơ nộp sau hạn %(day)s.") % {"day": day.strftime("%d/%m/%Y")})
    level = selection_round.level
    if level.rank <= 2:  # district/commune and province rounds take products of their own area
        try:
            inside = is_within(product.establishment.commune, selection_round.organiser, on=day)
        except UnitNotFound:
            inside = False
        result.add("area", inside, _("Cơ sở không thuộc địa bàn tổ chức bình chọn."))
    if level.requires_lower_id is not None:
        lower = level.requires_lower
        assert lower is not None
        certificate = certificate_in_force(product, rank=lower.rank, on=day)
        result.lower_certificate = certificate
        # The message names its legal basis (the level row's, as the data holds it) so the refusal can be checked.
        result.add("lower_level", certificate is not None, _(
            "Sản phẩm chưa có giấy chứng nhận sản phẩm CNNT tiêu biểu %(level)s còn hiệu lực vào ngày %(day)s: "
            "muốn tham gia bình chọn %(this)s phải có chứng nhận cấp dưới còn hiệu lực (%(basis)s)."
        ) % {"level": lower.label.lower(), "day": day.strftime("%d/%m/%Y"), "this": level.label.lower(),
             "basis": level.legal_basis or "Thông tư 26/2014/TT-BCT, Điều 4"})
    return result


@transaction.atomic
def nomination_create(*, actor: User, selection_round: SelectionRound, product: Product,
                      made_by_establishment: bool, submitted_on: dt.date | None = None,
                      registration_form_no: str = "", dossier_note: str = "") -> Nomination:
    """Register a dossier; refused (nothing saved) when the product is not eligible."""
    # The establishment (or the officers covering it) files its own dossier; the round's managers
    # (province staff, the council's secretary) register dossiers received on paper.
    require(may_edit_product_of(actor, product.establishment) or may_manage_round(actor, selection_round),
            _("Bạn chỉ được nộp hồ sơ cho sản phẩm của cơ sở mình quản lý."))
    if selection_round.status != RoundStatus.OPEN:
        raise ValidationError({"round": _("Đợt bình chọn đã ngừng nhận hồ sơ.")})
    if Nomination.objects.filter(round=selection_round, product=product).exists():
        raise ValidationError({"product": _("Sản phẩm này đã có hồ sơ trong đợt bình chọn.")})
    submitted_on = submitted_on or timezone.localdate()
    check = check_eligibility(product=product, selection_round=selection_round,
                              made_by_establishment=made_by_establishment, submitted_on=submitted_on)
    if not check.eligible:
        raise ValidationError({"product": list(check.reasons.values())}, code="ineligible")
    sequence = Nomination.objects.filter(round=selection_round).count() + 1
    nomination = Nomination(
        round=selection_round, product=product, submitted_on=submitted_on, made_by_establishment=True,
        registration_form_no=normalize(registration_form_no), dossier_note=normalize(dossier_note),
        lower_certificate=check.lower_certificate, eligibility=check.checks,
        selection_code=f"{selection_round.pk}-{sequence:03d}", dossier_snapshot=dossier_snapshot(product),
    )
    return core.save_new(nomination, actor=actor)


def _sha256(document: ProductDocument) -> str:
    if not document.file:
        return ""
    digest = hashlib.sha256()
    try:
        with document.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:  # a record whose file is gone: snapshotted without a hash rather than refused
        return ""
    return digest.hexdigest()


def dossier_snapshot(product: Product) -> list[dict[str, object]]:
    """The product's documents as they stand now (the living dossier carries forward; each round keeps this)."""
    return [{"id": d.pk, "kind": d.kind, "title": d.title, "sha256": _sha256(d)}
            for d in product.documents.order_by("pk")]


@transaction.atomic
def conflict_declare(*, actor: User, nomination: Nomination, reason: str, member: CouncilMember | None = None,
                     ) -> ConflictDeclaration:
    """A juror declares a conflict (or the secretary records it for them); the juror is recused."""
    selection_round = nomination.round
    if member is None:
        member = CouncilMember.objects.filter(council__round=selection_round, user=actor).first()
        require(member is not None, _("Bạn không phải thành viên hội đồng của đợt bình chọn này."))
    else:
        require(member.user_id == actor.pk or may_manage_round(actor, selection_round))
    assert member is not None
    if member.council.round_id != selection_round.pk or member.role != MemberRole.JUROR:
        raise ValidationError({"member": _("Chỉ giám khảo của đợt bình chọn này mới khai báo xung đột lợi ích.")})
    if selection_round.status not in (RoundStatus.OPEN, RoundStatus.SCORING):
        raise ValidationError({"nomination": _("Đợt bình chọn đã kết thúc chấm điểm.")})
    if member.scores.filter(nomination=nomination).exists():
        raise ValidationError({"nomination": _("Giám khảo đã chấm hồ sơ này; không thể khai báo sau khi chấm.")})
    if ConflictDeclaration.objects.filter(member=member, nomination=nomination).exists():
        raise ValidationError({"nomination": _("Đã khai báo xung đột lợi ích với hồ sơ này.")})
    reason = normalize(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy nêu lý do xung đột lợi ích.")})
    return core.save_new(ConflictDeclaration(member=member, nomination=nomination, reason=reason), actor=actor)
