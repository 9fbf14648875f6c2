"""Recording selection rounds that already took place (imports of earlier years' files).

The live services drive a round step by step: dossiers while it is open, each juror scoring their
own sheet, the council approving, the decision numbering the certificates. A round held years ago
cannot be replayed that way: its jurors are not here to score, its certificates carry their real
numbers, and a 2017 provincial round needs the 2015 district certificates that arrive in the same
file. These functions record such a round as it ended, with the same checks on every fact:

* who may create and manage the round, the level, rule set and organiser in force on its deadline;
* council rules: one chair and one secretary, an odd jury for a scored round;
* scores only from a juror of the round's council who has not declared a conflict of interest on
  the dossier, each within 0 and the criterion's maximum with at most two decimals, every sheet
  complete;
* only dossiers that passed the mark are recognised, never more than the quota;
* certificates only for recognised dossiers of a decided round, on or after the decision date.

A dossier's eligibility is computed and stored as for a live one. Facts of the product itself (made
by the establishment, not a one-off, inside the organising area, submitted on time) are enforced;
missing dossier documents (kept on paper for past rounds) and lower-level certificates issued
outside this system are stored as failed checks instead of refusing the record.

A round that is still open is not history: its dossiers and council go through the live services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require, visible_commune_ids
from khuyencong.core import services as core
from khuyencong.core.locking import locked
from khuyencong.core.text import normalize
from khuyencong.products.models import (
    SCORES_PUBLIC_STATUSES,
    Certificate,
    ConflictDeclaration,
    Council,
    CouncilMember,
    Criterion,
    MemberRole,
    Nomination,
    NominationStatus,
    Product,
    RecognitionDecision,
    Result,
    RoundStatus,
    Score,
    SelectionRound,
)
from khuyencong.products.policy import (
    PROVINCE_MANAGERS,
    may_create_round,
    may_edit_product_of,
    may_manage_round,
)
from khuyencong.products.services.nominations import Eligibility, check_eligibility, nomination_create
from khuyencong.products.services.rounds import (
    ROUND_LIFECYCLE,
    check_single_role,
    council_create,
    council_member_add,
    seat_save,
    validate_round,
)
from khuyencong.products.services.scoring import _parse_points, results_compute, sheet_criteria

HISTORICAL_NOTE = "Ghi nhận đợt bình chọn đã diễn ra (nhập từ tệp)"
# Facts of the product and dossier that a past round must also have satisfied.
HARD_CHECKS = ("made_by_establishment", "one_off", "area", "deadline")
ROUND_FIELDS = ("name", "plan_document_no", "dossier_deadline", "quota")
NOMINATION_FIELDS = ("selection_code", "submitted_on", "registration_form_no", "made_by_establishment",
                     "dossier_note", "status")
CERTIFICATE_FIELDS = ("number", "issued_on", "valid_until", "revoked", "revoked_on", "revocation_reason")


@transaction.atomic
def round_record(*, actor: User, data: Mapping[str, Any], selection_round: SelectionRound | None = None,
                 ) -> SelectionRound:
    """Create a round in the status it reached, or correct the descriptive fields of a stored one.

    A recorded status other than "open" leaves one ``RoundEvent`` saying the round was recorded, not
    driven; an existing round's status only moves through the live transitions.
    """
    if selection_round is None:
        require(may_create_round(actor))
        selection_round = SelectionRound(**data)
        selection_round.name = normalize(selection_round.name or "")
        if selection_round.organiser_id and actor.role not in PROVINCE_MANAGERS:
            require(selection_round.organiser_id in (visible_commune_ids(actor) or set()),
                    _("Bạn chỉ được tổ chức bình chọn trên địa bàn mình phụ trách."))
        selection_round.full_clean()
        validate_round(selection_round)
        core.save_new(selection_round, actor=actor)
        if selection_round.status != RoundStatus.OPEN:
            ROUND_LIFECYCLE.record(selection_round, actor=actor, source=RoundStatus.OPEN,
                                   target=selection_round.status, note=HISTORICAL_NOTE)
        return selection_round
    require(may_manage_round(actor, selection_round))
    if data.get("status", selection_round.status) != selection_round.status:
        raise ValidationError({"status": _(
            "Không đổi trạng thái đợt bình chọn bằng tệp nhập; hãy dùng các bước chuyển trạng thái của đợt.")})
    for key in ROUND_FIELDS:
        if key in data:
            setattr(selection_round, key, data[key])
    selection_round.name = normalize(selection_round.name)
    validate_round(selection_round)
    return core.save_changes(selection_round, actor=actor, expected_version=selection_round.version)


@transaction.atomic
def council_record(*, actor: User, selection_round: SelectionRound, name: str, decision_no: str = "",
                   ) -> Council | None:
    """The round's council, created or renamed; None when the round has none and none is named."""
    council = Council.objects.filter(round=selection_round).first()
    name, decision_no = normalize(name), normalize(decision_no)
    if council is None:
        if not name and not decision_no:
            return None
        if not name:
            raise ValidationError({"name": _("Hãy ghi tên hội đồng bình chọn.")})
        return council_create(actor=actor, selection_round=selection_round, name=name, decision_no=decision_no)
    if (council.name, council.decision_no) == (name, decision_no):
        return council
    require(may_manage_round(actor, selection_round))
    if not name:
        raise ValidationError({"name": _("Hãy ghi tên hội đồng bình chọn.")})
    council.name, council.decision_no = name, decision_no
    return core.save_changes(council, actor=actor, expected_version=council.version)


@transaction.atomic
def decision_record(*, actor: User, selection_round: SelectionRound, number: str, decided_on: dt.date | None,
                    ) -> RecognitionDecision | None:
    """The recognition decision of a decided round (required there, refused anywhere else)."""
    number = normalize(number)
    decision = RecognitionDecision.objects.filter(round=selection_round).first()
    if selection_round.status != RoundStatus.DECIDED:
        if number or decided_on:
            raise ValidationError({"number": _(
                "Chỉ đợt bình chọn ở trạng thái “Đã có quyết định công nhận” mới có quyết định công nhận.")})
        return None
    if not number:
        raise ValidationError({"number": _("Đợt bình chọn đã có quyết định công nhận: hãy ghi số quyết định.")})
    if decided_on is None:
        raise ValidationError({"decided_on": _("Hãy ghi ngày quyết định công nhận.")})
    if decided_on < selection_round.dossier_deadline:
        raise ValidationError({"decided_on": _("Ngày quyết định không được trước hạn nhận hồ sơ.")})
    if decision is not None and (decision.number, decision.decided_on) == (number, decided_on):
        return decision
    require(may_manage_round(actor, selection_round))
    if decision is None:
        return core.save_new(RecognitionDecision(round=selection_round, number=number, decided_on=decided_on),
                             actor=actor)
    if decision.certificates.filter(issued_on__lt=decided_on).exists():
        raise ValidationError({"decided_on": _("Đã có giấy chứng nhận cấp trước ngày quyết định này.")})
    decision.number, decision.decided_on = number, decided_on
    return core.save_changes(decision, actor=actor, expected_version=decision.version)


@transaction.atomic
def member_record(*, actor: User, council: Council, user: User, role: str, title: str = "",
                  member: CouncilMember | None = None) -> CouncilMember:
    """A council seat: the live service while the round is open, otherwise recorded with the same rules.

    An account that has since been deactivated may still be recorded as a past round's juror.
    """
    selection_round = council.round
    title = normalize(title)
    if member is None and selection_round.status == RoundStatus.OPEN:
        return council_member_add(actor=actor, council=council, user=user, role=role, title=title)
    require(may_manage_round(actor, selection_round))
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Vai trò trong hội đồng không hợp lệ.")})
    locked(Council, council.pk)  # as in council_member_add: seat changes of one council queue here
    check_single_role(council, role, member)
    if member is None:
        if CouncilMember.objects.filter(council=council, user=user).exists():
            raise ValidationError({"user": _("Người này đã là thành viên hội đồng.")})
        return seat_save(CouncilMember(council=council, user=user, role=role, title=title), actor=actor)
    if member.role != role and (member.scores.exists() or member.conflicts.exists()):
        raise ValidationError({"role": _("Giám khảo đã chấm điểm hoặc khai báo xung đột: không đổi được vai trò.")})
    member.role, member.title = role, title
    return seat_save(member, actor=actor)


def _check_status(selection_round: SelectionRound, status: str) -> None:
    decided = selection_round.status == RoundStatus.DECIDED
    final = status in (NominationStatus.RECOGNISED, NominationStatus.NOT_RECOGNISED)
    if decided and not final:
        raise ValidationError({"status": _(
            "Đợt bình chọn đã có quyết định: hãy ghi hồ sơ “Được công nhận” hoặc “Không được công nhận”.")})
    if final and not decided:
        raise ValidationError({"status": _("Chỉ đợt bình chọn đã có quyết định công nhận mới có kết quả công nhận.")})


def _check_hard_facts(product: Product, selection_round: SelectionRound, data: Mapping[str, Any]) -> Eligibility:
    check = check_eligibility(product=product, selection_round=selection_round,
                              made_by_establishment=bool(data["made_by_establishment"]),
                              submitted_on=data["submitted_on"])
    failed = [check.reasons[code] for code in HARD_CHECKS if code in check.reasons]
    if failed:
        raise ValidationError({"product": failed}, code="ineligible")
    return check


@transaction.atomic
def nomination_record(*, actor: User, selection_round: SelectionRound, product: Product, data: Mapping[str, Any],
                      nomination: Nomination | None = None) -> Nomination:
    """A dossier of a round: live creation while the round is open, otherwise recorded as it ended."""
    require(may_edit_product_of(actor, product.establishment) or may_manage_round(actor, selection_round),
            _("Bạn chỉ được nộp hồ sơ cho sản phẩm của cơ sở mình quản lý."))
    status = data.get("status") or NominationStatus.SUBMITTED
    if nomination is None and selection_round.status == RoundStatus.OPEN:
        _check_status(selection_round, status)
        created = nomination_create(
            actor=actor, selection_round=selection_round, product=product,
            made_by_establishment=bool(data["made_by_establishment"]), submitted_on=data["submitted_on"],
            registration_form_no=data.get("registration_form_no", ""), dossier_note=data.get("dossier_note", ""))
        if data.get("selection_code") and data["selection_code"] != created.selection_code:
            created.selection_code = normalize(data["selection_code"])
            core.save_changes(created, actor=actor, expected_version=created.version)
        return created
    _check_status(selection_round, status)
    values = {key: data[key] for key in NOMINATION_FIELDS if key in data}
    values["status"] = status
    for key in ("selection_code", "registration_form_no", "dossier_note"):
        if key in values:
            values[key] = normalize(values[key] or "")
    if nomination is None:
        if Nomination.objects.filter(round=selection_round, product=product).exists():
            raise ValidationError({"product": _("Sản phẩm này đã có hồ sơ trong đợt bình chọn.")})
        check = _check_hard_facts(product, selection_round, values)
        return core.save_new(Nomination(round=selection_round, product=product, eligibility=check.checks,
                                        lower_certificate=check.lower_certificate, **values), actor=actor)
    if status != NominationStatus.RECOGNISED and Certificate.objects.filter(nomination=nomination).exists():
        raise ValidationError({"status": _("Hồ sơ đã có giấy chứng nhận nên phải là “Được công nhận”.")})
    if values.get("submitted_on", nomination.submitted_on) != nomination.submitted_on or bool(
            values.get("made_by_establishment", nomination.made_by_establishment)) != nomination.made_by_establishment:
        nomination.eligibility = _check_hard_facts(product, selection_round, {**values}).checks
    for key, value in values.items():
        setattr(nomination, key, value)
    return core.save_changes(nomination, actor=actor, expected_version=nomination.version)


@transaction.atomic
def score_record(*, actor: User, nomination: Nomination, member: CouncilMember, criterion: Criterion,
                 points: object, score: Score | None = None) -> Score:
    """One line of a past juror's sheet, typed in from the paper sheet by whoever manages the round.

    Scores of a round still being scored are refused: each juror enters their own sheet (independence).
    """
    selection_round = nomination.round
    require(may_manage_round(actor, selection_round),
            _("Bạn không quản lý đợt bình chọn này nên không được nhập điểm."))
    if selection_round.status not in SCORES_PUBLIC_STATUSES:
        raise ValidationError({"points": _(
            "Chỉ nhập điểm của đợt bình chọn đã kết thúc chấm điểm; khi đang chấm, mỗi giám khảo tự nhập phiếu "
            "của mình.")})
    if member.council.round_id != selection_round.pk or member.role != MemberRole.JUROR:
        raise ValidationError({"member": _("Người này không phải giám khảo của đợt bình chọn này.")})
    if ConflictDeclaration.objects.filter(member=member, nomination=nomination).exists():
        raise ValidationError({"member": _(
            "Giám khảo đã khai báo xung đột lợi ích với hồ sơ này nên không được chấm.")})
    if not sheet_criteria(selection_round.rule_set).filter(pk=criterion.pk).exists():
        raise ValidationError({"criterion": _("Tiêu chí không thuộc phiếu chấm của đợt bình chọn này.")})
    try:
        value = _parse_points(points, criterion)
    except ValidationError as exc:  # the live sheet keys errors by criterion code; here it is one cell
        raise ValidationError({"points": exc.messages}) from None
    if score is None:
        return core.save_new(Score(nomination=nomination, member=member, criterion=criterion, points=value),
                             actor=actor)
    score.points = value
    return core.save_changes(score, actor=actor, expected_version=score.version)


def _check_sheets(selection_round: SelectionRound) -> None:
    lines = sheet_criteria(selection_round.rule_set).count()
    partial = (Score.objects.filter(nomination__round=selection_round).values("nomination_id", "member_id")
               .annotate(n=Count("pk")).exclude(n=lines).count())
    if partial:
        raise ValidationError({"points": _("Có %(n)d phiếu chấm chưa đủ điểm các tiêu chí.") % {"n": partial}})
    scored = Score.objects.filter(nomination__round=selection_round).exists()
    jurors = CouncilMember.objects.filter(council__round=selection_round, role=MemberRole.JUROR).count()
    if scored and jurors % 2 == 0:
        raise ValidationError({"member": _("Ban giám khảo phải có số thành viên lẻ (hiện có %(n)d).") % {"n": jurors}})


@transaction.atomic
def results_record(*, actor: User, selection_round: SelectionRound) -> list[Result]:
    """Recompute a past round's results from its scores and mark what the council approved.

    Approved = recognised for a decided round, proposed for a round the council has only approved.
    Dossiers recorded without any score (score sheets not kept) get no result row.
    """
    require(may_manage_round(actor, selection_round))
    if selection_round.status not in SCORES_PUBLIC_STATUSES:
        return []
    _check_sheets(selection_round)
    results = results_compute(selection_round)
    decided = selection_round.status == RoundStatus.DECIDED
    recognised = set(Nomination.objects.filter(round=selection_round, status=NominationStatus.RECOGNISED)
                     .values_list("pk", flat=True))
    scored = {r.nomination_id for r in results}
    failing = [r for r in results if r.nomination_id in recognised and not r.passed_mark]
    if failing:
        raise ValidationError({"status": _("Chỉ được công nhận hồ sơ đạt điểm tối thiểu (%(n)d hồ sơ chưa đạt).") % {
            "n": len(failing)}})
    if scored and recognised - scored:
        raise ValidationError({"status": _("Có hồ sơ được công nhận nhưng chưa có điểm chấm.")})
    approved = recognised if decided else {r.nomination_id for r in results if r.proposed}
    if selection_round.quota is not None and len(approved) > selection_round.quota:
        raise ValidationError({"status": _("Số sản phẩm được công nhận (%(n)d) vượt chỉ tiêu %(q)d.") % {
            "n": len(approved), "q": selection_round.quota}})
    for result in results:
        if result.approved != (result.nomination_id in approved):
            result.approved = result.nomination_id in approved
            result.save()
    return results


@transaction.atomic
def certificate_record(*, actor: User, nomination: Nomination, data: Mapping[str, Any],
                       certificate: Certificate | None = None) -> Certificate:
    """The certificate a past decision issued, with its own number; revocation recorded with its reason."""
    selection_round = nomination.round
    require(may_manage_round(actor, selection_round))
    decision = RecognitionDecision.objects.filter(round=selection_round).first()
    if selection_round.status != RoundStatus.DECIDED or decision is None:
        raise ValidationError({"number": _("Đợt bình chọn chưa có quyết định công nhận.")})
    if nomination.status != NominationStatus.RECOGNISED:
        raise ValidationError({"number": _("Chỉ cấp giấy chứng nhận cho hồ sơ được công nhận.")})
    values = {key: data[key] for key in CERTIFICATE_FIELDS if key in data}
    values["number"] = normalize(values.get("number") or "")
    values["revocation_reason"] = normalize(values.get("revocation_reason") or "")
    if not values["number"]:
        raise ValidationError({"number": _("Hãy ghi số giấy chứng nhận.")})
    issued_on = values.get("issued_on") or decision.decided_on
    values["issued_on"] = issued_on
    if issued_on < decision.decided_on:
        raise ValidationError({"issued_on": _("Ngày cấp không được trước ngày quyết định công nhận %(day)s.") % {
            "day": decision.decided_on.strftime("%d/%m/%Y")}})
    if values.get("revoked"):
        if not values.get("revoked_on") or not values["revocation_reason"]:
            raise ValidationError({"revoked_on": _("Giấy chứng nhận bị thu hồi phải có ngày và lý do thu hồi.")})
    elif values.get("revoked_on") or values["revocation_reason"]:
        raise ValidationError({"revoked": _("Có ngày hoặc lý do thu hồi thì phải đánh dấu “đã thu hồi”.")})
    if certificate is None:
        return core.save_new(Certificate(decision=decision, nomination=nomination, product=nomination.product,
                                         level=selection_round.level, year=selection_round.year, **values),
                             actor=actor)
    for key, value in values.items():
        setattr(certificate, key, value)
    return core.save_changes(certificate, actor=actor, expected_version=certificate.version)


def points_equal(stored: Decimal, given: object) -> bool:
    """Whether a cell's points equal the stored score (so re-importing leaves the score alone)."""
    try:
        return Decimal(str(given)) == stored
    except ArithmeticError:
        return False
