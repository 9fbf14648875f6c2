"""Narrative paragraphs of the period report, generated from the figures (never typed in).

The wording follows the register of provincial reports ("…đã hỗ trợ đào tạo nghề, nâng cao tay nghề
cho 285 người…"); a sentence whose figures are all zero is left out rather than reporting "0 người".
"""

from __future__ import annotations

from khuyencong.indicators.engine import Figures
from khuyencong.indicators.targets import PlanVsActual
from khuyencong.reports.numbers import integer, million_range, money, percent, place_name


def _v(figures: Figures, code: str) -> int:
    return figures.values.get(code) or 0


def _training(f: Figures) -> str | None:
    parts = []
    if _v(f, "training.vocational.persons"):
        persons = integer(_v(f, "training.vocational.persons"))
        parts.append(f"hỗ trợ đào tạo nghề, nâng cao tay nghề cho {persons} người")
    if _v(f, "training.intermediate.persons"):
        parts.append(
            f"đào tạo trình độ trung cấp nghề cho {integer(_v(f, 'training.intermediate.persons'))} người, "
            f"trong đó {integer(_v(f, 'training.intermediate.employed'))} người có việc làm sau đào tạo")
    if _v(f, "training.cleaner_production.persons"):
        parts.append(f"tập huấn nâng cao năng lực về sản xuất sạch hơn cho "
                     f"{integer(_v(f, 'training.cleaner_production.persons'))} người")
    if _v(f, "training.management.persons"):
        parts.append(f"đào tạo nâng cao năng lực quản lý cho {integer(_v(f, 'training.management.persons'))} người")
    if _v(f, "training.startup.persons"):
        parts.append(f"đào tạo khởi sự doanh nghiệp cho {integer(_v(f, 'training.startup.persons'))} người")
    return f"Về đào tạo, tập huấn: đã {'; '.join(parts)}." if parts else None


def _demo_models(f: Figures) -> str | None:
    count = _v(f, "demo_models.count")
    if not count:
        return None
    income = million_range(f.values.get("demo_models.worker_income_min_vnd"),
                           f.values.get("demo_models.worker_income_max_vnd"))
    return (f"Đã hỗ trợ xây dựng {integer(count)} mô hình trình diễn kỹ thuật, sản xuất sản phẩm mới, ứng dụng công "
            f"nghệ mới; vốn đối ứng của doanh nghiệp là {money(_v(f, 'demo_models.counterpart_vnd'))}; "
            f"các mô hình tạo việc làm cho lao động địa phương với thu nhập bình quân {income}/người/tháng.")


def _machinery(f: Figures) -> str | None:
    count = _v(f, "machinery.establishments")
    if not count:
        return None
    return f"Đã hỗ trợ {integer(count)} cơ sở công nghiệp nông thôn ứng dụng máy móc, thiết bị tiên tiến vào sản xuất."


def _products(f: Figures) -> str | None:
    labels = [("district", "cấp huyện"), ("commune", "cấp xã"), ("province", "cấp tỉnh"),
              ("region", "cấp khu vực"), ("national", "cấp quốc gia")]
    parts = [f"{integer(_v(f, f'products.recognized.{code}'))} sản phẩm {label}" for code, label in labels
             if _v(f, f"products.recognized.{code}")]
    return f"Bình chọn, công nhận sản phẩm công nghiệp nông thôn tiêu biểu: {', '.join(parts)}." if parts else None


def _fairs(f: Figures) -> str | None:
    count = _v(f, "fairs.participations")
    if not count:
        return None
    return (f"Hỗ trợ {integer(count)} lượt cơ sở công nghiệp nông thôn ({integer(_v(f, 'fairs.establishments'))} "
            f"cơ sở) tham gia hội chợ, triển lãm để quảng bá, giới thiệu sản phẩm.")


def _cooperation(f: Figures) -> str | None:
    count = _v(f, "cooperation.official_participations")
    if not count:
        return None
    return (f"Về hợp tác quốc tế: {integer(count)} lượt cán bộ, công chức, viên chức tham gia các khóa đào tạo, "
            f"khảo sát, hội thảo do đối tác nước ngoài phối hợp tổ chức.")


def _schemes(f: Figures) -> str | None:
    count = _v(f, "schemes.count")
    if not count:
        return None
    return (f"Tổng cộng {integer(count)} đề án khuyến công được nghiệm thu với kinh phí hỗ trợ "
            f"{money(_v(f, 'schemes.support_vnd'))}, vốn đối ứng {money(_v(f, 'schemes.counterpart_vnd'))}; "
            f"đã giải ngân {money(_v(f, 'schemes.disbursed_vnd'))}.")


def plan_sentence(plan: PlanVsActual | None) -> str | None:
    """Plan versus actual in one sentence (the rate only where the plans cover the area: a province or all)."""
    total = plan.budget_total() if plan is not None else None
    if plan is None or total is None or not total.planned_vnd:
        return None
    years = sorted({line.year for line in plan.budget})
    span = f"năm {years[0]}" if len(years) == 1 else f"các năm {years[0]}–{years[-1]}"
    text = (f"So với kế hoạch kinh phí khuyến công được duyệt {span} là {money(total.planned_vnd)}, các đề án "
            f"thuộc kế hoạch đã được nghiệm thu trong kỳ với kinh phí hỗ trợ {money(total.support_vnd)}")
    if plan.rates_apply and total.rate is not None:
        text += f", đạt {percent(total.rate)} kế hoạch"
    return text + f"; đã giải ngân {money(total.disbursed_vnd)}."


def paragraphs(figures: Figures, plan: PlanVsActual | None = None) -> list[str]:
    """The report's body, one paragraph per activity that has figures in the period."""
    opening = (f"Trong giai đoạn {figures.period.label}, trên địa bàn {place_name(figures.area.label)}, "
               f"hoạt động khuyến công đã đạt được các kết quả sau.")
    sections = [_training, _demo_models, _machinery, _products, _fairs, _cooperation, _schemes]
    body = [text for section in sections if (text := section(figures))]
    return [opening, *body, *([sentence] if (sentence := plan_sentence(plan)) else [])]
