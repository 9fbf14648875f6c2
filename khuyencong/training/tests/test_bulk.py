"""Whole-class work: settle many participants and record many follow-ups — all rows or none, named errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.testing.fixtures import COMMUNE_B
from khuyencong.training import services
from khuyencong.training.models import FollowUp, Participation, ParticipationEvent
from khuyencong.training.services import FollowUpRow, SettleRow
from khuyencong.training.tests.conftest import enrol, make_person

NAMES = ["Lê Văn Một", "Phạm Thị Hai", "Võ Văn Ba", "Đỗ Thị Bốn"]


@pytest.fixture
def class_a(course_a) -> list[Participation]:
    return [enrol(make_person(name), course_a, status="enrolled") for name in NAMES]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _settle(course, class_a, outcomes: dict[int, str]):  # type: ignore[no-untyped-def]
    return [SettleRow(p.pk, p.version, outcomes.get(i, "completed"), f"CC-{i}") for i, p in enumerate(class_a)]


def test_settle_many_completes_all_but_the_exceptions(personas, course_a, class_a) -> None:
    officer = personas["commune_officer_a"]
    saved = services.participations_settle_many(actor=officer, course=course_a,
                                                rows=_settle(course_a, class_a, {2: "dropped"}))
    assert len(saved) == len(NAMES)
    statuses = dict(Participation.objects.values_list("person__full_name", "status"))
    assert statuses == {name: ("dropped" if i == 2 else "completed") for i, name in enumerate(NAMES)}
    # One history row and one event per record, attributed to the officer.
    for p in class_a:
        p.refresh_from_db()
        assert p.history.latest().history_user == officer
        assert p.events.filter(actor=officer).count() == 1
    assert Participation.objects.get(pk=class_a[0].pk).certificate_no == "CC-0"


def test_complete_and_drop_many_wrappers(personas, course_a, class_a) -> None:
    officer = personas["province_officer"]
    services.participations_complete_many(actor=officer, course=course_a,
                                          versions={p.pk: p.version for p in class_a[:2]})
    services.participations_drop_many(actor=officer, course=course_a,
                                      versions={p.pk: p.version for p in class_a[2:]}, note="chuyển nơi ở")
    assert sorted(Participation.objects.values_list("status", flat=True)) == ["completed"] * 2 + ["dropped"] * 2
    assert ParticipationEvent.objects.filter(to_status="dropped", note="chuyển nơi ở").count() == 2


def test_one_invalid_row_saves_nothing_and_names_the_row(personas, course_a, class_a) -> None:
    officer = personas["province_officer"]
    # Row 3 was already dropped by a single action: it cannot be completed now.
    services.participant_drop(actor=officer, participation=class_a[2])
    rows = _settle(course_a, class_a, {})
    rows[2] = SettleRow(class_a[2].pk, class_a[2].version, "completed")
    with pytest.raises(ValidationError) as exc:
        services.participations_settle_many(actor=officer, course=course_a, rows=rows)
    message = " ".join(exc.value.message_dict["rows"])
    assert "Dòng 3" in message and NAMES[2] in message and "Dòng 1" not in message
    assert Participation.objects.filter(status="completed").count() == 0
    assert ParticipationEvent.objects.filter(to_status="completed").count() == 0


def test_a_participant_of_another_course_is_a_named_row_error(personas, course_a, class_a) -> None:
    from khuyencong.training.tests.conftest import make_course

    stranger = enrol(make_person("Người Lớp Khác"), make_course(), status="enrolled")
    rows = [*_settle(course_a, class_a, {}), SettleRow(stranger.pk, stranger.version, "completed")]
    with pytest.raises(ValidationError) as exc:
        services.participations_settle_many(actor=personas["province_officer"], course=course_a, rows=rows)
    assert "Dòng 5" in exc.value.message_dict["rows"][0]
    assert not Participation.objects.filter(status="completed").exists()


def test_stale_bulk_edit_is_refused(personas, course_a, class_a) -> None:
    officer = personas["province_officer"]
    rows = _settle(course_a, class_a, {})
    # Someone else completes row 2 after the table was opened.
    services.participant_complete(actor=officer, participation=class_a[1])
    with pytest.raises(StaleEditError):
        services.participations_settle_many(actor=officer, course=course_a, rows=rows)
    assert Participation.objects.filter(status="completed").count() == 1


def test_settle_refused_outside_area(personas, course_a, class_a) -> None:
    with pytest.raises(PermissionDeniedError):
        services.participations_settle_many(actor=personas["commune_officer_b"], course=course_a,
                                            rows=_settle(course_a, class_a, {}))
    assert not Participation.objects.exclude(status="enrolled").exists()


@pytest.fixture
def completed_a(course_a) -> list[Participation]:
    return [enrol(make_person(name), course_a) for name in NAMES]


def test_followups_record_many(personas, course_a, completed_a) -> None:
    officer = personas["commune_officer_a"]
    rows = [FollowUpRow(p.pk, 0, {"date": dt.date(2026, 10, 1), "status": "employed", "monthly_income_vnd": 7_000_000})
            for p in completed_a[:3]]
    saved = services.followups_record_many(actor=officer, course=course_a, rows=rows)
    assert len(saved) == 3 and FollowUp.objects.count() == 3
    assert all(f.history.get().history_user == officer for f in saved)


def test_followups_one_bad_row_saves_nothing(personas, course_a, completed_a) -> None:
    rows = [FollowUpRow(p.pk, 0, {"date": dt.date(2026, 10, 1), "status": "employed"}) for p in completed_a]
    rows[1] = FollowUpRow(completed_a[1].pk, 0, {"date": dt.date(2026, 1, 1), "status": "employed"})
    with pytest.raises(ValidationError) as exc:
        services.followups_record_many(actor=personas["province_officer"], course=course_a, rows=rows)
    (message,) = exc.value.message_dict["rows"]
    assert message.startswith("Dòng 2") and NAMES[1] in message and "Ngày theo dõi" in message
    assert not FollowUp.objects.exists()


def test_followups_stale_grid_refused(personas, course_a, completed_a) -> None:
    FollowUp.objects.create(participation=completed_a[0], date=dt.date(2026, 9, 1), status="employed")
    rows = [FollowUpRow(completed_a[0].pk, 0, {"date": dt.date(2026, 10, 1), "status": "unemployed"})]
    with pytest.raises(StaleEditError):
        services.followups_record_many(actor=personas["province_officer"], course=course_a, rows=rows)
    assert FollowUp.objects.count() == 1


def test_followups_outside_area_refused(personas, course_a) -> None:
    other = enrol(make_person("Người Xã B", commune=COMMUNE_B), course_a)
    with pytest.raises(PermissionDeniedError):
        services.followups_record_many(actor=personas["commune_officer_a"], course=course_a, rows=[
            FollowUpRow(other.pk, 0, {"date": dt.date(2026, 10, 1), "status": "employed"})])


# --- pages ---------------------------------------------------------------------------------------

def _settle_post(class_a, outcomes: dict[int, str]) -> dict:  # type: ignore[type-arg]
    data: dict = {"participation": [str(p.pk) for p in class_a]}  # type: ignore[type-arg]
    for i, p in enumerate(class_a):
        data[f"version_{p.pk}"] = str(p.version)
        data[f"outcome_{p.pk}"] = outcomes.get(i, "completed")
    return data


def test_course_page_shows_settle_table_and_follow_up_links(personas, course_a, class_a) -> None:
    enrol(make_person("Đã Xong"), course_a)
    page = client_for(personas["commune_officer_a"]).get(reverse("training:course_detail", args=[course_a.pk]))
    html = page.content.decode()
    assert reverse("training:course_settle", args=[course_a.pk]) in html
    assert html.count('name="participation"') == len(NAMES)
    assert reverse("training:course_follow_ups", args=[course_a.pk]) + "#row-" in html
    auditor = client_for(personas["auditor"]).get(reverse("training:course_detail", args=[course_a.pk]))
    assert reverse("training:course_settle", args=[course_a.pk]) not in auditor.content.decode()


def test_settle_page_with_exceptions(personas, course_a, class_a) -> None:
    client = client_for(personas["commune_officer_a"])
    response = client.post(reverse("training:course_settle", args=[course_a.pk]),
                           _settle_post(class_a, {1: "dropped", 3: ""}))
    assert response.status_code == 302
    assert sorted(Participation.objects.values_list("status", flat=True)) == [
        "completed", "completed", "dropped", "enrolled"]


def test_settle_page_stale_is_400_and_saves_nothing(personas, course_a, class_a) -> None:
    data = _settle_post(class_a, {})
    data[f"version_{class_a[0].pk}"] = str(class_a[0].version - 1)
    response = client_for(personas["province_officer"]).post(reverse("training:course_settle", args=[course_a.pk]),
                                                             data)
    assert response.status_code == 400 and "người khác thay đổi" in response.content.decode()
    assert not Participation.objects.exclude(status="enrolled").exists()


def test_settle_page_refused_to_auditor(personas, course_a, class_a) -> None:
    response = client_for(personas["auditor"]).post(reverse("training:course_settle", args=[course_a.pk]),
                                                    _settle_post(class_a, {}))
    assert response.status_code == 403
    assert not Participation.objects.exclude(status="enrolled").exists()


def _grid_post(completed, values: dict[int, dict[str, str]]) -> dict:  # type: ignore[no-untyped-def, type-arg]
    data = {}
    for i, p in enumerate(completed):
        data[f"seen_{p.pk}"] = "0"
        for key, value in values.get(i, {}).items():
            data[f"f{p.pk}-{key}"] = value
    return data


def test_follow_up_grid_page(personas, course_a, completed_a, django_assert_max_num_queries) -> None:
    client = client_for(personas["commune_officer_a"])
    url = reverse("training:course_follow_ups", args=[course_a.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200 and all(name in page.content.decode() for name in NAMES)
    response = client.post(url, _grid_post(completed_a, {
        0: {"date": "2026-10-01", "status": "employed", "monthly_income_vnd": "6500000"},
        2: {"date": "2026-10-02", "status": "self_employed"}}))
    assert response.status_code == 302
    assert sorted(FollowUp.objects.values_list("participation__person__full_name", flat=True)) == sorted(
        [NAMES[0], NAMES[2]])


def test_follow_up_grid_bad_cell_names_row_and_saves_nothing(personas, course_a, completed_a) -> None:
    client = client_for(personas["commune_officer_a"])
    response = client.post(reverse("training:course_follow_ups", args=[course_a.pk]), _grid_post(completed_a, {
        0: {"date": "2026-10-01", "status": "employed"}, 3: {"date": "ngày mai", "status": "employed"}}))
    assert response.status_code == 400
    html = response.content.decode()
    # The error names the row by its number in the table as shown (ordered by name) and the trainee.
    shown = re.search(rf'id="row-{completed_a[3].pk}" class="invalid"><td>(\d+)', html)
    assert shown and f"Dòng {shown[1]} ({NAMES[3]}): Ngày theo dõi" in html
    assert not FollowUp.objects.exists()


def test_follow_up_grid_query_count_constant(personas, course_a, django_assert_max_num_queries) -> None:
    for i in range(15):
        enrol(make_person(f"Học Viên {i}"), course_a)
    client = client_for(personas["province_officer"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("training:course_follow_ups", args=[course_a.pk])).status_code == 200
