"""Writes on the registry. Web forms, the API, the admin, importers and commands all come here."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import Action, may_act_on_establishment, require, require_in_province, role_allows
from khuyencong.core import review
from khuyencong.core import services as core
from khuyencong.core.text import fold, normalize
from khuyencong.establishments.models import Establishment

# What a representative may correct on their own establishment; the rest is the officers' call.
REPRESENTATIVE_EDITABLE = {
    "representative_name", "representative_phone", "address", "employees", "business_registration_no",
}
_TEXT_FIELDS = {"name", "representative_name", "address", "craft_village", "business_registration_no", "notes"}
SIMILARITY_THRESHOLD = 0.85


def _clean_input(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    for key in _TEXT_FIELDS & cleaned.keys():
        cleaned[key] = normalize(cleaned[key] or "")
    if "tax_code" in cleaned:
        cleaned["tax_code"] = (cleaned["tax_code"] or "").replace(" ", "") or None
    if "representative_phone" in cleaned:
        cleaned["representative_phone"] = (cleaned["representative_phone"] or "").replace(" ", "").replace(".", "")
    return cleaned


def _validate_commune(establishment: Establishment, *, on: dt.date) -> None:
    """The commune must be a commune-level unit in force on ``on``.

    A new registration is checked on its own date (old records keep the unit valid then); a move to
    another commune is checked today, because the establishment moves now.
    """
    unit = establishment.commune
    if unit.level != "commune":
        raise ValidationError({"commune": _("Hãy chọn đơn vị cấp xã/phường/đặc khu.")})
    if not unit.is_valid_on(on):
        raise ValidationError({"commune": _(
            "Đơn vị “%(unit)s” không còn hiệu lực vào ngày %(day)s; hãy chọn đơn vị hành chính hiện hành."
        ) % {"unit": unit.name, "day": on.strftime("%d/%m/%Y")}})


def similar_establishments(*, name: str, commune_id: int, exclude_pk: int | None = None) -> list[Establishment]:
    """Establishments in the same commune whose names look like ``name`` (possible duplicates)."""
    key = fold(name)
    candidates = Establishment.objects.filter(commune_id=commune_id)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return [
        e for e in candidates.only("pk", "name", "search_name", "tax_code")
        if difflib.SequenceMatcher(None, key, e.search_name).ratio() >= SIMILARITY_THRESHOLD
    ]


def _refuse_similar(establishment: Establishment) -> None:
    similar = similar_establishments(
        name=establishment.name, commune_id=establishment.commune_id, exclude_pk=establishment.pk
    )
    if similar:
        names = "; ".join(e.name for e in similar[:5])
        raise ValidationError({"name": _(
            "Đã có cơ sở có tên gần giống trong cùng xã/phường: %(names)s. "
            "Kiểm tra lại, nếu đúng là cơ sở khác thì xác nhận để lưu."
        ) % {"names": names}}, code="similar_name")


def hold_tax_code(actor: User, existing: Establishment) -> None:
    """Send a collision on the tax code of an establishment outside the actor's area to a province officer."""
    review.hold(register="establishments.establishment", field="tax_code", record=existing, actor=actor,
                label=existing.name, url=reverse("establishments:detail", args=[existing.pk]))


def _refuse_outside_province(establishment: Establishment) -> None:
    require_in_province(establishment.commune_id, field="commune", message=_(
        "Xã/phường “%(unit)s” không thuộc %(province)s: hệ thống chỉ đăng ký cơ sở trong %(province)s."))


def _refuse_taken_tax_code(actor: User, establishment: Establishment) -> None:
    """A tax code already recorded: named when the actor may see its establishment, else held for review
    (the unique check of ``full_clean`` would otherwise say "already exists" about an unseen record)."""
    if not establishment.tax_code:
        return
    existing = Establishment.objects.filter(tax_code=establishment.tax_code).exclude(pk=establishment.pk).first()
    if existing is None:
        return
    if may_act_on_establishment(actor, Action.VIEW, existing):
        message = _("Mã số thuế này đã được đăng ký cho cơ sở “%(name)s” (hồ sơ số %(pk)s).") % {
            "name": existing.name, "pk": existing.pk}
        raise ValidationError({"tax_code": message}, code="duplicate_tax_code")
    hold_tax_code(actor, existing)
    raise ValidationError({"tax_code": review.held_message(_("mã số thuế"))}, code="held_for_review")


@transaction.atomic
def establishment_create(*, actor: User, data: Mapping[str, Any], allow_similar: bool = False) -> Establishment:
    """Register an establishment in a commune the actor covers."""
    require(role_allows(actor, Action.CREATE))
    establishment = Establishment(**_clean_input(data))
    establishment.search_name = fold(establishment.name)
    if establishment.commune_id is not None:
        _validate_commune(establishment, on=establishment.registered_on)
        _refuse_outside_province(establishment)
        require(may_act_on_establishment(actor, Action.CREATE, establishment),
                _("Bạn chỉ được đăng ký cơ sở thuộc xã/phường mình phụ trách."))
        _refuse_taken_tax_code(actor, establishment)
        if not allow_similar:
            _refuse_similar(establishment)
    return core.save_new(establishment, actor=actor)


@transaction.atomic
def establishment_update(
    *, actor: User, establishment: Establishment, data: Mapping[str, Any], expected_version: int | None,
    allow_similar: bool = False,
) -> Establishment:
    """Change an establishment; refused if someone saved it since ``expected_version``."""
    require(may_act_on_establishment(actor, Action.UPDATE, establishment))
    changes = {k: v for k, v in _clean_input(data).items() if getattr(establishment, k) != v}
    if actor.role == Role.ESTABLISHMENT_REP and set(changes) - REPRESENTATIVE_EDITABLE:
        require(False, _("Đại diện cơ sở chỉ được cập nhật thông tin liên hệ, địa chỉ và số lao động."))
    old_name, old_commune = establishment.search_name, establishment.commune_id
    for key, value in changes.items():
        setattr(establishment, key, value)
    establishment.search_name = fold(establishment.name)
    if "commune" in changes:
        _validate_commune(establishment, on=timezone.localdate())
        _refuse_outside_province(establishment)
    # Moving an establishment out of the officer's area is as much a breach as creating it there.
    require(may_act_on_establishment(actor, Action.UPDATE, establishment),
            _("Bạn chỉ được quản lý cơ sở thuộc xã/phường mình phụ trách."))
    if "tax_code" in changes:
        _refuse_taken_tax_code(actor, establishment)
    if not allow_similar and (establishment.search_name != old_name or establishment.commune_id != old_commune):
        _refuse_similar(establishment)
    return core.save_changes(establishment, actor=actor, expected_version=expected_version)


@transaction.atomic
def establishment_delete(*, actor: User, establishment: Establishment) -> None:
    require(may_act_on_establishment(actor, Action.DELETE, establishment))
    core.delete_record(establishment, actor=actor)
