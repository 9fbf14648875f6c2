"""Forms for activity-specific details of a scheme (parse only; the services check rules and area)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.core.forms import PickerSelect, PickerSelectMultiple
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_for
from khuyencong.schemes.forms import DATE, EstablishmentChoices, money
from khuyencong.schemes.models import (
    CleanerProductionAssessment,
    CommunicationOutput,
    DemonstrationModel,
    MachineryItem,
)

COUNT_ERRORS = {"invalid": _("Hãy nhập một số nguyên."), "min_value": _("Giá trị không được âm.")}
QUANTITY_ERRORS = {"invalid": _("Hãy nhập một số nguyên."), "min_value": _("Số lượng phải là số nguyên lớn hơn 0.")}


def count(label: Any, *, required: bool = True, positive: bool = False) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=required, min_value=1 if positive else 0,
                              error_messages=QUANTITY_ERRORS if positive else COUNT_ERRORS)


class _DetailForm(forms.ModelForm):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("host_establishment", "establishment"):  # only establishments the user may name
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                field.widget = PickerSelect("establishments")  # before the queryset, which fills its choices
                field.queryset = establishments_for(user).select_related("commune").order_by("name")

    def _post_clean(self) -> None:
        pass  # the service validates

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}  # type: ignore[attr-defined]


class DemonstrationForm(_DetailForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    workers_employed = count(_("Số lao động sử dụng"))
    avg_worker_income_vnd = money(_("Thu nhập bình quân của lao động (đồng/tháng)"), required=False)
    adopters = EstablishmentChoices(label=_("Cơ sở nhân rộng mô hình"), required=False,
                                    queryset=Establishment.objects.none(),
                                    widget=PickerSelectMultiple("establishments"))

    class Meta:
        model = DemonstrationModel
        fields = ["host_establishment", "technology", "workers_employed", "avg_worker_income_vnd"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        adopters = self.fields["adopters"]
        assert isinstance(adopters, forms.ModelMultipleChoiceField)
        adopters.queryset = establishments_for(user).select_related("commune").order_by("name")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["adopters"] = list(self.instance.adopters.all())


class MachineryItemForm(_DetailForm):
    quantity = count(_("Số lượng"), positive=True)
    unit_price = money(_("Đơn giá (đồng)"))

    class Meta:
        model = MachineryItem
        fields = ["name", "quantity", "unit_price", "supplier", "sector_group"]


class CommunicationOutputForm(_DetailForm):
    quantity = count(_("Số lượng"), positive=True)
    reach = count(_("Số lượt tiếp cận"), required=False)

    class Meta:
        model = CommunicationOutput
        fields = ["kind", "title", "quantity", "reach"]


class AssessmentForm(_DetailForm):
    annual_savings_vnd = money(_("Tiết kiệm hằng năm (đồng)"))
    energy_saving_kwh = count(_("Tiết kiệm điện (kWh/năm)"), required=False)
    water_saving_m3 = count(_("Tiết kiệm nước (m³/năm)"), required=False)

    class Meta:
        model = CleanerProductionAssessment
        fields = ["establishment", "assessed_on", "findings", "annual_savings_vnd", "energy_saving_kwh",
                  "water_saving_m3"]
        widgets = {"assessed_on": DATE, "findings": forms.Textarea(attrs={"rows": 2})}


# activity type code → (detail kind in URLs and services, form)
ITEM_FORMS: dict[str, tuple[str, type[_DetailForm]]] = {
    "machinery": ("machinery", MachineryItemForm),
    "communication": ("communication", CommunicationOutputForm),
    "cleaner_production": ("assessment", AssessmentForm),
}
KIND_FORMS = {kind: form for kind, form in ITEM_FORMS.values()}
