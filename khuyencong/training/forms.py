"""Web forms for training: they parse and display; services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import visible_commune_ids
from khuyencong.core.forms import PickerSelect, PickerSelectMultiple, VNDateInput, VNDMoneyField
from khuyencong.establishments.forms import CommuneChoiceField, commune_choices_for
from khuyencong.geo.models import AdministrativeUnit, valid_on
from khuyencong.schemes.models import Scheme
from khuyencong.schemes.selectors import visible_schemes
from khuyencong.training.models import Course, CourseType, FollowUp, Person, PersonConsent
from khuyencong.training.pickers import person_label
from khuyencong.training.selectors import course_types_on, person_list

COURSE_FIELDS = ["code", "title", "course_type", "scheme", "organiser", "organising_unit", "trainer",
                 "venue_unit", "abroad_country", "abroad_city", "start_date", "end_date", "planned_participants",
                 "actual_participants", "notes"]
PERSON_FIELDS = ["national_id", "full_name", "birth_date", "birth_year", "gender", "ethnicity", "commune",
                 "employer", "role", "phone"]
FOLLOW_UP_FIELDS = ["date", "status", "employer_text", "monthly_income_vnd", "note"]
DATE = VNDateInput()


def organising_choices_for(user: User) -> QuerySet[AdministrativeUnit]:
    """Today's province (province-wide roles) and the communes the user covers."""
    communes = commune_choices_for(user)
    if visible_commune_ids(user) is not None:
        return communes
    province = AdministrativeUnit.objects.filter(valid_on(timezone.localdate()), level="province",
                                                 code=settings.PROVINCE_CODE)
    return (communes | province).order_by("level", "search_name")


def residence_choices_for(user: User) -> QuerySet[AdministrativeUnit]:
    """Where a person may live: any commune of Vietnam in force today for the province's staff (trainees of
    the province's courses come from everywhere, domain.md §5), a commune officer's own communes otherwise."""
    if visible_commune_ids(user) is not None:
        return commune_choices_for(user)
    return (AdministrativeUnit.objects.filter(valid_on(timezone.localdate()), level="commune")
            .select_related("parent").order_by("search_name", "pk"))


class ResidenceChoiceField(CommuneChoiceField):
    """A commune named with its province: "Phường 1" exists in many provinces."""

    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        from khuyencong.geo.pickers import unit_label

        return unit_label(obj)


def province_communes() -> QuerySet[AdministrativeUnit]:
    """Venues: any commune of the province in force today (a venue is not limited by the user's area)."""
    return AdministrativeUnit.objects.filter(valid_on(timezone.localdate()), level="commune",
                                             parent__code=settings.PROVINCE_CODE).order_by("search_name")


class ServiceForm(forms.ModelForm):
    """Model validation is the service's job, so the API and importers get the same checks."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        fields = self._meta.fields or []
        return {k: v for k, v in self.cleaned_data.items() if k in fields}


class CourseForm(ServiceForm):
    class Meta:
        model = Course
        fields = COURSE_FIELDS
        widgets = {"start_date": DATE, "end_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"organising_unit": CommuneChoiceField, "venue_unit": CommuneChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organising = organising_choices_for(user)
        types = course_types_on(timezone.localdate())
        schemes = visible_schemes(user)
        if self.instance.pk:
            organising = organising | AdministrativeUnit.objects.filter(pk=self.instance.organising_unit_id)
            types = types | CourseType.objects.filter(pk=self.instance.course_type_id)
            schemes = schemes | Scheme.objects.filter(pk=self.instance.scheme_id)
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        self._set_queryset("organising_unit", organising)
        self._set_queryset("venue_unit", province_communes())
        self._set_queryset("course_type", types)
        self.fields["scheme"].widget = PickerSelect("schemes")
        self._set_queryset("scheme", schemes.order_by("-code"))

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset


class PersonForm(ServiceForm):
    confirm_distinct = forms.BooleanField(
        label=_("Tôi đã kiểm tra, đây là người khác với người có cùng họ tên, ngày sinh, xã/phường"), required=False)
    correction = forms.BooleanField(label=_("Đính chính theo yêu cầu của chủ thể dữ liệu"), required=False)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"birth_date": DATE}
        field_classes = {"commune": ResidenceChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = residence_choices_for(user)
        if visible_commune_ids(user) is None:  # thousands of communes: search as you type (before the queryset)
            self.fields["commune"].widget = PickerSelect("units", params={"level": "commune"})
        if self.instance.pk:
            communes = communes | AdministrativeUnit.objects.filter(pk=self.instance.commune_id)
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
            self.fields.pop("confirm_distinct")
            # The full ID is shown only through the logged "show" action, never prefilled in a form.
            self.initial["national_id"] = ""
            self.fields["national_id"].help_text = _("Để trống nếu không thay đổi.")
        else:
            self.fields.pop("correction")
        field = self.fields["commune"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = communes
        employer = self.fields["employer"]
        assert isinstance(employer, forms.ModelChoiceField)
        from khuyencong.establishments.selectors import establishments_for

        employer.queryset = establishments_for(user).order_by("search_name")

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.instance.pk and not data.get("national_id"):
            data.pop("national_id", None)
        return data


class FollowUpForm(ServiceForm):
    monthly_income_vnd = VNDMoneyField(label=_("Thu nhập bình quân tháng (đồng)"), required=False, min_value=0)

    class Meta:
        model = FollowUp
        fields = FOLLOW_UP_FIELDS
        widgets = {"date": DATE}


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo mã, tên lớp"), required=False, max_length=100)
    course_type = forms.ChoiceField(label=_("Loại lớp"), required=False)
    year = forms.IntegerField(label=_("Năm kết thúc"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = CourseType.objects.values_list("code", "label").distinct().order_by("code")
        field = self.fields["course_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Tất cả")), *codes]


class EnrolListForm(forms.Form):
    national_ids = forms.CharField(label=_("Danh sách số định danh (mỗi dòng một số)"),
                                   widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    # The course's version when the page was opened: enrolling into a course changed meanwhile is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PickedPeopleField(forms.ModelMultipleChoiceField):
    """The people picked, as ids in the order picked, duplicates kept: the enrol service checks each
    one (scope, restriction, already enrolled) and names the row, so the field only reads numbers.
    The queryset (already scoped) only renders the chosen names back after an error."""

    def clean(self, value: Any) -> list[int]:  # type: ignore[override]  # ids, not a queryset: see above
        picked = [str(v).strip() for v in (value or []) if str(v).strip()]
        if not picked:
            raise ValidationError(_("Chưa chọn học viên nào."), code="required")
        wrong = [v for v in picked if not v.isdigit()]
        if wrong:
            raise ValidationError(_("Mã học viên không hợp lệ: %(v)s.") % {"v": ", ".join(wrong[:5])}, code="invalid")
        return [int(v) for v in picked]

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class EnrolPickForm(forms.Form):
    """Pick many people with the search-as-you-type person picker, then enrol them together."""

    people = PickedPeopleField(label=_("Chọn học viên (gõ tên để tìm, chọn nhiều người)"),
                               queryset=Person.objects.none(), widget=PickerSelectMultiple("persons"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, PickedPeopleField)
        field.queryset = person_list(user)


class CompleteForm(forms.Form):
    certificate_no = forms.CharField(label=_("Số chứng chỉ"), required=False, max_length=50)


class RestrictForm(forms.Form):
    restricted = forms.BooleanField(label=_("Hạn chế xử lý"), required=False)
    note = forms.CharField(label=_("Lý do, số/ngày yêu cầu"), required=False, max_length=300)


class MergeForm(forms.Form):
    merge_id = forms.IntegerField(label=_("Mã hồ sơ trùng cần gộp vào hồ sơ này"), min_value=1)


class ConsentForm(ServiceForm):
    class Meta:
        model = PersonConsent
        fields = ["purpose", "basis", "given_at", "note"]
        widgets = {"given_at": DATE}


class WithdrawForm(forms.Form):
    withdrawn_at = forms.DateField(label=_("Ngày rút lại"), widget=DATE)
