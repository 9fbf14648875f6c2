"""Web forms: they parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.products.models import Criterion, ProductGroup, RecognitionLevel


class ScoreForm(forms.Form):
    """One field per line of the score sheet (numbers only; ranges are the service's check)."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c_{criterion.code}"] = forms.DecimalField(
                label=f"{criterion.code}. {criterion.label} (≤ {criterion.max_points})", max_digits=6,
                decimal_places=2)

    def points(self) -> dict[str, Any]:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("c_")}


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))


def _level_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for code, label in RecognitionLevel.objects.order_by("rank", "valid_from").values_list("code", "label"):
        seen.setdefault(code, label)
    return [("", str(_("Tất cả"))), *seen.items()]


def _group_choices() -> list[tuple[str, str]]:
    return [("", str(_("Tất cả"))), *ProductGroup.objects.order_by("order").values_list("code", "label").distinct()]


class PublicFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Cấp"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2010, max_value=2100)
    group = forms.ChoiceField(label=_("Nhóm sản phẩm"), required=False)
    area = forms.CharField(label=_("Mã đơn vị hành chính"), required=False, max_length=10)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level_field, group_field = self.fields["level"], self.fields["group"]
        assert isinstance(level_field, forms.ChoiceField) and isinstance(group_field, forms.ChoiceField)
        level_field.choices = _level_choices()
        group_field.choices = _group_choices()
