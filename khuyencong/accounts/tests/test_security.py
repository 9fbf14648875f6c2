"""Authentication hardening: lock-out, session time-outs, password reset, security headers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from khuyencong.accounts.models import Role
from khuyencong.accounts.sessions import SEEN, STARTED
from khuyencong.testing.fixtures import make_user

PASSWORD = "x-Test-password-123"


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> int:
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=ip).status_code


def test_account_locked_after_repeated_failures_even_with_right_password(db) -> None:
    make_user("nhanvien", Role.PROVINCE_OFFICER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "nhanvien", "sai-mat-khau") == 200  # the form again, with an error
    assert attempt(client, "nhanvien", "sai-mat-khau") == 429  # the last allowed failure locks
    assert attempt(client, "nhanvien", PASSWORD) == 429
    assert "_auth_user_id" not in client.session


def test_address_locked_after_failures_on_many_accounts(db) -> None:
    """Spraying one password over many usernames from one address is stopped too."""
    make_user("nhanvien", Role.PROVINCE_OFFICER)
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"khong-ton-tai-{i}", "sai", ip="10.9.9.9")
    assert attempt(client, "nhanvien", PASSWORD, ip="10.9.9.9") == 429
    assert attempt(Client(), "nhanvien", PASSWORD, ip="10.1.1.1") == 302  # another address still works


def test_login_failure_message_does_not_say_which_part_was_wrong(db) -> None:
    make_user("nhanvien", Role.PROVINCE_OFFICER)
    known = Client().post("/dang-nhap/", {"username": "nhanvien", "password": "sai"}).content.decode()
    unknown = Client().post("/dang-nhap/", {"username": "ai-do", "password": "sai"}).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in known
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in unknown


def logged_in(db) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user("nhanvien", Role.PROVINCE_OFFICER))
    assert client.get("/co-so/").status_code == 200
    return client


def test_idle_session_is_logged_out(db) -> None:
    client = logged_in(db)
    session = client.session
    session[SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get("/co-so/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert client.get("/co-so/").status_code == 302


def test_absolute_session_limit(db) -> None:
    client = logged_in(db)
    session = client.session
    session[STARTED] = time.time() - settings.SESSION_ABSOLUTE_TIMEOUT - 5
    session.save()
    assert client.get("/co-so/").status_code == 302


def test_active_session_survives(db) -> None:
    client = logged_in(db)
    assert client.get("/co-so/").status_code == 200


def test_password_reset_does_not_reveal_accounts(db) -> None:
    user = make_user("nhanvien", Role.PROVINCE_OFFICER)
    user.email = "nhanvien@example.gov.vn"
    user.save()
    known = Client().post("/quen-mat-khau/", {"email": "nhanvien@example.gov.vn"})
    unknown = Client().post("/quen-mat-khau/", {"email": "khong-co@example.gov.vn"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and "nhanvien@example.gov.vn" in mail.outbox[0].to


def test_security_headers(db) -> None:
    response = Client().get("/dang-nhap/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_docs_need_no_inline_script(db) -> None:
    client = logged_in(db)
    html = client.get("/api/v1/docs").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_templates_have_no_inline_scripts_or_styles() -> None:
    """The CSP forbids inline code; catch it at review time rather than as a blank page."""
    root = Path(settings.BASE_DIR) / "khuyencong"
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=\"", text) or "<style" in text:
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


@pytest.mark.parametrize("path", ["/dang-nhap/", "/quen-mat-khau/"])
def test_public_pages_render(db, path: str) -> None:
    assert Client().get(path).status_code == 200
