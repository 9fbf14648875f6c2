"""Home to-do of the typical-product scheme: jurors' dossiers, missing score sheets, rounds to move on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Role
from khuyencong.core.todo import SHOWN, TodoItem, TodoList
from khuyencong.products import policy, selectors
from khuyencong.products.models import CouncilMember, MemberRole, RoundStatus, SelectionRound

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
    """Rounds past their dossier deadline still open, and rounds scored but not yet approved by the council."""
    if not policy.may_view(user) or user.role not in {*policy.PROVINCE_MANAGERS, Role.COUNCIL_MEMBER}:
        return None
    since = today - dt.timedelta(days=WINDOW_DAYS)
    late = Q(status=RoundStatus.OPEN, dossier_deadline__lt=today) | Q(status=RoundStatus.SCORING_CLOSED)
    rounds = _managed_rounds(user, [RoundStatus.OPEN, RoundStatus.SCORING_CLOSED]).filter(late)
    recent = rounds.filter(dossier_deadline__gte=since)
    stats = recent.aggregate(n=Count("pk", distinct=True), oldest=Min("dossier_deadline"))
    items = [TodoItem(label=r.name, url=reverse("products:round", args=[r.pk]), due=r.dossier_deadline,
                      note=_("hết hạn nhận hồ sơ, cần bắt đầu chấm điểm") if r.status == RoundStatus.OPEN
                      else _("đã chấm xong, cần hội đồng thông qua biên bản"))
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
    items = [TodoItem(label=f"{c.product.name} · {c.level.label}", url=reverse("products:certificate", args=[c.pk]),
                      due=c.valid_until, note=_("chứng nhận số %(n)s hết hiệu lực") % {"n": c.number})
             for c in expiring[:SHOWN]]
    return TodoList(title=_("Chứng nhận sản phẩm tiêu biểu sắp hết hiệu lực"), count=stats["n"],
                    oldest_due=stats["oldest"], items=items, url=reverse("products:list"),
                    explanation=_("Hết hiệu lực trong 90 ngày tới: cần đăng ký bình chọn lại nếu muốn giữ danh hiệu."))
