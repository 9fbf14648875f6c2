"""Web forms: they parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.core.forms import VNDateInput, VNDecimalField, decimal_vn
from khuyencong.establishments.models import Establishment
from khuyencong.products.models import (
    Criterion,
    DocumentKind,
    MemberRole,
    Product,
    ProductGroup,
    RecognitionLevel,
    RuleSet,
    in_force,
)
from khuyencong.products.policy import SEATABLE_ROLES
from khuyencong.products.services.rounds import before_any_rules


class ScoreForm(forms.Form):
    """One field per line of the score sheet (numbers only; ranges are the service's check)."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c_{criterion.code}"] = VNDecimalField(
                label=f"{criterion.code}. {criterion.label} (≤ {decimal_vn(criterion.max_points)})", max_digits=6,
                decimal_places=2)

    def points(self) -> dict[str, Any]:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("c_")}


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=VNDateInput())


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


# ---- management forms (secretary, province staff, establishments) --------------------------------

class ProductForm(forms.Form):
    establishment: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Cơ sở"),
                                                                         queryset=Establishment.objects.none())
    name = forms.CharField(label=_("Tên sản phẩm"), max_length=255)
    group = forms.ModelChoiceField(label=_("Nhóm sản phẩm"), queryset=ProductGroup.objects.filter(valid_to=None))
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=8000, widget=forms.Textarea)
    one_off = forms.BooleanField(label=_("Sản phẩm độc bản"), required=False)
    document_kind = forms.ChoiceField(label=_("Loại giấy tờ kèm theo"), required=False,
                                      choices=[("", "—"), *DocumentKind.choices])
    document = forms.FileField(label=_("Tệp giấy tờ (PDF, DOCX, JPG, PNG; tối đa 10 MB)"), required=False)

    def __init__(self, *args: Any, establishments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["establishment"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = establishments

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("document") and not data.get("document_kind"):
            self.add_error("document_kind", _("Hãy chọn loại giấy tờ."))
        return data


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại giấy tờ"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Tên giấy tờ"), required=False, max_length=255)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, JPG, PNG; tối đa 10 MB)"))


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt bình chọn"), max_length=255)
    # One choice per level code: the dated row in force on the dossier deadline is picked in clean(), so a
    # level with two versions (e.g. the province tier before and after 1 July 2025) is listed once.
    level = forms.ChoiceField(label=_("Cấp"))
    organiser_code = forms.CharField(label=_("Mã đơn vị tổ chức"), max_length=10)
    year = forms.IntegerField(label=_("Năm"), min_value=2010, max_value=2100)
    plan_document_no = forms.CharField(label=_("Số kế hoạch"), required=False, max_length=100)
    dossier_deadline = forms.DateField(label=_("Hạn nhận hồ sơ"), widget=VNDateInput())
    rule_set = forms.ModelChoiceField(label=_("Bộ quy tắc"), queryset=RuleSet.objects.all())
    quota = forms.IntegerField(label=_("Chỉ tiêu"), required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level_field = self.fields["level"]
        assert isinstance(level_field, forms.ChoiceField)
        level_field.choices = _level_choices()[1:]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, day = data.get("level"), data.get("dossier_deadline")
        if code and day:
            level = RecognitionLevel.objects.filter(in_force(day), code=code).first()
            if (reason := before_any_rules(day)) is not None:
                # No rules at all reach back that far: say so under the deadline, not "this level does not apply".
                self.add_error("dossier_deadline", reason)
            elif level is None:
                self.add_error("level", _("Cấp này không áp dụng vào ngày %(day)s.") % {
                    "day": day.strftime("%d/%m/%Y")})
            else:
                data["level"] = level
        return data


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Tên hội đồng"), max_length=255)
    decision_no = forms.CharField(label=_("Quyết định thành lập"), required=False, max_length=100)


class MemberForm(forms.Form):
    # Only accounts that may hold a seat are offered (the service refuses any other anyway).
    user = forms.ModelChoiceField(label=_("Người dùng"), queryset=User.objects.filter(
        is_active=True, role__in=SEATABLE_ROLES).order_by("username"), to_field_name="username")
    role = forms.ChoiceField(label=_("Vai trò"), choices=MemberRole.choices)
    title = forms.CharField(label=_("Chức danh"), required=False, max_length=200)


class NominationForm(forms.Form):
    product: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Sản phẩm"), queryset=Product.objects.none())
    made_by_establishment = forms.BooleanField(label=_("Sản phẩm do chính cơ sở sản xuất"), required=False)
    submitted_on = forms.DateField(label=_("Ngày nộp hồ sơ"), required=False,
                                   widget=VNDateInput())
    registration_form_no = forms.CharField(label=_("Số phiếu đăng ký"), required=False, max_length=50)
    dossier_note = forms.CharField(label=_("Thuyết minh hồ sơ"), required=False, max_length=8000,
                                   widget=forms.Textarea)

    def __init__(self, *args: Any, products: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = products


class ReroleForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò mới"), choices=MemberRole.choices)


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class ReplaceForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Người thay thế"), queryset=User.objects.filter(
        is_active=True, role__in=SEATABLE_ROLES).order_by("username"), to_field_name="username")
    reason = forms.CharField(label=_("Lý do thay thế"), max_length=500)
