"""Home to-do of the typical-product scheme: what jurors, secretaries and representatives are asked."""

from __future__ import annotations

import datetime as dt

from khuyencong.products.tests.conftest import make_round
from khuyencong.products.todo import dossiers_to_score, missing_score_sheets, open_rounds, rounds_to_start
from khuyencong.testing.fixtures import COMMUNE_A, TODAY, unit


def test_juror_sees_the_dossiers_they_have_not_scored(scoring_round, jury, personas,
                                                      django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(3):
        found = dossiers_to_score(jury["j1"], today=TODAY)
    assert found is not None and found.count == 2 and len(found.items) == 2
    assert all(f"/san-pham/ho-so/{n.pk}/cham-diem/" in {i.url for i in found.items}
               for n in scoring_round.nominations.all())
    assert dossiers_to_score(jury["secretary"], today=TODAY).count == 0  # type: ignore[union-attr]


def test_secretary_sees_missing_score_sheets(scoring_round, jury, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(8):
        found = missing_score_sheets(jury["secretary"], today=TODAY)
    assert found is not None and found.count == 3 * 2  # three jurors, two dossiers, nothing scored
    assert found.items[0].label == scoring_round.name
    assert missing_score_sheets(jury["j1"], today=TODAY).count == 0  # type: ignore[union-attr]


def test_rounds_past_their_deadline_are_to_start_and_old_ones_only_counted(personas, district,
                                                                          django_assert_max_num_queries) -> None:
    officer = personas["province_officer"]
    late = make_round(officer, year=2026, level_code="commune", organiser=unit(COMMUNE_A),
                      deadline=dt.date(2026, 10, 31))
    make_round(officer, year=2016, organiser=district)  # deadline 30/06/2016, still open
    with django_assert_max_num_queries(4):
        found = rounds_to_start(officer, today=TODAY)
    assert found is not None and (found.count, found.older_count) == (1, 1)
    assert found.oldest_due == dt.date(2026, 10, 31) and found.items[0].label == late.name
    assert rounds_to_start(personas["establishment_rep"], today=TODAY) is None


def test_representative_is_asked_to_nominate_in_open_rounds(personas,
                                                            django_assert_max_num_queries) -> None:
    officer = personas["province_officer"]
    current = make_round(officer, year=2027, level_code="commune", organiser=unit(COMMUNE_A),
                         deadline=dt.date(2027, 1, 15))
    with django_assert_max_num_queries(3):
        found = open_rounds(personas["establishment_rep"], today=TODAY)
    assert found is not None and found.count == 1 and found.items[0].label == current.name
    assert found.oldest_due == dt.date(2027, 1, 15)
    assert open_rounds(personas["council_member"], today=TODAY) is None


def test_juror_home_page(client, scoring_round, jury) -> None:
    client.force_login(jury["j1"])
    page = client.get("/").content.decode()
    assert "Hồ sơ bạn cần chấm điểm" in page and scoring_round.name in page


def test_recognitions_lapsing_within_three_months_are_listed_for_staff_and_owner(
        personas, est_a, district, django_assert_max_num_queries) -> None:
    from khuyencong.products.tests.conftest import make_product, recognise
    from khuyencong.products.todo import certificates_expiring

    officer = personas["province_officer"]
    old = make_round(officer, year=2023, deadline=dt.date(2023, 11, 30), organiser=district)
    soon = recognise(make_product(est_a, "Nước mắm Phước Hải"), old, decided_on=dt.date(2023, 12, 20), number="9/QĐ")
    later = recognise(make_product(est_a, "Bánh tráng"), old, decided_on=dt.date(2023, 12, 21), number="10/QĐ")
    type(soon).objects.filter(pk=soon.pk).update(valid_until=TODAY + dt.timedelta(days=30))
    type(later).objects.filter(pk=later.pk).update(valid_until=TODAY + dt.timedelta(days=200))
    for user in (officer, personas["establishment_rep"]):
        with django_assert_max_num_queries(6):
            found = certificates_expiring(user, today=TODAY)
        assert found is not None and found.count == 1 and found.items[0].due == TODAY + dt.timedelta(days=30)
        assert found.items[0].url == f"/san-pham/chung-nhan/{soon.pk}/binh-chon-lai/"
    assert certificates_expiring(personas["auditor"], today=TODAY) is None
    assert certificates_expiring(personas["commune_officer_b"], today=TODAY) is None


def test_minutes_to_finish_once_every_sheet_is_in(scoring_round, jury, personas,
                                                  django_assert_max_num_queries) -> None:
    from khuyencong.products import services
    from khuyencong.products.tests.conftest import sheet
    from khuyencong.products.todo import minutes_to_finish

    assert minutes_to_finish(jury["secretary"], today=TODAY).count == 0  # type: ignore[union-attr]
    for nomination in scoring_round.nominations.all():
        for juror in ("j1", "j2", "j3"):
            services.score_sheet_submit(actor=jury[juror], nomination=nomination, points=sheet(80))
    with django_assert_max_num_queries(6):
        found = minutes_to_finish(jury["secretary"], today=TODAY)
    assert found is not None and found.count == 1 and found.items[0].label == scoring_round.name
    assert "kết thúc chấm điểm" in str(found.items[0].note) and found.oldest_due == TODAY
    services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    found = minutes_to_finish(personas["province_officer"], today=TODAY)
    assert found is not None and found.count == 1 and "thông qua biên bản" in str(found.items[0].note)
    # Rounds scored wait here, not among the rounds to start; jurors and representatives are not asked.
    assert rounds_to_start(personas["province_officer"], today=TODAY).count == 0  # type: ignore[union-attr]
    assert minutes_to_finish(jury["j1"], today=TODAY).count == 0  # type: ignore[union-attr]
    assert minutes_to_finish(personas["establishment_rep"], today=TODAY) is None


def test_representative_is_told_which_products_lack_documents(personas, est_a, est_b,
                                                              django_assert_max_num_queries) -> None:
    from khuyencong.products.tests.conftest import make_product
    from khuyencong.products.todo import documents_missing

    lacking = make_product(est_a, "Bánh tráng", group_code="agro_food", documents=False)
    make_product(est_a, "Hạt điều rang muối", group_code="agro_food")
    make_product(est_b, "Giỏ mây", documents=False)  # another establishment's: not theirs to see
    with django_assert_max_num_queries(3):
        found = documents_missing(personas["establishment_rep"], today=TODAY)
    assert found is not None and found.count == 1 and found.items[0].url == f"/san-pham/sp/{lacking.pk}/"
    assert "còn thiếu" in str(found.items[0].note)
    assert documents_missing(personas["commune_officer_a"], today=TODAY) is None
