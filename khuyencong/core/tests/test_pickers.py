"""The search-as-you-type pickers: scoped, diacritic-insensitive, a bounded number of queries, and a
forged id posted from a picker refused like an unknown one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.fairs.tests.conftest import make_fair, make_product, make_scheme
from khuyencong.testing.fixtures import COMMUNE_A, make_establishment, unit
from khuyencong.training.tests.conftest import make_person

pytestmark = pytest.mark.django_db


def _texts(client, kind, **params):  # type: ignore[no-untyped-def]
    response = client.get(f"/chon/{kind}/", params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.fixture
def records(est_a, est_b):  # type: ignore[no-untyped-def]
    return {
        "products": (make_product(est_a, "Bánh tráng Phước Nguyên"), make_product(est_b, "Bánh tráng Cù Bị")),
        "schemes": (make_scheme("KC-2026-01", est_a), make_scheme("KC-2026-02", est_b)),
        "persons": (make_person("Nguyễn Văn Bình", commune=COMMUNE_A), make_person("Trần Văn Bình", commune="26596")),
    }


@pytest.mark.parametrize(("kind", "query", "mine", "theirs"), [
    ("establishments", "hat dieu", "Cơ sở chế biến hạt điều Phước Nguyên", "Hợp tác xã mây tre đan Cù Bị"),
    ("products", "banh trang", "Bánh tráng Phước Nguyên", "Bánh tráng Cù Bị"),
    ("schemes", "de an kc-2026", "KC-2026-01", "KC-2026-02"),
    ("persons", "van binh", "Nguyễn Văn Bình", "Trần Văn Bình"),
])
def test_a_commune_officer_finds_only_records_of_their_commune(client, personas, records, est_b, kind, query,
                                                               mine, theirs):
    if kind == "establishments":
        query = "hat dieu" if mine.startswith("Cơ sở") else query
    client.force_login(personas["commune_officer_a"])
    found = _texts(client, kind, q=query)
    assert any(mine in text for text in found), found
    assert not any(theirs in text for text in found), found
    client.force_login(personas["province_officer"])
    other = "may tre" if kind == "establishments" else query
    assert any(theirs in text for text in _texts(client, kind, q=other))


def test_labels_identify_the_record(client, personas, records):
    client.force_login(personas["province_officer"])
    assert "Bánh tráng Cù Bị — Hợp tác xã mây tre đan Cù Bị — Xã Cù Bị" in _texts(client, "products", q="BANH TRANG")
    assert "Cơ sở chế biến hạt điều Phước Nguyên — Phường Phước Nguyên" in _texts(client, "establishments", q="điều")


def test_units_follow_the_chosen_day_and_mark_old_ones(client, personas):
    client.force_login(personas["province_officer"])
    today = _texts(client, "units", q="ba ria")
    assert any(text.startswith("Phường Bà Rịa") for text in today)
    assert not any("trước" in text for text in today)
    old = _texts(client, "units", q="phuoc nguyen", on="31/12/2020")
    assert any(text.startswith("Phường Phước Nguyên") and "(trước 01/07/2025)" in text for text in old), old
    by_code = client.get("/chon/units/", {"q": "ba ria", "value": "code", "level": "commune"}).json()["results"]
    assert {"value": COMMUNE_A, "text": next(t for t in today if t.startswith("Phường Bà Rịa"))} in by_code


def test_pickers_need_a_login_and_a_known_kind(client, personas):
    assert client.get("/chon/establishments/", {"q": "a"}).status_code == 302
    client.force_login(personas["province_officer"])
    assert client.get("/chon/passwords/", {"q": "a"}).status_code == 404
    assert client.get("/chon/establishments/").json() == {"results": []}


def test_outsiders_and_representatives_see_nothing_foreign(client, personas, records):
    client.force_login(personas["outsider"])
    assert _texts(client, "establishments", q="co") == []
    client.force_login(personas["establishment_rep"])
    assert _texts(client, "products", q="banh") == ["Bánh tráng Phước Nguyên — Cơ sở chế biến hạt điều Phước "
                                                    "Nguyên — Phường Phước Nguyên"]


@pytest.mark.parametrize(("kind", "query"), [
    ("units", "phuong"), ("establishments", "co so"), ("persons", "binh"), ("schemes", "kc"), ("products", "banh"),
])
def test_each_picker_answers_in_a_constant_number_of_queries(client, personas, records, kind, query):
    client.force_login(personas["commune_officer_a"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _texts(client, kind, q=query)
        return len(queries)

    count()  # the first request of a session also caches the user's area and second-factor state
    few = count()
    for i in range(25):  # more matches than a picker returns: the count must not grow with them
        e = make_establishment(f"Cơ sở bánh tráng số {i}", unit(COMMUNE_A))
        make_product(e, f"Bánh tráng loại {i}")
        make_person(f"Lê Văn Bình {i}")
        make_scheme(f"KC-2026-{i + 10}", e)
    many = count()
    # session, user, second-factor check, the officer's area, then one query for the answers
    assert few == many <= 9, (few, many)


def test_a_forged_establishment_id_is_refused_like_an_unknown_one(client, personas, est_b):
    """The fair form's establishment picker validates through the scoped queryset."""
    fair = make_fair(start=dt.date(2026, 12, 10))
    client.force_login(personas["commune_officer_a"])
    url = f"/hoi-cho/{fair.pk}/dang-ky/"
    page = client.get(url)
    assert page.status_code == 200 and 'data-picker="establishments"' in page.content.decode()
    answers = []
    for forged in (est_b.pk, 999_999):
        response = client.post(url, {"establishment": forged, "kind": "fair", "booths": 1})
        answers.append((response.status_code, "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
                        or "Select a valid choice" in response.content.decode()))
    assert answers[0] == answers[1] and answers[0][0] == 400 and answers[0][1]
    assert not fair.participations.exists()
