"""What each sheet of the schemes workbook holds: its columns, Vietnamese headers, help and natural key."""

from __future__ import annotations

import re

from khuyencong.establishments.sheets import reference_columns
from khuyencong.exchange.spec import Column, Kind, SheetSpec
from khuyencong.schemes.models import ActivityType, CommunicationKind, FundingSource, ProgrammeLevel, SchemeStatus

S = SchemeStatus
# The lifecycle up to acceptance, in order; settlement and cancellation are on the last sheet.
PROGRESS = (S.PROPOSED, S.APPRAISED, S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED)
CLOSED = {S.SETTLED, S.AMENDED, S.CANCELLED}
# What each step records (scheme_transition's fields); editable dates (actual start/end) stay on the scheme.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    S.APPRAISED: ("appraisal_score", "appraisal_comments"),
    S.APPROVED: ("plan", "approval_decision_no", "approval_decision_date"),
    S.CONTRACTED: ("contract_no", "contract_date"),
    S.IN_PROGRESS: (),
    S.ACCEPTED: ("acceptance_date", "acceptance_record_no"),
}
MONEY = ("total_cost", "public_support", "counterpart_capital")
IMPORT_NOTE = "Ghi nhận khi nhập dữ liệu từ tệp."
NO_REASON = "Không có lý do hủy được ghi nhận trên hệ thống."
# Service error keys → the column that shows them (a service names the model field, a sheet its column).
FIELD_COLUMNS = {"plan": "plan_year", "target": "progress", "note": "cancel_reason",
                 "establishment": "establishment_name"}
SEPARATOR = re.compile(r"\s*;\s*")
NAME_AND_COMMUNE = re.compile(r"^(?P<name>.*\S)\s*\((?P<commune>\d{5})\)$")


def activity_type_choices() -> list[tuple[str, str]]:
    """One (code, label) per activity code; the label of its latest version."""
    labels: dict[str, str] = {}
    for code, label in ActivityType.objects.order_by("order", "code", "valid_from").values_list("code", "label"):
        labels[code] = label
    return list(labels.items())


LEVEL_CHOICES = [(c.value, str(c.label)) for c in ProgrammeLevel]
SOURCE_CHOICES = [(c.value, str(c.label)) for c in FundingSource]
PROGRESS_CHOICES = [(s.value, str(s.label)) for s in PROGRESS]
COMMUNICATION_CHOICES = [(c.value, str(c.label)) for c in CommunicationKind]
CLOSING_CHOICES = [(S.SETTLED.value, str(S.SETTLED.label)), (S.CANCELLED.value, str(S.CANCELLED.label))]
_LEVEL = Column("Cấp chương trình", "level", Kind.CHOICE, required=True, choices=LEVEL_CHOICES,
                help="Chương trình quốc gia hoặc chương trình địa phương.", example="Chương trình quốc gia")
_START = Column("Năm bắt đầu giai đoạn", "start_year", Kind.INTEGER, required=True,
                help="Năm đầu của giai đoạn chương trình (4 chữ số).", example=2021)
_SCHEME_CODE = Column("Mã đề án", "scheme_code", required=True, max_length=40,
                      help="Mã đề án như trên trang “Đề án” (đề án phải có sẵn hoặc ở trang “Đề án”).",
                      example="MM-2024-001")
# A machinery item, communication output or assessment is named by its number within its scheme.
_ITEM_NUMBER = Column("Số thứ tự", "number", Kind.INTEGER, required=True,
                      help="1, 2, 3… trong đề án; mã đề án + số thứ tự là khoá nhận diện.", example=1)

PROGRAMMES = SheetSpec("Chương trình", "một chương trình khuyến công nhiều năm", (
    _LEVEL,
    _START,
    Column("Năm kết thúc giai đoạn", "end_year", Kind.INTEGER, required=True,
           help="Năm cuối của giai đoạn; cấp + năm bắt đầu + năm kết thúc là khoá nhận diện.", example=2025),
    Column("Tên chương trình", "name", required=True, max_length=255,
           example="Chương trình khuyến công quốc gia giai đoạn 2021–2025"),
    Column("Số quyết định phê duyệt", "decision_no", max_length=60, example="1881/QĐ-TTg"),
    Column("Ngày quyết định", "decision_date", Kind.DATE, help="dd/mm/yyyy.", example="24/11/2020"),
), key=("level", "start_year", "end_year"))

PLANS = SheetSpec("Kế hoạch năm", "kinh phí được duyệt của một nguồn trong một năm", (
    Column("Cấp chương trình", "programme_level", Kind.CHOICE, required=True, choices=LEVEL_CHOICES,
           help="Cấp của chương trình chứa kế hoạch (chương trình ở trang “Chương trình”).",
           example="Chương trình quốc gia"),
    Column("Năm bắt đầu giai đoạn", "programme_start_year", Kind.INTEGER, required=True,
           help="Năm bắt đầu giai đoạn của chương trình chứa kế hoạch.", example=2021),
    Column("Năm kế hoạch", "year", Kind.INTEGER, required=True,
           help="Năm của kế hoạch, nằm trong giai đoạn của chương trình.", example=2024),
    Column("Nguồn kinh phí", "funding_source", Kind.CHOICE, required=True, choices=SOURCE_CHOICES,
           help="Khuyến công quốc gia hoặc khuyến công địa phương.", example="Khuyến công quốc gia"),
    Column("Tổng kinh phí được duyệt (đồng)", "approved_total", Kind.MONEY, required=True,
           help="Số nguyên, đồng (ví dụ 60.000.000.000); không ghi “60 tỷ”.", example=60_000_000_000),
    Column("Số quyết định", "decision_no", max_length=60, example="124/QĐ-SCT"),
    Column("Ngày quyết định", "decision_date", Kind.DATE, help="dd/mm/yyyy.", example="15/01/2024"),
), key=("programme_level", "programme_start_year", "year", "funding_source"))

SCHEMES = SheetSpec("Đề án", "một đề án khuyến công, đến bước nghiệm thu", (
    Column("Mã đề án", "code", required=True, max_length=40,
           help="Mã duy nhất của đề án; là khoá nhận diện khi nhập lại.", example="MM-2024-001"),
    Column("Tên đề án", "title", required=True, max_length=300,
           example="Hỗ trợ ứng dụng máy sấy tiên tiến cho cơ sở chế biến hạt điều"),
    Column("Loại hoạt động", "activity_type", Kind.CHOICE, required=True, choices=activity_type_choices,
           help="Nội dung hoạt động khuyến công (danh mục theo Nghị định 45/2012, 235/2025).",
           example="Ứng dụng máy móc thiết bị tiên tiến"),
    Column("Nguồn kinh phí", "funding_source", Kind.CHOICE, required=True, choices=SOURCE_CHOICES,
           example="Khuyến công quốc gia"),
    Column("Năm kế hoạch", "plan_year", Kind.INTEGER,
           help="Năm của kế hoạch (trang “Kế hoạch năm”) chứa đề án; bắt buộc từ bước “Đã phê duyệt”.",
           example=2024),
    Column("Cấp chương trình của kế hoạch", "plan_level", Kind.CHOICE, choices=LEVEL_CHOICES,
           help="Chỉ cần khi cùng năm và nguồn có kế hoạch của hai chương trình.", example="Chương trình quốc gia"),
    Column("Đơn vị thực hiện", "implementing_unit_name", required=True, max_length=255,
           example="Trung tâm Khuyến công tỉnh"),
    Column("Mã địa bàn đơn vị thực hiện", "implementing_unit", max_length=10,
           help="Mã tỉnh, huyện hoặc xã của đơn vị thực hiện, còn hiệu lực vào ngày bắt đầu (kế hoạch).",
           example="79"),
    Column("Cơ sở thụ hưởng", "beneficiaries",
           help="Các cơ sở thụ hưởng, cách nhau bằng dấu “;”. Mỗi cơ sở ghi mã số thuế, hoặc khi không có MST "
           "ghi “Tên cơ sở (mã xã/phường)”, ví dụ “Cơ sở chế biến hạt điều Phước Nguyên (26554)”.",
           example="3500101107; Cơ sở chế biến hạt điều Phước Nguyên (26554)"),
    Column("Bắt đầu (kế hoạch)", "planned_start", Kind.DATE, help="dd/mm/yyyy.", example="01/03/2024"),
    Column("Kết thúc (kế hoạch)", "planned_end", Kind.DATE, help="dd/mm/yyyy.", example="30/11/2024"),
    Column("Bắt đầu (thực tế)", "actual_start", Kind.DATE, help="dd/mm/yyyy.", example="20/03/2024"),
    Column("Kết thúc (thực tế)", "actual_end", Kind.DATE, help="dd/mm/yyyy.", example="15/11/2024"),
    Column("Tổng kinh phí (đồng)", "total_cost", Kind.MONEY, help="Số nguyên, đồng.", example=600_000_000),
    Column("Kinh phí khuyến công hỗ trợ (đồng)", "public_support", Kind.MONEY,
           help="Không vượt tổng kinh phí và định mức hỗ trợ có hiệu lực vào ngày phê duyệt.", example=300_000_000),
    Column("Vốn đối ứng (đồng)", "counterpart_capital", Kind.MONEY,
           help="Không thấp hơn tổng kinh phí trừ kinh phí hỗ trợ.", example=300_000_000),
    Column("Tiến độ", "progress", Kind.CHOICE, choices=PROGRESS_CHOICES,
           help="Bước đã đạt trong quy trình, từ “Đề xuất” đến “Đã nghiệm thu” (để trống: đề xuất). Hệ thống "
           "chuyển lần lượt từng bước với thông tin của bước đó; quyết toán hoặc hủy ghi ở trang “Quyết toán, hủy”.",
           example="Đã nghiệm thu"),
    Column("Điểm thẩm định", "appraisal_score", Kind.DECIMAL, help="0–100; bắt buộc từ bước “Đã thẩm định”.",
           example="85"),
    Column("Ý kiến thẩm định", "appraisal_comments", max_length=4000),
    Column("Số quyết định phê duyệt", "approval_decision_no", max_length=60,
           help="Bắt buộc từ bước “Đã phê duyệt”.", example="45/QĐ-SCT"),
    Column("Ngày quyết định phê duyệt", "approval_decision_date", Kind.DATE,
           help="dd/mm/yyyy; định mức hỗ trợ áp dụng là định mức có hiệu lực vào ngày này.", example="01/03/2024"),
    Column("Số hợp đồng", "contract_no", max_length=60, help="Bắt buộc từ bước “Đã ký hợp đồng”.",
           example="12/HĐ-KC"),
    Column("Ngày ký hợp đồng", "contract_date", Kind.DATE, help="dd/mm/yyyy, không trước ngày phê duyệt.",
           example="11/03/2024"),
    Column("Ngày nghiệm thu", "acceptance_date", Kind.DATE,
           help="dd/mm/yyyy; bắt buộc ở bước “Đã nghiệm thu” (ngày này quyết định kỳ báo cáo).", example="20/11/2024"),
    Column("Số biên bản nghiệm thu", "acceptance_record_no", max_length=60, example="12/BB-NT"),
    Column("Ghi chú", "notes", max_length=4000),
), key=("code",))

DISBURSEMENTS = SheetSpec("Giải ngân", "một lần giải ngân cho một đề án", (
    _SCHEME_CODE,
    Column("Lần giải ngân", "number", Kind.INTEGER, required=True,
           help="1, 2, 3… theo thứ tự ngày trong đề án; mã đề án + lần là khoá nhận diện.", example=1),
    Column("Ngày giải ngân", "date", Kind.DATE, required=True,
           help="dd/mm/yyyy, không trước ngày ký hợp đồng.", example="21/03/2024"),
    Column("Số tiền (đồng)", "amount", Kind.MONEY, required=True,
           help="Số nguyên dương; tổng các lần không vượt kinh phí hỗ trợ được duyệt.", example=150_000_000),
    Column("Ghi chú", "note", max_length=255),
), key=("scheme_code", "number"))

MACHINERY = SheetSpec("Máy móc thiết bị", "một máy móc, thiết bị được hỗ trợ", (
    _SCHEME_CODE,
    _ITEM_NUMBER,
    Column("Tên máy móc, thiết bị", "name", required=True, max_length=255, example="Máy sấy"),
    Column("Số lượng", "quantity", Kind.INTEGER, required=True, help="Số nguyên lớn hơn 0.", example=2),
    Column("Đơn giá (đồng)", "unit_price", Kind.MONEY, required=True, example=300_000_000),
    Column("Nhà cung cấp", "supplier", max_length=255, example="Công ty TNHH Thiết bị Công nghiệp Miền Nam"),
    Column("Nhóm ngành", "sector_group", max_length=30, help="Mã nhóm ngành của cơ sở (nếu có).",
           example="agro_processing"),
), key=("scheme_code", "number"))

DEMONSTRATIONS = SheetSpec("Mô hình trình diễn", "mô hình trình diễn kỹ thuật của một đề án", (
    _SCHEME_CODE,
    *reference_columns("Nơi trình diễn: "),
    Column("Công nghệ / sản phẩm trình diễn", "technology", required=True, max_length=300,
           example="Dây chuyền chế biến hạt điều tự động"),
    Column("Số lao động sử dụng", "workers_employed", Kind.INTEGER, help="Số nguyên không âm.", example=20),
    Column("Thu nhập bình quân của lao động (đồng/tháng)", "avg_worker_income_vnd", Kind.MONEY,
           example=6_000_000),
    Column("Cơ sở nhân rộng mô hình", "adopters",
           help="Như cột “Cơ sở thụ hưởng” của trang “Đề án”: MST hoặc “Tên cơ sở (mã xã/phường)”, cách nhau "
           "bằng “;”."),
), key=("scheme_code",))

COMMUNICATION = SheetSpec("Sản phẩm truyền thông", "một sản phẩm thông tin tuyên truyền của một đề án", (
    _SCHEME_CODE,
    _ITEM_NUMBER,
    Column("Loại sản phẩm truyền thông", "kind", Kind.CHOICE, required=True, choices=COMMUNICATION_CHOICES,
           example="Tin, bài"),
    Column("Tên / nội dung", "title", required=True, max_length=300,
           example="Phóng sự về mô hình sấy hạt điều tiết kiệm năng lượng"),
    Column("Số lượng", "quantity", Kind.INTEGER, help="Số nguyên lớn hơn 0; để trống: 1.", example=1),
    Column("Số lượt tiếp cận", "reach", Kind.INTEGER, help="Số lượt người đọc, xem, nghe (nếu có); số nguyên "
           "không âm.", example=25_000),
), key=("scheme_code", "number"), optional=True)  # files exported before this sheet existed

ASSESSMENTS = SheetSpec("Đánh giá sản xuất sạch hơn", "một lần đánh giá sản xuất sạch hơn tại một cơ sở", (
    _SCHEME_CODE,
    _ITEM_NUMBER,
    *reference_columns(),
    Column("Ngày đánh giá", "assessed_on", Kind.DATE, required=True, help="dd/mm/yyyy.", example="15/06/2024"),
    Column("Kết quả đánh giá", "findings", max_length=8000),
    Column("Tiết kiệm hằng năm (đồng)", "annual_savings_vnd", Kind.MONEY, help="Số nguyên, đồng; để trống: 0.",
           example=120_000_000),
    Column("Tiết kiệm điện (kWh/năm)", "energy_saving_kwh", Kind.INTEGER, help="Số nguyên không âm (nếu có).",
           example=45_000),
    Column("Tiết kiệm nước (m³/năm)", "water_saving_m3", Kind.INTEGER, help="Số nguyên không âm (nếu có).",
           example=1_200),
), key=("scheme_code", "number"), optional=True)  # files exported before this sheet existed

CLOSING = SheetSpec("Quyết toán, hủy", "quyết toán hoặc hủy một đề án", (
    _SCHEME_CODE,
    Column("Kết quả", "outcome", Kind.CHOICE, required=True, choices=CLOSING_CHOICES,
           help="Đã quyết toán (sau nghiệm thu) hoặc Đã hủy (trước nghiệm thu).", example="Đã quyết toán"),
    Column("Kinh phí quyết toán (đồng)", "settled_amount", Kind.MONEY,
           help="Bắt buộc khi quyết toán; không lớn hơn kinh phí hỗ trợ.", example=300_000_000),
    Column("Ngày quyết toán", "settlement_date", Kind.DATE, help="dd/mm/yyyy, không trước ngày nghiệm thu.",
           example="30/12/2024"),
    Column("Lý do hủy", "cancel_reason", max_length=4000, help="Bắt buộc khi hủy đề án."),
), key=("scheme_code",))

