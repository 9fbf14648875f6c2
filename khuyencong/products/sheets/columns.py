"""The six sheets of the typical-products workbook and their columns.

The drop-downs of levels, groups and criteria are read from the reference data when a template is
built or a file is read, so they follow the law as it is recorded.
"""

from __future__ import annotations

from typing import Any

from khuyencong.establishments.sheets import reference_columns
from khuyencong.exchange.spec import Column, Kind, SheetSpec
from khuyencong.products.models import (
    Criterion,
    MemberRole,
    NominationStatus,
    ProductGroup,
    RecognitionLevel,
    RoundStatus,
)

# ---- code lists (read from the reference data, so the template's drop-downs follow the law) ----

def _level_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for level in RecognitionLevel.objects.order_by("rank", "-valid_from"):
        seen.setdefault(level.code, str(level.label))
    return list(seen.items())


def _group_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for group in ProductGroup.objects.order_by("order", "-valid_from"):
        seen.setdefault(group.code, str(group.label))
    return list(seen.items())


def _criterion_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for criterion in Criterion.objects.filter(parent__isnull=True, product_group_code="").order_by("order", "code"):
        seen.setdefault(criterion.code, f"{criterion.code}. {criterion.label}")
    return list(seen.items())


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(str(code), str(label)) for code, label in enum.choices]


# ---- columns ---------------------------------------------------------------------------------

ROUND_KEY = (
    Column("Cấp bình chọn", "round_level", Kind.CHOICE, required=True, choices=_level_choices,
           help="Cấp của đợt bình chọn (huyện đến 30/06/2025, xã từ 01/07/2025, tỉnh, khu vực, quốc gia).",
           example="Cấp huyện"),
    Column("Mã địa bàn tổ chức", "round_organiser", required=True, max_length=10,
           help="Mã đơn vị hành chính tổ chức bình chọn (huyện, xã hoặc tỉnh) còn hiệu lực vào hạn nhận hồ sơ.",
           example="747"),
    Column("Năm bình chọn", "round_year", Kind.INTEGER, required=True, help="Năm của đợt bình chọn.", example=2017),
)
PRODUCT_REF = (
    *reference_columns(),
    Column("Tên sản phẩm", "product_name", required=True, max_length=255,
           help="Tên sản phẩm; cùng với cơ sở là khoá nhận diện sản phẩm (không phân biệt hoa thường, dấu).",
           example="Hạt điều rang muối Phước Nguyên"),
)
ROUND_KEY_FIELDS = tuple(c.field for c in ROUND_KEY)
PRODUCT_KEY_FIELDS = tuple(c.field for c in PRODUCT_REF)

PRODUCTS = SheetSpec("Sản phẩm", "một sản phẩm của một cơ sở", (
    *PRODUCT_REF,
    Column("Nhóm sản phẩm", "group", Kind.CHOICE, required=True, choices=_group_choices,
           help="Một trong bốn nhóm sản phẩm của Thông tư 26/2014/TT-BCT.",
           example="Chế biến nông, lâm, thủy sản và thực phẩm, đồ uống"),
    Column("Mô tả", "description", max_length=8000, help="Mô tả ngắn về sản phẩm."),
    Column("Sản phẩm độc bản", "one_off", Kind.BOOLEAN,
           help="Có nếu là sản phẩm độc bản (không sản xuất hàng loạt; không được tham gia bình chọn).",
           example="Không"),
), key=PRODUCT_KEY_FIELDS)

ROUNDS = SheetSpec("Đợt bình chọn", "một đợt bình chọn sản phẩm CNNT tiêu biểu", (
    *ROUND_KEY,
    Column("Tên đợt bình chọn", "name", required=True, max_length=255,
           example="Bình chọn sản phẩm CNNT tiêu biểu cấp huyện năm 2017"),
    Column("Số kế hoạch", "plan_document_no", max_length=100, example="123/KH-UBND"),
    Column("Hạn nhận hồ sơ", "dossier_deadline", Kind.DATE, required=True,
           help="dd/mm/yyyy; thuộc năm bình chọn hoặc năm trước đó.", example="30/06/2017"),
    Column("Chỉ tiêu công nhận", "quota", Kind.INTEGER, help="Số sản phẩm tối đa được công nhận; để trống nếu "
           "không giới hạn."),
    Column("Trạng thái", "status", Kind.CHOICE, choices=_choices(RoundStatus),
           help="Trạng thái đợt đã đạt; để trống: đang nhận hồ sơ. Đợt đã có quyết định được ghi nhận như dữ "
           "liệu lịch sử. Không đổi được trạng thái của đợt đã có bằng tệp nhập.",
           example="Đã có quyết định công nhận"),
    Column("Tên hội đồng", "council_name", max_length=255, help="Hội đồng bình chọn của đợt (bắt buộc nếu có "
           "thành viên hoặc điểm chấm).", example="Hội đồng bình chọn sản phẩm CNNT tiêu biểu cấp huyện 2017"),
    Column("Quyết định thành lập hội đồng", "council_decision_no", max_length=100, example="45/QĐ-UBND"),
    Column("Số quyết định công nhận", "decision_number", max_length=100,
           help="Bắt buộc với đợt “Đã có quyết định công nhận”.", example="789/QĐ-UBND"),
    Column("Ngày quyết định công nhận", "decided_on", Kind.DATE, help="dd/mm/yyyy; không trước hạn nhận hồ sơ.",
           example="20/11/2017"),
), key=ROUND_KEY_FIELDS)

MEMBERS = SheetSpec("Thành viên hội đồng", "một thành viên hội đồng của một đợt", (
    *ROUND_KEY,
    Column("Tên đăng nhập", "username", required=True, max_length=150,
           help="Tài khoản của thành viên trong hệ thống (phải có sẵn trước khi nhập).", example="giamkhao1"),
    Column("Vai trò", "role", Kind.CHOICE, required=True, choices=_choices(MemberRole),
           help="Mỗi hội đồng một chủ tịch, một thư ký; ban giám khảo có số thành viên lẻ.", example="Giám khảo"),
    Column("Chức danh", "title", max_length=200, example="Phó Giám đốc Sở Công Thương"),
), key=(*ROUND_KEY_FIELDS, "username"))

NOMINATIONS = SheetSpec("Hồ sơ tham gia", "hồ sơ của một sản phẩm trong một đợt", (
    *ROUND_KEY,
    *PRODUCT_REF,
    Column("Mã số bình chọn", "selection_code", max_length=30, help="Để trống với đợt đang nhận hồ sơ: hệ thống "
           "tự đánh số."),
    Column("Ngày nộp hồ sơ", "submitted_on", Kind.DATE, required=True, help="dd/mm/yyyy; không sau hạn nhận hồ sơ.",
           example="15/05/2017"),
    Column("Số phiếu đăng ký", "registration_form_no", max_length=50),
    Column("Do cơ sở tự sản xuất", "made_by_establishment", Kind.BOOLEAN, required=True,
           help="Có/Không; sản phẩm phải do chính cơ sở sản xuất.", example="Có"),
    Column("Thuyết minh hồ sơ", "dossier_note", max_length=8000),
    Column("Kết quả", "status", Kind.CHOICE, choices=_choices(NominationStatus),
           help="Với đợt đã có quyết định: “Được công nhận” hoặc “Không được công nhận”; để trống: đã nộp hồ sơ.",
           example="Được công nhận"),
), key=(*ROUND_KEY_FIELDS, *PRODUCT_KEY_FIELDS))

SCORES = SheetSpec("Điểm giám khảo", "điểm một giám khảo chấm một tiêu chí của một hồ sơ", (
    *ROUND_KEY,
    *PRODUCT_REF,
    Column("Giám khảo (tên đăng nhập)", "juror", required=True, max_length=150,
           help="Tài khoản của giám khảo, là thành viên vai trò giám khảo trong trang Thành viên hội đồng.",
           example="giamkhao1"),
    Column("Tiêu chí", "criterion", Kind.CHOICE, required=True, choices=_criterion_choices,
           help="Mã tiêu chí của phiếu chấm (Phụ lục 4 Thông tư 26/2014).", example="1"),
    Column("Điểm", "points", Kind.DECIMAL, required=True,
           help="Từ 0 đến điểm tối đa của tiêu chí, tối đa hai chữ số thập phân. Chỉ nhập cho đợt đã kết thúc "
           "chấm điểm.", example="32,5"),
), key=(*ROUND_KEY_FIELDS, *PRODUCT_KEY_FIELDS, "juror", "criterion"))

CERTIFICATES = SheetSpec("Giấy chứng nhận", "giấy chứng nhận của một hồ sơ được công nhận", (
    *ROUND_KEY,
    *PRODUCT_REF,
    Column("Số chứng nhận", "number", required=True, max_length=120, help="Số giấy chứng nhận, duy nhất.",
           example="DI-2017-00012"),
    Column("Ngày cấp", "issued_on", Kind.DATE, help="dd/mm/yyyy; để trống: ngày quyết định công nhận.",
           example="20/11/2017"),
    Column("Hiệu lực đến", "valid_until", Kind.DATE, help="dd/mm/yyyy; để trống nếu không thời hạn.",
           example="31/12/2020"),
    Column("Đã thu hồi", "revoked", Kind.BOOLEAN, help="Có/Không.", example="Không"),
    Column("Ngày thu hồi", "revoked_on", Kind.DATE),
    Column("Lý do thu hồi", "revocation_reason", max_length=500),
), key=(*ROUND_KEY_FIELDS, *PRODUCT_KEY_FIELDS))

# Model field (as named in a service's ValidationError) → column field, per sheet.
FIELD_MAP: dict[str, dict[str, str]] = {
    PRODUCTS.name: {"name": "product_name", "establishment": "establishment_name"},
    ROUNDS.name: {"level": "round_level", "organiser": "round_organiser", "year": "round_year",
                  "rule_set": "dossier_deadline", "number": "decision_number"},
    MEMBERS.name: {"user": "username"},
    NOMINATIONS.name: {"product": "product_name", "round": "round_level"},
    SCORES.name: {"member": "juror", "round": "round_level"},
    CERTIFICATES.name: {"nomination": "product_name", "decision": "number"},
}

