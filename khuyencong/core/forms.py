"""Form fields and widgets in the Vietnamese conventions: dd/mm/yyyy, 1.234.567 đồng, "3,5".

They parse whatever a person types the Vietnamese way, whatever the browser's language (the inputs
are plain text, never ``type="date"`` or ``type="number"``, whose display the browser localises), and
render values back the same way. ``static/js/forms.js`` adds a date picker and search-as-you-type
pickers on top; without JavaScript the fields still work.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE_FORMAT = "%d/%m/%Y"
_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def group_thousands(value: int) -> str:
    """24700000000 → "24.700.000.000"."""
    return f"{value:,}".replace(",", ".")


def decimal_vn(value: Decimal | float | int) -> str:
    """Decimal("35.00") → "35"; Decimal("3.50") → "3,5"; thousands grouped with dots."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return group_thousands(int(number))
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    sign = "-" if number < 0 else ""
    return f"{sign}{group_thousands(int(whole))},{fraction}"


class VNDateInput(forms.DateInput):
    """A text input showing dd/mm/yyyy; ``data-datepicker`` lets forms.js attach the calendar."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "dd/mm/yyyy", "data-datepicker": "", "autocomplete": "off",
                "inputmode": "numeric", "pattern": r"\d{1,2}/\d{1,2}/\d{4}", "size": "10"}
        super().__init__(attrs={**base, **(attrs or {})}, format=DATE_FORMAT)


class VNDMoneyField(forms.IntegerField):
    """Whole đồng: accepts "24.700.000.000", "24700000000" and "24 700 000 000"; refuses "24,7"."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Số tiền phải là số nguyên, tính bằng đồng, ví dụ 24.700.000.000 (không dùng dấu phẩy)."),
        "min_value": _("Số tiền không được âm."),
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max attributes: the browser would validate them on a text input in its own language.
        return {"inputmode": "numeric", "class": "money", "autocomplete": "off"}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return group_thousands(value)
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = _SPACES.sub("", str(value)) if isinstance(value, str) else value
        if isinstance(text, str):
            if "," in text:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            if "." in text:
                if not _GROUPED.match(text):
                    raise ValidationError(self.error_messages["invalid"], code="invalid")
                text = text.replace(".", "")
        return super().to_python(text)


class VNDecimalField(forms.DecimalField):
    """A decimal typed "3,5" or "3.5" (at most ``decimal_places`` places), shown "3,5" and "35"."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Nhập một số, phần thập phân sau dấu phẩy, ví dụ 3,5."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off", "size": "8"}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return decimal_vn(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = _SPACES.sub("", str(value))
        if "," in text and "." in text:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class PickerSelect(forms.Select):
    """A ``<select>`` that forms.js turns into a search-as-you-type picker fed by ``/chon/<kind>/``.

    Only the current value is rendered as an option (the list would be thousands long); without
    JavaScript the select still submits it, and the field validates any id through the scoped selector.
    """

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None, params: dict[str, str] | None = None,
                 ) -> None:
        base = {"data-picker": kind, "data-placeholder": _("Gõ để tìm…")}
        for key, val in (params or {}).items():
            base[f"data-picker-{key}"] = val
        super().__init__(attrs={**base, **(attrs or {})})

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        return _selected_only(self, super().optgroups, name, value, attrs)


class PickerSelectMultiple(forms.SelectMultiple):
    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"data-picker": kind, "data-placeholder": _("Gõ để tìm…"), **(attrs or {})})

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        return _selected_only(self, super().optgroups, name, value, attrs)


FULL_LIST_UP_TO = 300  # short lists are rendered whole, so the select works without JavaScript too


def _selected_only(widget: forms.Select, render: Any, name: str, value: list[Any], attrs: Any) -> Any:
    """Render a model choice field's options: all of a short list, else only the chosen ones (one query)."""
    choices = widget.choices
    queryset = getattr(choices, "queryset", None)
    if queryset is None:
        return render(name, value, attrs)
    field = choices.field  # type: ignore[attr-defined]
    head = list(queryset[:FULL_LIST_UP_TO + 1])
    if len(head) <= FULL_LIST_UP_TO:
        shown = head
    else:
        shown = list(queryset.filter(pk__in=[int(v) for v in value if str(v).isdigit()]))
    chosen = [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in shown]
    blank = [] if widget.allow_multiple_selected else [("", field.empty_label or "")]
    widget.choices = blank + chosen
    try:
        return render(name, value, attrs)
    finally:
        widget.choices = choices
