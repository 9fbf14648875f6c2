"""Course pages: list, detail with participants, create/edit, enrolment, completion, follow-ups, due list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST

from khuyencong.core.errors import (
    PermissionDeniedError,
    RateLimitedError,
    error_sink,
    form_status,
    refusal_messages,
    run_on_form,
    run_on_post,
)
from khuyencong.core.listing import Column, Listing, Table, refuses_bad_listing, vi_field
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import ExportColumn, col, export_links, export_list, filter_status, unless_bad_filters
from khuyencong.training import policy, selectors, services
from khuyencong.training.forms import (
    CompleteForm,
    CourseFilterForm,
    CourseForm,
    EnrolListForm,
    EnrolPickForm,
    FollowUpForm,
)
from khuyencong.training.models import Course
from khuyencong.training.selectors import CourseFilters

PAGE_SIZE = 25
COURSE_TABLE = Table(columns=(
    Column(_l("Mã lớp"), "code"),
    Column(_l("Tên lớp"), "title", (vi_field("title"),)),
    Column(_l("Loại"), "course_type", (vi_field("course_type__label"),), css="hide-sm"),
    Column(_l("Thời gian"), "end_date", ("end_date", "start_date")),
    Column(_l("Địa bàn tổ chức"), "unit", (vi_field("organising_unit__name"),), css="hide-sm"),
    Column(_l("Học viên (hoàn thành/ghi danh)"), "enrolled", ("enrolled", "completed"), css="num"),
), default_sort="-end_date", tie_breaker=("code", "pk"))
PARTICIPANT_TOTALS = {"enrolled": Sum("enrolled"), "completed": Sum("completed"),
                      "planned": Sum("planned_participants")}


def course_columns() -> list[ExportColumn]:
    return [
        col(_("Mã lớp"), "code"), col(_("Tên lớp"), "title"), col(_("Loại lớp"), "course_type.label"),
        col(_("Đề án"), "scheme.code"), col(_("Đơn vị tổ chức"), "organiser"),
        col(_("Địa bàn tổ chức"), "organising_unit.name"), col(_("Nơi học"), "venue_unit.name"),
        col(_("Nước (nếu ở nước ngoài)"), "abroad_country"), col(_("Ngày khai giảng"), "start_date"),
        col(_("Ngày kết thúc"), "end_date"), col(_("Số học viên kế hoạch"), "planned_participants"),
        col(_("Ghi danh"), "enrolled"), col(_("Hoàn thành"), "completed"),
    ]


def follow_up_columns() -> list[ExportColumn]:
    """The same facts as the page: who, where, which course, which milestone, by when."""
    return [
        col(_("Học viên"), "person.full_name"), col(_("Xã/phường"), "person.commune.name"),
        col(_("Mã lớp"), "course.code"), col(_("Tên lớp"), "course.title"), col(_("Mốc (tháng)"), "milestone"),
        col(_("Hạn"), "due_on"),
    ]


def _page(request: HttpRequest, items: Any) -> tuple[Any, str]:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
@require_check("training.list")
@refuses_bad_listing
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET or None)
    filters = CourseFilters(**form.cleaned_data) if form.is_valid() else CourseFilters()
    listing = Listing.from_request(request, COURSE_TABLE)
    items = listing.order(selectors.course_list(request.user, filters))
    if response := export_list(request, items, course_columns(), filename="lop-dao-tao", sheet_name=_("Lớp đào tạo"),
                               filters=form):
        return response
    return render(request, "training/course_list.html", {
        "form": form, "listing": listing.present(unless_bad_filters(items, form), totals=PARTICIPANT_TOTALS),
        "can_create": policy.may_edit(request.user),
        "export": export_links(request)}, status=filter_status(form))


def searched_persons(request: AuthenticatedHttpRequest, q: str) -> Any:
    """The enrolment box's search (``services.person_search``): a refused or rate-limited ID search
    shows its message above the page and finds nobody."""
    try:
        return services.person_search(actor=request.user, q=q)
    except (PermissionDeniedError, RateLimitedError) as exc:
        messages.error(request, str(exc))
        return []


def _detail_context(request: AuthenticatedHttpRequest, course: Course, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_edit = policy.may_edit_course(user, course)
    q = request.GET.get("q", "").strip()
    found = searched_persons(request, q)[:20] if q and can_edit else []
    participants = list(selectors.course_participants(course))
    from khuyencong.training.views_bulk import settle_table  # the bulk page module imports this one

    settle = settle_table(participants, extra.pop("settle_posted", None)) if can_edit else []
    return {"course": course, "participants": participants, "can_edit": can_edit, "settle": settle,
            "q": q, "found": found, **_enrol_forms(user, course, extra), **extra}


def _enrol_forms(user: Any, course: Course, extra: dict[str, Any]) -> dict[str, Any]:
    """The two bulk enrolment forms (paste ID numbers, pick people), carrying the course version seen."""
    seen = {"version": course.version}
    return {"list_form": extra.pop("list_form", None) or EnrolListForm(initial=seen),
            "pick_form": extra.pop("pick_form", None) or EnrolPickForm(user=user, initial=seen)}


def participant_columns() -> list[ExportColumn]:
    """The course page's participant table as it is shown: no ID number or phone, like the page."""
    return [col(_("Họ và tên"), "person.full_name"), col(_("Xã/phường"), "person.commune.name"),
            col(_("Trạng thái"), "get_status_display"), col(_("Số chứng chỉ"), "certificate_no"),
            col(_("Lần theo dõi"), "follow_up_count")]


@login_required
def course_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(request.user, pk)
    if response := export_list(request, selectors.course_participants(course), participant_columns(),
                               filename=f"hoc-vien-lop-{course.pk}", sheet_name=_("Học viên")):
        return response
    return render(request, "training/course_detail.html", _detail_context(request, course,
                                                                          export=export_links(request)))


def _course_form(request: AuthenticatedHttpRequest, course: Course | None) -> HttpResponse:
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        if course is None:
            saved = run_on_form(form, lambda: services.course_create(actor=request.user, data=form.service_data()))
        else:
            saved = run_on_form(form, lambda: services.course_update(
                actor=request.user, course=course, data=form.service_data(),
                expected_version=form.cleaned_data.get("version")))
        if saved is not None:
            messages.success(request, _("Đã lưu lớp “%(code)s”.") % {"code": saved.code})
            return redirect("training:course_detail", pk=saved.pk)
    status = form_status(request)
    return render(request, "training/form.html", {"form": form, "object": course, "kind": "course"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.may_edit(request.user):
        raise PermissionDenied
    return _course_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(request.user, pk)
    if not policy.may_edit_course(request.user, course):
        raise PermissionDenied
    return _course_form(request, course)


@login_required
@require_POST
def course_enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Search-and-add: the person picked from the search results on the course page."""
    course = selectors.course_get(request.user, pk)
    person = selectors.person_get(request.user, request.POST.get("person"))
    form = error_sink()
    if run_on_form(form, lambda: services.participant_enrol(actor=request.user, course=course, person=person)):
        messages.success(request, _("Đã ghi danh “%(name)s”.") % {"name": person.full_name})
        return redirect("training:course_detail", pk=course.pk)
    refusal_messages(request, form)
    return render(request, "training/course_detail.html", _detail_context(request, course), status=400)


@login_required
@require_POST
def course_enrol_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Paste a list of ID numbers; all are enrolled or, if any line is wrong, none."""
    course = selectors.course_get(request.user, pk)
    form = EnrolListForm(request.POST)
    if form.is_valid():
        created = run_on_form(form, lambda: services.participants_enrol_by_ids(
            actor=request.user, course=course, text=form.cleaned_data["national_ids"],
            expected_version=form.cleaned_data["version"]))
        if created is not None:
            messages.success(request, _("Đã ghi danh %(n)d học viên.") % {"n": len(created)})
            return redirect("training:course_detail", pk=course.pk)
    return render(request, "training/course_detail.html", _detail_context(request, course, list_form=form), status=400)


def _transition(request: AuthenticatedHttpRequest, pk: int, call: Callable[..., Any], **kwargs: Any) -> HttpResponse:
    participation = selectors.participation_get(request.user, pk)
    form = error_sink()
    if run_on_form(form, lambda: call(actor=request.user, participation=participation, **kwargs)):
        messages.success(request, _("Đã cập nhật trạng thái của “%(name)s”.") % {"name": participation.person})
        return redirect("training:course_detail", pk=participation.course_id)
    refusal_messages(request, form)
    course = selectors.course_get(request.user, participation.course_id)
    return render(request, "training/course_detail.html", _detail_context(request, course), status=400)


@login_required
@require_POST
def participation_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = CompleteForm(request.POST)
    certificate = form.cleaned_data["certificate_no"] if form.is_valid() else ""
    return _transition(request, pk, services.participant_complete, certificate_no=certificate)


@login_required
@require_POST
def participation_drop(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.participant_drop, note=request.POST.get("note", ""))


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participation = selectors.participation_get(request.user, pk)
    if not policy.may_edit_person(request.user, participation.person):
        raise PermissionDenied
    form = FollowUpForm(request.POST or None)
    saved = run_on_post(request, form, lambda: services.follow_up_record(
        actor=request.user, participation=participation, data=form.service_data()))
    if saved is not None:
        messages.success(request, _("Đã ghi nhận kết quả theo dõi."))
        return redirect("training:person_detail", pk=participation.person_id)
    return render(request, "training/form.html", {"form": form, "object": participation, "kind": "follow_up"},
                  status=form_status(request))


@login_required
def follow_ups_due(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        horizon = max(0, min(int(request.GET.get("trong", "0")), 90))
    except ValueError:
        horizon = 0
    items = selectors.follow_ups_due(request.user, horizon_days=horizon)
    if response := export_list(request, items, follow_up_columns(), filename="theo-doi-den-han",
                               sheet_name=_("Theo dõi đến hạn")):
        return response
    page, query = _page(request, items)
    return render(request, "training/follow_ups_due.html", {"page": page, "query": query, "horizon": horizon,
                                                             "export": export_links(request)})
