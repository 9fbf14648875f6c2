"""Seed the activity-type code list and the support norms verified in docs/architecture.md / regulations-details.md.

Dates marked [U] in the reference notes (Decree 45/2012 in force 10/7/2012, TT 28/2018/TT-BTC in force
15/5/2018) are data: the province administrator corrects them without a code change.
"""

import datetime as dt

from django.db import migrations

D45 = "Nghị định 45/2012/NĐ-CP, Điều 4"
D235 = "Nghị định 235/2025/NĐ-CP (sửa đổi Nghị định 45/2012/NĐ-CP)"
D45_FROM = dt.date(2012, 7, 10)
D235_FROM = dt.date(2025, 10, 15)

ACTIVITY_TYPES = [
    ("training", "Đào tạo nghề, truyền nghề", f"{D45} khoản 1", D45_FROM),
    ("management", "Nâng cao năng lực quản lý", f"{D45} khoản 2", D45_FROM),
    ("demo_model", "Mô hình trình diễn kỹ thuật, chuyển giao công nghệ", f"{D45} khoản 3", D45_FROM),
    ("machinery", "Ứng dụng máy móc thiết bị tiên tiến", f"{D45} khoản 3", D45_FROM),
    ("typical_product", "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu", f"{D45} khoản 4", D45_FROM),
    ("trade_fair", "Hội chợ, triển lãm, phòng trưng bày", f"{D45} khoản 4", D45_FROM),
    ("advisory", "Tư vấn, trợ giúp", f"{D45} khoản 5", D45_FROM),
    ("communication", "Thông tin tuyên truyền", f"{D45} khoản 6", D45_FROM),
    ("linkage_cluster", "Liên doanh, liên kết, cụm công nghiệp", f"{D45} khoản 7", D45_FROM),
    ("cleaner_production", "Sản xuất sạch hơn, sản xuất và tiêu dùng bền vững", f"{D45} khoản 2, 3; {D235}",
     D45_FROM),
    ("digital_transformation", "Chuyển đổi số", D235, D235_FROM),
    ("artisans", "Hỗ trợ nghệ nhân bảo tồn, phát triển nghề", D235, D235_FROM),
    ("international_cooperation", "Hợp tác quốc tế về khuyến công", f"{D45} khoản 8", D45_FROM),
    ("programme_management", "Quản lý, điều hành chương trình khuyến công", f"{D45} khoản 9", D45_FROM),
]

TTLT26 = "Thông tư liên tịch 26/2014/TTLT-BTC-BCT, Điều 6 khoản 2"
TT28 = "Thông tư 28/2018/TT-BTC (sửa đổi bởi Thông tư 64/2024/TT-BTC), Điều 8"
TTLT26_FROM, TTLT26_TO = dt.date(2014, 4, 8), dt.date(2018, 5, 14)
TT28_FROM = dt.date(2018, 5, 15)

# (activity, percent, cap VND or None, legal basis, valid_from, valid_to, note); national funds.
NORMS = [
    ("demo_model", "30", 500_000_000, TTLT26, TTLT26_FROM, TTLT26_TO, "Mô hình trình diễn kỹ thuật."),
    ("demo_model", "30", 1_000_000_000, f"{TT28} khoản 2", TT28_FROM, None,
     "Mô hình trình diễn để phổ biến công nghệ mới, sản xuất sản phẩm mới."),
    ("machinery", "50", 200_000_000, TTLT26, TTLT26_FROM, TTLT26_TO, "Mức tối đa cho mỗi cơ sở."),
    ("machinery", "50", 300_000_000, f"{TT28} khoản 4", TT28_FROM, None,
     "Mức tối đa cho mỗi cơ sở; dây chuyền công nghệ có thể đến 1,5 lần mức này."),
    ("trade_fair", "80", None, TTLT26, TTLT26_FROM, TTLT26_TO,
     "Cơ sở CNNT tham gia hội chợ trong nước: 80% chi phí thuê gian hàng."),
    ("advisory", "50", 35_000_000, TTLT26, TTLT26_FROM, TTLT26_TO, "Tư vấn: mức tối đa cho mỗi cơ sở."),
    ("linkage_cluster", "50", 150_000_000, TTLT26, TTLT26_FROM, TTLT26_TO, "Hỗ trợ thành lập cụm liên kết doanh nghiệp."),
]


PER_ESTABLISHMENT = {"machinery", "advisory"}


def seed(apps, schema_editor):
    ActivityType = apps.get_model("schemes", "ActivityType")
    SupportNorm = apps.get_model("schemes", "SupportNorm")
    for order, (code, label, basis, valid_from) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.update_or_create(code=code, valid_from=valid_from,
                                              defaults={"label": label, "legal_basis": basis, "order": order})
    for code, percent, cap, basis, valid_from, valid_to, note in NORMS:
        SupportNorm.objects.update_or_create(
            activity_type_code=code, funding_source="national", legal_form="any", valid_from=valid_from,
            defaults={"max_percent": percent, "cap_vnd": cap, "legal_basis": basis, "valid_to": valid_to,
                      "note": note, "cap_per_establishment": code in PER_ESTABLISHMENT},
        )


def unseed(apps, schema_editor):
    apps.get_model("schemes", "SupportNorm").objects.all().delete()
    apps.get_model("schemes", "ActivityType").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("schemes", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
