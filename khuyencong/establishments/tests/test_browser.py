"""End to end in headless Chromium: a commune officer registers an establishment and finds it again."""

from __future__ import annotations

import os
import shutil

import pytest

from khuyencong.accounts.models import Role
from khuyencong.geo.services import geo_load_units
from khuyencong.testing.fixtures import COMMUNE_A, make_user

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


@pytest.fixture
def browser_page(monkeypatch):  # type: ignore[no-untyped-def]
    # Playwright drives a sync event loop; Django must allow ORM calls from this test thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        ])
        yield browser.new_page(locale="vi-VN")
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_commune_officer_creates_and_finds_establishment(live_server, browser_page) -> None:
    geo_load_units()  # transactional tests start from an empty database
    make_user("canboxa", Role.COMMUNE_OFFICER, (COMMUNE_A,))
    page = browser_page
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "canboxa")
    page.fill("#id_password", "x-Test-password-123")
    page.click("form.edit button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/co-so/them-moi/")
    page.fill("#id_name", "Cơ sở Chế biến Hạt điều Đồng Nai")
    page.select_option("#id_legal_form", "household")
    page.select_option("#id_commune", label="Phường Bà Rịa")
    page.fill("#id_vsic_code", "1079")
    page.select_option("#id_sector_group", "agro_processing")
    page.fill("#id_employees", "12")
    page.click("form.edit button[type=submit]")
    page.wait_for_selector("h1:has-text('Cơ sở Chế biến Hạt điều Đồng Nai')")
    assert "Tạo mới" in page.content()  # the audit history is on the record's page

    page.goto(f"{live_server.url}/co-so/")
    page.fill("#id_q", "che bien hat dieu dong nai")
    page.click("form[role=search] button[type=submit]")
    link = page.locator("table a", has_text="Cơ sở Chế biến Hạt điều Đồng Nai")
    link.wait_for()
    assert link.count() == 1
