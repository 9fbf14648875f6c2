"""Web forms: they only parse and display; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.core.forms import PickerSelectMultiple, VNDateInput, VNDecimalField, VNDMoneyField
from khuyencong.core.lifecycle import NOTE_MAX_LENGTH, note_errors
from khuyencong.establishments.forms import CommuneChoiceField, commune_choices_for
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishments_for
from khuyencong.geo.pickers import UnitCodePicker
from khuyencong.schemes.models import ActivityType, AnnualPlan, AttachmentKind, FundingSource, Scheme, SchemeStatus
from khuyencong.schemes.services.lifecycle import AMENDABLE, FIELDS, allowed_targets
from khuyencong.schemes.services.schemes import EDITABLE

DATE = VNDateInput()
MONEY_HELP = _("Số nguyên, đơn vị đồng, ví dụ 24.700.000.000")
MONEY_ERRORS = {
    "invalid": _("Số tiền phải là số nguyên, tính bằng đồng, ví dụ 24.700.000.000 (không dùng dấu phẩy hay chữ)."),
    "min_value": _("Số tiền không được âm."),
}
POSITIVE_ERRORS = {**MONEY_ERRORS, "min_value": _("Số tiền phải lớn hơn 0.")}


def money(label: Any, *, required: bool = True, positive: bool = False) -> forms.IntegerField:
    """Whole đồng, typed "24.700.000.000" or "24700000000", shown with dots."""
    return VNDMoneyField(label=label, required=required, min_value=1 if positive else 0,
                         error_messages=POSITIVE_ERRORS if positive else MONEY_ERRORS)


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Tất cả")), *choices]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Mã hoặc tên đề án"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    activity_type = forms.ChoiceField(label=_("Loại hoạt động"), required=False)
    funding_source = forms.ChoiceField(label=_("Nguồn kinh phí"), required=False, choices=_all(FundingSource.choices))
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=_all(SchemeStatus.choices))
    unit = forms.CharField(label=_("Địa bàn"), required=False, max_length=10,
                           widget=UnitCodePicker(blank=_("Tất cả")),
                           help_text=_("Gõ tên tỉnh, huyện (cũ) hoặc xã, phường để tìm."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = ActivityType.objects.order_by("order").values_list("code", "label").distinct()
        self.fields["activity_type"].choices = _all(list(dict(types).items()))  # type: ignore[attr-defined]


class EstablishmentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Establishment) -> str:
        return f"{obj.name} ({obj.commune.name})"


class SchemeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    total_cost = money(_("Tổng kinh phí (đồng)"))
    public_support = money(_("Kinh phí khuyến công hỗ trợ (đồng)"))
    counterpart_capital = money(_("Vốn đối ứng (đồng)"))
    beneficiaries = EstablishmentChoices(label=_("Cơ sở thụ hưởng"), queryset=Establishment.objects.none(),
                                         required=False, widget=PickerSelectMultiple("establishments"))

    class Meta:
        model = Scheme
        fields = sorted(EDITABLE)
        field_order = ["code", "title", "activity_type", "funding_source"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "planned_start": DATE, "planned_end": DATE,
                   "actual_start": DATE, "actual_end": DATE}
        field_classes = {"implementing_unit": CommuneChoiceField}
        help_texts = {"total_cost": MONEY_HELP, "public_support": MONEY_HELP, "counterpart_capital": MONEY_HELP}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["code", "title", "activity_type", "funding_source", "implementing_unit_name",
                           "implementing_unit", "beneficiaries"])
        beneficiaries = self.fields["beneficiaries"]
        assert isinstance(beneficiaries, forms.ModelMultipleChoiceField)
        beneficiaries.queryset = establishments_for(user).order_by("name")
        unit = self.fields["implementing_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = commune_choices_for(user)
        kinds = self.fields["activity_type"]
        assert isinstance(kinds, forms.ModelChoiceField)
        today = timezone.localdate()
        kinds.queryset = ActivityType.objects.valid_on(today)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
            self.initial["beneficiaries"] = list(self.instance.beneficiaries.all())

    def _post_clean(self) -> None:
        pass  # validation is the service's job (one set of rules for web, API and importers)

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in EDITABLE}


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("Chuyển sang"))
    note = forms.CharField(label=_("Ghi chú / nội dung kiểm tra / lý do"), required=False,
                           max_length=NOTE_MAX_LENGTH, error_messages=note_errors(_("Ghi chú")),
                           widget=forms.Textarea(attrs={"rows": 2}))
    appraisal_score = VNDecimalField(label=_("Điểm thẩm định"), required=False, max_digits=5, decimal_places=2)
    appraisal_comments = forms.CharField(label=_("Ý kiến thẩm định"), required=False, max_length=4000)
    plan = forms.ModelChoiceField(label=_("Kế hoạch năm"), required=False,
                                  queryset=AnnualPlan.objects.select_related("programme"))
    approval_decision_no = forms.CharField(label=_("Số quyết định phê duyệt"), required=False, max_length=60)
    approval_decision_date = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DATE)
    contract_no = forms.CharField(label=_("Số hợp đồng"), required=False, max_length=60)
    contract_date = forms.DateField(label=_("Ngày ký hợp đồng"), required=False, widget=DATE)
    actual_start = forms.DateField(label=_("Ngày bắt đầu thực tế"), required=False, widget=DATE)
    acceptance_date = forms.DateField(label=_("Ngày nghiệm thu"), required=False, widget=DATE)
    acceptance_record_no = forms.CharField(label=_("Số biên bản nghiệm thu"), required=False, max_length=60)
    actual_end = forms.DateField(label=_("Ngày kết thúc thực tế"), required=False, widget=DATE)
    settled_amount = money(_("Kinh phí quyết toán (đồng)"), required=False)
    settlement_date = forms.DateField(label=_("Ngày quyết toán"), required=False, widget=DATE)
    document = forms.FileField(label=_("Tài liệu kèm theo (PDF, DOCX, XLSX, JPG, PNG; ≤ 10 MB)"), required=False)
    document_kind = forms.ChoiceField(label=_("Loại tài liệu"), required=False, choices=AttachmentKind.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(SchemeStatus.choices)
        self.fields["target"].choices = [(t, labels[t]) for t in allowed_targets(scheme)]  # type: ignore[attr-defined]
        self.fields["version"].initial = scheme.version

    def service_fields(self) -> dict[str, Any]:
        target = self.cleaned_data.get("target", "")
        required, optional = FIELDS.get(target, (set(), set()))
        return {k: self.cleaned_data.get(k) for k in required | optional
                if k in required or self.cleaned_data.get(k) not in (None, "")}


class DisbursementForm(forms.Form):
    date = forms.DateField(label=_("Ngày giải ngân"), widget=DATE)
    amount = money(_("Số tiền (đồng)"), positive=True)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, JPG, PNG; ≤ 10 MB)"))


class AmendmentForm(forms.Form):
    reason = forms.CharField(label=_("Lý do điều chỉnh"), max_length=NOTE_MAX_LENGTH,
                             error_messages=note_errors(_("Lý do điều chỉnh")),
                             widget=forms.Textarea(attrs={"rows": 3}))
    decision_no = forms.CharField(label=_("Số quyết định điều chỉnh"), required=False, max_length=60)
    total_cost = money(_("Tổng kinh phí (đồng)"))
    public_support = money(_("Kinh phí hỗ trợ (đồng)"))
    counterpart_capital = money(_("Vốn đối ứng (đồng)"))
    settled_amount = money(_("Kinh phí quyết toán (đồng)"))
    settlement_date = forms.DateField(label=_("Ngày quyết toán"), widget=DATE)
    actual_end = forms.DateField(label=_("Ngày kết thúc thực tế"), required=False, widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def changes(self, scheme: Scheme) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in AMENDABLE and getattr(scheme, k) != v}
