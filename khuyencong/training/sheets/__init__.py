"""Training register: courses, participants (học viên + lượt tham gia) and follow-ups after training.

Natural keys (documented in ``docs/import-formats.md``):

* a course by its code (``Mã lớp``);
* a person by the national ID (CCCD). A person without one is identified by the folded full name +
  birth date (or, when only the year is known, birth year) + commune of residence — the same rule
  the training services use to flag suspected duplicates. Such a row never matches a stored person
  who has an ID number; if a stored person with an ID matches the name, birth date and commune, the
  row is refused as a suspected duplicate (as ``person_create`` does) instead of creating a second
  record;
* a participation by person + course, so a person in several courses is one person with several
  participations (người vs lượt in the report);
* a follow-up by participation + follow-up date.

The participant sheet is the high-volume path (100,000-row files): it prefetches courses, persons
and participations by key and checks each row's cells with the model's own field validators; every
record it creates or changes goes through the training app's ``ParticipantBatch`` — the rules and the
write path of ``participant_enrol`` and the bulk enrol page (person checks, enrolment, the status
transitions, follow-up milestones) — which writes new persons, participations and their status events
set-wise (``core.bulk``: ``COPY`` on PostgreSQL, history rows copied by the database) and changed ones
with ``bulk_update_with_history``, so every created or changed record still has its history row.
Courses and follow-ups are few and go through the training services one by one.

Personal data: the export writes full ID numbers and phones only for persons the actor may see
unmasked (``training.policy.sees_personal_data``); for others it writes the masked values, and the
import refuses masked values with a message instead of storing them.

Courses organised by other provinces are exported like the rest: an ordinary import refuses them, as
the forms do, and a system administrator's migration between installations (``import --system``)
carries them.

Modules: ``specs`` (columns and keys), ``common`` (import state, validators, keys, lookups),
``persons`` (the person columns), ``participants``, ``courses``, ``follow_ups`` (one per sheet) and
``export``. Names with a leading underscore are private to this package.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from khuyencong.accounts.models import User
from khuyencong.exchange.registry import register
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.training import policy
from khuyencong.training.policy import may_edit as may_edit_training
from khuyencong.training.sheets.courses import _import_courses
from khuyencong.training.sheets.export import _export_courses, _export_follow_ups, _export_participants
from khuyencong.training.sheets.follow_ups import _import_follow_ups
from khuyencong.training.sheets.participants import _flush_new, _ParticipantImport
from khuyencong.training.sheets.specs import COURSES, FOLLOW_UPS, PARTICIPANTS


class TrainingRegister:
    code = "training"
    title = "Đào tạo: lớp, học viên, theo dõi việc làm"
    sheets = (COURSES, PARTICIPANTS, FOLLOW_UPS)

    def may_import(self, user: User) -> bool:
        """May this role create the register's records at all? Row scope is the services' own."""
        return may_edit_training(user)

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        if not policy.may_read(actor):
            return iter(())
        if sheet is COURSES:
            return _export_courses(actor)
        if sheet is PARTICIPANTS:
            return _export_participants(actor)
        return _export_follow_ups(actor)

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        if not policy.may_edit(ctx.actor):
            if rows:
                ctx.problem(sheet, None, None, "Vai trò của bạn không được nhập dữ liệu đào tạo.")
            return
        if sheet is COURSES:
            _import_courses(sheet, rows, ctx)
        elif sheet is PARTICIPANTS:
            _ParticipantImport(sheet, rows, ctx).run()
        else:
            _import_follow_ups(sheet, rows, ctx)

    def finish(self, ctx: ImportContext) -> None:
        _flush_new(ctx)


TRAINING = register(TrainingRegister())

__all__ = ["COURSES", "FOLLOW_UPS", "PARTICIPANTS", "TRAINING"]
