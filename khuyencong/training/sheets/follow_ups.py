"""The follow-up sheet: employment results after training, through the training services."""

from __future__ import annotations

from typing import Any

from khuyencong.core.errors import SERVICE_ERRORS
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.training import services
from khuyencong.training.models import FollowUp, Participation
from khuyencong.training.sheets.common import (
    _course_code,
    _courses_by_code,
    _employer,
    _person_key,
    _report,
    _state,
    _unknown_course,
)
from khuyencong.training.sheets.courses import _changes
from khuyencong.training.sheets.participants import _flush_new
from khuyencong.training.sheets.persons import _PersonReader

_FOLLOW_UP_FIELDS = ("status", "employer_text", "employer", "monthly_income_vnd", "note")


def _import_follow_ups(sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
    ctx.outcome(sheet)  # present in the result even when every row is refused
    _flush_new(ctx)  # follow-ups may name persons and participations created by the participant sheet
    state = _state(ctx)
    persons = _PersonReader(ctx, sheet, rows, full=False)
    courses = _courses_by_code(ctx, (_course_code(r.values) for r in rows))
    for row in rows:
        code = _course_code(row.values)
        course = courses.get(code)
        values = persons.values(row)
        if course is None:
            _unknown_course(ctx, sheet, row, code)
            continue
        if values is None:
            continue
        person = persons.lookup(_person_key(values))
        person_id = getattr(person, "pk", None)  # persons created by this file's participant sheet have one by now
        participation = (Participation.objects.select_related("person", "course__course_type")
                         .filter(person_id=person_id, course=course).first() if person_id else None)
        if participation is None:
            ctx.problem(sheet, row, "national_id", f"Không tìm thấy học viên này trong lớp “{code}”: hãy ghi "
                                                   "học viên ở trang “Học viên” trước.")
            continue
        key = (participation.pk, row.values["date"])
        if key in state.follow_ups:
            ctx.problem(sheet, row, "date", f"Trùng với dòng {state.follow_ups[key]}: một học viên chỉ có một kết "
                                            "quả theo dõi cho mỗi ngày.")
            continue
        state.follow_ups[key] = row.number
        data = {name: row.values[name] for name in _FOLLOW_UP_FIELDS if name != "employer"}
        data["employer_text"], data["note"] = data["employer_text"] or "", data["note"] or ""
        employer_ok, data["employer"] = _employer(ctx, sheet, row)
        if not employer_ok:
            continue
        _save_follow_up(sheet, row, ctx, participation, data)


def _save_follow_up(sheet: SheetSpec, row: Row, ctx: ImportContext, participation: Participation,
                    data: dict[str, Any]) -> None:
    outcome = ctx.outcome(sheet)
    stored = list(FollowUp.objects.filter(participation=participation, date=row.values["date"]))
    same = [f for f in stored if not _changes(f, data)]
    if same:
        outcome.unchanged += 1
        return
    try:
        if not stored:
            services.follow_up_record(actor=ctx.actor, participation=participation,
                                      data={"date": row.values["date"], **data})
            outcome.created += 1
        elif len(stored) == 1:
            services.follow_up_update(actor=ctx.actor, follow_up=stored[0], data=data)
            outcome.updated += 1
        else:
            ctx.problem(sheet, row, "date", "Đã có nhiều kết quả theo dõi khác nhau vào ngày này; hãy sửa trên "
                                            "trang của học viên.")
    except SERVICE_ERRORS as error:
        _report(ctx, sheet, row, error)
