"""Each role's home list and main task, end to end in headless Chromium (Debian's ``chromium``).

One browser for the module and pytest-django's one live server; each test signs its user in by
handing the browser a session cookie (the sign-in pages have their own tests) and stays short:
the home list shows the work, one click opens it, one form does it. With ``KHUYENCONG_SHOTS=<dir>``
every step is also photographed at 1366 and 390 px wide, for looking at the screens.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from khuyencong.accounts.models import Role, User
from khuyencong.geo.services import geo_load_units
from khuyencong.testing.fixtures import COMMUNE_A, OLD_DAY, OLD_IN_A, make_establishment, make_user, unit

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = os.environ.get("KHUYENCONG_SHOTS", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright drives a sync event loop; Django must allow ORM calls from this test thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        ])
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# The rules that migrations load (course types, activity types and norms, score sheets, eligibility).
SEEDS = ["training.migrations.0002_seed_course_types", "schemes.migrations.0002_seed_activity_types_and_norms",
         "products.migrations.0002_seed_reference_data", "establishments.migrations.0002_seed_eligibility_rules"]


@pytest.fixture
def est(transactional_db) -> Any:  # type: ignore[no-untyped-def]
    """Transactional tests start from an empty database: units and rules first, then one establishment."""
    from django.apps import apps

    geo_load_units()
    for name in SEEDS:
        importlib.import_module(f"khuyencong.{name}").seed(apps, None)
    return make_establishment("Cơ sở chế biến hạt điều Phước Nguyên", unit(OLD_IN_A, OLD_DAY), registered_on=OLD_DAY)


@pytest.fixture
def open_as(browser, live_server) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    contexts = []

    def open_as(user: User) -> Any:
        client = Client()
        client.force_login(user)  # second factor included (testing.fixtures)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        page.base = live_server.url
        return page

    yield open_as
    for context in contexts:
        context.close()


def shoot(page: Any, name: str) -> None:
    """With KHUYENCONG_SHOTS set: the page at desktop and phone width (full height)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def home_list(page: Any, title: str) -> Any:
    section = page.locator(".todo-list", has_text=title)
    section.wait_for()
    return section


def _corrected_by_representative(est: Any) -> None:
    from khuyencong.establishments.services import establishment_update

    representative = make_user("daidien", Role.ESTABLISHMENT_REP, establishment=est)
    establishment_update(actor=representative, establishment=est, data={"address": "Số 5"},
                         expected_version=est.version)


def test_commune_officer_enters_the_follow_ups_due(open_as, est) -> None:
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    course = make_course(code="NGHE-2026", end=dt.date(2026, 8, 20))  # 3-month follow-up due 20/11/2026
    enrol(make_person("Lê Văn Cường"), course)
    _corrected_by_representative(est)
    page = open_as(make_user("canboxa", Role.COMMUNE_OFFICER, (COMMUNE_A,)))
    assert "Lê Văn Cường" in home_list(page, "Theo dõi học viên sau đào tạo đến hạn").inner_text()
    assert est.name in home_list(page, "Cơ sở cần xác minh thông tin").inner_text()
    shoot(page, "commune-home")
    page.goto(f"{page.base}/dao-tao/lop/{course.pk}/theo-doi/")
    row = page.locator("tr", has_text="Lê Văn Cường")
    row.locator("input[data-datepicker]").fill("21/11/2026")
    row.locator("select").select_option("employed")
    shoot(page, "commune-follow-ups")
    page.click("button:has-text('Lưu các dòng đã điền')")
    page.locator(".messages", has_text="Đã ghi nhận 1 kết quả theo dõi").wait_for()


def test_province_officer_appraises_a_proposal_through_the_confirmation(open_as, est) -> None:
    from khuyencong.schemes.tests.conftest import make_scheme

    make_scheme(make_user("canboxa", Role.COMMUNE_OFFICER, (COMMUNE_A,)), [est], code="KC-2026-07")
    page = open_as(make_user("canbotinh", Role.PROVINCE_OFFICER))
    assert "Báo cáo năm 2025" in home_list(page, "Báo cáo định kỳ cần ban hành hoặc ký số").inner_text()
    shoot(page, "province-home")
    home_list(page, "Đề án chờ bước tiếp theo của bạn").locator("a", has_text="KC-2026-07").click()
    page.select_option("#id_target", "appraised")
    page.fill("#id_appraisal_score", "85")
    page.click("button[data-confirm]:has-text('Chuyển')")
    dialog = page.locator("dialog.confirm-dialog")
    assert "KC-2026-07" in dialog.inner_text()
    shoot(page, "province-confirm")
    dialog.locator("button", has_text="Chuyển").click()
    page.locator(".badge", has_text="Đã thẩm định").first.wait_for()


@pytest.fixture
def scoring(est) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A 2016 round being scored: one dossier, a council of a secretary and a juror."""
    from khuyencong.products import services
    from khuyencong.products.models import MemberRole
    from khuyencong.products.tests.conftest import make_product, make_round

    officer = make_user("canbotinh", Role.PROVINCE_OFFICER)
    people = {"juror": make_user("giamkhao1", Role.COUNCIL_MEMBER),
              "secretary": make_user("thuky", Role.COUNCIL_MEMBER)}
    selection_round = make_round(officer, year=2016, organiser=est.commune.parent)
    council = services.council_create(actor=officer, selection_round=selection_round, name="Hội đồng bình chọn 2016")
    services.council_member_add(actor=officer, council=council, user=people["secretary"], role=MemberRole.SECRETARY)
    services.council_member_add(actor=officer, council=council, user=people["juror"], role=MemberRole.JUROR)
    services.nomination_create(actor=officer, selection_round=selection_round, submitted_on=dt.date(2016, 6, 1),
                               product=make_product(est, "Hạt điều rang muối", group_code="agro_food"),
                               made_by_establishment=True)
    services.round_start_scoring(actor=people["secretary"], selection_round=selection_round)
    return people


def test_juror_scores_the_dossier_on_their_home_list(open_as, scoring) -> None:
    page = open_as(scoring["juror"])
    shoot(page, "juror-home")
    home_list(page, "Hồ sơ bạn cần chấm điểm").locator("a", has_text="Hạt điều rang muối").click()
    fields = page.locator("form.edit input:not([type=hidden])")
    for i in range(fields.count()):
        fields.nth(i).fill("5")
    shoot(page, "juror-score")
    page.click("button:has-text('Lưu phiếu chấm')")
    page.locator(".messages", has_text="Đã lưu phiếu chấm").wait_for()


def test_council_secretary_opens_the_round_missing_sheets(open_as, scoring) -> None:
    page = open_as(scoring["secretary"])
    shoot(page, "secretary-home")
    home_list(page, "Phiếu chấm điểm còn thiếu").locator(".todo-items a").first.click()
    page.locator("h1", has_text="2016").wait_for()
    shoot(page, "secretary-round")
    _every_sheet_in(scoring["juror"])
    page.goto(f"{page.base}/")
    assert "2016" in home_list(page, "Biên bản hội đồng cần hoàn tất").inner_text()


def _every_sheet_in(juror: User) -> None:
    from khuyencong.products import services
    from khuyencong.products.models import Nomination
    from khuyencong.products.tests.conftest import sheet

    for nomination in Nomination.objects.all():
        services.score_sheet_submit(actor=juror, nomination=nomination, points=sheet(80))


def test_establishment_representative_opens_their_establishment(open_as, est) -> None:
    from khuyencong.products.tests.conftest import make_product

    make_product(est, "Bánh tráng Phước Nguyên", group_code="agro_food", documents=False)
    page = open_as(make_user("coso", Role.ESTABLISHMENT_REP, establishment=est))
    assert est.name in home_list(page, "Thông tin cơ sở cần bổ sung").inner_text()
    assert "Bánh tráng" in home_list(page, "Sản phẩm còn thiếu giấy tờ để nộp hồ sơ bình chọn").inner_text()
    shoot(page, "representative-home")
    page.locator("nav.main-nav a", has_text="Cơ sở CNNT").first.click()
    page.locator("table a", has_text=est.name).click()
    page.locator("h1", has_text=est.name).wait_for()
    shoot(page, "representative-establishment")


def test_auditor_sees_recent_personal_data_access_and_opens_the_log(open_as, est) -> None:
    from khuyencong.training.models import AccessKind, PersonalDataAccess
    from khuyencong.training.tests.conftest import make_person

    officer = make_user("canboxa", Role.COMMUNE_OFFICER, (COMMUNE_A,))
    PersonalDataAccess.objects.create(actor=officer, person=make_person("Võ Văn Em"), kind=AccessKind.UNMASKED_ID)
    page = open_as(make_user("kiemtra", Role.AUDITOR))
    assert "Võ Văn Em" in home_list(page, "Truy cập dữ liệu cá nhân 7 ngày qua").inner_text()
    shoot(page, "auditor-home")
    page.locator("nav.main-nav a", has_text="Nhật ký").first.click()
    page.locator("main table", has_text="Võ Văn Em").wait_for()
    shoot(page, "auditor-log")
