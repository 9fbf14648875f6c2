"""Issuing period reports: policy, services (issue, sign, attach a signed copy), selectors and drift.

An issued report is frozen: the figures and the document bytes written at issue time are never
recomputed. Drift compares them with what the engine computes today for the same period, area and
boundary date, so officials see which published figures the records no longer support.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import PROVINCE_WIDE, is_active_member, require, visible_commune_ids
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.services import attribute
from khuyencong.indicators.access import require_report_access
from khuyencong.indicators.catalogue import BY_CODE
from khuyencong.indicators.engine import Area, Figures, ReportRequestError, compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.reports import exports, signing
from khuyencong.reports.models import IssuedReport, SignatureSource

ISSUERS = {Role.PROVINCE_ADMIN, Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER}
NUMBER = re.compile(r"^\d{1,6}/[0-9A-Za-zĐđ.\-/]{1,30}$")
DOCUMENT_FIELDS = ("pdf", "docx", "signed_pdf")


# --- policy (the same functions decide the buttons and the views) -------------------------------------

def may_issue(user: Any) -> bool:
    """Province staff issue on any area, commune officers on their own communes (area checked on issue)."""
    return is_active_member(user) and user.role in ISSUERS


def may_read(user: Any) -> bool:
    return is_active_member(user) and user.role in {*PROVINCE_WIDE, Role.COMMUNE_OFFICER}


def may_sign(user: Any, report: IssuedReport) -> bool:
    return may_issue(user) and not report.is_signed


# --- selectors ------------------------------------------------------------------------------------------

def visible_issued_reports(user: User) -> QuerySet[IssuedReport]:
    """Issued reports the user may read, without their document bytes (loaded only for downloads)."""
    reports = IssuedReport.objects.select_related("issued_by", "area_unit").defer(*DOCUMENT_FIELDS)
    if not may_read(user):
        return reports.none()
    communes = visible_commune_ids(user)
    return reports if communes is None else reports.filter(area_unit_id__in=communes)


def issued_report_get(user: User, pk: int, *, with_documents: bool = False) -> IssuedReport:
    reports = visible_issued_reports(user)
    if with_documents:
        reports = reports.defer(None).select_related("issued_by", "area_unit")
    found = reports.filter(pk=pk).first()
    if found is None:
        raise Http404(_("Không tìm thấy báo cáo đã ban hành này hoặc bạn không có quyền xem."))
    return found


# --- issuing --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedLetterhead(exports.Letterhead):
    """The letterhead with the issued number, signer and date instead of the settings' blanks and today."""

    issued_on: dt.date = dt.date(2000, 1, 1)

    def dated(self) -> str:
        day = self.issued_on
        return f"{self.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _area_for(actor: User, code: str, boundary_date: dt.date | None) -> Area:
    """The area, or the same refusal for an unknown code and one the actor may not report on."""
    unknown = ValidationError({"area_code": _("Không có địa bàn mã %(code)s hoặc bạn không được báo cáo về địa "
                                              "bàn này.") % {"code": code or "—"}})
    try:
        area = resolve_area(code or None, boundary_date)
        require_report_access(actor, area)
    except ReportRequestError as exc:
        if exc.field == "area":
            raise unknown from None
        raise ValidationError({"boundary_date": str(exc)}) from None
    except PermissionDeniedError:
        raise unknown from None
    return area


def _check_number(number: str, year: int) -> None:
    if not NUMBER.match(number):
        raise ValidationError({"number": _("Số văn bản phải có dạng số/ký hiệu, ví dụ 12/BC-SCT.")})
    if IssuedReport.objects.filter(year=year, number=number).exists():
        raise ValidationError({"number": _("Số %(number)s đã được dùng cho một báo cáo ban hành năm %(year)s.")
                               % {"number": number, "year": year}})


def _documents(figures: Figures, head: exports.Letterhead) -> tuple[bytes, bytes]:
    """The PDF and DOCX exactly as the report page would give them, with the issued letterhead."""
    from khuyencong.reports.tables import all_tables, report_of

    report = report_of(figures)
    tables, plan = all_tables(report), report.plan
    return exports.render_pdf(figures, tables, head, plan), exports.render_docx(figures, tables, head, plan)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def issued_report_issue(*, actor: User, number: str, issued_on: dt.date, signer_name: str, signer_title: str,
                        date_from: dt.date, date_to: dt.date, area_code: str = "",
                        boundary_date: dt.date | None = None) -> IssuedReport:
    """Compute the figures, render the documents and freeze them under ``number`` (unique per year)."""
    require(may_issue(actor), _("Bạn không có quyền ban hành báo cáo."))
    number, area_code = number.strip(), (area_code or "").strip()
    if date_from > date_to:
        raise ValidationError({"date_to": _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
    _check_number(number, issued_on.year)
    area = _area_for(actor, area_code, boundary_date)
    figures = compute(Period(date_from, date_to), area)
    base = settings_head()
    head = IssuedLetterhead(base.parent_body, base.issuing_body, number, base.place, signer_title.strip(),
                            signer_name.strip(), base.recipients, issued_on=issued_on)
    pdf, docx = _documents(figures, head)
    report = IssuedReport(
        number=number, year=issued_on.year, issued_on=issued_on, signer_name=signer_name.strip(),
        signer_title=signer_title.strip(), date_from=date_from, date_to=date_to, area_code=area_code,
        area_name=area.label, area_unit=area.unit, boundary_date=area.boundary_date, figures=figures.as_json(),
        pdf=pdf, pdf_sha256=sha256(pdf), docx=docx, docx_sha256=sha256(docx), issued_by=actor)
    report.full_clean()
    attribute(report, actor)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # another officer took the number between the check and the insert
        raise ValidationError({"number": _("Số %(number)s đã được dùng cho một báo cáo ban hành năm %(year)s.")
                               % {"number": number, "year": issued_on.year}}) from None
    return report


def settings_head() -> exports.Letterhead:
    return exports.Letterhead.from_settings()


def issued_report_refuse_change(*, actor: User, report: IssuedReport) -> None:
    """Editing or deleting an issued report is never allowed: it is the period lock."""
    raise ValidationError(_("Báo cáo số %(number)s đã ban hành nên không thể sửa hoặc xóa. Nếu số liệu cần "
                            "điều chỉnh, hãy ban hành một báo cáo mới với số mới.") % {"number": report.number})


# --- signatures ------------------------------------------------------------------------------------------

def issued_report_sign(*, actor: User, report: IssuedReport) -> IssuedReport:
    """Sign the issued PDF with the organisation's certificate (once)."""
    _require_signable(actor, report)
    try:
        signed = signing.sign_pdf(bytes(report.pdf), reason=f"Ban hành báo cáo số {report.number}",
                                  location=settings_head().place)
        info = signing.describe(signed)
    except signing.SigningError as exc:
        raise ValidationError({"signature": str(exc)}) from None
    return _attach(actor, report, signed, info, SignatureSource.ORGANISATION)


def issued_report_attach_signed(*, actor: User, report: IssuedReport, content: bytes) -> IssuedReport:
    """Keep a copy signed elsewhere (USB token) only if it is the issued PDF with valid signatures."""
    _require_signable(actor, report)
    try:
        info = signing.check_signed_upload(content, issued=bytes(report.pdf))
    except signing.SigningError as exc:
        raise ValidationError({"signed_pdf": str(exc)}) from None
    return _attach(actor, report, content, info, SignatureSource.UPLOADED)


def _require_signable(actor: User, report: IssuedReport) -> None:
    require(may_issue(actor), _("Bạn không có quyền ký số báo cáo."))
    if report.is_signed:
        raise ValidationError({"signature": _("Báo cáo này đã có bản ký số; không thể ký hoặc thay bản khác.")})


def _attach(actor: User, report: IssuedReport, signed: bytes, info: signing.SignatureInfo,
            source: str) -> IssuedReport:
    digest = sha256(signed)
    with transaction.atomic():
        # Conditional claim: two concurrent signers cannot both attach a copy.
        claimed = IssuedReport.objects.filter(pk=report.pk, signed_pdf_sha256="").update(signed_pdf_sha256=digest)
        if not claimed:
            raise ValidationError({"signature": _("Báo cáo này đã có bản ký số; không thể ký hoặc thay bản khác.")})
        report.signed_pdf, report.signed_pdf_sha256, report.signature_source = signed, digest, source
        report.signature_signer, report.signature_signed_at = info.signer[:300], info.signed_at
        report.signature_trusted, report.signed_recorded_by = info.trusted, actor
        attribute(report, actor)
        report.save(update_fields=["signed_pdf", "signed_pdf_sha256", "signature_source", "signature_signer",
                                   "signature_signed_at", "signature_trusted", "signed_recorded_by"])
    return report


# --- drift ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DriftLine:
    code: str
    label: str
    unit: str
    issued: int | None
    today: int | None


def drift(report: IssuedReport) -> list[DriftLine] | None:
    """Each indicator whose value today differs from the issued one (None: the area can no longer be drawn)."""
    issued: dict[str, int | None] = report.figures.get("indicators", {})
    codes = [c for c in issued if c in BY_CODE]
    try:
        area = resolve_area(report.area_code or None, report.boundary_date)
    except ReportRequestError:
        return None
    today = compute(Period(report.date_from, report.date_to), area, codes).values
    return [DriftLine(code, BY_CODE[code].label_vi, BY_CODE[code].unit, issued[code], today[code])
            for code in codes if issued[code] != today[code]]
