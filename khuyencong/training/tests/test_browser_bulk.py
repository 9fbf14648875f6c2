"""Whole-class work in the browser: pick many people with the person picker, settle the class through
the app's confirmation dialog (confirm.js), not the browser's native confirm()."""

from __future__ import annotations

import datetime as dt

from khuyencong.accounts.models import Role
from khuyencong.core.tests.test_browser_roles import browser, est, open_as, pytestmark, shoot
from khuyencong.testing.fixtures import COMMUNE_A, make_user
from khuyencong.training.models import Participation

__all__ = ["browser", "est", "open_as", "pytestmark"]  # the shared Chromium, live server and sign-in


def test_officer_picks_two_people_then_settles_the_class_in_the_dialog(open_as, est) -> None:
    from khuyencong.training.tests.conftest import make_course, make_person

    course = make_course(code="NGHE-2026", end=dt.date(2026, 8, 20))
    for name in ("Lê Văn Một", "Phạm Thị Hai"):
        make_person(name)
    page = open_as(make_user("canboxa", Role.COMMUNE_OFFICER, (COMMUNE_A,)))
    page.goto(f"{page.base}/dao-tao/lop/{course.pk}/")
    picker = page.locator("#id_people-ts-control")
    for name in ("Một", "Hai"):
        picker.fill(name)
        page.locator(".ts-dropdown .option", has_text=name).click()
    shoot(page, "bulk-pick")
    # A multiple picker keeps its list open for the next name, over the button: press it from the keyboard.
    page.locator("button", has_text="Ghi danh những người đã chọn").focus()
    page.keyboard.press("Enter")
    page.locator(".messages", has_text="Đã ghi danh 2 học viên").wait_for()

    page.locator("#ket-qua-ca-lop select").nth(1).select_option("dropped")
    page.click("#ket-qua-ca-lop button[data-confirm]")
    dialog = page.locator("dialog.confirm-dialog")
    dialog.wait_for()
    shoot(page, "bulk-settle-confirm")
    dialog.locator("button", has_text="Lưu kết quả cả lớp").click()
    page.locator(".messages", has_text="Đã cập nhật kết quả của 2 học viên").wait_for()
    assert sorted(Participation.objects.values_list("status", flat=True)) == ["completed", "dropped"]
