"""Demo accounts, one per role, for trying the system and for browser tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.representation import representation_open
from khuyencong.establishments.models import Establishment
from khuyencong.geo.selectors import unit_by_code

# Meets the password rules (12+ characters, not common, not numeric); for demo databases only.
DEMO_PASSWORD = "KhuyenCong-Demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    communes: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("quantri", "Nguyễn Văn Quản (quản trị)", Role.PROVINCE_ADMIN),
    DemoUser("canbotinh", "Trần Thị Tỉnh (cán bộ Sở Công Thương)", Role.PROVINCE_OFFICER),
    # Phường Bà Rịa and Xã Châu Đức: today's units that absorbed former Bà Rịa city and Châu Đức communes.
    DemoUser("canboxa", "Lê Văn Xã (cán bộ phường Bà Rịa)", Role.COMMUNE_OFFICER, ("26560",)),
    DemoUser("canboxa2", "Phạm Thị Đức (cán bộ xã Châu Đức)", Role.COMMUNE_OFFICER, ("26596",)),
    DemoUser("hoidong", "Võ Minh Hội (thành viên hội đồng)", Role.COUNCIL_MEMBER),
    DemoUser("coso", "Đặng Văn Cơ (đại diện cơ sở)", Role.ESTABLISHMENT_REP),
    DemoUser("kiemtra", "Hoàng Thị Kiểm (kiểm tra, giám sát)", Role.AUDITOR),
)


def load_demo_users() -> list[DemoUser]:
    today = timezone.localdate()
    for spec in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=spec.username)
        user.full_name, user.role = spec.full_name, spec.role
        user.is_staff = user.is_superuser = spec.role == Role.PROVINCE_ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        first = Establishment.objects.order_by("pk").first()
        if spec.role == Role.ESTABLISHMENT_REP and first is not None:
            representation_open(user=user, establishment_id=first.pk, confirmed_by=None, source="demo")
        user.communes.set([unit_by_code(code, on=today, level="commune") for code in spec.communes])
    return list(DEMO_USERS)
