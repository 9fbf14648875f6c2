"""Web forms: they only parse and display; the service validates and decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import Role, User
from khuyencong.accounts.policy import visible_commune_ids
from khuyencong.establishments.models import Establishment, LegalForm, SectorGroup, Status
from khuyencong.geo.models import AdministrativeUnit, valid_on
from khuyencong.geo.pickers import UnitCodePicker

FIELDS = [
    "name", "legal_form", "tax_code", "business_registration_no", "representative_name", "representative_phone",
    "address", "commune", "vsic_code", "sector_group", "employees", "craft_village", "women_owned",
    "ethnic_minority_owned", "status", "notes",
]


def commune_choices_for(user: User) -> QuerySet[AdministrativeUnit]:
    """Communes in force today that the user may register establishments in."""
    from django.conf import settings

    units = AdministrativeUnit.objects.filter(valid_on(timezone.localdate()), level="commune")
    scope = visible_commune_ids(user)
    if scope is not None:
        return units.filter(pk__in=scope).order_by("search_name")
    return units.filter(parent__code=settings.PROVINCE_CODE).order_by("search_name")


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return obj.name


class EstablishmentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_similar = forms.BooleanField(
        label=_("Tôi đã kiểm tra, đây là cơ sở khác với cơ sở có tên gần giống"), required=False
    )

    class Meta:
        model = Establishment
        fields = FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"commune": CommuneChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = commune_choices_for(user)
        if self.instance.pk:  # an old record keeps its (possibly pre-2025) commune selectable
            communes = communes | AdministrativeUnit.objects.filter(pk=self.instance.commune_id)
        commune_field = self.fields["commune"]
        assert isinstance(commune_field, forms.ModelChoiceField)
        commune_field.queryset = communes
        if user.role == Role.ESTABLISHMENT_REP:
            from khuyencong.establishments.services import REPRESENTATIVE_EDITABLE

            for name in set(FIELDS) - REPRESENTATIVE_EDITABLE:
                self.fields[name].disabled = True
        if self.instance.pk:  # an edit must say which version it started from (no lost updates)
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def _post_clean(self) -> None:
        # Model validation (uniqueness, commune validity, scope) is the service's job, so that the
        # API and importers get exactly the same checks; see views._save.
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in FIELDS and k not in self._disabled()}

    def _disabled(self) -> set[str]:
        return {name for name, f in self.fields.items() if f.disabled}


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100)
    unit = forms.CharField(label=_("Địa bàn"), required=False, max_length=10,
                           widget=UnitCodePicker(blank=_("Tất cả")),
                           help_text=_("Gõ tên tỉnh, huyện (cũ) hoặc xã, phường để tìm."))
    sector_group = forms.ChoiceField(label=_("Nhóm ngành"), required=False,
                                     choices=[("", _("Tất cả")), *SectorGroup.choices])
    legal_form = forms.ChoiceField(label=_("Loại hình"), required=False,
                                   choices=[("", _("Tất cả")), *LegalForm.choices])
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *Status.choices])
