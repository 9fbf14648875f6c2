"""One write path for participants: a rule of the training services reaches the course page, the bulk
enrol page and the participant sheet of an import alike (issue 19), and the bulk grid reads any
service error, a field-less one too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from khuyencong.exchange.pipeline import run_import
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B
from khuyencong.training import services
from khuyencong.training.models import FollowUp, Participation, ParticipationEvent, Person
from khuyencong.training.services import EnrolRow, FollowUpRow, ParticipantBatch
from khuyencong.training.services import bulk as bulk_services
from khuyencong.training.sheets import COURSES, FOLLOW_UPS, PARTICIPANTS
from khuyencong.training.tests.conftest import MAN_1990, enrol, make_person

pytestmark = pytest.mark.django_db
NEW_RULE = "Lớp này tạm ngừng nhận học viên."


def import_participant(actor: Any, **values: Any) -> list[tuple[int | None, str | None, str]]:
    """Import one participant row of course NGHE-A; its problems as (row, column header, message)."""
    row = {"course": "NGHE-A", "national_id": MAN_1990, "full_name": "Nguyễn Văn An", "birth_year": 1990,
           "commune": COMMUNE_A, "gender": "Nam", **values}
    data = workbook_bytes({spec.name: [[c.header for c in spec.columns],
                                       *([[row.get(c.field) for c in spec.columns]] if spec is PARTICIPANTS else [])]
                           for spec in (COURSES, PARTICIPANTS, FOLLOW_UPS)})
    result = run_import(data, filename="hoc-vien.xlsx", actor=actor, register_code="training")
    return [(p.row, p.column, p.message) for p in result.problems]


@pytest.fixture
def closed_course(monkeypatch, course_a):  # type: ignore[no-untyped-def]
    """A rule added to the enrolment rules of the services (here: course NGHE-A takes nobody)."""
    checked = ParticipantBatch._check_place

    def check_place(self: ParticipantBatch, person: Any, course: Any) -> None:
        checked(self, person, course)
        if course.code == "NGHE-A":
            raise ValidationError({"person": NEW_RULE}, code="closed")

    monkeypatch.setattr(ParticipantBatch, "_check_place", check_place)
    return course_a


def test_a_rule_added_to_enrolment_reaches_the_page_the_bulk_page_and_the_import(personas, closed_course,
                                                                                  person_a) -> None:
    officer = personas["commune_officer_a"]

    with pytest.raises(ValidationError) as one:
        services.participant_enrol(actor=officer, course=closed_course, person=person_a)
    with pytest.raises(ValidationError) as many:
        services.participants_enrol_many(actor=officer, course=closed_course,
                                         rows=[EnrolRow(1, person_a.national_id, person_a)])
    problems = import_participant(officer)

    assert one.value.messages == [NEW_RULE]
    assert many.value.message_dict["rows"] == [f"Dòng 1 (Nguyễn Văn An): {NEW_RULE}"]
    assert problems == [(2, "Họ và tên", NEW_RULE)]  # on the person's column, as the service names it
    assert not Participation.objects.exists()


def test_a_restricted_person_is_refused_alike_by_the_page_and_the_import(personas, course_a, person_a) -> None:
    officer = personas["commune_officer_a"]
    person_a.restricted = True
    person_a.save()

    with pytest.raises(ValidationError) as one:
        services.participant_enrol(actor=officer, course=course_a, person=person_a)

    assert import_participant(officer) == [(2, "Họ và tên", one.value.messages[0])]
    assert not Participation.objects.exists()


def test_the_import_moves_nobody_out_of_the_actors_communes_as_person_update_refuses(personas, course_a,
                                                                                      person_a) -> None:
    officer = personas["commune_officer_a"]

    problems = import_participant(officer, commune=COMMUNE_B)

    assert problems == [(2, None, "Bạn chỉ được quản lý người thuộc xã/phường mình phụ trách.")]
    assert Person.objects.get(pk=person_a.pk).commune.code == COMMUNE_A


def test_an_enrolment_from_the_page_is_written_with_its_history_and_event(personas, course_a, person_a) -> None:
    officer = personas["commune_officer_a"]

    participation = services.participant_enrol(actor=officer, course=course_a, person=person_a)

    assert participation.pk and participation.status == "enrolled" and participation.follow_up_due_3m
    assert participation.history.get().history_user == officer
    assert ParticipationEvent.objects.get(participation=participation).actor == officer


def test_the_follow_up_grid_reads_a_validation_error_without_fields(monkeypatch, personas, course_a) -> None:
    participation = enrol(make_person("Lê Văn Một"), course_a)

    def refuse(**_kwargs: Any) -> FollowUp:
        raise ValidationError("Không ghi được kết quả theo dõi lúc này.")

    monkeypatch.setattr(bulk_services, "follow_up_record", refuse)
    with pytest.raises(ValidationError) as exc:
        services.followups_record_many(actor=personas["province_officer"], course=course_a, rows=[
            FollowUpRow(participation.pk, 0, {"date": dt.date(2026, 10, 1), "status": "employed"})])

    assert exc.value.message_dict["rows"] == ["Dòng 1 (Lê Văn Một): Không ghi được kết quả theo dõi lúc này."]
