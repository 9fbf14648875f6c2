"""Disbursements (giải ngân): only after the contract, never beyond the approved support."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core.locking import locked
from khuyencong.schemes.models import Disbursement, Scheme, SchemeStatus
from khuyencong.schemes.policy import may_drive
from khuyencong.schemes.services.common import vnd

DISBURSABLE = {SchemeStatus.CONTRACTED, SchemeStatus.IN_PROGRESS, SchemeStatus.ACCEPTED}


@transaction.atomic
def disbursement_create(*, actor: User, scheme: Scheme, date: dt.date, amount: int, note: str = "") -> Disbursement:
    require(may_drive(actor), _("Chỉ cán bộ cấp tỉnh được ghi nhận giải ngân."))
    if scheme.status not in DISBURSABLE:
        raise ValidationError({"__all__": _(
            "Chỉ giải ngân cho đề án đã ký hợp đồng và chưa quyết toán; đề án đang ở trạng thái “%(s)s”.")
            % {"s": scheme.get_status_display()}})
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": _("Số tiền giải ngân phải là số nguyên dương, tính bằng đồng.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("Ngày giải ngân không được ở tương lai.")})
    if scheme.contract_date and date < scheme.contract_date:
        raise ValidationError({"date": _("Ngày giải ngân không được trước ngày ký hợp đồng (%(day)s).")
                               % {"day": scheme.contract_date.strftime("%d/%m/%Y")}})
    locked(Scheme, scheme.pk)  # two cashiers at once cannot both pass the ceiling check
    done = scheme.disbursements.aggregate(s=Coalesce(Sum("amount"), 0))["s"]
    if done + amount > scheme.public_support:
        raise ValidationError({"amount": _(
            "Giải ngân %(amount)s đồng vượt kinh phí hỗ trợ được duyệt %(support)s đồng "
            "(đã giải ngân %(done)s đồng, còn lại %(left)s đồng).") % {
            "amount": vnd(amount), "support": vnd(scheme.public_support), "done": vnd(done),
            "left": vnd(scheme.public_support - done)}})
    return core.save_new(Disbursement(scheme=scheme, date=date, amount=amount, note=note.strip()), actor=actor)
