"""Enrol many people at once (a pasted list of ID numbers or a pick): one service, all rows or none."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.training import services
from khuyencong.training.models import Participation, ParticipationEvent
from khuyencong.training.services import EnrolRow
from khuyencong.training.tests.conftest import enrol, make_person

IDS = ["077090000011", "077090000022", "077090000033"]


@pytest.fixture
def three(db):  # type: ignore[no-untyped-def]
    return [make_person(name, national_id=number) for name, number in
            zip(["Lê Văn Một", "Phạm Thị Hai", "Võ Văn Ba"], IDS, strict=True)]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_enrol_many_goes_through_the_single_enrol_rule_with_history(personas, course_a, three) -> None:
    officer = personas["commune_officer_a"]
    rows = [EnrolRow(n, p.national_id, p) for n, p in enumerate(three, start=1)]
    created = services.participants_enrol_many(actor=officer, course=course_a, rows=rows,
                                               expected_version=course_a.version)
    assert [p.person for p in created] == three
    for participation in created:
        # Each record: its own history row and enrolment event, by the officer; milestones set as for one.
        assert participation.history.get().history_user == officer
        assert ParticipationEvent.objects.get(participation=participation).actor == officer
        assert participation.follow_up_due_3m is not None


def test_one_bad_row_saves_nothing_and_names_every_wrong_row(personas, course_a, three, person_b) -> None:
    enrol(three[1], course_a, status="enrolled")
    three[2].restricted = True
    three[2].save()
    rows = [EnrolRow(1, three[0].national_id, three[0]), EnrolRow(2, three[1].national_id, three[1]),
            EnrolRow(3, three[2].national_id, three[2]), EnrolRow(4, person_b.national_id, person_b),
            EnrolRow(5, "077099999999", None), EnrolRow(6, three[0].national_id, three[0])]
    with pytest.raises(ValidationError) as exc:
        services.participants_enrol_many(actor=personas["commune_officer_a"], course=course_a, rows=rows)
    errors = exc.value.message_dict["rows"]
    assert [e.split(" ")[1].rstrip(":") for e in errors] == ["2", "3", "4", "5", "6"]
    assert "đã có trong lớp" in errors[0] and "hạn chế xử lý" in errors[1]
    # Out of the officer's communes reads exactly like an unknown number.
    assert errors[2].replace(person_b.national_id, "X").replace("4", "N") == \
        errors[3].replace("077099999999", "X").replace("5", "N")
    assert "lặp" in errors[4]
    assert Participation.objects.filter(course=course_a).count() == 1  # only the one enrolled beforehand


def test_empty_list_and_foreign_course_are_refused(personas, course_a, three) -> None:
    with pytest.raises(ValidationError) as exc:
        services.participants_enrol_many(actor=personas["commune_officer_a"], course=course_a, rows=[])
    assert "Danh sách trống" in exc.value.messages[0]
    with pytest.raises(PermissionDeniedError):
        services.participants_enrol_many(actor=personas["commune_officer_b"], course=course_a,
                                         rows=[EnrolRow(1, "x", three[0])])
    assert not Participation.objects.exists()


def test_stale_bulk_enrol_is_refused(personas, course_a, three) -> None:
    seen = course_a.version
    services.course_update(actor=personas["province_officer"], course=course_a, data={"trainer": "Cô Lan"},
                           expected_version=seen)
    with pytest.raises(StaleEditError):
        services.participants_enrol_by_ids(actor=personas["commune_officer_a"], course=course_a,
                                           text="\n".join(IDS), expected_version=seen)
    assert not Participation.objects.exists()


def test_paste_errors_come_in_line_order(personas, course_a, three) -> None:
    text = f"077099999999\n12ab\n{IDS[0]}\n"
    with pytest.raises(ValidationError) as exc:
        services.participants_enrol_by_ids(actor=personas["province_officer"], course=course_a, text=text)
    errors = exc.value.message_dict["national_ids"]
    assert errors[0].startswith("Dòng 1:") and errors[1].startswith("Dòng 2 (“12ab”)") and len(errors) == 2
    assert not Participation.objects.exists()


def test_pick_page_enrols_the_picked_people(personas, course_a, three) -> None:
    client = client_for(personas["commune_officer_a"])
    url = reverse("training:course_enrol_picked", args=[course_a.pk])
    response = client.post(url, {"people": [p.pk for p in three], "version": course_a.version})
    assert response.status_code == 302
    assert set(Participation.objects.values_list("person_id", flat=True)) == {p.pk for p in three}


@pytest.mark.parametrize("people", [[], ["abc"], ["999999"]])
def test_pick_page_bad_input_is_a_400_naming_the_problem(personas, course_a, three, people) -> None:
    client = client_for(personas["commune_officer_a"])
    url = reverse("training:course_enrol_picked", args=[course_a.pk])
    response = client.post(url, {"people": [three[0].pk, *people] if people else [], "version": course_a.version})
    html = response.content.decode()
    assert response.status_code == 400
    expected = {0: "Chưa chọn học viên nào", 1: "Mã học viên không hợp lệ", 2: "Dòng 2: không tìm thấy"}
    assert expected[[[], ["abc"], ["999999"]].index(people)] in html
    assert not Participation.objects.exists()


def test_pick_page_refuses_a_stale_course_and_an_outside_officer(personas, course_a, three) -> None:
    url = reverse("training:course_enrol_picked", args=[course_a.pk])
    stale = client_for(personas["commune_officer_a"]).post(url, {"people": [three[0].pk],
                                                                  "version": course_a.version - 1})
    assert stale.status_code == 400 and "người khác thay đổi" in stale.content.decode()
    outside = client_for(personas["commune_officer_b"]).post(url, {"people": [three[0].pk]})
    assert outside.status_code == 404  # commune B's officer does not see commune A's course
    assert not Participation.objects.exists()


def test_course_page_offers_the_person_picker_with_the_version(personas, course_a) -> None:
    html = client_for(personas["commune_officer_a"]).get(
        reverse("training:course_detail", args=[course_a.pk])).content.decode()
    assert 'data-picker="persons"' in html and 'name="people"' in html and "multiple" in html
    assert f'name="version" value="{course_a.version}"' in html
