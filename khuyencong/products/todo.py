"""Home to-do of the typical-product scheme: jurors' dossiers, missing score sheets, rounds to move on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, DateField, Max, Min, Prefetch, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Role
from khuyencong.core.todo import SHOWN, TodoItem, TodoList
from khuyencong.products import policy, selectors
from khuyencong.products.models import (
    ConflictDeclaration,
    CouncilMember,
    DocumentKind,
    MemberRole,
    Nomination,
    ProductDocument,
    RoundStatus,
    Score,
    SelectionRound,
)

WINDOW_DAYS = 365  # rounds left open for more than a year are counted, not listed


def dossiers_to_score(user: Any, *, today: dt.date) -> TodoList | None:
    """A juror's dossiers in rounds now scoring that they have not scored yet (recusals excluded)."""
    if not policy.may_view(user):
        return None
    queue: QuerySet[Any] = selectors.juror_queue(user)  # annotated with ``my_lines``
    queue = queue.filter(round__status=RoundStatus.SCORING).filter(my_lines=0)
    shown = list(queue[:SHOWN])
    items = [TodoItem(label=f"{n.selection_code} · {n.product.name}", url=reverse("products:score", args=[n.pk]),
                      note=n.round.name) for n in shown]
    return TodoList(
        title=_("Hồ sơ bạn cần chấm điểm"), count=queue.count() if shown else 0, items=items,
        url=reverse("products:juror_queue", args=[shown[0].round_id]) if shown else reverse("products:list"),
        explanation=_("Hồ sơ của các đợt đang chấm điểm mà bạn chưa nộp phiếu; thư ký hội đồng kết thúc chấm "
                      "điểm khi mọi giám khảo đã nộp."),
    )


def _managed_rounds(user: Any, statuses: list[str]) -> Any:
    rounds = SelectionRound.objects.filter(status__in=statuses)
    if user.role in policy.PROVINCE_MANAGERS:
        return rounds
    seats = CouncilMember.objects.filter(user=user, role__in=[MemberRole.SECRETARY, MemberRole.CHAIR])
    return rounds.filter(council__members__in=seats).distinct()


def missing_score_sheets(user: Any, *, today: dt.date) -> TodoList | None:
    """Secretaries (and province staff): score sheets still missing in rounds now scoring."""
    if not policy.may_view(user) or user.role not in {*policy.PROVINCE_MANAGERS, Role.COUNCIL_MEMBER}:
        return None
    rounds = list(_managed_rounds(user, [RoundStatus.SCORING]).order_by("dossier_deadline", "pk")[:SHOWN])
    items, missing = [], 0
    for selection_round in rounds:
        gaps = sum(row["expected"] - row["done"] for row in selectors.juror_progress(selection_round))
        if gaps > 0:
            missing += gaps
            items.append(TodoItem(label=selection_round.name, url=reverse("products:round", args=[selection_round.pk]),
                                  note=_("%(n)s phiếu chấm chưa nộp") % {"n": gaps}))
    return TodoList(title=_("Phiếu chấm điểm còn thiếu"), count=missing, items=items,
                    url=reverse("products:list"),
                    explanation=_("Số phiếu (giám khảo × hồ sơ, trừ trường hợp tự khai xung đột lợi ích) chưa nộp."))


def rounds_to_start(user: Any, *, today: dt.date) -> TodoList | None:
    """Rounds past their dossier deadline still open: scoring should start (rounds scored wait in
    :func:`minutes_to_finish`)."""
    if not policy.may_view(user) or user.role not in {*policy.PROVINCE_MANAGERS, Role.COUNCIL_MEMBER}:
        return None
    since = today - dt.timedelta(days=WINDOW_DAYS)
    rounds = _managed_rounds(user, [RoundStatus.OPEN]).filter(dossier_deadline__lt=today)
    recent = rounds.filter(dossier_deadline__gte=since)
    stats = recent.aggregate(n=Count("pk", distinct=True), oldest=Min("dossier_deadline"))
    items = [TodoItem(label=r.name, url=reverse("products:round", args=[r.pk]), due=r.dossier_deadline,
                      note=_("hết hạn nhận hồ sơ, cần bắt đầu chấm điểm"))
             for r in recent.order_by("dossier_deadline", "pk")[:SHOWN]]
    return TodoList(title=_("Đợt bình chọn cần chuyển bước"), count=stats["n"], oldest_due=stats["oldest"],
                    items=items, url=reverse("products:list"),
                    explanation=_("Theo hạn nhận hồ sơ của đợt (trong 1 năm qua)."),
                    older_count=rounds.filter(dossier_deadline__lt=since).count(), older_url=reverse("products:list"),
                    older_label=_("quá hạn trên 1 năm"))


def open_rounds(user: Any, *, today: dt.date) -> TodoList | None:
    """Representatives and commune officers: rounds accepting dossiers, nearest deadline first."""
    if getattr(user, "role", "") not in {Role.ESTABLISHMENT_REP, Role.COMMUNE_OFFICER} or not policy.may_view(user):
        return None
    rounds = SelectionRound.objects.filter(status=RoundStatus.OPEN, dossier_deadline__gte=today)
    stats = rounds.aggregate(n=Count("pk"), oldest=Min("dossier_deadline"))
    items = [TodoItem(label=r.name, url=reverse("products:round", args=[r.pk]), due=r.dossier_deadline,
                      note=_("hạn nộp hồ sơ")) for r in rounds.order_by("dossier_deadline", "pk")[:SHOWN]]
    return TodoList(title=_("Đợt bình chọn sản phẩm đang nhận hồ sơ"), count=stats["n"],
                    oldest_due=stats["oldest"], items=items, url=reverse("products:list"),
                    explanation=_("Đăng ký sản phẩm và nộp hồ sơ trước hạn ghi bên cạnh."))


EXPIRY_AHEAD_DAYS = 90  # a recognition lapses: re-nominate in time (the next round takes months)


def certificates_expiring(user: Any, *, today: dt.date) -> TodoList | None:
    """Province staff and representatives: recognitions in their scope that lapse within three months."""
    if getattr(user, "role", "") not in {*policy.PROVINCE_MANAGERS, Role.ESTABLISHMENT_REP}:
        return None
    if not policy.may_view(user):
        return None
    expiring = (selectors.certificates_for(user)
                .filter(revoked=False, valid_until__gte=today,
                        valid_until__lte=today + dt.timedelta(days=EXPIRY_AHEAD_DAYS))
                .order_by("valid_until", "pk"))
    stats = expiring.aggregate(n=Count("pk"), oldest=Min("valid_until"))
    # Each warning opens the re-rating: the next suitable open round's nomination form, or why there is none.
    items = [TodoItem(label=f"{c.product.name} · {c.level.label}", url=reverse("products:rerate", args=[c.pk]),
                      due=c.valid_until, note=_("chứng nhận số %(n)s hết hiệu lực – đăng ký bình chọn lại") % {
                          "n": c.number})
             for c in expiring[:SHOWN]]
    return TodoList(title=_("Chứng nhận sản phẩm tiêu biểu sắp hết hiệu lực"), count=stats["n"],
                    oldest_due=stats["oldest"], items=items, url=reverse("products:list"),
                    explanation=_("Hết hiệu lực trong 90 ngày tới: cần đăng ký bình chọn lại nếu muốn giữ danh hiệu."))


def _sheets_by_round(round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Round id → (sheets expected, sheets handed in), as ``selectors.juror_progress`` counts them, in four
    queries for all the rounds: jurors × dossiers − recusals, and (juror, dossier) pairs with scores."""
    def per_round(rows: QuerySet[Any], key: str) -> dict[int, int]:
        return {row[key]: row["n"] for row in rows.values(key).annotate(n=Count("pk")).order_by()}

    dossiers = per_round(Nomination.objects.filter(round_id__in=round_ids), "round_id")
    jurors = per_round(CouncilMember.objects.filter(council__round_id__in=round_ids, role=MemberRole.JUROR,
                                                    removed_on__isnull=True),
                       "council__round_id")
    recusals = per_round(ConflictDeclaration.objects.filter(nomination__round_id__in=round_ids,
                                                            member__role=MemberRole.JUROR,
                                                            member__removed_on__isnull=True), "nomination__round_id")
    done: dict[int, int] = {}
    sheets = (Score.objects.filter(nomination__round_id__in=round_ids, member__role=MemberRole.JUROR,
                                   member__removed_on__isnull=True)
              .values("nomination__round_id", "member_id").annotate(n=Count("nomination", distinct=True)).order_by())
    for row in sheets:
        done[row["nomination__round_id"]] = done.get(row["nomination__round_id"], 0) + row["n"]
    return {pk: (dossiers.get(pk, 0) * jurors.get(pk, 0) - recusals.get(pk, 0), done.get(pk, 0)) for pk in round_ids}


def minutes_to_finish(user: Any, *, today: dt.date) -> TodoList | None:
    """Secretaries and chairs (and province staff): rounds whose every score sheet is in but whose scoring
    is not closed, and rounds with computed results the council has not adopted.

    The model keeps no minutes document: the council's minutes are its adoption of the results
    (``round_approve``), after the secretary closes scoring (``round_close_scoring`` computes them).
    """
    if not policy.may_view(user) or user.role not in {*policy.PROVINCE_MANAGERS, Role.COUNCIL_MEMBER}:
        return None
    rounds = list(_managed_rounds(user, [RoundStatus.SCORING, RoundStatus.SCORING_CLOSED])
                  .annotate(since=TruncDate(Max("events__at"), output_field=DateField()))
                  .only("pk", "name", "status", "dossier_deadline"))
    tally = _sheets_by_round([r.pk for r in rounds if r.status == RoundStatus.SCORING])
    ready = [r for r in rounds if r.status == RoundStatus.SCORING_CLOSED
             or (tally[r.pk][0] > 0 and tally[r.pk][1] >= tally[r.pk][0])]
    ready.sort(key=lambda r: (r.since or r.dossier_deadline, r.pk))
    items = [TodoItem(label=r.name, url=reverse("products:round", args=[r.pk]), due=r.since or r.dossier_deadline,
                      note=_("đủ phiếu chấm: kết thúc chấm điểm để tính kết quả") if r.status == RoundStatus.SCORING
                      else _("đã có kết quả: hội đồng thông qua biên bản"))
             for r in ready[:SHOWN]]
    return TodoList(title=_("Biên bản hội đồng cần hoàn tất"), count=len(ready), items=items,
                    oldest_due=items[0].due if items else None,
                    url=items[0].url if len(items) == 1 else reverse("products:list"),
                    explanation=_("Đợt đã nộp đủ phiếu chấm nhưng chưa kết thúc chấm điểm, hoặc đã tính kết quả mà "
                                  "hội đồng chưa thông qua; ngày ghi bên cạnh là ngày của bước gần nhất."))


def documents_missing(user: Any, *, today: dt.date) -> TodoList | None:
    """A representative's products that lack a document their group requires to enter a round (Art. 15)."""
    if getattr(user, "role", "") != Role.ESTABLISHMENT_REP or not policy.may_view(user):
        return None
    kinds = Prefetch("documents", queryset=ProductDocument.objects.only("pk", "product_id", "kind"))
    # One establishment's products: few rows, checked here because the required list is JSON on the group.
    products = selectors.products_for(user).prefetch_related(kinds).order_by("name", "pk")
    lacking = []
    for product in products:
        present = {d.kind for d in product.documents.all()}
        missing = [str(DocumentKind(k).label) for k in product.group.required_documents
                   if k not in present and k in DocumentKind.values]
        if missing:
            lacking.append(TodoItem(label=product.name, url=reverse("products:product", args=[product.pk]),
                                    note=_("còn thiếu: %(kinds)s") % {"kinds": ", ".join(missing)}))
    return TodoList(title=_("Sản phẩm còn thiếu giấy tờ để nộp hồ sơ bình chọn"), count=len(lacking),
                    items=lacking[:SHOWN], url=reverse("products:list"),
                    explanation=_("Hồ sơ bình chọn chỉ được nhận khi sản phẩm có đủ giấy tờ bắt buộc của nhóm sản "
                                  "phẩm; tải giấy tờ lên trang của sản phẩm."))


# This app's to-do lists on the home page (registered by core.appconfig).
TODO_LISTS = {
    "products.to_score": dossiers_to_score,
    "products.missing_sheets": missing_score_sheets,
    "products.rounds_to_start": rounds_to_start,
    "products.open_rounds": open_rounds,
    "products.certificates_expiring": certificates_expiring,
    "products.minutes": minutes_to_finish,
    "products.documents_missing": documents_missing,
}
