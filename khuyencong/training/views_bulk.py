"""Whole-class pages: enrol many picked people, settle the participants of a course in one step, record its
follow-ups in one grid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from khuyencong.core.errors import run_on_form
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.training import policy, selectors, services
from khuyencong.training.forms import EnrolPickForm, FollowUpForm
from khuyencong.training.models import Course, Participation, ParticipationStatus
from khuyencong.training.services import FollowUpRow, SettleRow
from khuyencong.training.views import _detail_context


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def settle_rows(post: QueryDict) -> list[SettleRow] | None:
    """The rows of the settle table that have an outcome; None if a hidden field was tampered with."""
    rows = []
    for raw in post.getlist("participation"):
        pk, version = _int(raw), _int(post.get(f"version_{raw}"))
        if pk is None or version is None:
            return None
        outcome = post.get(f"outcome_{pk}", "")
        if outcome:
            rows.append(SettleRow(pk, version, outcome, post.get(f"certificate_{pk}", "")[:50],
                                  post.get(f"note_{pk}", "")[:300]))
    return rows


def _editable_course(request: AuthenticatedHttpRequest, pk: int) -> Course:
    course = selectors.course_get(request.user, pk)
    if not policy.may_edit_course(request.user, course):
        raise PermissionDenied
    return course


@login_required
@require_POST
def course_enrol_picked(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enrol the people picked with the person picker; all of them or, if any is refused, none."""
    course = _editable_course(request, pk)
    form = EnrolPickForm(request.POST, user=request.user)
    if form.is_valid():
        created = run_on_form(form, lambda: services.participants_enrol_picked(
            actor=request.user, course=course, person_ids=form.cleaned_data["people"],
            expected_version=form.cleaned_data["version"]))
        if created is not None:
            messages.success(request, _("Đã ghi danh %(n)d học viên.") % {"n": len(created)})
            return redirect("training:course_detail", pk=course.pk)
    return render(request, "training/course_detail.html", _detail_context(request, course, pick_form=form), status=400)


@login_required
@require_POST
def course_settle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark many participants completed or dropped at once; all rows are saved or none."""
    course = _editable_course(request, pk)
    rows = settle_rows(request.POST)
    form = forms.Form(data={})
    form.is_valid()
    if rows is None:
        form.add_error(None, _("Bảng học viên gửi lên không hợp lệ; hãy tải lại trang."))
    elif (saved := run_on_form(form, lambda: services.participations_settle_many(
            actor=request.user, course=course, rows=rows))) is not None:
        messages.success(request, _("Đã cập nhật kết quả của %(n)d học viên.") % {"n": len(saved)})
        return redirect("training:course_detail", pk=course.pk)
    return render(request, "training/course_detail.html", _detail_context(
        request, course, settle_errors=form.non_field_errors(), settle_posted=request.POST), status=400)


class SettleLine:
    """One enrolled participant of the settle table, with what the user chose (re-shown after an error)."""

    def __init__(self, participation: Participation, posted: QueryDict | None) -> None:
        pk = participation.pk
        self.participation = participation
        self.version = posted.get(f"version_{pk}", participation.version) if posted else participation.version
        self.outcome = posted.get(f"outcome_{pk}", "") if posted else ParticipationStatus.COMPLETED
        self.certificate = posted.get(f"certificate_{pk}", "") if posted else participation.certificate_no
        self.note = posted.get(f"note_{pk}", "") if posted else ""


def settle_table(participants: Any, posted: QueryDict | None = None) -> list[SettleLine]:
    """Enrolled participants only: completed and dropped are final."""
    return [SettleLine(p, posted) for p in participants if p.status == ParticipationStatus.ENROLLED]


class _GridRow:
    """One participant of the follow-up grid with its (possibly bound) form."""

    def __init__(self, participation: Participation, data: QueryDict | None) -> None:
        self.participation = participation
        self.form = FollowUpForm(data, prefix=f"f{participation.pk}")
        self.seen = participation.follow_up_count  # type: ignore[attr-defined]

    def filled(self) -> bool:
        return any(self.form.data.get(self.form.add_prefix(name), "").strip() for name in ("date", "status"))


def _grid(course: Course, data: QueryDict | None) -> list[_GridRow]:
    participants = selectors.course_participants(course).filter(status=ParticipationStatus.COMPLETED)
    return [_GridRow(p, data) for p in participants]


def _parse_grid(rows: list[_GridRow], data: QueryDict) -> tuple[list[FollowUpRow], list[str]]:
    parsed, errors = [], []
    for number, row in enumerate(rows, start=1):
        if not row.filled():
            continue
        seen = _int(data.get(f"seen_{row.participation.pk}"))
        if not row.form.is_valid() or seen is None:
            messages_ = [f"{row.form.fields[name].label}: {' '.join(map(str, errs))}" if name in row.form.fields
                         else " ".join(map(str, errs)) for name, errs in row.form.errors.items()]
            errors.append(_("Dòng %(n)d (%(name)s): %(m)s") % {
                "n": number, "name": row.participation.person.full_name, "m": " ".join(messages_)})
            continue
        parsed.append(FollowUpRow(row.participation.pk, seen, row.form.service_data()))
    return parsed, errors


@login_required
@require_http_methods(["GET", "POST"])
def course_follow_ups(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The follow-up grid: one line per completed trainee; filled lines are recorded together."""
    course = _editable_course(request, pk)
    data = request.POST if request.method == "POST" else None
    rows = _grid(course, data)
    errors: list[str] = []
    if data is not None:
        parsed, errors = _parse_grid(rows, data)
        if not errors:
            form = forms.Form(data={})
            form.is_valid()
            saved = run_on_form(form, lambda: services.followups_record_many(
                actor=request.user, course=course, rows=parsed))
            if saved is not None:
                messages.success(request, _("Đã ghi nhận %(n)d kết quả theo dõi.") % {"n": len(saved)})
                return redirect("training:course_detail", pk=course.pk)
            errors = [str(e) for e in form.non_field_errors()]
    return render(request, "training/course_follow_ups.html", {"course": course, "rows": rows, "errors": errors},
                  status=400 if errors else 200)
