"""Training register: courses, participants (học viên + lượt tham gia) and follow-ups after training.

Natural keys (documented in ``docs/import-formats.md``):

* a course by its code (``Mã lớp``);
* a person by the national ID (CCCD). A person without one is identified by the folded full name +
  birth date (or, when only the year is known, birth year) + commune of residence — the same rule
  the training services use to flag suspected duplicates. Such a row never matches a stored person
  who has an ID number; if a stored person with an ID matches the name, birth date and commune, the
  row is refused as a suspected duplicate (as ``person_create`` does) instead of creating a second
  record;
* a participation by person + course, so a person in several courses is one person with several
  participations (người vs lượt in the report);
* a follow-up by participation + follow-up date.

The participant sheet is the high-volume path (100,000-row files): it prefetches courses, persons
and participations by key, validates in Python with the model's own field validators and the
training services' person checks (``identity_errors``, ``due_dates``, the status transitions), and
writes new persons, participations and their status events set-wise (``core.bulk``: ``COPY`` on
PostgreSQL, history rows copied by the database), changed ones with ``bulk_update_with_history``, so
every created or changed record still has its history row. Courses and follow-ups are few and go
through the training services one by one.

Personal data: the export writes full ID numbers and phones only for persons the actor may see
unmasked (``training.policy.sees_personal_data``); for others it writes the masked values, and the
import refuses masked values with a message instead of storing them.

Courses organised by other provinces are exported like the rest: an ordinary import refuses them, as
the forms do, and a system administrator's migration between installations (``import --system``)
carries them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from khuyencong.accounts.models import User
from khuyencong.core.bulk import BulkInsert, write_history
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.text import fold, normalize
from khuyencong.establishments.models import Establishment
from khuyencong.exchange.normalise import CellError, UnitDirectory
from khuyencong.exchange.registers.establishments import EstablishmentLookup, reference_columns
from khuyencong.exchange.registry import register
from khuyencong.exchange.rows import report
from khuyencong.exchange.spec import Column, ImportContext, Kind, Row, SheetSpec
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.schemes.selectors import visible_schemes
from khuyencong.training import policy, services
from khuyencong.training.masking import mask_national_id, mask_phone
from khuyencong.training.models import (
    Course,
    CourseType,
    FollowUp,
    FollowUpStatus,
    Gender,
    Participation,
    ParticipationEvent,
    ParticipationStatus,
    Person,
    PersonRole,
)
from khuyencong.training.selectors import courses_for
from khuyencong.training.services.participations import RESTRICTED, TRANSITIONS, due_dates
from khuyencong.training.services.persons import _derive as derive_person
from khuyencong.training.services.persons import _validate as validate_person
from khuyencong.training.services.persons import identity_errors

BATCH = 2000
IMPORT_NOTE = "Nhập từ tệp Excel"


def _labels(choices: Iterable[tuple[str, Any]]) -> Callable[[], list[tuple[str, str]]]:
    pairs = list(choices)
    return lambda: [(code, str(label)) for code, label in pairs]


def _course_type_choices() -> list[tuple[str, str]]:
    """One entry per code (its latest label): the version in force on the start date is picked on import."""
    latest: dict[str, str] = {}
    for code, label in CourseType.objects.order_by("code", "valid_from").values_list("code", "label"):
        latest[code] = label
    return list(latest.items())


# --- sheets -------------------------------------------------------------------------------------

COURSES = SheetSpec(
    name="Lớp đào tạo",
    title="Một lớp đào tạo, tập huấn",
    key=("code",),
    columns=(
        Column("Mã lớp", "code", required=True, max_length=40, example="BRVT-VOCA-2020-01",
               help="Mã duy nhất của lớp; dùng để cập nhật lớp khi nhập lại tệp."),
        Column("Tên lớp", "title", required=True, max_length=255, example="Đào tạo nghề mây tre đan"),
        Column("Loại lớp", "course_type", Kind.CHOICE, required=True, choices=_course_type_choices,
               help="Mã hoặc tên loại lớp; phải có hiệu lực vào ngày khai giảng."),
        Column("Mã đề án khuyến công", "scheme", max_length=40,
               help="Mã đề án cấp kinh phí cho lớp (để trống nếu lớp tự túc kinh phí)."),
        Column("Đơn vị tổ chức", "organiser", required=True, max_length=255, example="Trung tâm Khuyến công tỉnh"),
        Column("Địa bàn tổ chức", "organising_unit", required=True, example="77",
               help="Mã hoặc tên tỉnh, hoặc xã/phường tổ chức lớp (còn hiệu lực vào ngày khai giảng). "
                    "Lớp được tính cho địa bàn tổ chức, không phải địa điểm học."),
        Column("Giảng viên", "trainer", max_length=255),
        Column("Địa điểm (xã/phường)", "venue_unit", Kind.UNIT, unit_date_field="start_date",
               help="Xã/phường nơi học (trong nước), mã hoặc tên."),
        Column("Nước (nếu học ở nước ngoài)", "abroad_country", max_length=100),
        Column("Thành phố (nước ngoài)", "abroad_city", max_length=100),
        Column("Ngày khai giảng", "start_date", Kind.DATE, required=True, example=dt.date(2020, 3, 2)),
        Column("Ngày kết thúc", "end_date", Kind.DATE, required=True, example=dt.date(2020, 3, 20),
               help="Lớp được tính vào kỳ báo cáo chứa ngày kết thúc."),
        Column("Số học viên kế hoạch", "planned_participants", Kind.INTEGER, example=35),
        Column("Số học viên thực tế (báo cáo)", "actual_participants", Kind.INTEGER),
        Column("Ghi chú", "notes", max_length=4000),
    ),
)

_PERSON_KEY_COLUMNS = (
    Column("Mã lớp", "course", required=True, max_length=40, example="BRVT-VOCA-2020-01"),
    Column("Số định danh cá nhân (CCCD)", "national_id", max_length=12, example="077090000123",
           help="12 chữ số (ghi dạng văn bản để giữ số 0 đầu). Để trống nếu người học chưa có; khi đó "
                "người học được nhận biết bằng họ tên + ngày (năm) sinh + xã/phường cư trú."),
    Column("Họ và tên", "full_name", required=True, max_length=150, example="Nguyễn Văn Hùng"),
    Column("Ngày sinh", "birth_date", Kind.DATE, example=dt.date(1990, 5, 17)),
    Column("Năm sinh", "birth_year", Kind.INTEGER, help="Chỉ cần khi không biết ngày sinh."),
    Column("Xã/phường cư trú", "commune", Kind.UNIT, required=True, example="26560",
           help="Mã hoặc tên xã/phường (trước hoặc sau sắp xếp 2025)."),
)

PARTICIPANTS = SheetSpec(
    name="Học viên",
    title="Một học viên trong một lớp (một lượt tham gia)",
    # The pipeline refuses rows repeating this whole key; repeats of CCCD + course with a different name
    # are found by the register, which knows the person's identity.
    key=("course", "national_id", "full_name", "birth_date", "birth_year", "commune"),
    columns=(
        *_PERSON_KEY_COLUMNS,
        Column("Giới tính", "gender", Kind.CHOICE, required=True, choices=_labels(Gender.choices), example="Nam"),
        Column("Dân tộc", "ethnicity", max_length=50, example="Kinh"),
        Column("Đối tượng", "role", Kind.CHOICE, choices=_labels(PersonRole.choices),
               help="Để trống: người lao động."),
        Column("Điện thoại", "phone", max_length=20),
        *reference_columns("Nơi làm việc: ", required=False),
        Column("Trạng thái", "status", Kind.CHOICE, choices=_labels(ParticipationStatus.choices),
               example="Hoàn thành", help="Để trống: đang học. Hoàn thành chỉ ghi được khi lớp đã kết thúc."),
        Column("Số chứng chỉ", "certificate_no", max_length=50),
    ),
)

FOLLOW_UPS = SheetSpec(
    name="Theo dõi việc làm",
    title="Kết quả theo dõi việc làm của một học viên sau khóa học, vào một ngày",
    key=("course", "national_id", "full_name", "birth_date", "birth_year", "commune", "date"),
    columns=(
        *_PERSON_KEY_COLUMNS,
        Column("Ngày theo dõi", "date", Kind.DATE, required=True, example=dt.date(2020, 9, 20)),
        Column("Tình trạng việc làm", "status", Kind.CHOICE, required=True, choices=_labels(FollowUpStatus.choices),
               example="Có việc làm (làm công)"),
        Column("Nơi làm việc", "employer_text", max_length=255),
        *reference_columns("Nơi làm việc: ", required=False),
        Column("Thu nhập bình quân tháng (đồng)", "monthly_income_vnd", Kind.MONEY, example=6_500_000),
        Column("Ghi chú", "note", max_length=300),
    ),
)

# --- shared helpers ------------------------------------------------------------------------------

_MODEL_FIELD = {  # model field name → column field, for messages raised by the services
    "course_type": "course_type", "scheme": "scheme", "organising_unit": "organising_unit",
    "venue_unit": "venue_unit", "person": "full_name", "participation": "course", "national_id": "national_id",
}


def _report(ctx: ImportContext, sheet: SheetSpec, row: Row, error: ValidationError | PermissionDeniedError) -> None:
    """Turn a service's refusal into problems on the row, each under its column when it has one."""
    report(ctx, sheet, row, error, _MODEL_FIELD)


def _state(ctx: ImportContext) -> _ImportState:
    """What one import remembers across the pipeline's chunks of rows (persons seen, keys used…)."""
    state = ctx.__dict__.get("_training")
    if state is None:
        state = ctx.__dict__["_training"] = _ImportState()
    return state


@dataclass(slots=True)
class _NewPerson:
    """A person this import creates, checked but not yet stored; ``pk`` is set once its chunk is written."""

    values: dict[str, Any]
    pk: int | None = None
    restricted: bool = False

    @property
    def full_name(self) -> str:
        return str(self.values["full_name"])


@dataclass
class _SeenPerson:
    person: Person | _NewPerson
    row: int
    values: dict[str, Any]


@dataclass
class _ImportState:
    persons: dict[tuple[Any, ...], _SeenPerson] = field(default_factory=dict)
    participations: dict[tuple[tuple[Any, ...], int], int] = field(default_factory=dict)
    courses: dict[str, Course | None] = field(default_factory=dict)
    follow_ups: dict[tuple[int, dt.date], int] = field(default_factory=dict)
    may_edit_unit: dict[int, bool] = field(default_factory=dict)
    units: UnitDirectory | None = None
    employers: EstablishmentLookup | None = None
    # Checked new records, written together once the participant sheet is read (see ``_flush_new``).
    new_persons: list[_NewPerson] = field(default_factory=list)
    new_participations: list[tuple[_NewPerson | Person, Course, str, str]] = field(default_factory=list)


class _Validators:
    """The model's own field checks (``Field.clean``: type, choices, blank, max length, validators),
    memoised per value: most cells repeat (gender, commune, status), and a 100,000-row file must not
    run ``full_clean`` 100,000 times."""

    def __init__(self, model: type[Model]) -> None:
        self.fields = {f.name: f for f in model._meta.concrete_fields}
        self.memo: dict[tuple[str, Any], list[str]] = {}

    def errors(self, name: str, value: Any) -> list[str]:
        key = (name, value)
        found = self.memo.get(key)
        if found is None:
            try:
                self.fields[name].clean(value, None)
                found = []
            except ValidationError as error:
                found = list(error.messages)
            if len(self.memo) < 200_000:
                self.memo[key] = found
        return found


_PERSON_VALIDATORS = _Validators(Person)
_PARTICIPATION_VALIDATORS = _Validators(Participation)


def _chunks(values: Sequence[Any], size: int = 5000) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _national_id(raw: str) -> str:
    """Digits only; an 11-digit number is a CCCD whose leading zero a number cell dropped.

    Every CCCD starts with 0 (province codes 001–096), so restoring it is not a guess.
    """
    value = "".join(raw.replace(".", "").split())
    return "0" + value if len(value) == 11 and value.isdigit() else value


def _person_key(values: dict[str, Any]) -> tuple[Any, ...]:
    if values["national_id"]:
        return ("id", values["national_id"])
    commune = values["commune"]
    # As for stored persons: the birth year only identifies someone whose birth date is unknown.
    birth_year = None if values["birth_date"] else values["birth_year"]
    return ("name", fold(values["full_name"]), values["birth_date"], birth_year,
            commune.pk if commune is not None else None)


def _stored_person_key(person: Person) -> tuple[Any, ...]:
    if person.national_id:
        return ("id", person.national_id)
    birth_year = None if person.birth_date else person.birth_year
    return ("name", person.search_name, person.birth_date, birth_year, person.commune_id)


def _may_edit_unit(ctx: ImportContext, unit_id: int) -> bool:
    """``policy.in_area`` for the actor, memoised per unit (it computes the province's unit set)."""
    memo = _state(ctx).may_edit_unit
    if unit_id not in memo:
        memo[unit_id] = policy.may_edit(ctx.actor) and policy.in_area(ctx.actor, unit_id)
    return memo[unit_id]


def _courses_by_code(ctx: ImportContext, codes: Iterable[str]) -> dict[str, Course | None]:
    """Courses the actor may manage, by code (upper case); unknown and out-of-area codes map to None."""
    known = _state(ctx).courses
    missing = sorted({c for c in codes if c and c not in known})
    for part in _chunks(missing):
        found = {c.code: c for c in Course.objects.filter(code__in=part).select_related("course_type")}
        for code in part:
            course = found.get(code)
            known[code] = course if course is not None and _may_edit_unit(ctx, course.organising_unit_id) else None
    return known


def _course_code(values: dict[str, Any]) -> str:
    return normalize(values["course"] or "").upper()


def _unknown_course(ctx: ImportContext, sheet: SheetSpec, row: Row, code: str) -> None:
    # Same words whether the code does not exist or belongs to another area: nothing leaks.
    ctx.problem(sheet, row, "course", f"Không tìm thấy lớp có mã “{code}” trong các lớp bạn được quản lý. "
                                      "Hãy kiểm tra mã lớp hoặc thêm lớp vào trang “Lớp đào tạo”.")


def _employer(ctx: ImportContext, sheet: SheetSpec, row: Row) -> tuple[bool, Establishment | None]:
    """(ok, establishment) named by the row's employer columns; blank columns name nobody."""
    v = row.values
    if not (v["establishment_tax_code"] or v["establishment_name"]):
        return True, None
    state = _state(ctx)
    if state.employers is None:
        state.employers = EstablishmentLookup(ctx.actor)
    try:
        return True, state.employers.find(v)
    except LookupError as error:
        ctx.problem(sheet, row, "establishment_name", str(error))
        return False, None


# --- persons (shared by the participant and follow-up sheets) ---------------------------------------

class _PersonReader:
    """Reads the person columns of a row: identity, masking, consistency with other rows."""

    def __init__(self, ctx: ImportContext, sheet: SheetSpec, rows: list[Row], *, full: bool) -> None:
        self.ctx, self.sheet, self.full = ctx, sheet, full
        self.state = _state(ctx)
        self.today = timezone.localdate()
        for row in rows:
            row.values["national_id"] = _national_id(row.values["national_id"] or "")
            if row.values["birth_date"] and not row.values["birth_year"]:
                row.values["birth_year"] = row.values["birth_date"].year
        self.stored = self._prefetch(rows)

    def _prefetch(self, rows: list[Row]) -> dict[tuple[Any, ...], list[Person]]:
        ids = sorted({r.values["national_id"] for r in rows if r.values["national_id"]
                      and ("id", r.values["national_id"]) not in self.state.persons})
        names = sorted({fold(r.values["full_name"]) for r in rows if not r.values["national_id"]})
        stored: dict[tuple[Any, ...], list[Person]] = {}
        query = Person.objects.all()  # communes come from the import's unit directory when needed
        for part in _chunks(ids):
            for person in query.filter(national_id__in=part):
                stored.setdefault(_stored_person_key(person), []).append(person)
        for part in _chunks(names):
            # Persons with an ID come too: a name match with one of them is a suspected duplicate.
            for person in query.filter(search_name__in=part):
                stored.setdefault(_stored_person_key(person), []).append(person)
                if person.national_id:
                    stored.setdefault(("suspect", person.search_name, person.birth_date, person.commune_id),
                                      []).append(person)
        return stored

    def values(self, row: Row) -> dict[str, Any] | None:
        """The person's values from ``row`` (only the identity columns when not ``full``), or None."""
        v = row.values
        ok = True
        if "*" in v["national_id"]:
            self._problem(row, "national_id", "Số định danh đã bị che (tệp được xuất bởi tài khoản không được xem "
                                              "đầy đủ). Không thể nhập số bị che: hãy ghi số đầy đủ.")
            ok = False
        elif v["national_id"]:
            ok = self._field_ok(row, "national_id", v["national_id"]) and ok
        if v["birth_date"] and v["birth_date"] > self.today:
            self._problem(row, "birth_date", "Ngày sinh không được sau ngày hôm nay.")
            ok = False
        elif v["birth_date"] and v["birth_year"] != v["birth_date"].year:
            self._problem(row, "birth_year", f"Năm sinh {v['birth_year']} không khớp với ngày sinh.")
            ok = False
        elif v["birth_year"] is not None:
            ok = self._field_ok(row, "birth_year", v["birth_year"]) and ok
        ok = self._field_ok(row, "full_name", v["full_name"]) and ok
        if v["commune"] is not None and v["commune"].level != "commune":
            self._problem(row, "commune", "Hãy ghi đơn vị cấp xã/phường/đặc khu.")
            ok = False
        if not self.full:
            return {"national_id": v["national_id"], "full_name": v["full_name"], "birth_date": v["birth_date"],
                    "birth_year": v["birth_year"], "commune": v["commune"]} if ok else None
        return self._full_values(row) if ok else None

    def _full_values(self, row: Row) -> dict[str, Any] | None:
        v = row.values
        values = {
            "national_id": v["national_id"] or None, "full_name": v["full_name"], "birth_date": v["birth_date"],
            "birth_year": v["birth_year"], "gender": v["gender"], "ethnicity": v["ethnicity"],
            "commune": v["commune"], "role": v["role"] or PersonRole.WORKER,
            "phone": (v["phone"] or "").replace(" ", "").replace(".", ""), "employer": None,
        }
        ok = True
        if "*" in values["phone"]:
            self._problem(row, "phone", "Số điện thoại đã bị che; không thể nhập số bị che: hãy ghi số đầy đủ.")
            ok = False
        for name in ("gender", "ethnicity", "role", "phone"):
            ok = self._field_ok(row, name, values[name]) and ok
        employer_ok, values["employer"] = _employer(self.ctx, self.sheet, row)
        return values if ok and employer_ok else None

    def _field_ok(self, row: Row, name: str, value: Any) -> bool:
        errors = _PERSON_VALIDATORS.errors(name, value)
        for message in errors:
            self._problem(row, name, message)
        return not errors

    def _problem(self, row: Row, column: str, message: str) -> None:
        self.ctx.problem(self.sheet, row, column, message)

    def lookup(self, key: tuple[Any, ...]) -> Person | _NewPerson | bool | None:
        """The stored person with ``key``; False when several match (ambiguous)."""
        seen = self.state.persons.get(key)
        if seen is not None:
            return seen.person
        found = self.stored.get(key, [])
        return found[0] if len(found) == 1 else (False if found else None)

    def suspects(self, values: dict[str, Any]) -> list[Person]:
        return self.stored.get(("suspect", fold(values["full_name"]), values["birth_date"], values["commune"].pk), [])


# --- participants --------------------------------------------------------------------------------

_PERSON_FIELDS = ("national_id", "full_name", "birth_date", "birth_year", "gender", "ethnicity", "commune", "role",
                  "phone", "employer")


def _person_changes(person: Person, values: dict[str, Any]) -> dict[str, Any]:
    changes = {}
    for name in _PERSON_FIELDS:
        new, old = values[name], getattr(person, name if name not in ("commune", "employer") else f"{name}_id")
        if name in ("commune", "employer"):
            new_id = new.pk if new is not None else None
            if new_id != old:
                changes[name] = new
        elif (new or None) != (old or None):
            changes[name] = new
    return changes


class _ParticipantImport:
    def __init__(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        self.sheet, self.rows, self.ctx = sheet, rows, ctx
        self.state = _state(ctx)
        self.today = timezone.localdate()
        self.persons = _PersonReader(ctx, sheet, rows, full=True)
        self.courses = _courses_by_code(ctx, (_course_code(r.values) for r in rows))
        self.changed_persons: dict[int, set[str]] = {}
        self.changed_person_objs: dict[int, Person] = {}
        self.changed_participations: list[tuple[_StoredParticipation, str]] = []
        self.stored_participations = self._prefetch_participations()

    def _prefetch_participations(self) -> dict[tuple[int, int], _StoredParticipation]:
        """Stored participations of this chunk's persons (by person: a course may have thousands)."""
        person_ids = {p.pk for people in self.persons.stored.values() for p in people}
        # Persons met in earlier chunks are not re-read (``_PersonReader``); take those this chunk names.
        seen = self.state.persons
        for row in self.rows:
            if (earlier := seen.get(_person_key(row.values))) is not None and earlier.person.pk:
                person_ids.add(earlier.person.pk)
        course_ids = {c.pk for c in self.courses.values() if c is not None}
        found: dict[tuple[int, int], _StoredParticipation] = {}
        for part in _chunks(sorted(person_ids), 500):
            # Plain values: most rows of a re-imported file are unchanged and need no record built.
            for pk, person_id, course_id, status, certificate in Participation.objects.filter(
                    person_id__in=part).values_list("pk", "person_id", "course_id", "status", "certificate_no"):
                if course_id in course_ids:
                    found[(person_id, course_id)] = _StoredParticipation(pk, status, certificate)
        return found

    def run(self) -> None:
        outcome = self.ctx.outcome(self.sheet)
        for row in self.rows:
            result = self._row(row)
            if result == "created":
                outcome.created += 1
            elif result == "updated":
                outcome.updated += 1
            elif result == "unchanged":
                outcome.unchanged += 1
        self._write()

    def _row(self, row: Row) -> str | None:
        code = _course_code(row.values)
        course = self.courses.get(code)
        if course is None:
            _unknown_course(self.ctx, self.sheet, row, code)
            return None
        values = self.persons.values(row)
        if values is None:
            return None
        key = _person_key(values)
        person, person_changed = self._person(row, key, values)
        if person is None:
            return None
        participation_key = (key, course.pk)
        first = self.state.participations.get(participation_key)
        if first is not None:
            self.ctx.problem(self.sheet, row, "national_id",
                             f"Học viên này đã có trong lớp “{code}” ở dòng {first} của tệp.")
            return None
        self.state.participations[participation_key] = row.number
        result = self._participation(row, person, course)
        if result is None:
            return None
        return "updated" if result == "unchanged" and person_changed else result

    def _person(self, row: Row, key: tuple[Any, ...],
                values: dict[str, Any]) -> tuple[Person | _NewPerson | None, bool]:
        """The person of the row (stored, changed or new) and whether this row changed it."""
        seen = self.state.persons.get(key)
        if seen is not None:
            differing = [n for n in _PERSON_FIELDS if seen.values[n] != values[n]
                         and not (n == "full_name" and fold(seen.values[n]) == fold(values[n]))]
            if differing:
                column = PARTICIPANTS.column(differing[0]).header
                self.ctx.problem(self.sheet, row, differing[0],
                                 f"Thông tin của người này (cột “{column}”) khác với dòng {seen.row}: "
                                 "một người chỉ có một bộ thông tin, hãy ghi giống nhau ở mọi dòng.")
                return None, False
            return seen.person, False
        stored = self.persons.lookup(key)
        if stored is False:
            self.ctx.problem(self.sheet, row, "full_name", "Có nhiều người trùng họ tên, ngày sinh và xã/phường: "
                                                           "hãy ghi số định danh để phân biệt.")
            return None, False
        person = self._stored_person(row, stored, values) if stored else self._new_person(row, values)
        if person is None:
            return None, False
        self.state.persons[key] = _SeenPerson(person, row.number, values)
        return person, bool(stored) and person.pk in self.changed_persons

    def _stored_person(self, row: Row, person: Person | _NewPerson | bool | None,
                       values: dict[str, Any]) -> Person | None:
        assert isinstance(person, Person)
        if not _may_edit_unit(self.ctx, person.commune_id):
            self.ctx.problem(self.sheet, row, "national_id", "Số định danh này đã được ghi nhận cho một người thuộc "
                                                             "địa bàn khác; hãy liên hệ Sở Công Thương.")
            return None
        changes = _person_changes(person, values)
        if not changes:
            return person
        if person.restricted:
            self.ctx.problem(self.sheet, row, "full_name", RESTRICTED % {"name": person.full_name})
            return None
        for name, value in changes.items():
            setattr(person, name, value)
        if "commune" not in changes:  # the check reads the commune's level: from memory, not a query per person
            person.commune = _units(self.ctx).unit(person.commune_id)
        if not self._check_person(row, person):
            return None
        self.changed_persons[person.pk] = set(changes)
        self.changed_person_objs[person.pk] = person
        return person

    def _new_person(self, row: Row, values: dict[str, Any]) -> _NewPerson | None:
        if not values["national_id"]:
            similar = self.persons.suspects(values)
            if similar:
                names = "; ".join(f"{p.full_name} (hồ sơ số {p.pk})" for p in similar[:3])
                self.ctx.problem(self.sheet, row, "national_id",
                                 f"Có thể trùng với người đã có số định danh (cùng họ tên, ngày sinh, xã/phường): "
                                 f"{names}. Hãy ghi số định danh của người này.")
                return None
        if not _may_edit_unit(self.ctx, values["commune"].pk):
            self.ctx.problem(self.sheet, row, "commune", "Bạn chỉ được ghi nhận người cư trú tại xã/phường mình "
                                                         "phụ trách.")
            return None
        # The services' own check (CCCD digits against birth year and gender), on the row's values:
        # the reader has already derived the birth year and checked the commune's level.
        errors = identity_errors(values["national_id"], values["birth_year"], values["gender"])
        if errors:
            _report(self.ctx, self.sheet, row, ValidationError(errors))
            return None
        person = _NewPerson(values)
        self.state.new_persons.append(person)
        return person

    def _check_person(self, row: Row, person: Person) -> bool:
        derive_person(person)
        try:
            validate_person(person)  # the services' own check: CCCD digits against birth year and gender
        except ValidationError as error:
            _report(self.ctx, self.sheet, row, error)
            return False
        return True

    def _participation(self, row: Row, person: Person | _NewPerson, course: Course) -> str | None:
        status = row.values["status"] or ParticipationStatus.ENROLLED
        certificate = row.values["certificate_no"]
        errors = _PARTICIPATION_VALIDATORS.errors("certificate_no", certificate)
        for message in errors:
            self.ctx.problem(self.sheet, row, "certificate_no", message)
        stored = self.stored_participations.get((person.pk, course.pk)) if person.pk else None
        if stored is None:
            return None if errors or not self._may_set(row, person, course, "", status) else self._create(
                person, course, status, certificate)
        if stored.status == status and stored.certificate_no == certificate:
            return None if errors else "unchanged"
        if errors or not self._may_set(row, person, course, stored.status, status):
            return None
        old = stored.status
        stored.status, stored.certificate_no = status, certificate
        self.changed_participations.append((stored, old))
        return "updated"

    def _may_set(self, row: Row, person: Person | _NewPerson, course: Course, old: str, new: str) -> bool:
        if person.restricted:
            self.ctx.problem(self.sheet, row, "full_name", RESTRICTED % {"name": person.full_name})
            return False
        if old and old != new and new not in TRANSITIONS[old]:
            labels = (ParticipationStatus(old).label, ParticipationStatus(new).label)
            self.ctx.problem(self.sheet, row, "status",
                             f"Không thể chuyển học viên từ “{labels[0]}” sang “{labels[1]}”.")
            return False
        if new == ParticipationStatus.COMPLETED and old != new and course.end_date > self.today:
            self.ctx.problem(self.sheet, row, "status", f"Lớp chưa kết thúc (ngày kết thúc "
                                                        f"{course.end_date:%d/%m/%Y}): chưa thể ghi nhận hoàn thành.")
            return False
        return True

    def _create(self, person: Person | _NewPerson, course: Course, status: str, certificate: str) -> str:
        self.state.new_participations.append((person, course, status, certificate))
        return "created"

    def _write(self) -> None:
        actor, now = self.ctx.actor, timezone.now()
        if self.changed_person_objs:
            fields = set().union(*self.changed_persons.values()) | {"search_name", "birth_year"}
            people = list(self.changed_person_objs.values())
            for person in people:
                person.version += 1
                person.updated_by, person.updated_at = actor, now
            bulk_update_with_history(people, Person, [*sorted(fields), "version", "updated_by", "updated_at"],
                                     batch_size=BATCH, default_user=actor)
        if self.changed_participations:
            records = Participation.objects.in_bulk([p.pk for p, _old in self.changed_participations])
            changed = []
            for stored, _old in self.changed_participations:
                record = records[stored.pk]
                record.status, record.certificate_no = stored.status, stored.certificate_no
                record.version += 1
                record.updated_by, record.updated_at = actor, now
                changed.append(record)
            bulk_update_with_history(changed, Participation,
                                     ["status", "certificate_no", "version", "updated_by", "updated_at"],
                                     batch_size=BATCH, default_user=actor)
            events = [(p.pk, old, p.status, actor.pk, IMPORT_NOTE)
                      for p, old in self.changed_participations if old != p.status]
            _insert_with_history(_writers().event, events, actor=actor, now=now)


@dataclass(slots=True)
class _StoredParticipation:
    """What the participant sheet compares of a stored participation; its record is read only if it changes."""

    pk: int
    status: str
    certificate_no: str

@dataclass(frozen=True)
class _Writers:
    person: BulkInsert
    participation: BulkInsert
    event: BulkInsert


@functools.cache
def _writers() -> _Writers:
    """The set-based writers of the participant sheet (built once: they read model metadata)."""
    return _Writers(
        person=BulkInsert(Person, ("national_id", "full_name", "search_name", "birth_date", "birth_year", "gender",
                                   "ethnicity", "commune_id", "employer_id", "role", "phone", "created_by_id",
                                   "updated_by_id")),
        participation=BulkInsert(Participation, ("person_id", "course_id", "status", "certificate_no",
                                                 "follow_up_due_3m", "follow_up_due_6m", "created_by_id",
                                                 "updated_by_id")),
        event=BulkInsert(ParticipationEvent, ("participation_id", "from_status", "to_status", "by_id", "note")),
    )


def _insert_with_history(writer: BulkInsert, rows: list[tuple[Any, ...]], *, actor: User,
                         now: dt.datetime) -> list[int]:
    ids = writer.insert(rows, now=now)
    write_history(writer.model, ids, history_type="+", user_id=actor.pk, reason=IMPORT_NOTE, when=now)
    return ids


def _flush_new(ctx: ImportContext) -> None:
    """Write the new persons, their participations and one status event each, every one with its history.

    Kept until the participant sheet has been read so that each table takes one ``COPY`` and one history
    statement for the whole file rather than one per chunk; rows of later chunks that name a person
    created earlier in the file hold the same :class:`_NewPerson` and get its id here.
    """
    state = _state(ctx)
    if not (state.new_persons or state.new_participations):
        return
    actor, now, writers = ctx.actor, timezone.now(), _writers()
    persons = [(v["national_id"], v["full_name"], fold(v["full_name"]), v["birth_date"], v["birth_year"],
                v["gender"], v["ethnicity"], v["commune"].pk, _pk(v["employer"]), v["role"], v["phone"],
                actor.pk, actor.pk)
               for v in (p.values for p in state.new_persons)]
    for person, pk in zip(state.new_persons, _insert_with_history(writers.person, persons, actor=actor, now=now),
                          strict=True):
        person.pk = pk
    due = {course.pk: due_dates(course) for _p, course, _s, _c in state.new_participations}
    participations = [(person.pk, course.pk, status, certificate, *due[course.pk], actor.pk, actor.pk)
                      for person, course, status, certificate in state.new_participations]
    ids = _insert_with_history(writers.participation, participations, actor=actor, now=now)
    events = [(pk, "", status, actor.pk, IMPORT_NOTE)
              for pk, (_p, _c, status, _cert) in zip(ids, state.new_participations, strict=True)]
    _insert_with_history(writers.event, events, actor=actor, now=now)
    state.new_persons, state.new_participations = [], []


def _pk(record: Model | None) -> int | None:
    return record.pk if record is not None else None


# --- courses ------------------------------------------------------------------------------------

_COURSE_FIELDS = ("title", "course_type", "scheme", "organiser", "organising_unit", "trainer", "venue_unit",
                  "abroad_country", "abroad_city", "start_date", "end_date", "planned_participants",
                  "actual_participants", "notes")


def _units(ctx: ImportContext) -> UnitDirectory:
    state = _state(ctx)
    if state.units is None:
        state.units = UnitDirectory()
    return state.units


def _organising_unit(ctx: ImportContext, text: str, day: dt.date | None) -> AdministrativeUnit:
    """A province (2-digit code) or a commune (5-digit code), or either by name, in force on the start date."""
    units = _units(ctx)
    text = text.strip()
    levels = ("province",) if text.isdigit() and len(text) <= 2 else (
        ("commune",) if text.isdigit() else ("province", "commune"))
    error: CellError | None = None
    for level in levels:
        try:
            return units.resolve(text, level=level, on=day)
        except CellError as exc:
            error = error or exc
    assert error is not None
    raise error


def _course_values(ctx: ImportContext, row: Row) -> dict[str, Any] | None:
    v = row.values
    ok = True
    values: dict[str, Any] = {name: v.get(name) for name in _COURSE_FIELDS}
    for name in ("title", "organiser", "trainer", "abroad_country", "abroad_city", "notes"):
        values[name] = v[name] or ""
    values["planned_participants"] = v["planned_participants"] or 0
    types = [t for t in CourseType.objects.filter(code=v["course_type"]).order_by("valid_from")
             if v["start_date"] is None or t.is_valid_on(v["start_date"])]
    if not types:
        ctx.problem(COURSES, row, "course_type", f"Loại lớp “{v['course_type']}” không có hiệu lực vào ngày "
                                                 "khai giảng.")
        ok = False
    values["course_type"] = types[-1] if types else None
    if v["scheme"]:
        values["scheme"] = visible_schemes(ctx.actor).filter(code=v["scheme"].strip().upper()).first()
        if values["scheme"] is None:
            ctx.problem(COURSES, row, "scheme", "Không tìm thấy đề án khuyến công này hoặc bạn không có quyền "
                                                "xem đề án.")
            ok = False
    else:
        values["scheme"] = None
    try:
        values["organising_unit"] = _organising_unit(ctx, str(v["organising_unit"]), v["start_date"])
    except CellError as error:
        ctx.problem(COURSES, row, "organising_unit", str(error))
        ok = False
    return values if ok else None


def _changes(record: Model, values: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``values`` that differ from ``record`` (related records compared by id)."""
    changes = {}
    for name, new in values.items():
        old = getattr(record, name)
        if isinstance(new, Model) or isinstance(old, Model) or new is None or old is None:
            if getattr(new, "pk", new) != getattr(old, "pk", old):
                changes[name] = new
        elif new != old:
            changes[name] = new
    return changes


def _import_courses(sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
    outcome = ctx.outcome(sheet)
    codes = [normalize(r.values["code"]).upper() for r in rows]
    stored: dict[str, Course] = {}
    for part in _chunks(sorted(set(codes))):
        stored |= {c.code: c for c in Course.objects.filter(code__in=part)}
    for row, code in zip(rows, codes, strict=True):
        values = _course_values(ctx, row)
        if values is None:
            continue
        course = stored.get(code)
        try:
            if course is None:
                created = services.course_create(actor=ctx.actor, data={"code": code, **values})
                _state(ctx).courses[code] = created
                outcome.created += 1
                continue
            if not _may_edit_unit(ctx, course.organising_unit_id):
                ctx.problem(sheet, row, "code", "Mã lớp này đã được dùng cho một lớp thuộc địa bàn khác.")
                continue
            changes = _changes(course, values)
            if not changes:
                outcome.unchanged += 1
                continue
            services.course_update(actor=ctx.actor, course=course, data=changes, expected_version=None)
            _state(ctx).courses.pop(code, None)
            outcome.updated += 1
        except (ValidationError, PermissionDeniedError) as error:
            _report(ctx, sheet, row, error)


# --- follow-ups ---------------------------------------------------------------------------------

_FOLLOW_UP_FIELDS = ("status", "employer_text", "employer", "monthly_income_vnd", "note")


def _import_follow_ups(sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
    ctx.outcome(sheet)  # present in the result even when every row is refused
    _flush_new(ctx)  # follow-ups may name persons and participations created by the participant sheet
    state = _state(ctx)
    persons = _PersonReader(ctx, sheet, rows, full=False)
    courses = _courses_by_code(ctx, (_course_code(r.values) for r in rows))
    for row in rows:
        code = _course_code(row.values)
        course = courses.get(code)
        values = persons.values(row)
        if course is None:
            _unknown_course(ctx, sheet, row, code)
            continue
        if values is None:
            continue
        person = persons.lookup(_person_key(values))
        person_id = getattr(person, "pk", None)  # persons created by this file's participant sheet have one by now
        participation = (Participation.objects.select_related("person", "course__course_type")
                         .filter(person_id=person_id, course=course).first() if person_id else None)
        if participation is None:
            ctx.problem(sheet, row, "national_id", f"Không tìm thấy học viên này trong lớp “{code}”: hãy ghi "
                                                   "học viên ở trang “Học viên” trước.")
            continue
        key = (participation.pk, row.values["date"])
        if key in state.follow_ups:
            ctx.problem(sheet, row, "date", f"Trùng với dòng {state.follow_ups[key]}: một học viên chỉ có một kết "
                                            "quả theo dõi cho mỗi ngày.")
            continue
        state.follow_ups[key] = row.number
        data = {name: row.values[name] for name in _FOLLOW_UP_FIELDS if name != "employer"}
        data["employer_text"], data["note"] = data["employer_text"] or "", data["note"] or ""
        employer_ok, data["employer"] = _employer(ctx, sheet, row)
        if not employer_ok:
            continue
        _save_follow_up(sheet, row, ctx, participation, data)


def _save_follow_up(sheet: SheetSpec, row: Row, ctx: ImportContext, participation: Participation,
                    data: dict[str, Any]) -> None:
    outcome = ctx.outcome(sheet)
    stored = list(FollowUp.objects.filter(participation=participation, date=row.values["date"]))
    same = [f for f in stored if not _changes(f, data)]
    if same:
        outcome.unchanged += 1
        return
    try:
        if not stored:
            services.follow_up_record(actor=ctx.actor, participation=participation,
                                      data={"date": row.values["date"], **data})
            outcome.created += 1
        elif len(stored) == 1:
            services.follow_up_update(actor=ctx.actor, follow_up=stored[0], data=data)
            outcome.updated += 1
        else:
            ctx.problem(sheet, row, "date", "Đã có nhiều kết quả theo dõi khác nhau vào ngày này; hãy sửa trên "
                                            "trang của học viên.")
    except (ValidationError, PermissionDeniedError) as error:
        _report(ctx, sheet, row, error)


# --- export -------------------------------------------------------------------------------------

def _exported_courses(actor: User) -> Any:
    """Every course the actor sees, those organised by other provinces included: ordinary imports refuse
    them (as the forms do) and a system administrator's migration (``import --system``) carries them."""
    return courses_for(actor)


class _Masking:
    """Full ID and phone only where ``sees_personal_data`` allows it (decided once per commune)."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.memo: dict[int, bool] = {}

    def full(self, commune_id: int) -> bool:
        if commune_id not in self.memo:
            self.memo[commune_id] = policy.sees_personal_data(self.actor, Person(commune_id=commune_id))
        return self.memo[commune_id]

    def national_id(self, commune_id: int, value: str | None) -> str:
        return (value or "") if self.full(commune_id) else mask_national_id(value)

    def phone(self, commune_id: int, value: str) -> str:
        return value if self.full(commune_id) else mask_phone(value)


def _export_courses(actor: User) -> Iterator[list[Any]]:
    courses = _exported_courses(actor).order_by("code")
    for c in courses:
        yield [c.code, c.title, c.course_type.code, c.scheme.code if c.scheme else None, c.organiser,
               c.organising_unit.code, c.trainer, c.venue_unit, c.abroad_country, c.abroad_city, c.start_date,
               c.end_date, c.planned_participants, c.actual_participants, c.notes]


_PERSON_COLUMNS = ("person__national_id", "person__full_name", "person__birth_date", "person__birth_year",
                   "person__commune__code", "person__commune__name", "person__commune_id")


def _EMPLOYER_COLUMNS(path: str) -> tuple[str, str, str]:  # noqa: N802  (reads like the constant it is)
    """The establishment reference cells (see ``establishments.reference_values``) as value lookups."""
    return (f"{path}__tax_code", f"{path}__name", f"{path}__commune__code")


def _export_participants(actor: User) -> Iterator[list[Any]]:
    masking = _Masking(actor)
    rows = (Participation.objects.filter(course__in=_exported_courses(actor))
            .order_by("course__code", "pk")
            .values_list("course__code", *_PERSON_COLUMNS, "person__gender", "person__ethnicity", "person__role",
                         "person__phone", *_EMPLOYER_COLUMNS("person__employer"), "status", "certificate_no"))
    for (code, nid, name, birth_date, birth_year, commune, commune_name, commune_id, gender, ethnicity, role, phone,
         tax_code, employer, employer_commune, status, certificate) in rows.iterator(chunk_size=5000):
        yield [code, masking.national_id(commune_id, nid), name, birth_date, birth_year, f"{commune} - {commune_name}",
               gender, ethnicity,
               role, masking.phone(commune_id, phone), tax_code or "", employer or "", employer_commune or "",
               status, certificate]


def _export_follow_ups(actor: User) -> Iterator[list[Any]]:
    masking = _Masking(actor)
    prefixed = tuple(f"participation__{c}" for c in ("course__code", *_PERSON_COLUMNS))
    rows = (FollowUp.objects.filter(participation__course__in=_exported_courses(actor))
            .order_by("participation__course__code", "participation_id", "date", "pk")
            .values_list(*prefixed, "date", "status", "employer_text", *_EMPLOYER_COLUMNS("employer"),
                         "monthly_income_vnd", "note"))
    for (code, nid, name, birth_date, birth_year, commune, commune_name, commune_id, day, status, employer_text,
         tax_code, employer, employer_commune, income, note) in rows.iterator(chunk_size=5000):
        yield [code, masking.national_id(commune_id, nid), name, birth_date, birth_year, f"{commune} - {commune_name}",
               day, status,
               employer_text, tax_code or "", employer or "", employer_commune or "", income, note]


class TrainingRegister:
    code = "training"
    title = "Đào tạo: lớp, học viên, theo dõi việc làm"
    sheets = (COURSES, PARTICIPANTS, FOLLOW_UPS)

    def export_rows(self, sheet: SheetSpec, *, actor: User) -> Iterable[Sequence[Any]]:
        if not policy.may_read(actor):
            return iter(())
        if sheet is COURSES:
            return _export_courses(actor)
        if sheet is PARTICIPANTS:
            return _export_participants(actor)
        return _export_follow_ups(actor)

    def import_rows(self, sheet: SheetSpec, rows: list[Row], ctx: ImportContext) -> None:
        if not policy.may_edit(ctx.actor):
            if rows:
                ctx.problem(sheet, None, None, "Vai trò của bạn không được nhập dữ liệu đào tạo.")
            return
        if sheet is COURSES:
            _import_courses(sheet, rows, ctx)
        elif sheet is PARTICIPANTS:
            _ParticipantImport(sheet, rows, ctx).run()
        else:
            _import_follow_ups(sheet, rows, ctx)

    def finish(self, ctx: ImportContext) -> None:
        _flush_new(ctx)


TRAINING = register(TrainingRegister())

__all__ = ["COURSES", "FOLLOW_UPS", "PARTICIPANTS", "TRAINING"]
