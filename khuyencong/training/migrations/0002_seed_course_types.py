"""Seed the course types with stable codes; administrators edit labels, dates and legal bases later."""

import datetime as dt

from django.db import migrations

DECREE_45 = "Nghị định 45/2012/NĐ-CP, Điều 4 (nội dung hoạt động khuyến công)"
DECREE_235 = "Nghị định 235/2025/NĐ-CP sửa đổi Nghị định 45/2012/NĐ-CP, Điều 1 (bổ sung nội dung hoạt động)"
FROM_45 = dt.date(2012, 7, 10)
FROM_235 = dt.date(2025, 10, 15)
TYPES = [
    ("vocational", "Đào tạo nghề, nâng cao tay nghề, truyền nghề", True, FROM_45, DECREE_45),
    ("intermediate", "Đào tạo trung cấp nghề", True, FROM_45, DECREE_45),
    ("cleaner_production", "Tập huấn sản xuất sạch hơn, sản xuất và tiêu dùng bền vững", False, FROM_45, DECREE_45),
    ("management", "Nâng cao năng lực quản lý cho cơ sở CNNT", False, FROM_45, DECREE_45),
    ("startup", "Đào tạo khởi sự doanh nghiệp", False, FROM_45, DECREE_45),
    ("digital_transformation", "Tập huấn chuyển đổi số", False, FROM_235, DECREE_235),
    ("international_cooperation", "Đào tạo trong khuôn khổ hợp tác quốc tế về khuyến công", False, FROM_45, DECREE_45),
]


def seed(apps, schema_editor):
    course_type = apps.get_model("training", "CourseType")
    for code, label, employment, valid_from, basis in TYPES:
        course_type.objects.update_or_create(
            code=code, valid_from=valid_from,
            defaults={"label": label, "employment_oriented": employment, "legal_basis": basis},
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
