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
    """``n`` more rows in each list: proposals waiting, follow-ups due, personal-data accesses."""
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
                                 ("auditor", "Truy cập dữ liệu cá nhân 7 ngày qua", "Học viên số 1")]:
        client = Client()
        client.force_login(personas[persona])
        page = client.get("/").content.decode()
        assert title in page and item in page, (persona, title)
