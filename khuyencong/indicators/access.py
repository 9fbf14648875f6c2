"""Who may ask for figures about which area (the report follows the same scoping as the records)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import PROVINCE_WIDE, is_active_member, visible_commune_ids
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.indicators.engine import Area


def may_report(user: User) -> bool:
    """Whether the user reads figures at all (the report, the dashboard); the area is checked per request."""
    return is_active_member(user) and user.role in {*PROVINCE_WIDE, Role.COMMUNE_OFFICER}


def require_report_access(user: User, area: Area) -> None:
    """Province-wide roles report on any area; commune officers only on areas inside their communes."""
    if not may_report(user):
        raise PermissionDeniedError(_("Bạn không có quyền xem báo cáo số liệu."))
    if user.role in PROVINCE_WIDE:
        return
    mine = visible_commune_ids(user) or set()
    if area.unit_ids is None or not area.unit_ids or not set(area.unit_ids) <= mine:
        raise PermissionDeniedError(_("Cán bộ cấp xã chỉ xem được số liệu của xã/phường mình phụ trách."))
