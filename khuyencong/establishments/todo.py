"""Home of the registry: establishments to verify, the representative's own gaps, and the key figure.

The register has no "verified" flag. What an officer must check is what nobody in their office
entered: a representative may correct their own establishment's contact details, address and
workforce (``services.REPRESENTATIVE_EDITABLE``) and that change reaches the register unchecked.
An establishment whose last save was made by a representative waits for the officer of its area;
the officer's next save (even without changes, it records who checked) takes it off the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Role
from khuyencong.accounts.policy import Action, role_allows
from khuyencong.core.todo import SHOWN, Figure, TodoItem, TodoList
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_for

# Officers who answer for the register of an area: the commune's officer, and the province's staff.
VERIFIERS = {Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER}
# What a representative is asked to keep filled in on their own record (fields they may edit themselves).
OWN_DETAILS = ("representative_name", "representative_phone", "address", "business_registration_no")


def registry_figures(user: Any, *, year: int) -> list[Figure] | None:
    if not role_allows(user, Action.VIEW):
        return None
    return [Figure(label=_("Cơ sở CNNT trong phạm vi của bạn (hiện nay)"), value=establishments_for(user).count(),
                   unit=_("cơ sở"), url=reverse("establishments:list"))]


def changes_to_verify(user: Any, *, today: dt.date) -> TodoList | None:
    """Establishments of the officer's area last changed by their own representative, oldest change first."""
    if getattr(user, "role", "") not in VERIFIERS or not role_allows(user, Action.UPDATE):
        return None
    rows = (establishments_for(user).filter(updated_by__role=Role.ESTABLISHMENT_REP)
            .annotate(changed_on=TruncDate("updated_at")))
    stats = rows.aggregate(n=Count("pk"), oldest=Min("updated_at"))
    items = [TodoItem(label=f"{e.name} · {e.commune.name}", url=reverse("establishments:detail", args=[e.pk]),
                      due=e.changed_on, note=_("đại diện cơ sở đã cập nhật"))
             for e in rows.order_by("updated_at", "pk")[:SHOWN]]
    return TodoList(
        title=_("Cơ sở cần xác minh thông tin"), count=stats["n"], items=items, url=reverse("establishments:list"),
        oldest_due=timezone.localdate(stats["oldest"]) if stats["oldest"] else None,
        explanation=_("Đại diện cơ sở đã tự sửa thông tin liên hệ, địa chỉ hoặc số lao động. Xem lịch sử thay "
                      "đổi trên hồ sơ, kiểm tra rồi bấm Sửa và Lưu (kể cả khi không cần sửa) để xác nhận."))


def own_details_missing(user: Any, *, today: dt.date) -> TodoList | None:
    """The representative's own establishment: the contact and registration details still blank."""
    if getattr(user, "role", "") != Role.ESTABLISHMENT_REP or not role_allows(user, Action.UPDATE):
        return None
    found = establishments_for(user).first()
    missing = [str(Establishment._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
               for name in OWN_DETAILS if found is not None and not getattr(found, name)]
    if found is None or not missing:
        return TodoList(title=_("Thông tin cơ sở cần bổ sung"), count=0, url=reverse("establishments:list"))
    url = reverse("establishments:edit", args=[found.pk])
    return TodoList(title=_("Thông tin cơ sở cần bổ sung"), count=len(missing), url=url,
                    items=[TodoItem(label=found.name, url=url, note=_("còn trống: %(fields)s")
                                    % {"fields": ", ".join(missing)})],
                    explanation=_("Cán bộ khuyến công dùng các thông tin này để liên hệ và hỗ trợ cơ sở; bạn tự "
                                  "cập nhật được, cán bộ xã/phường sẽ xác minh."))


def representatives_to_confirm(user: Any, *, today: dt.date) -> TodoList | None:
    """Self-registrations waiting for the officer of the establishment's area (issue 18)."""
    from khuyencong.establishments.registrations import registrations_for
    from khuyencong.establishments.representatives import DECIDERS

    if getattr(user, "role", "") not in DECIDERS:
        return None
    pending = registrations_for(user).filter(status="pending")
    rows = list(pending[:SHOWN])
    items = [TodoItem(label=f"{r.full_name} · {r.establishment.name}",
                      url=reverse("establishments:registration_decide", args=[r.pk]),
                      due=timezone.localtime(r.created_at).date(),
                      note=_("Cơ sở đã có người đại diện") if r.already_represented else "") for r in rows]
    return TodoList(title=_("Đề nghị làm người đại diện cơ sở chờ xác nhận"), count=pending.count(),
                    url=reverse("establishments:registration_list"), items=items,
                    oldest_due=items[0].due if items else None,
                    explanation=_("Người đề nghị chỉ trở thành đại diện khi anh/chị xác nhận."))


# This app's to-do lists on the home page (registered by core.appconfig).
TODO_LISTS = {
    "establishments.to_verify": changes_to_verify,
    "establishments.own_details": own_details_missing,
    "establishments.representatives": representatives_to_confirm,
}
