"""Personal-data actions that must leave a trace: unmasking an ID number and a data-subject export.

Law 91/2025/QH15 and Decree 356/2025/NĐ-CP: access to personal data is logged, and a data subject may
obtain everything held about them (answered within 2 working days).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.training import policy
from khuyencong.training.models import AccessKind, FollowUp, Person, PersonalDataAccess

NO_RIGHT = _("Vai trò của bạn không được xem số định danh đầy đủ của người này.")


def _log(actor: User, person: Person, kind: str) -> PersonalDataAccess:
    entry = PersonalDataAccess(actor=actor, person=person, kind=kind)
    entry._history_user = actor  # type: ignore[attr-defined]
    entry.save()
    return entry


def disclosure_log(*, actor: User, kind: str, subject: str, count: int) -> PersonalDataAccess:
    """One access-log row for a disclosure of many persons at once: who, what, how many, when.

    Register and list exports log only when they wrote someone's data in full (``count`` > 0); a
    stored import file is logged on every download, ``count`` being its rows (it is not read for it).
    """
    entry = PersonalDataAccess(actor=actor, kind=kind, subject=subject[:255], count=count)
    entry._history_user = actor  # type: ignore[attr-defined]
    entry.save()
    return entry


@transaction.atomic
def person_unmask_id(*, actor: User, person: Person) -> str:
    """Return the full ID number and log the view; roles without the right are refused."""
    require(policy.sees_personal_data(actor, person), str(NO_RIGHT))
    _log(actor, person, AccessKind.UNMASKED_ID)
    return person.national_id or ""


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
