"""Seed product groups, recognition levels and the Circular 26/2014 rule set; administrators edit them later."""

import datetime as dt

from django.db import migrations

TT26 = "Thông tư 26/2014/TT-BCT (sửa đổi bởi Thông tư 14/2018/TT-BCT, 38/2025/TT-BCT; VBHN 46/VBHN-BCT)"
START = dt.date(2014, 10, 21)  # Circular 26/2014 in force
REFORM = dt.date(2025, 7, 1)  # Circular 38/2025: district level replaced by commune level
BEFORE_REFORM = dt.date(2025, 6, 30)

GROUPS = [
    ("handicrafts", "Thủ công mỹ nghệ", ["quality", "photo"]),
    ("agro_food", "Chế biến nông, lâm, thủy sản và thực phẩm, đồ uống", ["quality", "food_safety", "photo"]),
    ("mechanical", "Thiết bị, máy móc, dụng cụ và phụ tùng cơ khí", ["quality", "photo"]),
    ("other", "Nhóm sản phẩm khác", ["quality", "photo"]),
]

# (code, label, rank, valid_from, valid_to, legal basis)
LEVELS = [
    ("district", "Cấp huyện", 1, START, BEFORE_REFORM, TT26 + ", Điều 8"),
    ("province", "Cấp tỉnh", 2, START, BEFORE_REFORM, TT26 + ", Điều 8"),
    ("region", "Cấp khu vực", 3, START, BEFORE_REFORM, TT26 + ", Điều 8"),
    ("national", "Cấp quốc gia", 4, START, BEFORE_REFORM, TT26 + ", Điều 8"),
    ("commune", "Cấp xã", 1, REFORM, None, "Thông tư 38/2025/TT-BCT sửa đổi Thông tư 26/2014/TT-BCT"),
    ("province", "Cấp tỉnh", 2, REFORM, None, "Thông tư 38/2025/TT-BCT sửa đổi Thông tư 26/2014/TT-BCT"),
    ("region", "Cấp khu vực", 3, REFORM, None, "Thông tư 38/2025/TT-BCT sửa đổi Thông tư 26/2014/TT-BCT"),
    ("national", "Cấp quốc gia", 4, REFORM, None, "Thông tư 38/2025/TT-BCT sửa đổi Thông tư 26/2014/TT-BCT"),
]

CRITERIA = [
    ("1", "Tiêu chí về đáp ứng thị trường và khả năng phát triển sản xuất", 40),
    ("2", "Tiêu chí về kinh tế - kỹ thuật - xã hội và môi trường", 40),
    ("3", "Tiêu chí về tính văn hóa, tính thẩm mỹ", 10),
    ("4", "Một số tiêu chí khác", 10),
]


def seed(apps, schema_editor):
    group_model = apps.get_model("products", "ProductGroup")
    for order, (code, label, docs) in enumerate(GROUPS, start=1):
        group_model.objects.update_or_create(code=code, valid_from=START, defaults={
            "label": label, "valid_to": None, "legal_basis": TT26 + ", Điều 5", "order": order,
            "required_documents": docs,
        })
    level_model = apps.get_model("products", "RecognitionLevel")
    previous = {}
    for code, label, rank, start, end, basis in LEVELS:
        level, _ = level_model.objects.update_or_create(code=code, valid_from=start, defaults={
            "label": label, "rank": rank, "valid_to": end, "legal_basis": basis,
        })
        lower = previous.get((start, rank - 1))
        if lower is not None:
            level.requires_lower = lower
            level.save()
        previous[(start, rank)] = level
    rule_model = apps.get_model("products", "RuleSet")
    rules, _ = rule_model.objects.update_or_create(name="Phiếu chấm điểm theo Thông tư 26/2014", defaults={
        "legal_basis": TT26 + ", Điều 7, Điều 17, Phụ lục 4", "valid_from": START, "valid_to": None,
        "default_pass_mark": 70, "combine_method": "mean", "trim_count": 1, "certificate_years": 3,
        "deviation_threshold": 10,
    })
    criterion_model = apps.get_model("products", "Criterion")
    for order, (code, label, points) in enumerate(CRITERIA, start=1):
        criterion_model.objects.update_or_create(rule_set=rules, code=code, product_group_code="", defaults={
            "label": label, "max_points": points, "order": order,
        })


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
