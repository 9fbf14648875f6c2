"""The products workbook read out: what the actor may see, one sheet at a time, in a few queries each."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import PROVINCE_WIDE, visible_commune_ids
from khuyencong.establishments.sheets import reference_values
from khuyencong.products.models import SCORES_PUBLIC_STATUSES, CouncilMember, Product, Score, SelectionRound
from khuyencong.products.selectors import certificates_for, nominations_for, products_for, rounds_for
from khuyencong.products.sheets.columns import CERTIFICATES, MEMBERS, NOMINATIONS, PRODUCTS, ROUNDS, SCORES


def _related(record: Any, name: str) -> Any:
    """A reverse one-to-one (council, decision) or None when the round has none."""
    try:
        return getattr(record, name)
    except Exception:  # RelatedObjectDoesNotExist is a subclass of the model's DoesNotExist
        return None


def _details_rounds(actor: User) -> QuerySet[SelectionRound]:
    """Rounds whose council and individual scores the actor may read (``scores_visible_to`` in SQL).

    Province staff and auditors: all; commune officers: rounds organised in their communes; anyone:
    rounds in whose council they sit.
    """
    rounds = rounds_for(actor)
    if actor.role in PROVINCE_WIDE - {Role.COUNCIL_MEMBER}:
        return rounds
    seat = Q(council__members__user=actor)
    if actor.role == Role.COMMUNE_OFFICER:
        seat |= Q(organiser_id__in=visible_commune_ids(actor) or set())
    return rounds.filter(seat).distinct()


def _round_cells(selection_round: SelectionRound) -> list[Any]:
    return [selection_round.level.code, selection_round.organiser.code, selection_round.year]


def _product_cells(product: Product) -> list[Any]:
    return [*reference_values(product.establishment), product.name]


_ROUND_RELATED = ("nomination__round__level", "nomination__round__organiser",
                  "nomination__product__establishment__commune")


def products_rows(actor: User) -> Iterable[Sequence[Any]]:
    for p in products_for(actor).order_by("pk").iterator(chunk_size=2000):
        yield [*_product_cells(p), p.group.code, p.description, p.one_off]


def rounds_rows(actor: User) -> Iterable[Sequence[Any]]:
    for r in rounds_for(actor).select_related("council", "decision").order_by("pk"):
        council, decision = _related(r, "council"), _related(r, "decision")
        yield [*_round_cells(r), r.name, r.plan_document_no, r.dossier_deadline, r.quota, r.status,
               council.name if council else "", council.decision_no if council else "",
               decision.number if decision else "", decision.decided_on if decision else None]


def members_rows(actor: User) -> Iterable[Sequence[Any]]:
    members = (CouncilMember.objects.filter(council__round__in=_details_rounds(actor).values("pk"))
               .select_related("council__round__level", "council__round__organiser", "user")
               .order_by("council__round_id", "pk"))
    for m in members.iterator(chunk_size=2000):
        yield [*_round_cells(m.council.round), m.user.username, m.role, m.title]


def nominations_rows(actor: User) -> Iterable[Sequence[Any]]:
    items = nominations_for(actor).select_related("round__organiser", "product__establishment__commune")
    for n in items.order_by("round_id", "pk").iterator(chunk_size=2000):
        yield [*_round_cells(n.round), *_product_cells(n.product), n.selection_code, n.submitted_on,
               n.registration_form_no, n.made_by_establishment, n.dossier_note, n.status]


def scores_rows(actor: User) -> Iterable[Sequence[Any]]:
    scores = (Score.objects
              .filter(nomination__in=nominations_for(actor).values("pk"),
                      nomination__round__in=_details_rounds(actor).values("pk"),
                      nomination__round__status__in=SCORES_PUBLIC_STATUSES)
              .select_related(*_ROUND_RELATED, "member__user", "criterion")
              .order_by("nomination__round_id", "nomination_id", "member_id", "criterion__order",
                        "criterion__code"))
    for s in scores.iterator(chunk_size=5000):
        yield [*_round_cells(s.nomination.round), *_product_cells(s.nomination.product), s.member.user.username,
               s.criterion.code, s.points]


def certificates_rows(actor: User) -> Iterable[Sequence[Any]]:
    items = certificates_for(actor).select_related(*_ROUND_RELATED).order_by("pk")
    for c in items.iterator(chunk_size=2000):
        yield [*_round_cells(c.nomination.round), *_product_cells(c.nomination.product), c.number, c.issued_on,
               c.valid_until, c.revoked, c.revoked_on, c.revocation_reason]


# Sheet name → the rows of that sheet the actor may read.
EXPORTERS: dict[str, Callable[[User], Iterable[Sequence[Any]]]] = {
    PRODUCTS.name: products_rows, ROUNDS.name: rounds_rows, MEMBERS.name: members_rows,
    NOMINATIONS.name: nominations_rows, SCORES.name: scores_rows, CERTIFICATES.name: certificates_rows,
}
