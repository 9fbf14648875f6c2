"""End to end in headless Chromium: a list sorts by a clicked header and fits a phone screen."""

from __future__ import annotations

import pytest

from khuyencong.accounts.models import Role
from khuyencong.establishments.tests.test_browser import CHROMIUM, browser_page  # noqa: F401 — the fixture
from khuyencong.geo.services import geo_load_units
from khuyencong.testing.fixtures import COMMUNE_A, make_establishment, make_user, unit

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_header_click_sorts_and_phone_has_no_page_wide_scroll(live_server, browser_page) -> None:  # noqa: F811
    geo_load_units()  # transactional tests start from an empty database
    make_user("canbotinh", Role.PROVINCE_OFFICER)
    for name in ("Bánh tráng Long Điền", "Đồ gỗ Tân Hưng", "Dệt thổ cẩm Châu Đức"):
        make_establishment(name, unit(COMMUNE_A))
    page = browser_page
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "canbotinh")
    page.fill("#id_password", "x-Test-password-123")
    page.click("form.edit button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/co-so/")
    first = page.locator("tbody tr td a").first
    assert first.inner_text() == "Bánh tráng Long Điền"
    page.click("th a.sort-link >> text=Tên cơ sở")
    page.wait_for_url("**/co-so/?sort=-name")
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Tên cơ sở")
    assert page.locator("tbody tr td a").first.inner_text() == "Đồ gỗ Tân Hưng"  # Đ after D in Vietnamese

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
