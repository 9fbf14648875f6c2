"""Jurors' score sheets, closing the scoring, results, council approval, decision and certificates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.products.models import (
    Certificate,
    CombineMethod,
    ConflictDeclaration,
    CouncilMember,
    Criterion,
    MemberRole,
    Nomination,
    NominationStatus,
    RecognitionDecision,
    Result,
    RoundStatus,
    RuleSet,
    Score,
    SelectionRound,
)
from khuyencong.products.policy import may_be_seated, may_manage_round
from khuyencong.products.services.rounds import ROUND_LIFECYCLE, locked_round, move

CENT = Decimal("0.01")


def sheet_criteria(rule_set: RuleSet) -> QuerySet[Criterion]:
    """The lines a juror scores: the top-level criteria (sub-criteria are guidance printed on the sheet)."""
    return rule_set.criteria.filter(parent__isnull=True, product_group_code="").order_by("order", "code")


def juror_seat(actor: User, nomination: Nomination) -> CouncilMember:
    """The actor's juror seat for this nomination; refused for non-jurors and recused jurors."""
    seat = CouncilMember.objects.filter(council__round_id=nomination.round_id, user=actor,
                                        role=MemberRole.JUROR, removed_on__isnull=True).first()
    if seat is None or not may_be_seated(actor):
        raise PermissionDeniedError(_("Bạn không phải giám khảo của đợt bình chọn này."))
    if ConflictDeclaration.objects.filter(member=seat, nomination=nomination).exists():
        raise PermissionDeniedError(_("Bạn đã khai báo xung đột lợi ích với hồ sơ này nên không được chấm."))
    return seat


def _parse_points(raw: object, criterion: Criterion) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError({criterion.code: _("Điểm phải là một số.")}) from None
    if not value.is_finite() or value < 0 or value > criterion.max_points:
        raise ValidationError({criterion.code: _(
            "Điểm của tiêu chí “%(label)s” phải từ 0 đến %(max)d."
        ) % {"label": criterion.label, "max": criterion.max_points}})
    if value != value.quantize(CENT):
        raise ValidationError({criterion.code: _("Điểm chỉ được có tối đa hai chữ số thập phân.")})
    return value


@transaction.atomic
def score_sheet_submit(*, actor: User, nomination: Nomination, points: Mapping[str, object]) -> list[Score]:
    """Save one juror's whole sheet for one nomination (all lines or nothing); re-submitting revises it."""
    seat = juror_seat(actor, nomination)
    selection_round = locked_round(nomination.round)
    if selection_round.status != RoundStatus.SCORING:
        raise ValidationError({"round": _("Đợt bình chọn không ở giai đoạn chấm điểm; không thể lưu điểm.")})
    criteria = list(sheet_criteria(selection_round.rule_set))
    unknown = set(points) - {c.code for c in criteria}
    if unknown:
        raise ValidationError({"points": _("Tiêu chí không có trong phiếu chấm: %(c)s.") % {
            "c": ", ".join(sorted(unknown))}})
    missing = [c.code for c in criteria if c.code not in points]
    if missing:
        raise ValidationError({"points": _("Phải chấm đủ các tiêu chí: %(c)s.") % {"c": ", ".join(missing)}})
    parsed = {c.pk: (c, _parse_points(points[c.code], c)) for c in criteria}
    existing = {s.criterion_id: s for s in Score.objects.filter(member=seat, nomination=nomination)}
    saved = []
    for criterion_id, (criterion, value) in parsed.items():
        score = existing.get(criterion_id)
        if score is None:
            saved.append(core.save_new(Score(member=seat, nomination=nomination, criterion=criterion, points=value),
                                       actor=actor))
        elif score.points != value:
            score.points = value
            saved.append(core.save_changes(score, actor=actor, expected_version=score.version))
        else:
            saved.append(score)
    return saved


def _missing_sheets(selection_round: SelectionRound) -> int:
    """How many juror × nomination sheets are still incomplete, counted in SQL."""
    lines = sheet_criteria(selection_round.rule_set).count()
    jurors = CouncilMember.objects.filter(council__round=selection_round, role=MemberRole.JUROR,
                                          removed_on__isnull=True).count()
    nominations = selection_round.nominations.count()
    recusals = ConflictDeclaration.objects.filter(nomination__round=selection_round,
                                                  member__removed_on__isnull=True).count()
    expected_sheets = nominations * jurors - recusals
    complete = (
        Score.objects.filter(nomination__round=selection_round, member__removed_on__isnull=True)
        .values("nomination_id", "member_id").annotate(n=Count("pk")).filter(n=lines).count()
    )
    return expected_sheets - complete


def juror_totals(selection_round: SelectionRound) -> dict[int, dict[int, Decimal]]:
    """nomination id → {member id → total points}, summed in SQL (sheets of removed or replaced members and
    of recused jurors never count)."""
    rows = (Score.objects.filter(nomination__round=selection_round, member__removed_on__isnull=True)
            .exclude(Exists(ConflictDeclaration.objects.filter(member=OuterRef("member"),
                                                               nomination=OuterRef("nomination"))))
            .values("nomination_id", "member_id").annotate(total=Sum("points")))
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in rows:
        out[row["nomination_id"]][row["member_id"]] = Decimal(row["total"])
    return out


def combine(totals: Iterable[Decimal], rule_set: RuleSet) -> Decimal:
    values = sorted(totals)
    trim = rule_set.trim_count
    if rule_set.combine_method == CombineMethod.TRIMMED_MEAN and trim and len(values) > 2 * trim:
        values = values[trim:-trim]
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def apply_quota(passed: list[Decimal], seats: int | None) -> dict[Decimal, tuple[bool, bool]]:
    """Score → (within quota, tied at the boundary), walking the passing scores from the top."""
    entering: dict[Decimal, tuple[bool, bool]] = {}
    taken = 0
    for value in sorted(set(passed), reverse=True):
        tied = passed.count(value)
        if seats is None or taken + tied <= seats:
            entering[value] = (True, False)
            taken += tied
        elif taken < seats:  # several nominations share the last seats and do not all fit
            entering[value] = (False, True)
            taken = seats
        else:
            entering[value] = (False, False)
    return entering


def competition_ranks(values: Iterable[Decimal]) -> dict[Decimal, int]:
    """Score → rank, highest first, ties sharing a rank and the next rank skipping ("1, 1, 3")."""
    ordered = sorted(values, reverse=True)
    ranks: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        ranks.setdefault(value, position)
    return ranks


def results_compute(selection_round: SelectionRound) -> list[Result]:
    """Combined score, rank per product group, pass mark, then the quota in score order.

    Ties at the quota boundary: if every tied nomination fits in the remaining seats all enter;
    otherwise none enters automatically and all of them are flagged for the council to decide
    (Circular 26/2014 Art. 17: passing is necessary, the council decides how many are recognised).
    """
    rule_set = selection_round.rule_set
    pass_mark = rule_set.pass_mark_for(selection_round.level.code)
    totals = juror_totals(selection_round)
    nominations = list(selection_round.nominations.select_related("product__group").order_by("pk"))
    scored = {n.pk: combine(totals[n.pk].values(), rule_set) for n in nominations if totals.get(n.pk)}
    Result.objects.filter(nomination__round=selection_round).delete()
    by_group: dict[str, list[Decimal]] = defaultdict(list)
    for n in nominations:
        if n.pk in scored:
            by_group[n.product.group.code].append(scored[n.pk])
    passed = sorted((scored[n.pk] for n in nominations if n.pk in scored and scored[n.pk] >= pass_mark),
                    reverse=True)
    entering = apply_quota(passed, selection_round.quota)
    ranks = {group: competition_ranks(values) for group, values in by_group.items()}
    results = []
    for n in nominations:
        if n.pk not in scored:
            continue
        value = scored[n.pk]
        within, tie = entering.get(value, (False, False))
        ok = value >= pass_mark
        note = ""
        if tie:
            note = _("Đồng điểm tại ngưỡng chỉ tiêu, không đủ chỗ cho tất cả: hội đồng quyết định.")
        elif ok and not within:
            note = _("Đạt điểm nhưng ngoài chỉ tiêu.")
        elif not ok:
            note = _("Chưa đạt điểm tối thiểu %(mark)s.") % {"mark": pass_mark}
        result = Result(
            nomination=n, combined_score=value, juror_count=len(totals[n.pk]),
            rank_in_group=ranks[n.product.group.code][value],
            passed_mark=ok, within_quota=ok and within, tie_at_quota=ok and tie, proposed=ok and within, note=note,
        )
        result.save()
        results.append(result)
    return results


@transaction.atomic
def round_close_scoring(*, actor: User, selection_round: SelectionRound) -> list[Result]:
    ROUND_LIFECYCLE.authorise(actor, selection_round, RoundStatus.SCORING_CLOSED)
    selection_round = locked_round(selection_round)
    if selection_round.status != RoundStatus.SCORING:
        raise ValidationError({"status": _("Đợt bình chọn không ở giai đoạn chấm điểm.")})
    missing = _missing_sheets(selection_round)
    if missing:
        raise ValidationError({"status": _("Còn %(n)d phiếu chấm chưa hoàn thành.") % {"n": missing}})
    move(actor=actor, selection_round=selection_round, to=RoundStatus.SCORING_CLOSED)
    return results_compute(selection_round)


@transaction.atomic
def round_approve(*, actor: User, selection_round: SelectionRound, approved_ids: Iterable[int] | None = None,
                  note: str = "") -> SelectionRound:
    """The council adopts the list: the proposed nominations, or its own choice among those that passed."""
    ROUND_LIFECYCLE.authorise(actor, selection_round, RoundStatus.COUNCIL_APPROVED)
    selection_round = locked_round(selection_round)
    if selection_round.status != RoundStatus.SCORING_CLOSED:
        raise ValidationError({"status": _("Hội đồng chỉ thông qua khi đã kết thúc chấm điểm.")})
    results = {r.nomination_id: r for r in Result.objects.filter(nomination__round=selection_round)}
    chosen = {r.nomination_id for r in results.values() if r.proposed} if approved_ids is None else set(approved_ids)
    bad = [pk for pk in chosen if pk not in results or not results[pk].passed_mark]
    if bad:
        raise ValidationError({"approved_ids": _("Chỉ được công nhận hồ sơ đạt điểm tối thiểu.")})
    if selection_round.quota is not None and len(chosen) > selection_round.quota:
        raise ValidationError({"approved_ids": _("Số sản phẩm được thông qua (%(n)d) vượt chỉ tiêu %(q)d.") % {
            "n": len(chosen), "q": selection_round.quota}})
    for pk, result in results.items():
        if result.approved != (pk in chosen):
            result.approved = pk in chosen
            result.save()
    return move(actor=actor, selection_round=selection_round, to=RoundStatus.COUNCIL_APPROVED, note=note)


@transaction.atomic
def recognition_decide(*, actor: User, selection_round: SelectionRound, number: str,
                       decided_on: dt.date) -> RecognitionDecision:
    """The chairing authority's decision; one certificate per approved nomination (Circular 26/2014 Art. 17)."""
    ROUND_LIFECYCLE.authorise(actor, selection_round, RoundStatus.DECIDED)
    selection_round = locked_round(selection_round)
    if selection_round.status != RoundStatus.COUNCIL_APPROVED:
        raise ValidationError({"status": _(
            "Chưa thể ra quyết định công nhận: đợt bình chọn chưa kết thúc chấm điểm và chưa được hội đồng thông qua."
        )})
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Hãy nhập số quyết định.")})
    if decided_on < selection_round.dossier_deadline:
        raise ValidationError({"decided_on": _("Ngày quyết định không được trước hạn nhận hồ sơ.")})
    decision = core.save_new(RecognitionDecision(round=selection_round, number=number, decided_on=decided_on),
                             actor=actor)
    approved = (Nomination.objects.filter(round=selection_round)
                .select_related("product", "result").order_by("-result__combined_score", "pk"))
    level = selection_round.level
    sequence = 0
    for nomination in approved:
        is_approved = Result.objects.filter(nomination=nomination, approved=True).exists()
        nomination.status = NominationStatus.RECOGNISED if is_approved else NominationStatus.NOT_RECOGNISED
        core.save_changes(nomination, actor=actor, expected_version=nomination.version)
        if not is_approved:
            continue
        sequence += 1
        core.save_new(Certificate(
            decision=decision, nomination=nomination, product=nomination.product, level=level,
            number=f"{level.code.upper()}-{selection_round.year}-{selection_round.pk}-{sequence:03d}",
            year=selection_round.year, issued_on=decided_on,
            valid_until=selection_round.rule_set.valid_until(decided_on),
        ), actor=actor)
    move(actor=actor, selection_round=selection_round, to=RoundStatus.DECIDED, note=number)
    return decision


@transaction.atomic
def certificate_revoke(*, actor: User, certificate: Certificate, reason: str, revoked_on: dt.date) -> Certificate:
    require(may_manage_round(actor, certificate.decision.round))
    if certificate.revoked:
        raise ValidationError({"revoked": _("Giấy chứng nhận đã bị thu hồi.")})
    if not reason.strip():
        raise ValidationError({"revocation_reason": _("Hãy nêu lý do thu hồi.")})
    certificate.revoked, certificate.revoked_on, certificate.revocation_reason = True, revoked_on, reason.strip()
    return core.save_changes(certificate, actor=actor, expected_version=certificate.version)


