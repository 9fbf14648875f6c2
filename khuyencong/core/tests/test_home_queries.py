"""The home page ("Việc cần làm") of every role answers in a number of queries that does not grow with rows.

Each to-do list shows a few items and counts the rest in SQL; a list that looked up something per
item (a name, a commune, a status) would make the home page slower as the province's data grows.
The page is counted with one item in each list, then with more items than a list shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from khuyencong.testing.fixtures import make_establishment, unit

PERSONAS = ["province_admin", "province_officer", "commune_officer_a", "council_member", "establishment_rep",
            "auditor"]


def _add_rows(personas: dict[str, Any], n: int, start: int) -> None:
    """``n`` more rows in each list: proposals waiting, follow-ups due, personal-data accesses,
    establishments a representative changed, products lacking documents, unsigned reports."""
    from khuyencong.products.tests.conftest import make_product
    from khuyencong.schemes.tests.conftest import make_scheme
    from khuyencong.training.models import AccessKind, PersonalDataAccess
    from khuyencong.training.tests.conftest import enrol, make_course, make_person

    officer = personas["commune_officer_a"]
    course = make_course(code=f"NGHE-{start}", end=dt.date(2026, 8, 20))  # 3-month follow-up due 20/11/2026
    for i in range(start, start + n):
        establishment = make_establishment(f"Cơ sở số {i}", unit("26560"))
        make_scheme(officer, [establishment], code=f"KC-2026-{i:03}", title=f"Đề án số {i}")
        person = make_person(f"Học viên số {i}")
        enrol(person, course)
        PersonalDataAccess.objects.create(actor=officer, person=person, kind=AccessKind.UNMASKED_ID)
        _representative_changes(establishment, i)
        own = personas["establishment_rep"].representations.get().establishment
        make_product(own, f"Sản phẩm số {i}", documents=False)
        _issued_unsigned(i)


def _representative_changes(establishment: Any, i: int) -> None:
    """An establishment corrected by its own representative: one more to verify for the officers."""
    from khuyencong.accounts.models import Role
    from khuyencong.establishments.services import establishment_update
    from khuyencong.testing.fixtures import make_user

    representative = make_user(f"rep{i}", Role.ESTABLISHMENT_REP, establishment=establishment)
    establishment_update(actor=representative, establishment=establishment, data={"address": f"Số {i}"},
                         expected_version=establishment.version)


def _issued_unsigned(i: int) -> None:
    from khuyencong.reports.models import IssuedReport

    IssuedReport.objects.create(number=f"{i}/BC-SCT", year=2026, issued_on=dt.date(2026, 7, 10), signer_name="A",
                                signer_title="Giám đốc", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31),
                                area_name="Toàn bộ", boundary_date=dt.date(2026, 3, 31), figures={}, pdf=b"",
                                pdf_sha256="x", docx=b"", docx_sha256="x")


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_page_queries_do_not_grow_with_rows(personas, persona: str) -> None:
    client = Client()
    client.force_login(personas[persona])
    _add_rows(personas, 1, 1)
    _count(client)  # the first request of a session caches the user's area and second-factor state
    few = _count(client)
    _add_rows(personas, 8, 2)  # more than a list shows (core.todo.SHOWN)
    many = _count(client)
    assert few == many, (persona, few, many)


def test_the_lists_are_really_shown(personas) -> None:
    """The rows above do reach the lists, so the counts above measure full lists, not empty ones."""
    _add_rows(personas, 2, 1)
    for persona, title, item in [("province_officer", "Đề án chờ bước tiếp theo của bạn", "Đề án số 1"),
                                 ("commune_officer_a", "Đề xuất của địa bàn đang chờ tỉnh thẩm định", "Đề án số 1"),
                                 ("commune_officer_a", "Theo dõi học viên sau đào tạo đến hạn", "Học viên số 1"),
                                 ("auditor", "Truy cập dữ liệu cá nhân 7 ngày qua", "Học viên số 1"),
                                 ("commune_officer_a", "Cơ sở cần xác minh thông tin", "Cơ sở số 1"),
                                 ("province_officer", "Báo cáo định kỳ cần ban hành hoặc ký số", "1/BC-SCT"),
                                 ("establishment_rep", "Sản phẩm còn thiếu giấy tờ để nộp hồ sơ bình chọn",
                                  "Sản phẩm số 1")]:
        client = Client()
        client.force_login(personas[persona])
        page = client.get("/").content.decode()
        assert title in page and item in page, (persona, title)
