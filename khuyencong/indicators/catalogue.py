"""The indicator catalogue: stable codes, labels, units and counting rules.

Each indicator names the counting function of the app that owns the records; the engine calls it
with a period and the set of unit ids that make up the area. Codes keep their meaning forever;
new indicators may be added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from khuyencong.cooperation import counting as cooperation
from khuyencong.fairs import counting as fairs
from khuyencong.products import counting as products
from khuyencong.schemes import counting as schemes
from khuyencong.training import counting as training

Counter = Callable[[dt.date, dt.date, "set[int] | None"], "int | None"]


class Counting(StrEnum):
    DISTINCT = "distinct"  # người: each entity once
    PARTICIPATIONS = "participations"  # lượt: each participation
    SUM = "sum"
    MIN = "min"
    MAX = "max"


@dataclass(frozen=True)
class Indicator:
    code: str
    label_vi: str
    label_en: str
    unit: str
    counting: Counting
    definition: str
    compute: Counter


def _training(code: str, course_type: str, what: str, label_en: str) -> Indicator:
    return Indicator(
        f"training.{code}.persons", f"Số người hoàn thành {what}", label_en, "người", Counting.DISTINCT,
        f"Distinct persons who completed a '{course_type}' course ending in the period, organised in the area.",
        partial(training.persons_completed, course_type),
    )


def _income(kind: str) -> Counter:
    def compute(date_from: dt.date, date_to: dt.date, unit_ids: set[int] | None) -> int | None:
        value = schemes.demo_models_summary(date_from, date_to, unit_ids)[kind]
        return None if value is None else int(value)

    return compute


def _level(level: str, label: str) -> Indicator:
    return Indicator(
        f"products.recognized.{level}", f"Số sản phẩm CNNT tiêu biểu được công nhận cấp {label}",
        f"Distinct typical products recognised at {level} level", "sản phẩm", Counting.DISTINCT,
        "Distinct products with a certificate of that level decided in the period (establishment in the area).",
        partial(products.products_recognized, level),
    )


CATALOGUE: tuple[Indicator, ...] = (
    _training("vocational", "vocational", "đào tạo nghề, nâng cao tay nghề, truyền nghề",
              "Persons trained in vocational / skills-upgrading / craft-teaching courses"),
    _training("intermediate", "intermediate", "chương trình trung cấp nghề",
              "Persons who completed an intermediate-level vocational programme"),
    Indicator("training.intermediate.employed", "Số người có việc làm sau đào tạo trung cấp nghề",
              "Of those, persons employed after training", "người", Counting.DISTINCT,
              "Counted persons whose latest follow-up on or before the period end shows (self-)employment.",
              partial(training.persons_employed, "intermediate")),
    _training("cleaner_production", "cleaner_production", "tập huấn sản xuất sạch hơn",
              "Persons trained in cleaner / sustainable production"),
    _training("management", "management", "đào tạo nâng cao năng lực quản lý",
              "Persons trained in management capacity"),
    _training("startup", "startup", "đào tạo khởi sự doanh nghiệp", "Persons trained in business start-up"),
    Indicator("demo_models.count", "Số mô hình trình diễn kỹ thuật", "Demonstration models", "mô hình",
              Counting.DISTINCT, "Demonstration-model schemes accepted in the period.", schemes.demo_models_count),
    Indicator("demo_models.counterpart_vnd", "Vốn đối ứng của doanh nghiệp cho các mô hình trình diễn",
              "Counterpart capital invested in those models", "đồng", Counting.SUM,
              "Sum of counterpart capital of the counted demonstration models.", schemes.demo_models_counterpart_vnd),
    Indicator("demo_models.worker_income_min_vnd", "Thu nhập bình quân thấp nhất của lao động tại mô hình",
              "Lowest average monthly worker income reported by those models", "đồng/người/tháng", Counting.MIN,
              "Minimum of the models' average monthly worker income.", _income("worker_income_min_vnd")),
    Indicator("demo_models.worker_income_max_vnd", "Thu nhập bình quân cao nhất của lao động tại mô hình",
              "Highest average monthly worker income reported by those models", "đồng/người/tháng", Counting.MAX,
              "Maximum of the models' average monthly worker income.", _income("worker_income_max_vnd")),
    Indicator("machinery.establishments", "Số cơ sở CNNT được hỗ trợ ứng dụng máy móc thiết bị tiên tiến",
              "Establishments supported to apply advanced machinery", "cơ sở", Counting.DISTINCT,
              "Distinct establishments with an accepted machinery-support scheme in the period.",
              schemes.machinery_establishments),
    _level("district", "huyện"),
    _level("commune", "xã"),
    _level("province", "tỉnh"),
    _level("region", "khu vực"),
    _level("national", "quốc gia"),
    Indicator("fairs.participations", "Lượt cơ sở CNNT tham gia hội chợ, triển lãm",
              "Establishment participations in trade fairs (lượt)", "lượt", Counting.PARTICIPATIONS,
              "Participations in fairs starting in the period, establishment in the area.", fairs.participations),
    Indicator("fairs.establishments", "Số cơ sở CNNT tham gia hội chợ, triển lãm",
              "Distinct establishments that took part in fairs", "cơ sở", Counting.DISTINCT,
              "Distinct establishments among the counted participations.", fairs.establishments),
    Indicator("cooperation.official_participations", "Lượt cán bộ, công chức, viên chức tham gia hợp tác quốc tế",
              "Participations of civil servants in international-cooperation activities (lượt)", "lượt",
              Counting.PARTICIPATIONS, "Participations in activities starting in the period, organised in the area.",
              cooperation.official_participations),
    Indicator("schemes.count", "Số đề án khuyến công được nghiệm thu", "Accepted schemes", "đề án",
              Counting.DISTINCT, "Schemes accepted (nghiệm thu) in the period; cancelled ones never count.",
              schemes.schemes_count),
    Indicator("schemes.support_vnd", "Kinh phí khuyến công hỗ trợ", "Public support of accepted schemes", "đồng",
              Counting.SUM, "Sum of public support of the counted schemes.", schemes.schemes_support_vnd),
    Indicator("schemes.counterpart_vnd", "Vốn đối ứng", "Counterpart capital of accepted schemes", "đồng",
              Counting.SUM, "Sum of counterpart capital of the counted schemes.", schemes.schemes_counterpart_vnd),
    Indicator("schemes.disbursed_vnd", "Kinh phí đã giải ngân", "Disbursed support of accepted schemes", "đồng",
              Counting.SUM, "Sum of disbursements of the counted schemes.", schemes.schemes_disbursed_vnd),
)
BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}
