"""The sheets of the training register: columns, headers, natural keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from khuyencong.establishments.sheets import reference_columns
from khuyencong.exchange.spec import Column, Kind, SheetSpec
from khuyencong.training.models import CourseType, FollowUpStatus, Gender, ParticipationStatus, PersonRole

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

_PERSON = ("national_id", "full_name", "birth_date", "birth_year", "commune")

PARTICIPANTS = SheetSpec(
    name="Học viên",
    title="Một học viên trong một lớp (một lượt tham gia)",
    # The pipeline refuses rows repeating this whole key; repeats of CCCD + course with a different name
    # are found by the register, which knows the person's identity.
    key=("course", "national_id", "full_name", "birth_date", "birth_year", "commune"),
    personal=("national_id", "phone"),
    person_key=_PERSON,
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
    personal=("national_id",),
    person_key=_PERSON,
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
