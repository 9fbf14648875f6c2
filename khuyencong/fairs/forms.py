"""Web forms: they only parse and display; the services validate and decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.core.forms import PickerSelect, PickerSelectMultiple, VNDateInput, VNDMoneyField
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_for
from khuyencong.fairs.models import Fair, FairParticipation, FairScope, Showroom, ShowroomDisplay
from khuyencong.geo.pickers import UnitCodePicker
from khuyencong.geo.selectors import UnitNotFound, unit_by_code
from khuyencong.products.models import Product
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.selectors import visible_schemes

FAIR_FIELDS = ["name", "organiser", "scope", "venue_country", "venue_city", "venue_detail", "start_date",
               "end_date", "scheme", "support_policy", "booth_support_vnd", "cancelled", "notes"]
PARTICIPATION_FIELDS = ["kind", "platform", "booths", "products", "products_shown", "support_vnd", "contracts_signed",
                        "sales_vnd", "new_distributors", "withdrawn", "notes"]
SHOWROOM_FIELDS = ["name", "address", "operator", "opened_on", "closed_on", "scheme", "notes"]
DISPLAY_FIELDS = ["products", "displayed_from", "displayed_to"]
_DATE = VNDateInput()


class _ServiceForm(forms.ModelForm):
    """Shared behaviour: a version field on edits, no model validation here (the service does it)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an edit must say which version it started from (no lost updates)
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def _limit_schemes(self, user: User | None) -> None:
        """Offer the schemes the user can see (and the current link); the service checks again on save."""
        field = self.fields["scheme"]
        assert isinstance(field, forms.ModelChoiceField)
        schemes = visible_schemes(user) if user is not None else Scheme.objects.none()
        if self.instance.pk and self.instance.scheme_id:
            schemes = schemes | Scheme.objects.filter(pk=self.instance.scheme_id)
        field.widget = PickerSelect("schemes")  # before the queryset, which fills its choices
        field.queryset = schemes.order_by("-code")

    def _post_clean(self) -> None:
        # Model validation happens once, in the service, for the web, the API and importers alike.
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.service_fields}


def _unit_from_code(code: str, day: dt.date | None) -> Any:
    try:
        return unit_by_code(code, on=day or timezone.localdate())
    except UnitNotFound as exc:
        raise forms.ValidationError(str(exc)) from None


class FairForm(_ServiceForm):
    venue_code = forms.CharField(label=_("Nơi tổ chức (trong nước)"), max_length=10, required=False,
                                 widget=UnitCodePicker(),
                                 help_text=_("Gõ tên tỉnh hoặc xã, phường để tìm; để trống nếu tổ chức ở nước ngoài."))
    booth_support_vnd = VNDMoneyField(label=_("Hỗ trợ gian hàng mỗi cơ sở (đồng)"), min_value=0, initial=0)
    service_fields = [*FAIR_FIELDS, "venue_unit"]

    class Meta:
        model = Fair
        fields = FAIR_FIELDS
        widgets = {"start_date": _DATE, "end_date": _DATE, "support_policy": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_schemes(user)
        if self.instance.pk and self.instance.venue_unit_id:
            self.fields["venue_code"].initial = self.instance.venue_unit.code
        self.order_fields(["name", "organiser", "scope", "venue_code", *FAIR_FIELDS[3:]])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = (cleaned.get("venue_code") or "").strip()
        cleaned["venue_unit"] = None
        if code:
            try:
                cleaned["venue_unit"] = _unit_from_code(code, cleaned.get("start_date"))
            except forms.ValidationError as exc:
                self.add_error("venue_code", exc)
        return cleaned


class ProductsField(forms.CharField):
    """Product names, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]


class EstablishmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Establishment) -> str:
        return f"{obj.name} — {obj.commune.name}"


class ProductChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.name} — {obj.establishment.name} — {obj.establishment.commune.name}"


class ParticipationForm(_ServiceForm):
    establishment = EstablishmentChoiceField(label=_("Cơ sở CNNT"), queryset=Establishment.objects.none(),
                                             widget=PickerSelect("establishments"))
    products = ProductChoices(
        label=_("Sản phẩm trong danh mục của cơ sở"), queryset=Product.objects.none(), required=False,
        widget=PickerSelectMultiple("products", attrs={"data-picker-establishment-from": "id_establishment"}),
        help_text=_("Chỉ chọn sản phẩm của chính cơ sở tham gia."))
    products_shown = ProductsField(label=_("Sản phẩm khác, chưa có trong danh mục (mỗi dòng một sản phẩm)"),
                                   required=False)
    support_vnd = VNDMoneyField(label=_("Kinh phí hỗ trợ (đồng)"), required=False, min_value=0,
                                     help_text=_("Để trống: áp dụng mức hỗ trợ gian hàng của hội chợ."))
    sales_vnd = VNDMoneyField(label=_("Doanh số bán hàng (đồng)"), required=False, min_value=0)
    service_fields = [*PARTICIPATION_FIELDS, "establishment"]

    class Meta:
        model = FairParticipation
        fields = PARTICIPATION_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["establishment"]
        assert isinstance(field, forms.ModelChoiceField)
        products = self.fields["products"]
        assert isinstance(products, forms.ModelMultipleChoiceField)
        if self.instance.pk:  # the establishment of a participation is fixed
            del self.fields["establishment"]
            self.fields["support_vnd"].required = True
            products.queryset = (Product.objects.filter(establishment_id=self.instance.establishment_id)
                                 .select_related("establishment__commune"))
        else:
            field.queryset = establishments_for(user).order_by("search_name")
            # Any product of an establishment the user may register; the service refuses another's product.
            products.queryset = (Product.objects.filter(establishment__in=field.queryset.values("pk"))
                                 .select_related("establishment__commune"))
            self.order_fields(["establishment", *PARTICIPATION_FIELDS])

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if data.get("support_vnd") is None and not self.instance.pk:
            data.pop("support_vnd", None)
        return data


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    scope = forms.ChoiceField(label=_("Quy mô"), required=False, choices=[("", _("Tất cả")), *FairScope.choices])
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    # The tabs "Sắp diễn ra" / "Đã diễn ra" (links and a hidden input, not a visible field).
    khi = forms.ChoiceField(label=_("Thời gian"), required=False,
                            choices=[("upcoming", _("Sắp diễn ra và đang diễn ra")), ("past", _("Đã diễn ra"))])


class ShowroomForm(_ServiceForm):
    location_code = forms.CharField(label=_("Địa bàn"), max_length=10, widget=UnitCodePicker(),
                                    help_text=_("Gõ tên tỉnh hoặc xã, phường để tìm."))
    service_fields = [*SHOWROOM_FIELDS, "location_unit"]

    class Meta:
        model = Showroom
        fields = SHOWROOM_FIELDS
        widgets = {"opened_on": _DATE, "closed_on": _DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_schemes(user)
        if self.instance.pk:
            self.fields["location_code"].initial = self.instance.location_unit.code
        self.order_fields(["name", "location_code", *SHOWROOM_FIELDS[1:]])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = (cleaned.get("location_code") or "").strip()
        if code:
            try:
                cleaned["location_unit"] = _unit_from_code(code, cleaned.get("opened_on"))
            except forms.ValidationError as exc:
                self.add_error("location_code", exc)
        return cleaned


class DisplayForm(_ServiceForm):
    establishment = EstablishmentChoiceField(label=_("Cơ sở CNNT"), queryset=Establishment.objects.none())
    products = ProductsField(label=_("Sản phẩm trưng bày (mỗi dòng một sản phẩm)"), required=False)
    service_fields = [*DISPLAY_FIELDS, "establishment"]

    class Meta:
        model = ShowroomDisplay
        fields = DISPLAY_FIELDS
        widgets = {"displayed_from": _DATE, "displayed_to": _DATE}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["establishment"]
        assert isinstance(field, forms.ModelChoiceField)
        if self.instance.pk:
            del self.fields["establishment"]
        else:
            field.queryset = establishments_for(user).order_by("search_name")
            self.order_fields(["establishment", *DISPLAY_FIELDS])
