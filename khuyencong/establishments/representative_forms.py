"""Forms of the representatives' front door: invitation, set password, self-registration, refusal."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên người đại diện"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), max_length=254,
                             help_text=_("Liên kết đặt mật khẩu được gửi tới địa chỉ này; chỉ dùng được một lần."))


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), help_text=password_validators_help_text_html())
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp nhau."))
        return data


class SelfRegistrationForm(forms.Form):
    tax_code = forms.CharField(label=_("Mã số thuế của cơ sở"), max_length=14)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), max_length=254)
    phone = forms.RegexField(label=_("Điện thoại"), regex=r"^[0-9 +().-]{8,20}$", max_length=20,
                             error_messages={"invalid": _("Số điện thoại chỉ gồm chữ số (8–20 ký tự).")})


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             required=False)
