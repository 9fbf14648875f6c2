"""Fair pages: every persona × every page, bad input (400, Vietnamese, nothing saved), calendar, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.fairs.models import Fair, FairParticipation, ShowroomDisplay
from khuyencong.fairs.tests.conftest import FUTURE_START, make_establishments, make_fair, make_participation

# persona → list, fair detail, fair create, fair edit, register form, edit part_a, export, est_a history,
#           showroom list, showroom detail, showroom create, display create
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "commune_officer_a": (200, 200, 403, 403, 200, 200, 200, 200, 200, 200, 403, 200),
    "commune_officer_b": (200, 200, 403, 403, 200, 404, 200, 404, 200, 200, 403, 200),
    "council_member": (200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403),
    "establishment_rep": (200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403),
    "auditor": (200, 200, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403),
    "outsider": (403, 404, 403, 404, 404, 404, 404, 404, 200, 404, 403, 404),
}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, part_a, showroom, persona: str, expected: tuple[int, ...]) -> None:
    fair, est = part_a.fair, part_a.establishment
    urls = [
        reverse("fairs:list"), reverse("fairs:detail", args=[fair.pk]), reverse("fairs:create"),
        reverse("fairs:edit", args=[fair.pk]), reverse("fairs:participation-create", args=[fair.pk]),
        reverse("fairs:participation-edit", args=[part_a.pk]), reverse("fairs:export", args=[fair.pk]),
        reverse("fairs:establishment", args=[est.pk]), reverse("fairs:showroom-list"),
        reverse("fairs:showroom-detail", args=[showroom.pk]), reverse("fairs:showroom-create"),
        reverse("fairs:display-create", args=[showroom.pk]),
    ]
    client = client_for(personas[persona])
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_anonymous_is_sent_to_login(past_fair) -> None:
    response = Client().get(reverse("fairs:detail", args=[past_fair.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_calendar_upcoming_and_past_grouped_by_month(personas, past_fair, future_fair) -> None:
    ongoing = make_fair("Hội chợ đang diễn ra", start=dt.date(2026, 11, 24))
    client = client_for(personas["auditor"])
    upcoming = client.get(reverse("fairs:list")).content.decode()
    assert future_fair.name in upcoming and ongoing.name in upcoming and past_fair.name not in upcoming
    assert "Tháng 03/2027" in upcoming and "Tháng 11/2026" in upcoming and "Đang diễn ra" in upcoming
    assert upcoming.index("Tháng 11/2026") < upcoming.index("Tháng 03/2027")
    past = client.get(reverse("fairs:list"), {"khi": "past"}).content.decode()
    assert past_fair.name in past and future_fair.name not in past and "Tháng 05/2026" in past


def test_detail_shows_totals_scoped_to_the_viewer(personas, part_a, part_b) -> None:
    url = reverse("fairs:detail", args=[part_a.fair_id])
    province = client_for(personas["province_officer"]).get(url)
    assert province.context["totals"]["sales_vnd"] == 70_000_000
    assert province.context["totals"]["contracts_signed"] == 3
    assert province.context["totals"]["support_vnd"] == 22_000_000
    commune_b = client_for(personas["commune_officer_b"]).get(url)
    assert commune_b.context["totals"]["participations"] == 1
    assert part_a.establishment.name not in commune_b.content.decode()


def _detail_queries(client: Client, fair: Fair) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("fairs:detail", args=[fair.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_detail_page_runs_constant_queries(personas, django_assert_max_num_queries) -> None:
    client = client_for(personas["province_officer"])
    small, large = make_fair("Hội chợ nhỏ"), make_fair("Hội chợ lớn")
    for est in make_establishments(5, "Cơ sở A"):
        make_participation(small, est, products_shown=["Sản phẩm"], sales_vnd=1)
    for est in make_establishments(50, "Cơ sở B"):
        make_participation(large, est, products_shown=["Sản phẩm"], sales_vnd=1)
    client.get(reverse("fairs:detail", args=[small.pk]))  # warm the session/user caches
    assert _detail_queries(client, small) == _detail_queries(client, large)
    with django_assert_max_num_queries(8):
        client.get(reverse("fairs:detail", args=[large.pk]))


def test_list_and_history_pages_run_constant_queries(personas, est_a, django_assert_max_num_queries) -> None:
    client = client_for(personas["commune_officer_a"])
    for i in range(30):
        make_participation(make_fair(f"Hội chợ {i}", start=FUTURE_START), est_a)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("fairs:list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("fairs:establishment", args=[est_a.pk])).status_code == 200


def fair_form(**overrides):  # type: ignore[no-untyped-def]
    base = {"name": "Hội chợ Xuân 2027", "organiser": "Sở Công Thương", "scope": "provincial", "venue_code": "26560",
            "start_date": "2027-01-20", "end_date": "2027-01-25", "booth_support_vnd": "9600000"}
    return {**base, **overrides}


def test_create_fair_redirects_to_detail(personas) -> None:
    response = client_for(personas["province_officer"]).post(reverse("fairs:create"), fair_form())
    fair = Fair.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fairs:detail", args=[fair.pk])
    assert fair.venue_unit is not None and fair.venue_unit.code == "26560"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"end_date": "2027-01-10"}, "end_date", "không được trước ngày khai mạc"),
    ({"booth_support_vnd": "-1"}, "booth_support_vnd", "không được âm"),
    ({"venue_code": ""}, "venue_unit", "quốc gia và thành phố"),
    ({"venue_code": "00000"}, "venue_code", "Không có đơn vị hành chính"),
])
def test_bad_fair_input_is_400_and_saves_nothing(personas, overrides, field, message) -> None:
    response = client_for(personas["province_officer"]).post(reverse("fairs:create"), fair_form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    text = " ".join(errors.get(field, []) + errors.get("__all__", []))
    assert message in text, errors
    assert not Fair.objects.exists()


def test_register_and_repeat_refused(personas, past_fair, est_a) -> None:
    client = client_for(personas["commune_officer_a"])
    url = reverse("fairs:participation-create", args=[past_fair.pk])
    data = {"establishment": est_a.pk, "kind": "fair", "booths": "1", "products_shown": "Hạt điều"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert "đã được đăng ký tham gia" in " ".join(again.context["form"].errors["establishment"])
    assert FairParticipation.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"support_vnd": "-100"}, "support_vnd", "không được âm"),
    ({"sales_vnd": "-100"}, "sales_vnd", "không được âm"),
])
def test_bad_participation_input_is_400(personas, past_fair, est_a, overrides, field, message) -> None:
    client = client_for(personas["province_officer"])
    data = {"establishment": est_a.pk, "kind": "fair", "booths": "1", **overrides}
    response = client.post(reverse("fairs:participation-create", args=[past_fair.pk]), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not FairParticipation.objects.exists()


def test_outcomes_before_fair_is_400(personas, future_fair, est_a) -> None:
    response = client_for(personas["province_officer"]).post(
        reverse("fairs:participation-create", args=[future_fair.pk]),
        {"establishment": est_a.pk, "kind": "fair", "booths": "1", "contracts_signed": "2"})
    assert response.status_code == 400
    assert "chưa diễn ra" in " ".join(response.context["form"].errors["contracts_signed"])
    assert not FairParticipation.objects.exists()


def test_commune_officer_editing_other_commune_gets_404_like_unknown(personas, part_b) -> None:
    response = client_for(personas["commune_officer_a"]).post(
        reverse("fairs:participation-edit", args=[part_b.pk]),
        {"kind": "fair", "booths": "3", "support_vnd": "1", "version": "1"})
    assert response.status_code == 404
    part_b.refresh_from_db()
    assert part_b.booths == 1 and part_b.support_vnd == 10_000_000


def test_edit_participation_outcomes(personas, part_a) -> None:
    response = client_for(personas["commune_officer_a"]).post(
        reverse("fairs:participation-edit", args=[part_a.pk]),
        {"kind": "fair", "booths": "2", "support_vnd": "12000000", "sales_vnd": "90000000", "version": "1",
         "products_shown": "Hạt điều\nBánh pía"})
    assert response.status_code == 302
    part_a.refresh_from_db()
    assert part_a.sales_vnd == 90_000_000 and part_a.products_shown == ["Hạt điều", "Bánh pía"]
    assert part_a.version == 2


def test_stale_edit_is_400_with_message(personas, part_a) -> None:
    response = client_for(personas["province_officer"]).post(
        reverse("fairs:participation-edit", args=[part_a.pk]),
        {"kind": "fair", "booths": "2", "support_vnd": "1", "version": "7"})
    assert response.status_code == 400 and "người khác thay đổi" in response.content.decode()


def test_history_page_lists_fairs_and_totals(personas, part_a, showroom) -> None:
    ShowroomDisplay.objects.create(showroom=showroom, establishment=part_a.establishment, products=["Hạt điều"],
                                   displayed_from=dt.date(2026, 1, 1))
    second = make_fair("Hội chợ thứ hai", start=dt.date(2026, 8, 1))
    make_participation(second, part_a.establishment)
    response = client_for(personas["establishment_rep"]).get(
        reverse("fairs:establishment", args=[part_a.establishment_id]))
    body = response.content.decode()
    assert part_a.fair.name in body and second.name in body and showroom.name in body
    assert response.context["totals"]["participations"] == 2 and response.context["totals"]["establishments"] == 1


def test_showroom_and_display_forms(personas, showroom, est_a) -> None:
    client = client_for(personas["province_officer"])
    created = client.post(reverse("fairs:showroom-create"), {
        "name": "Điểm giới thiệu Châu Đức", "location_code": "26596", "operator": "HTX", "opened_on": "2026-01-01"})
    assert created.status_code == 302
    bad = client.post(reverse("fairs:display-create", args=[showroom.pk]), {
        "establishment": est_a.pk, "displayed_from": "2026-02-01", "displayed_to": "2026-01-01"})
    assert bad.status_code == 400 and not ShowroomDisplay.objects.exists()
    ok = client.post(reverse("fairs:display-create", args=[showroom.pk]), {
        "establishment": est_a.pk, "displayed_from": "2026-02-01", "products": "Hạt điều"})
    assert ok.status_code == 302 and ShowroomDisplay.objects.get().products == ["Hạt điều"]
