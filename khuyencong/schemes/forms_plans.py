"""Forms for the province's reference records: programmes, annual plans and support norms (parse only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import VNDecimalField
from khuyencong.schemes.forms import DATE, MONEY_HELP, money
from khuyencong.schemes.models import ActivityType, AnnualPlan, FundingSource, Programme
from khuyencong.schemes.models.finance import legal_form_choices


class _ServiceValidated(forms.ModelForm):
    """Model rules are the service's job (one set of rules for web, API and importers)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}  # type: ignore[attr-defined]


class ProgrammeForm(_ServiceValidated):
    class Meta:
        model = Programme
        fields = ["name", "level", "start_year", "end_year", "decision_no", "decision_date"]
        widgets = {"decision_date": DATE}


class PlanForm(_ServiceValidated):
    approved_total = money(_("Tổng kinh phí được duyệt (đồng)"))

    class Meta:
        model = AnnualPlan
        fields = ["programme", "year", "funding_source", "approved_total", "decision_no", "decision_date"]
        widgets = {"decision_date": DATE}
        help_texts = {"approved_total": MONEY_HELP}


def _activity_choices() -> list[tuple[str, str]]:
    return list(dict(ActivityType.objects.order_by("order", "-valid_from").values_list("code", "label")).items())


class NormRuleFields(forms.Form):
    """The figures and wording of one norm version."""

    max_percent = VNDecimalField(label=_("Tỷ lệ hỗ trợ tối đa (%)"), max_digits=6, decimal_places=2,
                                     error_messages={"invalid": _("Tỷ lệ phải là một số, ví dụ 50 hoặc 30,5.")})
    cap_vnd = money(_("Mức hỗ trợ tối đa (đồng)"), required=False)
    cap_per_establishment = forms.BooleanField(label=_("Mức tối đa tính cho mỗi cơ sở"), required=False)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=300)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = forms.DateField(label=_("Hiệu lực từ"), widget=DATE)
    valid_to = forms.DateField(label=_("Hiệu lực đến"), required=False, widget=DATE)

    RULE = ("max_percent", "cap_vnd", "cap_per_establishment", "legal_basis", "note", "valid_to")


class NormCreateForm(NormRuleFields):
    activity_type_code = forms.ChoiceField(label=_("Loại hoạt động"))
    funding_source = forms.ChoiceField(label=_("Nguồn kinh phí"), choices=FundingSource.choices)
    legal_form = forms.ChoiceField(label=_("Loại hình cơ sở thụ hưởng"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["activity_type_code", "funding_source", "legal_form"])
        self.fields["activity_type_code"].choices = _activity_choices()  # type: ignore[attr-defined]
        self.fields["legal_form"].choices = legal_form_choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NormEditForm(NormRuleFields):
    REVISE, CORRECT = "revise", "correct"
    mode = forms.ChoiceField(label=_("Cách sửa"), initial=REVISE, widget=forms.RadioSelect, choices=[
        (REVISE, _("Ban hành phiên bản mới từ ngày “Hiệu lực từ” (phiên bản hiện tại kết thúc hôm trước)")),
        (CORRECT, _("Đính chính phiên bản hiện tại (chỉ khi chưa áp dụng cho đề án đã duyệt; có lưu lịch sử)")),
    ])
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["mode"])

    def rule_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in self.RULE}
