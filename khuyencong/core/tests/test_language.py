"""Vietnamese by default; English only when the user chooses it."""

from __future__ import annotations

from django.test import Client


def test_vietnamese_even_if_browser_prefers_english(db) -> None:
    html = Client().get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Tên đăng nhập" in html and 'lang="vi"' in html


def test_switcher_sets_english(db) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    html = client.get("/dang-nhap/").content.decode()
    assert "Username" in html and 'lang="en"' in html and "Tiếng Việt" in html
