"""One conversion of service errors into messages by field, for forms, the API and imports."""

from django import forms
from django.core.exceptions import ValidationError

from khuyencong.core.errors import PermissionDeniedError, StaleEditError, add_to_form, problems


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_field_errors_keep_their_field_and_non_field_errors_go_to_none():
    exc = ValidationError({"name": ["Tên trống."], "__all__": ["Trùng cơ sở."], "other": ["Sai."]})
    assert problems(exc) == {"name": ["Tên trống."], None: ["Trùng cơ sở."], "other": ["Sai."]}


def test_a_validation_error_without_fields_is_a_record_problem():
    assert problems(ValidationError("Ngày kết thúc trước ngày bắt đầu.")) == {
        None: ["Ngày kết thúc trước ngày bắt đầu."]}


def test_stale_edit_and_refusal_become_messages():
    assert problems(StaleEditError()) == {None: [str(StaleEditError.message)]}
    assert problems(PermissionDeniedError("Không được.")) == {None: ["Không được."]}


def test_add_to_form_places_unknown_fields_above_the_form():
    form = _Form(data={})
    assert form.is_valid()
    add_to_form(form, ValidationError({"name": ["Tên trống."], "other": ["Sai."]}))
    assert form.errors["name"] == ["Tên trống."]
    assert form.non_field_errors() == ["Sai."]
    add_to_form(form, StaleEditError())
    assert str(StaleEditError.message) in form.non_field_errors()
