"""Deterministic demo establishments in former Bà Rịa – Vũng Tàu (real pre-2025 communes).

Records registered in 2014–2020 point at the commune in force then; a few registered after the
2025 reform point at today's Hồ Chí Minh City units — exactly what a real register holds.
"""

from __future__ import annotations

import datetime as dt
import random

from khuyencong.accounts.models import User
from khuyencong.establishments import services
from khuyencong.establishments.models import Establishment, LegalForm, SectorGroup
from khuyencong.establishments.validators import mst_check_digit
from khuyencong.geo.models import AdministrativeUnit, valid_on

SEED = 2014
_SECTORS = {
    SectorGroup.AGRO_PROCESSING: [("1020", "chế biến hải sản"), ("1079", "chế biến hạt điều"),
                                  ("1061", "xay xát gạo"), ("1075", "nước mắm")],
    SectorGroup.CONSTRUCTION_MATERIALS: [("2392", "gạch không nung"), ("2395", "bê tông đúc sẵn")],
    SectorGroup.MECHANICAL: [("2592", "cơ khí chế tạo"), ("2821", "máy nông nghiệp"), ("3311", "sửa chữa máy")],
    SectorGroup.HANDICRAFTS: [("1629", "mây tre đan"), ("3212", "mỹ nghệ"), ("1410", "may mặc")],
    SectorGroup.OTHER: [("1811", "in ấn bao bì"), ("2220", "nhựa gia dụng")],
}
_PREFIX = {LegalForm.ENTERPRISE: "Công ty TNHH", LegalForm.COOPERATIVE: "Hợp tác xã",
           LegalForm.COOPERATIVE_GROUP: "Tổ hợp tác", LegalForm.HOUSEHOLD: "Cơ sở"}
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Huỳnh", "Đặng", "Bùi", "Đỗ", "Hồ"]
_GIVEN = ["Văn Hùng", "Thị Lan", "Minh Tâm", "Thị Hoa", "Quốc Bảo", "Thanh Sơn", "Thị Mai", "Đức Long"]
_CRAFT_VILLAGES = ["Làng nghề mây tre đan Long Tân", "Làng nghề nước mắm Phước Hải"]


def _tax_code(rng: random.Random) -> str:
    while True:
        base = "35" + "".join(rng.choice("0123456789") for _ in range(7))
        digit = mst_check_digit(base)
        if digit is not None:
            return f"{base}{digit}"


def _old_communes() -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.filter(level="commune", parent__parent__code="77",
                                                  valid_to=dt.date(2025, 6, 30)).order_by("code"))


def _establishment_data(rng: random.Random, i: int, commune: AdministrativeUnit, day: dt.date) -> dict:
    sector = rng.choice(list(_SECTORS))
    vsic, trade = rng.choice(_SECTORS[sector])
    form = rng.choices(list(_PREFIX), weights=[3, 2, 1, 6])[0]
    place = commune.name.split(" ", 1)[1] if " " in commune.name else commune.name
    craft = rng.choice(_CRAFT_VILLAGES) if sector == SectorGroup.HANDICRAFTS and rng.random() < 0.3 else ""
    return {
        "name": f"{_PREFIX[form]} {trade} {place} {i:03d}",
        "legal_form": form,
        "tax_code": _tax_code(rng) if form != LegalForm.HOUSEHOLD or rng.random() < 0.3 else None,
        "representative_name": f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}",
        "representative_phone": "09" + "".join(rng.choice("0123456789") for _ in range(8)),
        "address": f"Số {rng.randint(1, 300)}, ấp {rng.randint(1, 9)}",
        "commune": commune, "vsic_code": vsic, "sector_group": sector,
        "employees": rng.randint(2, 120), "craft_village": craft,
        "women_owned": rng.random() < 0.3, "ethnic_minority_owned": rng.random() < 0.05,
        "registered_on": day,
    }


def load_demo_establishments(count: int = 160) -> int:
    """Create the demo establishments through the service (so they carry audit history); idempotent."""
    if Establishment.objects.exists():
        return 0
    rng = random.Random(SEED)
    actor = User.objects.get(username="quantri")
    old = _old_communes()
    current = list(AdministrativeUnit.objects.filter(valid_on(dt.date(2026, 1, 1)), level="commune",
                                                     predecessions__predecessor__in=old).distinct().order_by("code"))
    for i in range(1, count + 1):
        if i % 8 == 0:
            commune, day = rng.choice(current), dt.date(2025, 7, 1) + dt.timedelta(days=rng.randint(0, 300))
        else:
            commune, day = rng.choice(old), dt.date(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 2555))
        services.establishment_create(actor=actor, data=_establishment_data(rng, i, commune, day), allow_similar=True)
    return count
