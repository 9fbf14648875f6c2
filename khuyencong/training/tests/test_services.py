"""Training writes: validation messages, dedup, enrolment, the state machine, follow-ups, merge, privacy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.testing.fixtures import unit
from khuyencong.training import services
from khuyencong.training.models import (
    Course,
    FollowUp,
    Participation,
    ParticipationEvent,
    Person,
    PersonalDataAccess,
    PersonMerge,
)
from khuyencong.training.tests.conftest import (
    COMMUNE_A,
    COMMUNE_B,
    MAN_1990,
    course_type,
    enrol,
    follow,
    make_course,
    make_person,
)


def person_data(**overrides):  # type: ignore[no-untyped-def]
    base = {"full_name": "Lê Văn Cường", "gender": "male", "commune": unit(COMMUNE_A), "birth_year": 1990}
    return {**base, **overrides}


def course_data(**overrides):  # type: ignore[no-untyped-def]
    base = {"code": "cn-01", "title": "Lớp cơ khí", "course_type": course_type("intermediate"),
            "organiser": "Trung tâm Khuyến công", "organising_unit": unit(COMMUNE_A),
            "start_date": dt.date(2026, 1, 5), "end_date": dt.date(2026, 6, 30), "planned_participants": 30}
    return {**base, **overrides}


# --- persons ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("national_id", "message"), [
    ("07709000000", "12 chữ số"),
    ("07709000000x", "12 chữ số"),
    ("099090000001", "mã tỉnh"),
    ("000090000001", "mã tỉnh"),
    ("077290000001", "năm sinh"),  # century digit 2 = 2000s, but born 1990
    ("077190000001", "giới tính"),  # odd century digit = woman, recorded as a man
])
def test_malformed_national_id_refused_nothing_saved(personas, national_id, message) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=personas["province_officer"], data=person_data(national_id=national_id))
    assert message in " ".join(exc.value.message_dict["national_id"])
    assert not Person.objects.exists()


def test_create_person_normalises_and_derives(personas) -> None:
    person = services.person_create(actor=personas["commune_officer_a"], data=person_data(
        full_name="  Lê   Văn Cường ", national_id="0770 9000 0001", birth_date=dt.date(1990, 3, 1), birth_year=None))
    assert person.full_name == "Lê Văn Cường" and person.search_name == "le van cuong"
    assert person.national_id == MAN_1990 and person.birth_year == 1990 and person.created_by is not None


def test_duplicate_id_names_existing_person(personas, person_a) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=personas["province_officer"], data=person_data(national_id=MAN_1990))
    assert "Nguyễn Văn An" in exc.value.message_dict["national_id"][0]
    assert Person.objects.count() == 1


def test_duplicate_id_outside_area_is_not_named(personas, person_a) -> None:
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=personas["commune_officer_b"],
                               data=person_data(national_id=MAN_1990, commune=unit(COMMUNE_B)))
    message = exc.value.message_dict["national_id"][0]
    assert "Nguyễn Văn An" not in message and "địa bàn khác" not in message and "chuyển Sở" in message


def test_suspected_duplicate_needs_confirmation(personas) -> None:
    data = person_data(full_name="Phạm Thị Dung", gender="female", birth_date=dt.date(1992, 5, 1))
    first = services.person_create(actor=personas["province_officer"], data=data)
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=personas["province_officer"], data={**data, "full_name": "pham thi  DUNG"})
    assert exc.value.error_dict["full_name"][0].code == "suspected_duplicate"
    assert f"hồ sơ số {first.pk}" in exc.value.message_dict["full_name"][0]
    assert Person.objects.count() == 1
    services.person_create(actor=personas["province_officer"], data=data, confirm_distinct=True)
    assert Person.objects.count() == 2


def test_commune_officer_cannot_create_person_elsewhere(personas) -> None:
    with pytest.raises(PermissionDeniedError):
        services.person_create(actor=personas["commune_officer_a"], data=person_data(commune=unit(COMMUNE_B)))
    assert not Person.objects.exists()


@pytest.mark.parametrize("persona", ["council_member", "auditor", "establishment_rep", "outsider"])
def test_read_only_roles_cannot_create_persons(personas, persona) -> None:
    with pytest.raises(PermissionDeniedError):
        services.person_create(actor=personas[persona], data=person_data())


def test_restricted_person_cannot_be_edited_or_enrolled_but_can_be_corrected(personas, person_a, course_a) -> None:
    officer = personas["province_officer"]
    services.person_restrict(actor=officer, person=person_a, restricted=True, note="Yêu cầu ngày 20/11")
    with pytest.raises(ValidationError):
        services.person_update(actor=officer, person=person_a, data={"ethnicity": "Kinh"}, expected_version=None)
    with pytest.raises(ValidationError) as exc:
        services.participant_enrol(actor=officer, course=course_a, person=person_a)
    assert "hạn chế xử lý" in exc.value.message_dict["person"][0]
    services.person_update(actor=officer, person=person_a, data={"ethnicity": "Tày"}, expected_version=None,
                           correction=True)
    person_a.refresh_from_db()
    assert person_a.ethnicity == "Tày" and person_a.restricted and not Participation.objects.exists()


# --- courses ---------------------------------------------------------------------------------

def test_course_create_and_bad_dates(personas) -> None:
    officer = personas["commune_officer_a"]
    course = services.course_create(actor=officer, data=course_data())
    assert course.code == "CN-01" and course.scheme is None
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=officer, data=course_data(code="CN-02", end_date=dt.date(2025, 1, 1)))
    assert "không được trước ngày khai giảng" in exc.value.message_dict["end_date"][0]
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=officer, data=course_data(code="cn-01"))
    assert "đã được dùng" in exc.value.message_dict["code"][0]
    assert Course.objects.count() == 1


def test_course_venue_is_domestic_or_abroad(personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=personas["province_officer"], data=course_data(
            venue_unit=unit(COMMUNE_A), abroad_country="Nhật Bản"))
    assert "abroad_country" in exc.value.message_dict
    course = services.course_create(actor=personas["province_officer"], data=course_data(
        organising_unit=unit(settings.PROVINCE_CODE), abroad_country="Nhật Bản", abroad_city="Sanjo"))
    assert course.organising_unit.level == "province"


def test_commune_officer_cannot_organise_for_province_or_other_commune(personas) -> None:
    for organising in (unit(settings.PROVINCE_CODE), unit(COMMUNE_B)):
        with pytest.raises(PermissionDeniedError):
            services.course_create(actor=personas["commune_officer_a"], data=course_data(organising_unit=organising))


def test_course_type_must_be_valid_on_start(personas) -> None:
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=personas["province_officer"], data=course_data(
            course_type=course_type("digital_transformation"), start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2024, 2, 1)))
    assert "course_type" in exc.value.message_dict


def test_course_end_change_moves_due_dates(personas, person_a, course_a) -> None:
    participation = services.participant_enrol(actor=personas["province_officer"], course=course_a, person=person_a)
    assert participation.follow_up_due_3m == dt.date(2026, 9, 30)
    services.course_update(actor=personas["province_officer"], course=course_a,
                           data={"end_date": dt.date(2026, 5, 31)}, expected_version=course_a.version)
    participation.refresh_from_db()
    assert (participation.follow_up_due_3m, participation.follow_up_due_6m) == (dt.date(2026, 8, 31),
                                                                                dt.date(2026, 11, 30))


# --- enrolment and state machine ----------------------------------------------------------------

def test_enrol_twice_refused(personas, person_a, course_a) -> None:
    officer = personas["commune_officer_a"]
    services.participant_enrol(actor=officer, course=course_a, person=person_a)
    with pytest.raises(ValidationError) as exc:
        services.participant_enrol(actor=officer, course=course_a, person=person_a)
    assert "đã có trong lớp" in exc.value.message_dict["person"][0]
    assert Participation.objects.count() == 1


def test_paste_list_is_all_or_nothing_with_line_numbers(personas, person_a, course_a) -> None:
    other = make_person("Võ Văn Em", national_id="077088000003", birth_year=1988)
    text = f"{person_a.national_id}\n\n12345\n{other.national_id}\n077085000009\n{other.national_id}\n"
    with pytest.raises(ValidationError) as exc:
        services.participants_enrol_by_ids(actor=personas["province_officer"], course=course_a, text=text)
    messages = exc.value.message_dict["national_ids"]
    assert any(m.startswith("Dòng 3") and "12 chữ số" in m for m in messages)
    assert any(m.startswith("Dòng 5") and "không tìm thấy" in m for m in messages)
    assert any(m.startswith("Dòng 6") and "lặp" in m for m in messages)
    assert not Participation.objects.exists()
    created = services.participants_enrol_by_ids(actor=personas["province_officer"], course=course_a,
                                                 text=f"{person_a.national_id}\n {other.national_id} \n")
    assert len(created) == 2


def test_paste_list_refuses_person_outside_officer_area(personas, person_b, course_a) -> None:
    with pytest.raises(ValidationError) as exc:
        services.participants_enrol_by_ids(actor=personas["commune_officer_a"], course=course_a,
                                           text=person_b.national_id)
    assert "Dòng 1" in exc.value.message_dict["national_ids"][0]
    assert not Participation.objects.exists()


def test_complete_refused_before_course_end(personas, person_a, future_course) -> None:
    participation = services.participant_enrol(actor=personas["province_officer"], course=future_course,
                                               person=person_a)
    with pytest.raises(ValidationError) as exc:
        services.participant_complete(actor=personas["province_officer"], participation=participation)
    assert "chưa kết thúc" in exc.value.message_dict["status"][0]
    participation.refresh_from_db()
    assert participation.status == "enrolled" and participation.events.count() == 1


def test_transitions_are_recorded_as_events(personas, person_a, course_a) -> None:
    officer = personas["province_officer"]
    participation = services.participant_enrol(actor=officer, course=course_a, person=person_a)
    services.participant_complete(actor=officer, participation=participation, certificate_no=" CC-12 ")
    assert participation.certificate_no == "CC-12"
    with pytest.raises(ValidationError):
        services.participant_drop(actor=officer, participation=participation)
    events = list(ParticipationEvent.objects.values_list("from_status", "to_status"))
    assert events == [("", "enrolled"), ("enrolled", "completed")]


# --- follow-ups --------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "field", "message"), [
    ({"date": dt.date(2026, 6, 29), "status": "employed"}, "date", "trước ngày kết thúc lớp"),
    ({"date": dt.date(2026, 9, 30), "status": "employed", "monthly_income_vnd": -1}, "monthly_income_vnd", "âm"),
    ({"date": dt.date(2027, 1, 1), "status": "employed"}, "date", "sau ngày hôm nay"),
])
def test_bad_follow_up_refused(personas, person_a, course_a, data, field, message) -> None:
    participation = enrol(person_a, course_a)
    with pytest.raises(ValidationError) as exc:
        services.follow_up_record(actor=personas["commune_officer_a"], participation=participation, data=data)
    assert message in exc.value.message_dict[field][0]
    assert not FollowUp.objects.exists()


def test_follow_up_only_for_employment_oriented_completed(personas, person_a) -> None:
    management = make_course(type_code="management")
    participation = enrol(person_a, management)
    with pytest.raises(ValidationError):
        services.follow_up_record(actor=personas["province_officer"], participation=participation,
                                  data={"date": dt.date(2026, 9, 1), "status": "employed"})
    dropped = enrol(person_a, make_course(), status="dropped")
    with pytest.raises(ValidationError):
        services.follow_up_record(actor=personas["province_officer"], participation=dropped,
                                  data={"date": dt.date(2026, 9, 1), "status": "employed"})
    assert not FollowUp.objects.exists()


def test_follow_up_recorded(personas, person_a, course_a) -> None:
    participation = enrol(person_a, course_a)
    follow_up = services.follow_up_record(actor=personas["commune_officer_a"], participation=participation, data={
        "date": dt.date(2026, 9, 30), "status": "employed", "monthly_income_vnd": 6_500_000,
        "employer_text": " Công ty  cơ khí "})
    assert follow_up.employer_text == "Công ty cơ khí" and follow_up.history.count() == 1


def test_commune_officer_b_cannot_follow_up_person_of_a(personas, person_a, course_a) -> None:
    participation = enrol(person_a, course_a)
    with pytest.raises(PermissionDeniedError):
        services.follow_up_record(actor=personas["commune_officer_b"], participation=participation,
                                  data={"date": dt.date(2026, 9, 30), "status": "employed"})


# --- merge -------------------------------------------------------------------------------------

def test_merge_moves_records(personas, person_a, course_a) -> None:
    duplicate = make_person("Nguyễn Văn An", birth_date=dt.date(1990, 1, 1), ethnicity="Kinh")
    other_course = make_course()
    p = enrol(duplicate, other_course)
    follow(p, dt.date(2026, 9, 1), "employed")
    enrol(duplicate, course_a, status="dropped")
    enrol(person_a, course_a)
    duplicate_pk = duplicate.pk
    services.person_merge(actor=personas["province_officer"], keep=person_a, merge=duplicate)
    person_a.refresh_from_db()
    assert not Person.objects.filter(pk=duplicate_pk).exists()
    assert set(person_a.participations.values_list("course_id", flat=True)) == {course_a.pk, other_course.pk}
    assert FollowUp.objects.get().participation.person_id == person_a.pk
    assert person_a.ethnicity == "Kinh" and person_a.birth_date == dt.date(1990, 1, 1)
    assert PersonMerge.objects.get().merged_person_id == duplicate_pk


def test_merge_refused_when_both_attended_same_course(personas, person_a, course_a) -> None:
    duplicate = make_person("Nguyễn Văn An")
    enrol(duplicate, course_a)
    enrol(person_a, course_a)
    with pytest.raises(ValidationError) as exc:
        services.person_merge(actor=personas["province_officer"], keep=person_a, merge=duplicate)
    assert course_a.code in exc.value.message_dict["merge"][0]
    assert Person.objects.count() == 2 and Participation.objects.count() == 2


def test_merge_refused_for_commune_officer(personas, person_a) -> None:
    with pytest.raises(PermissionDeniedError):
        services.person_merge(actor=personas["commune_officer_a"], keep=person_a, merge=make_person("X"))


# --- privacy -----------------------------------------------------------------------------------

def test_unmask_logs_and_refuses_roles_without_right(personas, person_a, person_b) -> None:
    assert services.person_unmask_id(actor=personas["commune_officer_a"], person=person_a) == MAN_1990
    assert PersonalDataAccess.objects.get().kind == "unmasked_id"
    for persona in ("auditor", "council_member", "commune_officer_b"):
        with pytest.raises(PermissionDeniedError) as exc:
            services.person_unmask_id(actor=personas[persona], person=person_a)
        assert "số định danh" in str(exc.value)
    with pytest.raises(PermissionDeniedError):
        services.person_unmask_id(actor=personas["commune_officer_a"], person=person_b)
    assert PersonalDataAccess.objects.count() == 1


def test_export_has_everything_about_the_person_and_nothing_else(personas, person_a, person_b, course_a) -> None:
    officer = personas["province_officer"]
    services.consent_record(actor=officer, person=person_a,
                            data={"purpose": "training", "basis": "consent", "given_at": dt.date(2026, 1, 2)})
    services.consent_record(actor=officer, person=person_b,
                            data={"purpose": "training", "basis": "consent", "given_at": dt.date(2026, 1, 3)})
    mine, theirs = enrol(person_a, course_a), enrol(person_b, course_a)
    follow(mine, dt.date(2026, 9, 30), "employed", 7_000_000)
    follow(theirs, dt.date(2026, 10, 1), "unemployed", 1_234_567)
    services.person_unmask_id(actor=officer, person=person_b)
    services.person_unmask_id(actor=officer, person=person_a)
    data = services.person_export(actor=officer, person=person_a)
    assert data["person"]["national_id"] == MAN_1990 and data["person"]["phone"] == "0912345678"
    assert [c["given_at"] for c in data["consents"]] == ["2026-01-02"]
    assert [p["course"]["code"] for p in data["participations"]] == ["NGHE-A"]
    assert data["participations"][0]["follow_ups"][0]["monthly_income_vnd"] == 7_000_000
    assert [a["kind"] for a in data["access_log"]] == ["unmasked_id", "export"]
    import json

    text = json.dumps(data, ensure_ascii=False)
    incomes = [f["monthly_income_vnd"] for p in data["participations"] for f in p["follow_ups"]]
    assert incomes == [7_000_000] and len(data["access_log"]) == 2
    for foreign in (person_b.full_name, person_b.national_id, person_b.phone, "2026-01-03", "2026-10-01"):
        assert foreign not in text


def test_export_refused_without_right(personas, person_a) -> None:
    with pytest.raises(PermissionDeniedError):
        services.person_export(actor=personas["auditor"], person=person_a)
    assert not PersonalDataAccess.objects.exists()
