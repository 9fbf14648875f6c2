"""The course sheet: courses through the training services, one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.urls import reverse

from khuyencong.core import review
from khuyencong.core.errors import SERVICE_ERRORS
from khuyencong.core.text import normalize
from khuyencong.exchange.normalise import CellError
from khuyencong.exchange.spec import ImportContext, Row, SheetSpec
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.schemes.selectors import visible_schemes
from khuyencong.training import services
from khuyencong.training.models import Course, CourseType
from khuyencong.training.sheets.common import _chunks, _may_edit_unit, _report, _state, _units
from khuyencong.training.sheets.specs import COURSES

_COURSE_FIELDS = ("title", "course_type", "scheme", "organiser", "organising_unit", "trainer", "venue_unit",
                  "abroad_country", "abroad_city", "start_date", "end_date", "planned_participants",
                  "actual_participants", "notes")


def _organising_unit(ctx: ImportContext, text: str, day: dt.date | None) -> AdministrativeUnit:
    """A province (2-digit code) or a commune (5-digit code), or either by name, in force on the start date."""
    units = _units(ctx)
    text = text.strip()
    levels = ("province",) if text.isdigit() and len(text) <= 2 else (
        ("commune",) if text.isdigit() else ("province", "commune"))
    error: CellError | None = None
    for level in levels:
        try:
            return units.resolve(text, level=level, on=day)
        except CellError as exc:
            error = error or exc
    assert error is not None
    raise error


def _course_values(ctx: ImportContext, row: Row) -> dict[str, Any] | None:
    v = row.values
    ok = True
    values: dict[str, Any] = {name: v.get(name) for name in _COURSE_FIELDS}
    for name in ("title", "organiser", "trainer", "abroad_country", "abroad_city", "notes"):
        values[name] = v[name] or ""
    values["planned_participants"] = v["planned_participants"] or 0
    types = [t for t in CourseType.objects.filter(code=v["course_type"]).order_by("valid_from")
             if v["start_date"] is None or t.is_valid_on(v["start_date"])]
    if not types:
        ctx.problem(COURSES, row, "course_type", f"Loại lớp “{v['course_type']}” không có hiệu lực vào ngày "
                                                 "khai giảng.")
        ok = False
    values["course_type"] = types[-1] if types else None
    if v["scheme"]:
        values["scheme"] = visible_schemes(ctx.actor).filter(code=v["scheme"].strip().upper()).first()
        if values["scheme"] is None:
            ctx.problem(COURSES, row, "scheme", "Không tìm thấy đề án khuyến công này hoặc bạn không có quyền "
                                                "xem đề án.")
            ok = False
    else:
        values["scheme"] = None
    try:
        values["organising_unit"] = _organising_unit(ctx, str(v["organising_unit"]), v["start_date"])
    except CellError as error:
        ctx.problem(COURSES, row, "organising_unit", str(error))
        ok = False
    return values if ok else None


def _changes(record: Model, values: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``values`` that differ from ``record`` (related records compared by id)."""
    changes = {}
    for name, new in values.items():
        old = getattr(record, name)
        if isinstance(new, Model) or isinstance(old, Model) or new is None or old is None:
            if getattr(new, "pk", new) != getattr(old, "pk", old):
                changes[name] = new
        elif new != old:
            changes[name] = new
    return changes


def _import_courses(sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
    outcome = ctx.outcome(sheet)
    codes = [normalize(r.values["code"]).upper() for r in rows]
    stored: dict[str, Course] = {}
    for part in _chunks(sorted(set(codes))):
        stored |= {c.code: c for c in Course.objects.filter(code__in=part)}
    for row, code in zip(rows, codes, strict=True):
        values = _course_values(ctx, row)
        if values is None:
            continue
        course = stored.get(code)
        try:
            if course is None:
                created = services.course_create(actor=ctx.actor, data={"code": code, **values})
                _state(ctx).courses[code] = created
                outcome.created += 1
                continue
            if not _may_edit_unit(ctx, course.organising_unit_id):
                review.hold(register="training.course", field="code", record=course, actor=ctx.actor,
                            label=f"{course.code} · {course.title}",
                            url=reverse("training:course_detail", args=[course.pk]))
                ctx.problem(sheet, row, "code", review.held_message("mã lớp"))
                continue
            changes = _changes(course, values)
            if not changes:
                outcome.unchanged += 1
                continue
            services.course_update(actor=ctx.actor, course=course, data=changes, expected_version=None)
            _state(ctx).courses.pop(code, None)
            outcome.updated += 1
        except SERVICE_ERRORS as error:
            _report(ctx, sheet, row, error)
