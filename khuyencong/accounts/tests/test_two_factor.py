"""Two-factor authentication for administrators and council secretaries, through the real pages."""

from __future__ import annotations

import re
import time

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from khuyencong.accounts.models import Role
from khuyencong.testing.fixtures import make_user

PASSWORD = "x-Test-password-123"


def password_login(username: str) -> Client:
    client = Client()
    assert client.post("/dang-nhap/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"


def test_admin_must_set_up_a_second_factor(db) -> None:
    make_user("quantri", Role.PROVINCE_ADMIN)
    client = password_login("quantri")
    response = client.get("/co-so/")
    assert response.status_code == 302 and response["Location"].startswith("/xac-thuc-2-buoc/thiet-lap/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content  # QR code, CSP-safe
    device = TOTPDevice.objects.get(user__username="quantri", confirmed=False)
    # The same key as typed text, in groups of four, for an app that cannot scan.
    from base64 import b32encode

    typed = b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'id="totp-key">(.*?)</p>', page.content.decode(), re.S)
    assert shown and re.sub(r"<[^>]+>|\s", "", shown.group(1)) == typed
    assert re.findall(r"<span>([A-Z2-7]+)</span>", shown.group(1))[0] == typed[:4]
    wrong = client.post("/xac-thuc-2-buoc/thiet-lap/", {"token": "000000", "next": "/co-so/"})
    assert wrong.status_code == 400 and "không đúng" in wrong.content.decode()
    # django-otp throttles after a failure (1 s, doubling); let that delay pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    done = client.post("/xac-thuc-2-buoc/thiet-lap/", {"token": current_token(device), "next": "/co-so/"})
    assert done.status_code == 302 and done["Location"] == "/co-so/"
    assert client.get("/co-so/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_admin_with_a_device_must_verify_each_session(db) -> None:
    user = make_user("quantri", Role.PROVINCE_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = password_login("quantri")
    assert client.get("/co-so/")["Location"].startswith("/xac-thuc-2-buoc/?")
    assert client.get("/api/v1/establishments").status_code == 403  # session API calls too
    response = client.post("/xac-thuc-2-buoc/", {"token": current_token(device), "next": "/co-so/"})
    assert response.status_code == 302
    assert client.get("/co-so/").status_code == 200


def test_open_redirects_are_refused(db) -> None:
    user = make_user("quantri", Role.PROVINCE_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = password_login("quantri")
    response = client.post("/xac-thuc-2-buoc/", {"token": current_token(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_officers_are_not_asked(db) -> None:
    make_user("canbo", Role.PROVINCE_OFFICER)
    assert password_login("canbo").get("/co-so/").status_code == 200


def test_council_secretary_must_use_a_second_factor(db) -> None:
    import datetime as dt

    from khuyencong.products.models import Council, CouncilMember, RecognitionLevel, RuleSet, SelectionRound
    from khuyencong.testing.fixtures import unit

    user = make_user("thuky", Role.COUNCIL_MEMBER)
    round_ = SelectionRound.objects.create(
        name="Bình chọn cấp tỉnh 2026", level=RecognitionLevel.objects.get(code="province", valid_to__isnull=True),
        organiser=unit("79"), year=2026, dossier_deadline=dt.date(2026, 6, 30), rule_set=RuleSet.objects.first())
    council = Council.objects.create(round=round_, name="Hội đồng")
    CouncilMember.objects.create(council=council, user=user, role="secretary")
    assert password_login("thuky").get("/co-so/")["Location"].startswith("/xac-thuc-2-buoc/")


def test_token_reuse_window_is_short(db) -> None:
    user = make_user("quantri", Role.PROVINCE_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    token = current_token(device)
    assert device.verify_token(token)
    assert not device.verify_token(token)  # a code is accepted once
    assert time.time() > 0
