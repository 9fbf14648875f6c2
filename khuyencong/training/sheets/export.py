"""The training register's export: courses, participants (masked as the actor must see them), follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from khuyencong.accounts.models import User
from khuyencong.training import policy
from khuyencong.training.masking import mask_national_id, mask_phone
from khuyencong.training.models import FollowUp, Participation, Person
from khuyencong.training.selectors import courses_for


def _exported_courses(actor: User) -> Any:
    """Every course the actor sees, those organised by other provinces included: ordinary imports refuse
    them (as the forms do) and a system administrator's migration (``import --system``) carries them."""
    return courses_for(actor)


class _Masking:
    """Full ID and phone only where ``sees_personal_data`` allows it (decided once per commune)."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.memo: dict[int, bool] = {}

    def full(self, commune_id: int) -> bool:
        if commune_id not in self.memo:
            self.memo[commune_id] = policy.sees_personal_data(self.actor, Person(commune_id=commune_id))
        return self.memo[commune_id]

    def national_id(self, commune_id: int, value: str | None) -> str:
        return (value or "") if self.full(commune_id) else mask_national_id(value)

    def phone(self, commune_id: int, value: str) -> str:
        return value if self.full(commune_id) else mask_phone(value)


def _export_courses(actor: User) -> Iterator[list[Any]]:
    courses = _exported_courses(actor).order_by("code")
    for c in courses:
        yield [c.code, c.title, c.course_type.code, c.scheme.code if c.scheme else None, c.organiser,
               c.organising_unit.code, c.trainer, c.venue_unit, c.abroad_country, c.abroad_city, c.start_date,
               c.end_date, c.planned_participants, c.actual_participants, c.notes]


_PERSON_COLUMNS = ("person__national_id", "person__full_name", "person__birth_date", "person__birth_year",
                   "person__commune__code", "person__commune__name", "person__commune_id")


def _EMPLOYER_COLUMNS(path: str) -> tuple[str, str, str]:  # noqa: N802  (reads like the constant it is)
    """The establishment reference cells (see ``establishments.reference_values``) as value lookups."""
    return (f"{path}__tax_code", f"{path}__name", f"{path}__commune__code")


def _export_participants(actor: User) -> Iterator[list[Any]]:
    masking = _Masking(actor)
    rows = (Participation.objects.filter(course__in=_exported_courses(actor))
            .order_by("course__code", "pk")
            .values_list("course__code", *_PERSON_COLUMNS, "person__gender", "person__ethnicity", "person__role",
                         "person__phone", *_EMPLOYER_COLUMNS("person__employer"), "status", "certificate_no"))
    for (code, nid, name, birth_date, birth_year, commune, commune_name, commune_id, gender, ethnicity, role, phone,
         tax_code, employer, employer_commune, status, certificate) in rows.iterator(chunk_size=5000):
        yield [code, masking.national_id(commune_id, nid), name, birth_date, birth_year, f"{commune} - {commune_name}",
               gender, ethnicity,
               role, masking.phone(commune_id, phone), tax_code or "", employer or "", employer_commune or "",
               status, certificate]


def _export_follow_ups(actor: User) -> Iterator[list[Any]]:
    masking = _Masking(actor)
    prefixed = tuple(f"participation__{c}" for c in ("course__code", *_PERSON_COLUMNS))
    rows = (FollowUp.objects.filter(participation__course__in=_exported_courses(actor))
            .order_by("participation__course__code", "participation_id", "date", "pk")
            .values_list(*prefixed, "date", "status", "employer_text", *_EMPLOYER_COLUMNS("employer"),
                         "monthly_income_vnd", "note"))
    for (code, nid, name, birth_date, birth_year, commune, commune_name, commune_id, day, status, employer_text,
         tax_code, employer, employer_commune, income, note) in rows.iterator(chunk_size=5000):
        yield [code, masking.national_id(commune_id, nid), name, birth_date, birth_year, f"{commune} - {commune_name}",
               day, status,
               employer_text, tax_code or "", employer or "", employer_commune or "", income, note]
