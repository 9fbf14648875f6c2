"""Cite the seeded rules as Vietnamese legal writing does: point, clause, article, then the instrument.

"Điều 1 khoản 2 điểm a" reads backwards to an official; "điểm a khoản 2 Điều 1 Nghị định …" is the order
used in legal documents. Only rows still holding the seeded text are changed (administrators may have edited).
"""

from django.db import migrations

CITATIONS = {
    "Nghị định 45/2012/NĐ-CP, Điều 1 khoản 2; Thông tư 28/2018/TT-BTC Điều 2":
        "khoản 2 Điều 1 Nghị định số 45/2012/NĐ-CP; Điều 2 Thông tư số 28/2018/TT-BTC",
    "Nghị định 235/2025/NĐ-CP sửa đổi Nghị định 45/2012/NĐ-CP, Điều 1 khoản 2 điểm a":
        "điểm a khoản 2 Điều 1 Nghị định số 45/2012/NĐ-CP, được sửa đổi bởi Nghị định số 235/2025/NĐ-CP",
}


def forwards(apps, schema_editor):
    rule = apps.get_model("establishments", "EligibilityRule")
    for old, new in CITATIONS.items():
        rule.objects.filter(legal_basis=old).update(legal_basis=new)


def backwards(apps, schema_editor):
    rule = apps.get_model("establishments", "EligibilityRule")
    for old, new in CITATIONS.items():
        rule.objects.filter(legal_basis=new).update(legal_basis=old)


class Migration(migrations.Migration):
    dependencies = [("establishments", "0003_registered_on_not_in_future")]
    operations = [migrations.RunPython(forwards, backwards)]
