"""Two-factor set-up and verification pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from khuyencong.accounts.two_factor import has_confirmed_device
from khuyencong.core.requests import AuthenticatedHttpRequest


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Mã xác thực 6 chữ số"), max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def grouped_key(bin_key: bytes) -> list[str]:
    """The TOTP key in base32 as authenticator apps accept it typed, in groups of four for reading aloud."""
    from base64 import b32encode

    text = b32encode(bin_key).decode("ascii").rstrip("=")
    return [text[i:i + 4] for i in range(0, len(text), 4)]


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _finish(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    from django.shortcuts import redirect

    otp_login(request, device)
    return redirect(_next_url(request))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create (once) an unconfirmed TOTP device, show its key as a QR code, confirm it with a token."""
    import segno

    if has_confirmed_device(request.user):
        return verify(request)
    device, _created = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False,
                                                        defaults={"name": "Ứng dụng xác thực"})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _finish(request, device)
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    uri = device.config_url
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "qr": segno.make(uri).svg_data_uri(scale=4), "next": _next_url(request),
        "key_groups": grouped_key(device.bin_key),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                return _finish(request, device)
        form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)},
                  status=400 if request.method == "POST" else 200)
