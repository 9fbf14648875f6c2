"""Web forms for cooperation: parse only; services validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.cooperation.models import Activity, ActivityKind, Agreement, Partner
from khuyencong.establishments.forms import CommuneChoiceField
from khuyencong.training.forms import DATE, ServiceForm, organising_choices_for, province_communes


class _Versioned(ServiceForm):
    """On an edit the form carries the version it was read at, so a concurrent change is refused (409/400)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True


class PartnerForm(_Versioned):
    class Meta:
        model = Partner
        fields = ["name", "country", "city", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class AgreementForm(_Versioned):
    class Meta:
        model = Agreement
        fields = ["title", "signed_on", "valid_from", "valid_to", "notes"]
        widgets = {"signed_on": DATE, "valid_from": DATE, "valid_to": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class ActivityForm(ServiceForm):
    class Meta:
        model = Activity
        fields = ["partner", "agreement", "kind", "title", "organising_unit", "venue_unit", "abroad_country",
                  "abroad_city", "start_date", "end_date", "notes"]
        widgets = {"start_date": DATE, "end_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"organising_unit": CommuneChoiceField, "venue_unit": CommuneChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("organising_unit", organising_choices_for(user)),
                               ("venue_unit", province_communes())):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại hoạt động"), required=False, choices=[("", _("Tất cả")),
                                                                                 *ActivityKind.choices])
