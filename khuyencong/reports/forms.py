"""The report request form: period, area and boundary date."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _


class ReportForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), initial=dt.date(2014, 1, 1),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), initial=dt.date(2020, 12, 31),
                              widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.CharField(label=_("Mã địa bàn"), max_length=10, required=False,
                           help_text=_("Mã tỉnh, huyện (cũ) hoặc xã; để trống: toàn bộ dữ liệu được xem."))
    boundary_date = forms.DateField(label=_("Ranh giới theo ngày"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:  # type: ignore[type-arg]
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

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data


class IssueForm(ReportForm):
    """The report's parameters plus what the issued document carries: number, date and signer."""

    number = forms.CharField(label=_("Số văn bản"), max_length=40, help_text=_("Ví dụ 12/BC-SCT; không trùng trong "
                                                                                  "cùng năm ban hành."))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=forms.DateInput(attrs={"type": "date"}))
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
