"""The main menu: each entry names the policy check its target view applies (see permissions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khuyencong.core.permissions import may


@dataclass(frozen=True)
class MenuEntry:
    label: str | Promise
    url_name: str
    check: str


MENU: tuple[MenuEntry, ...] = (
    MenuEntry(_("Cơ sở CNNT"), "establishments:list", "establishments.list"),
    MenuEntry(_("Đề án"), "schemes:list", "schemes.list"),
    MenuEntry(_("Đào tạo"), "training:list", "training.list"),
    MenuEntry(_("Sản phẩm tiêu biểu"), "products:list", "products.list"),
    MenuEntry(_("Hội chợ"), "fairs:list", "fairs.list"),
    MenuEntry(_("Hợp tác quốc tế"), "cooperation:list", "cooperation.list"),
    MenuEntry(_("Báo cáo"), "reports:period", "reports.view"),
    MenuEntry(_("Chỉ tiêu"), "reports:dashboard", "reports.view"),
    MenuEntry(_("Nhập/xuất dữ liệu"), "exchange:index", "exchange.use"),
    MenuEntry(_("Nhật ký"), "audit:access_log", "audit.view"),
)


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The entries this user may open, with their URL and whether the current page lies under it."""
    entries = []
    for entry in MENU:
        if not may(user, entry.check):
            continue
        url = reverse(entry.url_name)
        entries.append({"label": entry.label, "url": url, "current": bool(current_path.startswith(url))})
    return entries
