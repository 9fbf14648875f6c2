"""Vietnamese definitions of the indicators, shown on the drill-down page (the catalogue's are English)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.indicators.catalogue import Indicator

_COURSE = _("Số người (mỗi người một lần) hoàn thành khoá %(kind)s kết thúc trong kỳ, do đơn vị trong địa bàn tổ chức.")
_COURSE_KINDS = {
    "vocational": _("đào tạo nghề, nâng cao tay nghề, truyền nghề"),
    "intermediate": _("trung cấp nghề"),
    "cleaner_production": _("tập huấn sản xuất sạch hơn"),
    "management": _("đào tạo nâng cao năng lực quản lý"),
    "startup": _("đào tạo khởi sự doanh nghiệp"),
}
_LEVEL = _("Số sản phẩm (mỗi sản phẩm một lần) có giấy chứng nhận cấp %(level)s theo quyết định trong kỳ, "
           "cơ sở ở trong địa bàn.")
_LEVELS = {"district": _("huyện"), "commune": _("xã"), "province": _("tỉnh"), "region": _("khu vực"),
           "national": _("quốc gia")}
DEFINITIONS: dict[str, Promise] = {
    "training.intermediate.employed": _("Trong số người được tính, những người có lần theo dõi gần nhất (đến cuối "
                                        "kỳ) cho thấy có việc làm hoặc tự tạo việc làm."),
    "demo_models.count": _("Số đề án mô hình trình diễn kỹ thuật được nghiệm thu trong kỳ."),
    "demo_models.counterpart_vnd": _("Tổng vốn đối ứng của các mô hình trình diễn được tính."),
    "demo_models.worker_income_min_vnd": _("Mức thấp nhất trong thu nhập bình quân tháng của lao động tại các mô "
                                           "hình."),
    "demo_models.worker_income_max_vnd": _("Mức cao nhất trong thu nhập bình quân tháng của lao động tại các mô "
                                           "hình."),
    "machinery.establishments": _("Số cơ sở (mỗi cơ sở một lần) có đề án hỗ trợ máy móc thiết bị được nghiệm thu "
                                  "trong kỳ."),
    "fairs.participations": _("Số lượt tham gia hội chợ, triển lãm khai mạc trong kỳ, cơ sở ở trong địa bàn."),
    "fairs.establishments": _("Số cơ sở (mỗi cơ sở một lần) trong các lượt tham gia được tính."),
    "cooperation.official_participations": _("Số lượt tham gia hoạt động hợp tác quốc tế bắt đầu trong kỳ, do đơn "
                                              "vị trong địa bàn tổ chức."),
    "schemes.count": _("Số đề án được nghiệm thu trong kỳ; đề án đã huỷ không bao giờ được tính."),
    "schemes.support_vnd": _("Tổng kinh phí khuyến công hỗ trợ của các đề án được tính."),
    "schemes.counterpart_vnd": _("Tổng vốn đối ứng của các đề án được tính."),
    "schemes.disbursed_vnd": _("Tổng số tiền đã giải ngân cho các đề án được tính."),
}


def definition_vi(indicator: Indicator) -> str:
    """The definition in Vietnamese (the source language of the interface; English through the catalogue)."""
    parts = indicator.code.split(".")
    if parts[0] == "training" and parts[-1] == "persons" and parts[1] in _COURSE_KINDS:
        return str(_COURSE % {"kind": _COURSE_KINDS[parts[1]]})
    if indicator.code.startswith("products.recognized.") and parts[-1] in _LEVELS:
        return str(_LEVEL % {"level": _LEVELS[parts[-1]]})
    return str(DEFINITIONS.get(indicator.code, indicator.definition))
