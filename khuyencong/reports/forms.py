"""The report request form: period, area and boundary date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import PickerSelect, VNDateInput

AREA_HELP = _("Gõ tên tỉnh, huyện (cũ) hoặc xã, phường để tìm. Để trống: toàn bộ số liệu bạn được xem "
               "(cán bộ cấp xã: xã, phường mình phụ trách).")
BOUNDARY_HELP = _("Báo cáo vẽ địa bàn theo các đơn vị hành chính có hiệu lực vào ngày này; số liệu của đơn vị "
                  "cũ được tính vào đơn vị kế thừa. Để trống: theo bản đồ hành chính hiện nay (địa bàn đã giải "
                  "thể thì theo ngày cuối cùng nó còn hiệu lực). Chọn ngày cuối kỳ để báo cáo theo địa giới lúc đó.")


def period_presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Common reporting periods: last year, this year's first six months, this year, the 5-year plans."""
    year = today.year
    return [
        (str(_("Năm %(y)s") % {"y": year - 1}), dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
        (str(_("6 tháng đầu năm %(y)s") % {"y": year}), dt.date(year, 1, 1), dt.date(year, 6, 30)),
        (str(_("Năm %(y)s") % {"y": year}), dt.date(year, 1, 1), dt.date(year, 12, 31)),
        (str(_("Giai đoạn 2021–2025")), dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
        (str(_("Giai đoạn 2016–2020")), dt.date(2016, 1, 1), dt.date(2020, 12, 31)),
        (str(_("Giai đoạn 2014–2020")), dt.date(2014, 1, 1), dt.date(2020, 12, 31)),
    ]


def area_label(code: str, on: dt.date | None) -> str:
    """The picker's current option: the unit's name as drawn on ``on`` (or its last version)."""
    from khuyencong.geo.pickers import label_for_code

    return label_for_code(code, on)


class ReportForm(forms.Form):
    """``?date_from=&date_to=&area=&boundary_date=`` (names kept: links, tests and the API use them)."""

    date_from = forms.DateField(label=_("Từ ngày"), initial=dt.date(2014, 1, 1), widget=VNDateInput())
    date_to = forms.DateField(label=_("Đến ngày"), initial=dt.date(2020, 12, 31), widget=VNDateInput())
    area = forms.CharField(label=_("Địa bàn"), max_length=10, required=False, help_text=AREA_HELP,
                           widget=PickerSelect("units", params={"value": "code"},
                                               attrs={"data-picker-on-from": "id_boundary_date"}))
    boundary_date = forms.DateField(label=_("Địa giới hành chính theo ngày"), required=False,
                                    help_text=BOUNDARY_HELP, widget=VNDateInput())

    def __init__(self, *args: Any, default_area: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = (self.data.get("area") if self.is_bound else None) or default_area or ""
        boundary = None
        if self.is_bound:
            try:
                boundary = self.fields["boundary_date"].clean(self.data.get("boundary_date"))
            except forms.ValidationError:
                boundary = None
        choices: list[tuple[str, str]] = [("", str(_("Toàn bộ số liệu được xem")))]
        if code:
            choices.append((code, area_label(code, boundary)))
            self.initial.setdefault("area", code)
        self.fields["area"].widget.choices = choices

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data


class DrillForm(forms.Form):
    """``?from=&to=&area=&boundary_date=`` of the drill-down page (field names match the API's)."""

    area = forms.CharField(label=_("Mã địa bàn"), max_length=10, required=False)
    boundary_date = forms.DateField(label=_("Ranh giới theo ngày"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["from"] = forms.DateField(label=_("Từ ngày"))
        self.fields["to"] = forms.DateField(label=_("Đến ngày"))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data


class IssueForm(ReportForm):
    """The report's parameters plus what the issued document carries: number, date and signer."""

    number = forms.CharField(label=_("Số văn bản"), max_length=40, help_text=_("Ví dụ 12/BC-SCT; không trùng trong "
                                                                                  "cùng năm ban hành."))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=VNDateInput())
    signer_name = forms.CharField(label=_("Họ và tên người ký"), max_length=120)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=120)


MAX_SIGNED_PDF = 20 * 1024 * 1024


class SignedUploadForm(forms.Form):
    signed_pdf = forms.FileField(label=_("Tệp PDF đã ký số"), help_text=_("Tệp PDF đã ban hành, ký số bằng USB "
                                                                          "token hoặc phần mềm ký của cơ quan."))

    def clean_signed_pdf(self) -> object:
        upload = self.cleaned_data["signed_pdf"]
        if upload.size > MAX_SIGNED_PDF:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 20 MB)."))
        return upload
