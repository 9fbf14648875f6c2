"""Import/export pages: the list of registers (template, export, upload), import jobs and their preview."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khuyencong.core import disclosure, permissions
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.permissions import require_check
from khuyencong.core.requests import AuthenticatedHttpRequest
from khuyencong.core.streaming import XLSX_CONTENT_TYPE, content_disposition, xlsx_response
from khuyencong.exchange import jobs, registry
from khuyencong.exchange.forms import UploadForm
from khuyencong.exchange.models import ImportJob, ImportStatus
from khuyencong.exchange.pipeline import max_upload_bytes
from khuyencong.exchange.spec import Register, carries_personal_data

PAGE_SIZE = 25
RECENT_JOBS = 10
# A preview lists at most this many problems; the downloadable error report always has all of them.
PREVIEW_PROBLEMS = 1000


def _member(request: AuthenticatedHttpRequest) -> None:
    if not jobs.may_exchange(request.user):
        raise PermissionDenied


def _register_or_404(code: str) -> Register:
    try:
        return registry.get(code)
    except KeyError:
        raise Http404(_("Không có loại dữ liệu này.")) from None


def _register_title(code: str) -> str:
    try:
        return registry.get(code).title
    except KeyError:
        return code


# --- Registers: templates, exports ------------------------------------------------------------------

@login_required
@require_GET
@require_check("exchange.use")
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member(request)
    user = request.user
    registers = [{"register": r, "may_import": jobs.may_import(user, r)}
                 for r in registry.all_registers()]
    jobs.reap_lost_jobs(jobs.job_list(user))
    recent = list(jobs.job_list(user)[:RECENT_JOBS])
    return render(request, "exchange/index.html", {
        "registers": registers, "recent": _with_titles(recent),
        "max_mb": max_upload_bytes() // 1048576,
    })


@login_required
@require_GET
def template_download(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _member(request)
    register = _register_or_404(code)
    from khuyencong.exchange.layout import build_template

    response = HttpResponse(build_template(register), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"mau-{register.code}.xlsx")
    return response


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest, code: str) -> FileResponse:
    """The register's records the user may see, in the template layout (so the file imports back)."""
    _member(request)
    register = _register_or_404(code)
    from khuyencong.exchange.export import write_register

    stream = tempfile.TemporaryFile()  # FileResponse closes it (and so deletes it)
    try:
        write_register(register, request.user, stream)
        stream.seek(0)
    except BaseException:
        stream.close()
        raise
    response = FileResponse(stream, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    response["Content-Disposition"] = content_disposition(f"{register.code}-{stamp}.xlsx")
    return response


# --- Upload -----------------------------------------------------------------------------------------

def _upload_page(request: HttpRequest, register: Register, form: UploadForm, *, status: int = 200,
                 error: str = "") -> HttpResponse:
    return render(request, "exchange/upload.html", {
        "register": register, "form": form, "max_mb": max_upload_bytes() // 1048576, "error": error,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Store the file and check it (dry run); the body size is bounded before Django by the proxy
    (``client_max_body_size`` in deploy/nginx.conf), the import limit here."""
    register = _register_or_404(code)
    if not jobs.may_import(request.user, register):
        raise PermissionDenied
    if request.method != "POST":
        return _upload_page(request, register, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, register, form, status=400)
    upload_file = form.cleaned_data["file"]
    if (upload_file.size or 0) > max_upload_bytes():  # refused before reading it into memory
        return _upload_page(request, register, UploadForm(), status=413, error=jobs.size_message(upload_file.size))
    data = upload_file.read()
    try:
        job = jobs.job_upload(actor=request.user, register=register, filename=upload_file.name or "",
                              data=data)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        form.add_error(None if hasattr(exc, "error_dict") else "file", exc)
        too_large = getattr(exc, "code", None) == "too_large"
        return _upload_page(request, register, form, status=413 if too_large else 400)
    if jobs.job_dispatch(job, data, dry_run=True):
        messages.info(request, _("Tệp lớn đang được kiểm tra trong nền; trang này tự cập nhật tiến độ."))
    return redirect("exchange:job", pk=job.pk)


# --- Jobs -------------------------------------------------------------------------------------------

def _with_titles(job_list: list[ImportJob]) -> list[ImportJob]:
    for job in job_list:
        job.register_title = _register_title(job.register)  # type: ignore[attr-defined]
    return job_list


@login_required
@require_GET
def job_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member(request)
    jobs.reap_lost_jobs(jobs.job_list(request.user))
    page = Paginator(jobs.job_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    _with_titles(list(page.object_list))
    return render(request, "exchange/job_list.html", {
        "page": page, "sees_all": jobs.sees_all_jobs(request.user),
    })


def _outcome_rows(job: ImportJob) -> list[dict[str, Any]]:
    """One row per sheet, in the register's sheet order (sheets without an outcome show zeros)."""
    outcomes = job.outcomes or {}
    try:
        names = [s.name for s in registry.get(job.register).sheets]
    except KeyError:
        names = []
    names += [n for n in outcomes if n not in names]
    return [{"sheet": n, **{k: (outcomes.get(n) or {}).get(k, 0) for k in ("created", "updated", "unchanged")}}
            for n in names]


def _job_page(request: HttpRequest, job: ImportJob, *, error: str = "", status: int = 200) -> HttpResponse:
    problems = job.problems or []
    owner = job.created_by_id == request.user.pk
    return render(request, "exchange/job_detail.html", {
        "job": job, "register_title": _register_title(job.register),
        "active": job.status in jobs.ACTIVE, "outcomes": _outcome_rows(job),
        "problems": problems[:PREVIEW_PROBLEMS], "problem_count": len(problems),
        "problems_cut": len(problems) > PREVIEW_PROBLEMS,
        "is_owner": owner, "can_confirm": owner and jobs.confirmable(job),
        "committed": job.status == ImportStatus.COMMITTED, "error": error,
    }, status=status)


@login_required
@require_GET
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _job_page(request, jobs.job_get(request.user, pk))


@login_required
@require_GET
def job_progress(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """Polled by static/js/exchange-progress.js while a background job runs."""
    job = jobs.job_get(request.user, pk)
    return JsonResponse({
        "status": job.status, "status_label": job.get_status_display(),
        "rows_done": job.rows_done, "rows_total": job.rows_total,
        "finished": job.status not in jobs.ACTIVE,
    })


@login_required
@require_POST
def job_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = jobs.job_get(request.user, pk)
    try:
        queued = jobs.job_confirm(actor=request.user, job=job)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        job.refresh_from_db()
        status = 409 if isinstance(exc, jobs.JobConflict) else 400
        return _job_page(request, job, error=" ".join(exc.messages), status=status)
    job.refresh_from_db()
    if queued:
        messages.info(request, _("Đang nhập dữ liệu trong nền; trang này tự cập nhật tiến độ."))
    elif job.status == ImportStatus.COMMITTED:
        messages.success(request, _("Đã nhập dữ liệu từ tệp “%(name)s”.") % {"name": job.filename})
    else:
        messages.error(request, _("Không nhập được: xem danh sách lỗi bên dưới; không có dữ liệu nào được ghi."))
    return redirect("exchange:job", pk=job.pk)


@login_required
@require_GET
def job_problems(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Every problem of the job as an XLSX (sheet, row, column, message), to fix the file against."""
    job = jobs.job_get(request.user, pk)
    rows = ([p.get("sheet") or "", p.get("row"), p.get("column") or "", p.get("message") or ""]
            for p in job.problems or [])
    return xlsx_response(f"bao-cao-loi-lan-nhap-{job.pk}.xlsx", _("Các lỗi"),
                         [_("Trang"), _("Dòng"), _("Cột"), _("Lỗi")], rows)


def _file_job(user: Any, pk: int) -> ImportJob:
    """The job whose stored file ``user`` may download, else the 404 of an unknown job.

    A file holds its persons' data in full, whatever the reader's masking would be, so a register with
    personal data (``spec.carries_personal_data``) gives its files only to roles that may see full ID
    numbers (the training policy's unmask rule); the job itself stays listed for the auditor.
    """
    job = jobs.job_get(user, pk)
    try:
        personal = carries_personal_data(registry.get(job.register))
    except KeyError:
        personal = True  # a register no longer known: assume the worst
    if personal and not permissions.may(user, "personal_data.full_ids"):
        raise Http404(_("Không tìm thấy lần nhập dữ liệu này."))  # word for word the unknown job's 404
    return job


@login_required
@require_GET
def job_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The file exactly as uploaded (auditors open what changed the data); every download is logged."""
    job = _file_job(request.user, pk)
    if not job.file:
        raise Http404(_("Tệp của lần nhập này không còn lưu."))
    try:
        stream = job.file.open("rb")
    except OSError:
        raise Http404(_("Tệp của lần nhập này không còn lưu.")) from None
    disclosure.log(actor=request.user, kind=disclosure.Kind.IMPORT_FILE, count=job.rows_total,
                   subject=f"Lần nhập #{job.pk} ({job.register}): {job.filename}")
    response = FileResponse(stream, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition(job.filename or f"lan-nhap-{job.pk}")
    return response
