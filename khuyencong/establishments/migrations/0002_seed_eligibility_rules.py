"""Seed the two definitions of a rural industrial establishment; administrators edit them later."""

import datetime as dt

from django.db import migrations

FORMS = ["enterprise", "cooperative", "cooperative_group", "household"]
RULES = [
    {
        "name": "Đối tượng CNNT theo Nghị định 45/2012",
        "legal_basis": "Nghị định 45/2012/NĐ-CP, Điều 1 khoản 2; Thông tư 28/2018/TT-BTC Điều 2",
        "valid_from": dt.date(2012, 7, 10),
        "valid_to": dt.date(2025, 10, 14),
        "legal_forms": FORMS,
        # Wards of urban districts (quận) are outside "huyện, thị xã, thị trấn, xã". City grade
        # (wards of grade-2/3 cities are eligible) is not held in the unit register; review by hand.
        "excluded_areas": ["*@quan"],
        "craft_village_exempt": False,
        "note": "Phường của thành phố loại 1 chuyển từ xã quá 5 năm cũng không thuộc đối tượng: cần kiểm tra thủ công.",
    },
    {
        "name": "Đối tượng CNNT theo Nghị định 235/2025",
        "legal_basis": "Nghị định 235/2025/NĐ-CP sửa đổi Nghị định 45/2012/NĐ-CP, Điều 1 khoản 2 điểm a",
        "valid_from": dt.date(2025, 10, 15),
        "valid_to": None,
        "legal_forms": FORMS,
        # Communes, wards and special zones of provinces; communes and special zones of centrally-run
        # cities; recognised craft villages anywhere. So: wards of centrally-run cities are out.
        "excluded_areas": ["phuong@thanh_pho_tw"],
        "craft_village_exempt": True,
        "note": "Cách hiểu “phường thuộc thành phố trực thuộc trung ương không thuộc đối tượng” cần được Sở xác nhận.",
    },
]


def seed(apps, schema_editor):
    rule = apps.get_model("establishments", "EligibilityRule")
    for data in RULES:
        rule.objects.update_or_create(name=data["name"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("establishments", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
