"""Writes on fairs, participations, showrooms and displays. Pages, the API and importers all come here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import Action, require, require_in_province
from khuyencong.core import services as core
from khuyencong.core.locking import locked
from khuyencong.core.text import normalize
from khuyencong.establishments.validators import validate_plain_text
from khuyencong.fairs.models import Fair, FairParticipation, ParticipationKind, Showroom, ShowroomDisplay
from khuyencong.fairs.policy import entry_role_allows, may_act_on_entry, may_manage_events
from khuyencong.schemes.selectors import visible_schemes

_FAIR_TEXT = {"name", "organiser", "venue_country", "venue_city", "venue_detail", "support_policy", "notes"}
_PARTICIPATION_TEXT = {"platform", "notes"}
_SHOWROOM_TEXT = {"name", "address", "operator", "notes"}
_OUTCOMES = ("contracts_signed", "sales_vnd", "new_distributors")
_MONEY = ("support_vnd", "sales_vnd", "booth_support_vnd")
MAX_PRODUCTS = 50


def _d(day: Any) -> str:
    return day.strftime("%d/%m/%Y")


def _normalized(data: Mapping[str, Any], text_fields: set[str]) -> dict[str, Any]:
    cleaned = dict(data)
    for key in text_fields & cleaned.keys():
        cleaned[key] = normalize(cleaned[key] or "")
    return cleaned


def clean_product_names(value: Any) -> list[str]:
    """A list of product names from a list or from text with one name per line (or ';'), deduplicated."""
    if value is None:
        return []
    items: Iterable[Any] = value.replace(";", "\n").splitlines() if isinstance(value, str) else value
    names: list[str] = []
    for item in items:
        name = normalize(str(item))
        if not name or name in names:
            continue
        if len(name) > 200:
            raise ValidationError(_("Tên sản phẩm tối đa 200 ký tự."))
        validate_plain_text(name)
        names.append(name)
    if len(names) > MAX_PRODUCTS:
        raise ValidationError(_("Tối đa %(n)d sản phẩm.") % {"n": MAX_PRODUCTS})
    return names


def _refuse_negative_money(record: Any, fields: Iterable[str]) -> None:
    errors = {f: _("Số tiền (VND) không được âm.") for f in fields
              if isinstance(getattr(record, f, None), int) and getattr(record, f) < 0}
    if errors:
        raise ValidationError(errors)


def _check_scheme(actor: User, record: Any, data: Mapping[str, Any]) -> None:
    """A fair or showroom may only be linked to a scheme the actor can see; an unchanged link is not re-checked."""
    scheme = data.get("scheme")
    if scheme is None or getattr(scheme, "pk", None) == getattr(record, "scheme_id", None):
        return
    if not visible_schemes(actor).filter(pk=scheme.pk).exists():
        raise ValidationError({"scheme": _("Không tìm thấy đề án khuyến công này hoặc bạn không có quyền xem đề án.")})


# --- Fairs -----------------------------------------------------------------------------------------

def _validate_fair(fair: Fair) -> None:
    errors: dict[str, str] = {}
    if fair.start_date and fair.end_date and fair.end_date < fair.start_date:
        errors["end_date"] = _("Ngày bế mạc (%(end)s) không được trước ngày khai mạc (%(start)s).") % {
            "end": _d(fair.end_date), "start": _d(fair.start_date)}
    abroad = bool(fair.venue_country or fair.venue_city)
    if fair.venue_unit_id is not None and abroad:
        errors["venue_country"] = _("Hội chợ trong nước thì không nhập quốc gia, thành phố nước ngoài.")
    elif fair.venue_unit_id is None and not (fair.venue_country and fair.venue_city):
        errors["venue_unit"] = _("Chọn đơn vị hành chính nơi tổ chức, hoặc nếu ở nước ngoài thì nhập "
                                 "quốc gia và thành phố.")
    elif fair.venue_unit is not None and fair.start_date and not fair.venue_unit.is_valid_on(fair.start_date):
        errors["venue_unit"] = _("Đơn vị “%(unit)s” không có hiệu lực vào ngày khai mạc %(day)s.") % {
            "unit": fair.venue_unit.name, "day": _d(fair.start_date)}
    if errors:
        raise ValidationError(errors)
    _refuse_negative_money(fair, ["booth_support_vnd"])


@transaction.atomic
def fair_create(*, actor: User, data: Mapping[str, Any]) -> Fair:
    """Record a fair or exhibition (province staff)."""
    require(may_manage_events(actor, Action.CREATE))
    _check_scheme(actor, None, data)
    fair = Fair(**_normalized(data, _FAIR_TEXT))
    _validate_fair(fair)
    return core.save_new(fair, actor=actor)


@transaction.atomic
def fair_update(*, actor: User, fair: Fair, data: Mapping[str, Any], expected_version: int | None) -> Fair:
    """Change a fair; a start date moved into the future must not orphan reported outcomes."""
    require(may_manage_events(actor, Action.UPDATE))
    _check_scheme(actor, fair, data)
    for key, value in _normalized(data, _FAIR_TEXT).items():
        setattr(fair, key, value)
    _validate_fair(fair)
    if fair.start_date > timezone.localdate() and _with_outcomes(fair.participations.all()).exists():
        raise ValidationError({"start_date": _(
            "Hội chợ đã có lượt tham gia ghi nhận kết quả, nên ngày khai mạc không thể sau hôm nay.")})
    return core.save_changes(fair, actor=actor, expected_version=expected_version)


def _with_outcomes(participations: Any) -> Any:
    from django.db.models import Q

    return participations.filter(
        Q(contracts_signed__isnull=False) | Q(sales_vnd__isnull=False) | Q(new_distributors__isnull=False))


# --- Participations --------------------------------------------------------------------------------

def _prepare_participation(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = _normalized(data, _PARTICIPATION_TEXT)
    if "products_shown" in cleaned:
        try:
            cleaned["products_shown"] = clean_product_names(cleaned["products_shown"])
        except ValidationError as exc:
            raise ValidationError({"products_shown": exc.messages}) from None
    return cleaned


def _registered_products(p: FairParticipation, products: Any) -> list[Any] | None:
    """The registered products shown, all of the participating establishment's own register (else 400)."""
    if products is None:
        return None
    items = list(products)
    foreign = [item.name for item in items if item.establishment_id != p.establishment_id]
    if foreign:
        raise ValidationError({"products": _("Sản phẩm “%(names)s” không thuộc cơ sở “%(est)s”; chỉ chọn sản phẩm "
                                             "của chính cơ sở tham gia.") % {
            "names": "”, “".join(foreign), "est": p.establishment.name}})
    if len(items) > MAX_PRODUCTS:
        raise ValidationError({"products": _("Tối đa %(n)d sản phẩm.") % {"n": MAX_PRODUCTS}})
    return items


def _validate_participation(p: FairParticipation) -> None:
    errors: dict[str, str] = {}
    fair = p.fair
    if p.kind == ParticipationKind.ECOMMERCE_LISTING and not p.platform:
        errors["platform"] = _("Nhập tên sàn thương mại điện tử mà cơ sở được hỗ trợ đưa sản phẩm lên.")
    if p.kind == ParticipationKind.FAIR and p.platform:
        errors["platform"] = _("Chỉ nhập sàn thương mại điện tử khi hình thức là hỗ trợ đưa sản phẩm lên sàn.")
    if p.has_outcomes and fair.start_date > timezone.localdate():
        message = _("Hội chợ “%(fair)s” chưa diễn ra (khai mạc ngày %(day)s): chưa thể ghi nhận kết quả "
                    "(hợp đồng, doanh số, nhà phân phối mới).") % {"fair": fair.name, "day": _d(fair.start_date)}
        errors.update({f: message for f in _OUTCOMES if getattr(p, f) is not None})
    if errors:
        raise ValidationError(errors)
    _refuse_negative_money(p, ["support_vnd", "sales_vnd"])


def _require_entry_create(actor: User, data: Mapping[str, Any], parent: str) -> None:
    """Role first, then required references, then the establishment's area (403 outside it)."""
    require(entry_role_allows(actor, Action.CREATE))
    missing = {key: _("Trường này là bắt buộc.") for key in (parent, "establishment") if not data.get(key)}
    if missing:
        raise ValidationError(missing)
    _refuse_outside_province(data["establishment"])
    require(may_act_on_entry(actor, Action.CREATE, data["establishment"]),
            _("Bạn chỉ được đăng ký cơ sở thuộc xã/phường mình phụ trách."))


def _refuse_outside_province(establishment: Any) -> None:
    """An establishment of another province (a regional fair's exhibitor brought in by a system migration)
    is refused for that reason, not for the commune officers' one."""
    require_in_province(establishment.commune_id, field="establishment", message=_(
        "Cơ sở ở “%(unit)s”, ngoài %(province)s: hệ thống chỉ ghi nhận cơ sở trong %(province)s."))


@transaction.atomic
def participation_create(*, actor: User, data: Mapping[str, Any]) -> FairParticipation:
    """Register an establishment at a fair (one lượt); a second registration at the same fair is refused.

    Without an explicit ``support_vnd`` the fair's booth support per establishment applies.
    """
    _require_entry_create(actor, data, "fair")
    cleaned = _prepare_participation(data)
    products = cleaned.pop("products", None)
    fair: Fair = cleaned["fair"]
    if cleaned.get("support_vnd") is None:
        cleaned["support_vnd"] = fair.booth_support_vnd
    participation = FairParticipation(**cleaned)
    if fair.cancelled:
        raise ValidationError({"fair": _("Hội chợ “%(fair)s” đã bị hủy, không thể đăng ký tham gia.")
                               % {"fair": fair.name}})
    # Locking the fair row serialises concurrent registrations; the unique constraint is the backstop.
    locked(Fair, fair.pk)
    if FairParticipation.objects.filter(fair=fair, establishment=participation.establishment).exists():
        raise ValidationError({"establishment": _(
            "Cơ sở “%(est)s” đã được đăng ký tham gia hội chợ “%(fair)s”; mỗi cơ sở chỉ một lượt mỗi hội chợ."
        ) % {"est": participation.establishment.name, "fair": fair.name}})
    _validate_participation(participation)
    shown = _registered_products(participation, products)
    saved = core.save_new(participation, actor=actor)
    if shown:
        saved.products.set(shown)
    return saved


@transaction.atomic
def participation_update(
    *, actor: User, participation: FairParticipation, data: Mapping[str, Any], expected_version: int | None,
) -> FairParticipation:
    """Change a participation (booths, support, outcomes...); its fair and establishment are fixed."""
    require(entry_role_allows(actor, Action.UPDATE))
    _refuse_outside_province(participation.establishment)
    require(may_act_on_entry(actor, Action.UPDATE, participation.establishment),
            _("Bạn chỉ được sửa lượt tham gia của cơ sở thuộc xã/phường mình phụ trách."))
    cleaned = _prepare_participation(data)
    products = cleaned.pop("products", None)
    for key in ("fair", "establishment"):
        if key in cleaned and getattr(cleaned[key], "pk", cleaned[key]) != getattr(participation, f"{key}_id"):
            raise ValidationError({key: _("Không thể đổi hội chợ hoặc cơ sở của một lượt tham gia; "
                                          "hãy xóa lượt này và đăng ký lượt mới.")})
        cleaned.pop(key, None)
    for key, value in cleaned.items():
        setattr(participation, key, value)
    _validate_participation(participation)
    shown = _registered_products(participation, products)
    saved = core.save_changes(participation, actor=actor, expected_version=expected_version)
    if shown is not None:
        saved.products.set(shown)
    return saved


@transaction.atomic
def participation_delete(*, actor: User, participation: FairParticipation) -> None:
    require(may_act_on_entry(actor, Action.DELETE, participation.establishment))
    core.delete_record(participation, actor=actor)


# --- Showrooms and displays ------------------------------------------------------------------------

def _validate_period(start: Any, end: Any, end_field: str) -> None:
    if start and end and end < start:
        raise ValidationError({end_field: _("Ngày kết thúc (%(end)s) không được trước ngày bắt đầu (%(start)s).")
                               % {"end": _d(end), "start": _d(start)}})


@transaction.atomic
def showroom_create(*, actor: User, data: Mapping[str, Any]) -> Showroom:
    require(may_manage_events(actor, Action.CREATE))
    _check_scheme(actor, None, data)
    showroom = Showroom(**_normalized(data, _SHOWROOM_TEXT))
    _validate_period(showroom.opened_on, showroom.closed_on, "closed_on")
    return core.save_new(showroom, actor=actor)


@transaction.atomic
def showroom_update(*, actor: User, showroom: Showroom, data: Mapping[str, Any],
                    expected_version: int | None) -> Showroom:
    require(may_manage_events(actor, Action.UPDATE))
    _check_scheme(actor, showroom, data)
    for key, value in _normalized(data, _SHOWROOM_TEXT).items():
        setattr(showroom, key, value)
    _validate_period(showroom.opened_on, showroom.closed_on, "closed_on")
    return core.save_changes(showroom, actor=actor, expected_version=expected_version)


def _validate_display(display: ShowroomDisplay) -> None:
    _validate_period(display.displayed_from, display.displayed_to, "displayed_to")
    room = display.showroom
    if display.displayed_from < room.opened_on or (room.closed_on and display.displayed_from > room.closed_on):
        raise ValidationError({"displayed_from": _(
            "Ngày bắt đầu trưng bày phải trong thời gian hoạt động của điểm giới thiệu “%(name)s”."
        ) % {"name": room.name}})


@transaction.atomic
def display_create(*, actor: User, data: Mapping[str, Any]) -> ShowroomDisplay:
    """Put an establishment's products on display at a showroom."""
    _require_entry_create(actor, data, "showroom")
    cleaned = dict(data)
    try:
        cleaned["products"] = clean_product_names(cleaned.get("products"))
    except ValidationError as exc:
        raise ValidationError({"products": exc.messages}) from None
    display = ShowroomDisplay(**cleaned)
    _validate_display(display)
    return core.save_new(display, actor=actor)


@transaction.atomic
def display_update(*, actor: User, display: ShowroomDisplay, data: Mapping[str, Any],
                   expected_version: int | None) -> ShowroomDisplay:
    require(entry_role_allows(actor, Action.UPDATE))
    _refuse_outside_province(display.establishment)
    require(may_act_on_entry(actor, Action.UPDATE, display.establishment),
            _("Bạn chỉ được sửa thông tin của cơ sở thuộc xã/phường mình phụ trách."))
    cleaned = {k: v for k, v in data.items() if k not in ("showroom", "establishment")}
    if "products" in cleaned:
        try:
            cleaned["products"] = clean_product_names(cleaned["products"])
        except ValidationError as exc:
            raise ValidationError({"products": exc.messages}) from None
    for key, value in cleaned.items():
        setattr(display, key, value)
    _validate_display(display)
    return core.save_changes(display, actor=actor, expected_version=expected_version)
