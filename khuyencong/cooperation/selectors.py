"""Reads on cooperation records: activities scoped by organising unit; partners visible to readers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Collate
from django.http import Http404

from khuyencong.accounts.models import User
from khuyencong.cooperation.models import Activity, ActivityParticipant, Agreement, Partner
from khuyencong.cooperation.policy import may_read, scope_training
from khuyencong.core.collation import COLLATION
from khuyencong.core.lookup import one_or_404


def partners_for(user: User) -> QuerySet[Partner]:
    items = Partner.objects.annotate(activity_count=Count("activities", distinct=True))
    return items.order_by(Collate("name", COLLATION), "pk") if may_read(user) else items.none()


def partner_get(user: User, pk: Any) -> Partner:
    return one_or_404(partners_for(user), pk)


def agreements_for(user: User) -> QuerySet[Agreement]:
    items = Agreement.objects.select_related("partner").order_by("-signed_on", "pk")
    return items if may_read(user) else items.none()


def agreement_get(user: User, pk: Any) -> Agreement:
    return one_or_404(agreements_for(user), pk)


def activities_for(user: User) -> QuerySet[Activity]:
    base = Activity.objects.select_related("partner", "agreement", "organising_unit", "venue_unit")
    return scope_training(base, user, commune_path="organising_unit_id")


def activity_list(user: User, *, kind: str = "", partner: str = "") -> QuerySet[Activity]:
    items = activities_for(user).annotate(participant_count=Count("participants"))
    if kind:
        items = items.filter(kind=kind)
    if partner.isdigit() and len(partner) <= 18:  # a longer id cannot exist and would overflow the driver
        items = items.filter(partner_id=int(partner))
    return items.order_by("-start_date", "pk")


def activity_get(user: User, pk: Any) -> Activity:
    """One activity in the caller's scope, with ``participant_count`` as in the list; 404 otherwise."""
    return one_or_404(activities_for(user).annotate(participant_count=Count("participants")), pk)


def activity_participants(activity: Activity) -> QuerySet[ActivityParticipant]:
    return (activity.participants.select_related("person__commune")
            .order_by(Collate("person__full_name", COLLATION), "pk"))


def participant_get(activity: Activity, pk: Any) -> ActivityParticipant:
    """A participant of ``activity`` (already loaded through the caller's scope); 404 otherwise."""
    try:
        return activity.participants.select_related("person", "activity__organising_unit").get(pk=int(pk))
    except (ActivityParticipant.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
