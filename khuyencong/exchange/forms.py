"""The upload form: it only takes the file; what a file may be is decided by ``jobs.check_upload``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bảng tính"),
        help_text=_("Tệp Excel (.xlsx, .xls) hoặc OpenDocument (.ods) theo mẫu tải từ trang này."),
        error_messages={
            "required": _("Hãy chọn tệp bảng tính để tải lên."),
            "empty": _("Tệp tải lên đang trống."),
            "invalid": _("Không đọc được tệp tải lên; hãy chọn lại tệp."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsb,.ods"}),
    )
