"""Home to-do of training: follow-ups due in the officer's area, recent ones listed, old ones counted."""

from __future__ import annotations

import datetime as dt

from khuyencong.testing.fixtures import TODAY
from khuyencong.training.tests.conftest import COMMUNE_B, enrol, follow, make_course, make_person
from khuyencong.training.todo import follow_ups_due


def _due_data():  # type: ignore[no-untyped-def]
    recent = make_course(code="NGHE-2026", end=dt.date(2026, 8, 20))  # 3-month follow-up due 20/11/2026
    old = make_course(code="NGHE-2014", end=dt.date(2014, 3, 31))  # overdue since 2014
    mine, done, old_one = make_person("Lê Văn Cường"), make_person("Phạm Thị Dung"), make_person("Võ Văn Em")
    other_commune = make_person("Đỗ Thị Giang", commune=COMMUNE_B)
    enrol(mine, recent)
    follow(enrol(done, recent), dt.date(2026, 11, 21), "employed", 6_000_000)
    enrol(old_one, old)
    enrol(other_commune, recent)
    return mine


def test_commune_officer_sees_recent_follow_ups_of_their_commune(personas, django_assert_max_num_queries) -> None:
    mine = _due_data()
    with django_assert_max_num_queries(9):
        found = follow_ups_due(personas["commune_officer_a"], today=TODAY)
    assert found is not None
    assert (found.count, found.oldest_due, found.older_count) == (1, dt.date(2026, 11, 20), 1)
    assert [item.label.split(" · ")[0] for item in found.items] == [mine.full_name]
    # The province officer covers both communes; the juror role is not asked at all.
    assert follow_ups_due(personas["province_officer"], today=TODAY).count == 2  # type: ignore[union-attr]
    assert follow_ups_due(personas["council_member"], today=TODAY) is None


def test_home_page_lists_the_follow_ups_with_due_date_and_older_count(client, personas) -> None:
    _due_data()
    client.force_login(personas["commune_officer_a"])
    page = client.get("/").content.decode()
    assert "Việc cần làm" in page and "Theo dõi học viên sau đào tạo đến hạn" in page
    assert "20/11/2026" in page and "và 1 việc quá hạn trên 6 tháng" in page
