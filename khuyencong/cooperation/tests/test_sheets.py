"""The cooperation register: partners, agreements, activities and officials through the services."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.cooperation.models import Activity, ActivityParticipant, Agreement, Partner
from khuyencong.cooperation.sheets import ACTIVITIES, AGREEMENTS, PARTICIPANTS, PARTNERS
from khuyencong.exchange.export import write_register
from khuyencong.exchange.pipeline import ImportResult, run_import
from khuyencong.exchange.registry import get
from khuyencong.exchange.spec import ImportContext, Row
from khuyencong.exchange.testing import workbook_bytes
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, unit
from khuyencong.training.models import Person
from khuyencong.training.tests.conftest import MAN_1990, WOMAN_1995, make_person

pytestmark = pytest.mark.django_db
REGISTER = get("cooperation")
MODELS = (Partner, Agreement, Activity, ActivityParticipant, Person)
SANJO = {"name": "Phòng Thương mại và Công nghiệp Sanjo (SCCI)", "country": "Nhật Bản", "city": "Sanjo"}
OF_SANJO = {"partner": SANJO["name"], "partner_country": SANJO["country"]}
MOU = {**OF_SANJO, "title": "Biên bản ghi nhớ hợp tác khuyến công", "signed_on": dt.date(2015, 11, 2),
       "valid_from": dt.date(2015, 11, 2)}
COURSE = {"title": "Khóa đào tạo tại Sanjo về gia công kim loại", "start_date": dt.date(2019, 10, 7),
          "end_date": dt.date(2019, 10, 17), "kind": "Lớp đào tạo ở nước ngoài", **OF_SANJO,
          "agreement": MOU["title"], "organising_unit": settings.PROVINCE_CODE, "abroad_country": "Nhật Bản",
          "abroad_city": "Sanjo"}
WORKSHOP = {"title": "Hội thảo hợp tác khuyến công", "start_date": dt.date(2020, 1, 9),
            "end_date": dt.date(2020, 1, 10), "kind": "workshop", **OF_SANJO, "organising_unit": COMMUNE_A,
            "venue_unit": COMMUNE_A}
NEW_OFFICIAL = {"national_id": WOMAN_1995, "full_name": "Trần Thị Bình", "birth_date": dt.date(1995, 4, 2),
                "gender": "Nữ", "commune": COMMUNE_A, "ethnicity": "Kinh"}


def at(activity: dict[str, Any], person: dict[str, Any]) -> dict[str, Any]:
    return {"activity": activity["title"], "activity_start_date": activity["start_date"], **person}


def book(partners: Any = (), agreements: Any = (), activities: Any = (), participants: Any = ()) -> bytes:
    content = {}
    for spec, rows in ((PARTNERS, partners), (AGREEMENTS, agreements), (ACTIVITIES, activities),
                       (PARTICIPANTS, participants)):
        content[spec.name] = [[c.header for c in spec.columns], *[[r.get(c.field) for c in spec.columns]
                                                                  for r in rows]]
    return workbook_bytes(content)


def load(data: bytes, actor: Any) -> ImportResult:
    return run_import(data, filename="hop-tac.xlsx", actor=actor, register_code="cooperation")


def where(result: ImportResult) -> list[tuple[str, str]]:
    return [(p.where(), p.message) for p in result.problems]


def reported() -> int | None:
    """The report's figure for 2014–2020, all areas, from the indicator engine (officials' participations)."""
    code = "cooperation.official_participations"
    return compute(Period(dt.date(2014, 1, 1), dt.date(2020, 12, 31)), resolve_area(None, None), [code]).values[code]


def attendance() -> list[tuple[str, str, str]]:
    """Who took part in what (officials only, those the report counts): activity, name, gender."""
    rows = ActivityParticipant.objects.filter(person__role="civil_servant").values_list(
        "activity__title", "person__full_name", "person__gender")
    return sorted(rows)


# The four participations of ``full_book``: three officials at the course (one new), one of them at the workshop too.
ATTENDANCE = sorted([(COURSE["title"], "Nguyễn Văn An", "male"), (COURSE["title"], "Lê Văn Cường", "male"),
                     (COURSE["title"], "Trần Thị Bình", "female"), (WORKSHOP["title"], "Nguyễn Văn An", "male")])


def history_rows() -> int:
    return sum(m.history.count() for m in MODELS)  # type: ignore[attr-defined]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in MODELS)


@pytest.fixture
def officer(personas):  # type: ignore[no-untyped-def]
    return personas["province_officer"]


@pytest.fixture
def known(db) -> dict[str, Any]:
    """Two officials already recorded: one with an ID number, one without (matched by name, birth date, commune)."""
    make_person("Nguyễn Văn An", national_id=MAN_1990, birth_year=1990, role="civil_servant")
    make_person("Lê Văn Cường", birth_date=dt.date(1980, 1, 5), birth_year=1980, role="civil_servant")
    return {"an": {"national_id": MAN_1990, "full_name": "Nguyễn Văn An", "commune": COMMUNE_A},
            "cuong": {"full_name": "Lê Văn Cường", "birth_date": dt.date(1980, 1, 5), "commune": COMMUNE_A}}


def full_book(known: dict[str, Any], **edits: Any) -> bytes:
    return book(
        partners=[SANJO], agreements=[MOU],
        activities=[{**COURSE, "end_date": edits.get("end_date", COURSE["end_date"])}, WORKSHOP],
        participants=[at(COURSE, known["an"]), at(COURSE, known["cuong"]), at(COURSE, NEW_OFFICIAL),
                      at(WORKSHOP, known["an"])],
    )


def test_workbook_creates_records_and_records_new_officials(officer, known) -> None:
    result = load(full_book(known), officer)
    assert result.problems == [] and result.committed, where(result)
    assert counts() == (1, 1, 2, 4, 3)  # one new person; the two known ones are referred to, not duplicated
    course = Activity.objects.get(title=COURSE["title"])
    assert course.organising_unit.code == settings.PROVINCE_CODE and course.agreement.title == MOU["title"]
    assert Activity.objects.get(title=WORKSHOP["title"]).venue_unit == unit(COMMUNE_A, dt.date(2020, 1, 9))
    new = Person.objects.get(national_id=WOMAN_1995)
    assert new.role == "civil_servant" and new.gender == "female" and new.birth_year == 1995
    assert reported() == 4 and attendance() == ATTENDANCE
    assert len({name for _title, name, _gender in attendance()}) == 3  # distinct officials


def test_reimporting_the_same_file_writes_nothing(officer, known) -> None:
    data = full_book(known)
    assert load(data, officer).committed
    before = history_rows()
    again = load(data, officer)
    assert again.problems == [] and again.committed
    assert [(o.created, o.updated, o.unchanged) for o in again.outcomes.values()] == [
        (0, 0, 1), (0, 0, 1), (0, 0, 2), (0, 0, 4)]
    assert history_rows() == before


def test_an_edited_cell_updates_that_activity_only(officer, known) -> None:
    assert load(full_book(known), officer).committed
    before = Activity.history.count()  # type: ignore[attr-defined]
    result = load(full_book(known, end_date=dt.date(2019, 10, 20)), officer)
    assert result.committed, where(result)
    assert result.outcomes[ACTIVITIES.name].updated == 1 and result.outcomes[ACTIVITIES.name].unchanged == 1
    assert Activity.objects.get(title=COURSE["title"]).end_date == dt.date(2019, 10, 20)
    assert Activity.history.count() == before + 1  # type: ignore[attr-defined]


def test_export_imports_back_and_into_an_empty_database_gives_the_same_figures(officer, known) -> None:
    assert load(full_book(known), officer).committed
    owner = make_person("Phạm Văn Chủ", role="establishment_manager")
    ActivityParticipant.objects.create(activity=Activity.objects.get(title=COURSE["title"]), person=owner)
    buffer = io.BytesIO()
    write_register(REGISTER, officer, buffer)
    exported = buffer.getvalue()
    before = history_rows()
    same = load(exported, officer)
    assert same.problems == [] and same.committed and history_rows() == before, where(same)
    assert reported() == 4 and attendance() == ATTENDANCE  # the business owner is not counted
    ActivityParticipant.objects.all().delete()
    Activity.objects.all().delete()
    Agreement.objects.all().delete()
    Partner.objects.all().delete()
    again = load(exported, officer)
    assert again.problems == [] and again.committed, where(again)
    # The business owner is not exported: the service admits only civil servants (and the report counts only them).
    assert counts()[:4] == (1, 1, 2, 4)
    assert reported() == 4 and attendance() == ATTENDANCE


def test_masked_id_numbers_of_an_auditor_export_still_name_the_person(personas, officer, known) -> None:
    assert load(full_book(known), officer).committed
    rows = list(REGISTER.export_rows(PARTICIPANTS, actor=personas["auditor"]))
    assert sorted(r[2] for r in rows) == ["", "**********01", "**********01", "**********02"]
    ctx = ImportContext(actor=officer)
    masked = next(r for r in rows if r[2] == "**********01")
    values = dict(zip([c.field for c in PARTICIPANTS.columns], masked, strict=True))
    REGISTER.import_rows(PARTICIPANTS, [Row(2, values)], ctx)
    assert ctx.problems == [] and ctx.outcome(PARTICIPANTS).unchanged == 1


# --- Bad rows: each reported in Vietnamese with sheet, row and column; nothing saved -------------------------------

def test_unknown_activity_in_participants(officer, known) -> None:
    result = load(book(partners=[SANJO], participants=[at(COURSE, known["an"])]), officer)
    assert not result.committed
    assert where(result) == [("Trang “Người tham gia”, dòng 2, cột “Tên hoạt động”",
                              "Không tìm thấy hoạt động “Khóa đào tạo tại Sanjo về gia công kim loại” bắt đầu ngày "
                              "07/10/2019 trong phạm vi bạn quản lý. Hãy ghi hoạt động ở trang “Hoạt động” hoặc "
                              "kiểm tra lại tên và ngày bắt đầu.")]
    assert counts()[:4] == (0, 0, 0, 0)


def test_end_date_before_start_date(officer) -> None:
    result = load(book(partners=[SANJO], activities=[{**WORKSHOP, "end_date": dt.date(2020, 1, 2)}]), officer)
    assert not result.committed
    assert where(result) == [("Trang “Hoạt động”, dòng 2, cột “Ngày kết thúc”",
                              "Ngày kết thúc không được trước ngày bắt đầu.")]
    assert counts()[:4] == (0, 0, 0, 0)


def test_person_or_activity_the_actor_may_not_see(personas, officer, known) -> None:
    assert load(book(partners=[SANJO], activities=[WORKSHOP]), officer).committed
    make_person("Võ Thị Dung", commune=COMMUNE_B, national_id="077195000099", birth_year=1995, gender="female",
                role="civil_servant")
    officer_a = personas["commune_officer_a"]
    outsider = {"national_id": "077195000099", "full_name": "Võ Thị Dung", "commune": COMMUNE_B}
    result = load(book(participants=[at(WORKSHOP, outsider), at(COURSE, known["an"])]), officer_a)
    assert not result.committed
    assert where(result) == [
        ("Trang “Người tham gia”, dòng 2, cột “Số định danh cá nhân (CCCD)”",
         "Không thể ghi nhận mục này với số định danh đã nhập. Hồ sơ đã được chuyển Sở Công Thương xem xét; "
         "cán bộ Sở sẽ liên hệ với bạn."),
        ("Trang “Người tham gia”, dòng 3, cột “Tên hoạt động”",
         "Không tìm thấy hoạt động “Khóa đào tạo tại Sanjo về gia công kim loại” bắt đầu ngày 07/10/2019 trong "
         "phạm vi bạn quản lý. Hãy ghi hoạt động ở trang “Hoạt động” hoặc kiểm tra lại tên và ngày bắt đầu."),
    ]
    # A province activity exists, but commune officer B may not see it: reported, not duplicated.
    assert load(book(partners=[SANJO], agreements=[MOU], activities=[COURSE]), officer).committed
    refused = load(book(partners=[SANJO], agreements=[MOU], activities=[COURSE]), personas["commune_officer_b"])
    assert ("Trang “Hoạt động”, dòng 2, cột “Tên hoạt động”",
            "Không thể ghi nhận mục này với tên và ngày bắt đầu hoạt động đã nhập. Hồ sơ đã được chuyển Sở Công "
            "Thương xem xét; cán bộ Sở sẽ liên hệ với bạn.") in where(refused)
    assert Activity.objects.count() == 2 and ActivityParticipant.objects.count() == 0


def test_duplicate_key_within_one_file(officer, known) -> None:
    # The same person once by ID number and once by name + birth date + commune is the same key too.
    an_by_name = {"full_name": "Nguyễn Văn An", "commune": COMMUNE_A}
    result = load(book(partners=[SANJO, SANJO], activities=[WORKSHOP],
                       participants=[at(WORKSHOP, known["an"]), at(WORKSHOP, known["an"]),
                                     at(WORKSHOP, an_by_name)]), officer)
    assert not result.committed
    assert where(result) == [
        ("Trang “Đối tác”, dòng 3, cột “Tên đối tác”", "Trùng khoá (Tên đối tác, Quốc gia) với dòng 2 trong cùng tệp."),
        ("Trang “Người tham gia”, dòng 3, cột “Tên hoạt động”",
         "Trùng khoá (Tên hoạt động, Ngày bắt đầu hoạt động, Số định danh cá nhân (CCCD), Họ và tên, Ngày sinh, "
         "Xã/phường cư trú) với dòng 2 trong cùng tệp."),
        ("Trang “Người tham gia”, dòng 4, cột “Họ và tên”",
         "Dòng này trùng khóa nhận diện với dòng 2 trong cùng trang; mỗi bản ghi chỉ ghi một dòng."),
    ]
    assert counts()[:4] == (0, 0, 0, 0)


def export_queries(actor: Any) -> list[int]:
    counts = []
    for spec in REGISTER.sheets:
        with CaptureQueriesContext(connection) as queries:
            list(REGISTER.export_rows(spec, actor=actor))
        counts.append(len(queries))
    return counts


def test_export_queries_do_not_grow_with_the_rows(personas, officer, known) -> None:
    assert load(full_book(known), officer).committed
    actors = (officer, personas["commune_officer_a"])
    for actor in actors:  # a user's area is worked out once (per user object, as for one request), then reused
        export_queries(actor)
    before = [export_queries(actor) for actor in actors]
    more = [{**NEW_OFFICIAL, "national_id": None, "full_name": f"Cán bộ số {i}", "birth_date": dt.date(1990, 1, i)}
            for i in range(1, 6)]
    assert load(book(partners=[SANJO], activities=[WORKSHOP], participants=[at(WORKSHOP, p) for p in more]),
                officer).committed
    assert ActivityParticipant.objects.count() == 9
    assert [export_queries(actor) for actor in actors] == before
