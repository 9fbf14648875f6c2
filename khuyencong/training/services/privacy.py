"""Personal-data actions that must leave a trace: unmasking an ID number, searching by one, and a
data-subject export.

Law 91/2025/QH15 and Decree 356/2025/NĐ-CP: access to personal data is logged, and a data subject may
obtain everything held about them (answered within 2 working days).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import ratelimit
from khuyencong.core.errors import RateLimitedError
from khuyencong.core.services import attribute
from khuyencong.training import policy, selectors
from khuyencong.training.models import AccessKind, FollowUp, Person, PersonalDataAccess

NO_RIGHT = _("Vai trò của bạn không được xem số định danh đầy đủ của người này.")


def _log(actor: User, person: Person | None, kind: str) -> PersonalDataAccess:
    entry = PersonalDataAccess(actor=actor, person=person, kind=kind)
    attribute(entry, actor)
    entry.save()
    return entry


def disclosure_log(*, actor: User, kind: str, subject: str, count: int) -> PersonalDataAccess:
    """One access-log row for a disclosure of many persons at once: who, what, how many, when.

    Register and list exports log only when they wrote someone's data in full (``count`` > 0); a
    stored import file is logged on every download, ``count`` being its rows (it is not read for it).
    """
    entry = PersonalDataAccess(actor=actor, kind=kind, subject=subject[:255], count=count)
    attribute(entry, actor)
    entry.save()
    return entry


@transaction.atomic
def person_unmask_id(*, actor: User, person: Person) -> str:
    """Return the full ID number and log the view; roles without the right are refused."""
    require(policy.sees_personal_data(actor, person), str(NO_RIGHT))
    _log(actor, person, AccessKind.UNMASKED_ID)
    return person.national_id or ""


ID_LENGTH = 12


def id_query(q: str) -> str | None:
    """The digits of a search that is an ID number search (digits and spaces only), else None."""
    digits = "".join((q or "").split())
    return digits if digits.isdigit() else None


def person_search(*, actor: User, q: str) -> QuerySet[Person]:
    """The person search of the list page, the API, the pickers and the enrolment boxes.

    A name search is a plain scoped read. An ID number search (issue 21) confirms or denies a guess,
    so it is reserved to roles that may see full IDs, limited per user and minute (RateLimitedError,
    a 429) and logged: one access-log row per person found, or one without a person when nobody
    matched (the number searched is not stored: the log must not become a list of ID numbers).
    """
    digits = id_query(q)
    if digits is None:
        return selectors.person_list(actor, q)
    require(policy.may_search_by_id(actor), _(
        "Vai trò của bạn không được tìm học viên theo số định danh; hãy tìm theo họ tên."))
    if len(digits) != ID_LENGTH:  # no ID number has this shape: nothing to find, nothing to guess
        return Person.objects.none()
    limit = settings.PERSON_ID_LOOKUPS_PER_MINUTE
    if not ratelimit.allow("person_id_search", actor.pk, limit):
        raise RateLimitedError(_(
            "Bạn đã tìm theo số định danh quá %(n)s lần trong một phút; hãy thử lại sau ít phút.") % {"n": limit})
    with transaction.atomic():  # the answer and its log rows together (a name search writes nothing)
        found = selectors.persons_with_id(actor, digits)
        for person in found:
            _log(actor, person, AccessKind.ID_SEARCH)
        if not found:
            _log(actor, None, AccessKind.ID_SEARCH)
    return found


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: _iso(getattr(obj, name)) for name in fields}


_PERSON_FIELDS = ["id", "national_id", "full_name", "birth_date", "birth_year", "gender", "ethnicity", "role",
                  "phone", "restricted", "restriction_note", "created_at", "updated_at"]
_CONSENT_FIELDS = ["id", "purpose", "basis", "given_at", "withdrawn_at", "note"]
_FOLLOW_UP_FIELDS = ["id", "date", "status", "employer_text", "monthly_income_vnd", "note"]


def _participations(person: Person) -> list[dict[str, Any]]:
    rows = []
    follow_ups = FollowUp.objects.filter(participation__person=person).select_related("employer")
    by_participation: dict[int, list[dict[str, Any]]] = {}
    for f in follow_ups:
        row = {**_row(f, _FOLLOW_UP_FIELDS), "employer": f.employer.name if f.employer else None}
        by_participation.setdefault(f.participation_id, []).append(row)
    for p in person.participations.select_related("course__course_type").prefetch_related("events"):
        rows.append({
            "id": p.pk, "status": p.status, "certificate_no": p.certificate_no,
            "course": {"code": p.course.code, "title": p.course.title, "type": p.course.course_type.code,
                       "start_date": _iso(p.course.start_date), "end_date": _iso(p.course.end_date),
                       "organiser": p.course.organiser},
            "events": [{"from": e.from_status, "to": e.to_status, "at": _iso(e.at), "note": e.note}
                       for e in p.events.all()],
            "follow_ups": by_participation.get(p.pk, []),
        })
    return rows


@transaction.atomic
def person_export(*, actor: User, person: Person) -> dict[str, Any]:
    """Everything held about one person, and nothing about anyone else (data-subject access request)."""
    require(policy.sees_personal_data(actor, person), _("Bạn không có quyền xuất dữ liệu cá nhân của người này."))
    _log(actor, person, AccessKind.EXPORT)
    person = Person.objects.select_related("commune", "employer").get(pk=person.pk)
    return {
        "person": {**_row(person, _PERSON_FIELDS), "commune": {"code": person.commune.code,
                                                               "name": person.commune.name},
                   "employer": person.employer.name if person.employer else None},
        "consents": [_row(c, _CONSENT_FIELDS) for c in person.consents.order_by("given_at", "pk")],
        "participations": _participations(person),
        "merged_records": [{"merged_person_id": m.merged_person_id, "merged_name": m.merged_name, "at": _iso(m.at)}
                           for m in person.merges.order_by("at")],
        "access_log": [{"at": _iso(a.at), "kind": a.kind, "by": str(a.actor) if a.actor else None}
                       for a in person.data_accesses.select_related("actor").order_by("at", "pk")],
    }
