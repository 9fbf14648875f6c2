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


def test_add_to_form_renames_service_fields_to_the_forms():
    form = _Form(data={})
    assert form.is_valid()
    add_to_form(form, ValidationError({"title": ["Tên trống."]}), rename={"title": "name"}.get)
    assert form.errors["name"] == ["Tên trống."]


def test_run_on_form_returns_the_result_or_none_with_the_message_and_refusals_are_403():
    import pytest
    from django.core.exceptions import PermissionDenied

    from khuyencong.core.errors import run_on_form

    form = _Form(data={})
    assert form.is_valid()
    assert run_on_form(form, lambda: 7) == 7

    def stale() -> None:
        raise StaleEditError()

    assert run_on_form(form, stale) is None
    assert str(StaleEditError.message) in form.non_field_errors()

    def refused() -> None:
        raise PermissionDeniedError("Không được.")

    with pytest.raises(PermissionDenied):
        run_on_form(form, refused)
