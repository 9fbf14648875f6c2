"""Home to-do of the registry: representatives' changes for the officers of the area, and a
representative's own blank details."""

from __future__ import annotations

from khuyencong.establishments import services
from khuyencong.establishments.todo import changes_to_verify, own_details_missing
from khuyencong.testing.fixtures import TODAY, make_establishment, unit


def _corrected_by_representative(personas, est_a):  # type: ignore[no-untyped-def]
    return services.establishment_update(actor=personas["establishment_rep"], establishment=est_a,
                                         data={"address": "Số 5, ấp 2"}, expected_version=est_a.version)


def test_officers_of_the_area_see_what_a_representative_changed(personas, est_a,
                                                                django_assert_max_num_queries) -> None:
    make_establishment("Cơ sở chưa ai sửa", unit("26560"))  # saved by nobody but the office: not listed
    _corrected_by_representative(personas, est_a)
    for persona in ("commune_officer_a", "province_officer"):
        changes_to_verify(personas[persona], today=TODAY)  # the officer's area is worked out once per request
        with django_assert_max_num_queries(2):
            found = changes_to_verify(personas[persona], today=TODAY)
        assert found is not None and found.count == 1 and found.oldest_due == TODAY
        assert found.items[0].url == f"/co-so/{est_a.pk}/" and found.items[0].label.startswith(est_a.name)
    assert changes_to_verify(personas["commune_officer_b"], today=TODAY).count == 0  # type: ignore[union-attr]
    for persona in ("establishment_rep", "council_member", "auditor"):
        assert changes_to_verify(personas[persona], today=TODAY) is None


def test_the_officers_save_confirms_the_change(personas, est_a) -> None:
    est_a = _corrected_by_representative(personas, est_a)
    services.establishment_update(actor=personas["commune_officer_a"], establishment=est_a, data={},
                                  expected_version=est_a.version)
    assert changes_to_verify(personas["commune_officer_a"], today=TODAY).count == 0  # type: ignore[union-attr]


def test_representative_is_asked_for_their_blank_details(personas, est_a, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(2):
        found = own_details_missing(personas["establishment_rep"], today=TODAY)
    assert found is not None and found.items[0].url == f"/co-so/{est_a.pk}/sua/"
    assert "người đại diện" in str(found.items[0].note) and "điện thoại" not in str(found.items[0].note)
    assert own_details_missing(personas["commune_officer_a"], today=TODAY) is None


def test_home_page_shows_both_lists(client, personas, est_a) -> None:
    _corrected_by_representative(personas, est_a)
    client.force_login(personas["commune_officer_a"])
    assert "Cơ sở cần xác minh thông tin" in client.get("/").content.decode()
    client.force_login(personas["establishment_rep"])
    assert "Thông tin cơ sở cần bổ sung" in client.get("/").content.decode()
