"""The lifecycle framework on its own: the table from its steps, refusals, who may, required fields, locks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.lifecycle import NOTE_MAX_LENGTH, Lifecycle, LifecycleEvent, Step, check_note, note_errors
from khuyencong.core.locking import locked


class Light(models.TextChoices):
    RED = "red", "Đỏ"
    GREEN = "green", "Xanh"
    AMBER = "amber", "Vàng"


def _lifecycle() -> Lifecycle:
    return Lifecycle(
        statuses=Light, event=LifecycleEvent, refused="Không thể đổi từ “%(a)s” sang “%(b)s”.",
        may=lambda actor, record: actor == "officer", refusal="Chỉ cán bộ.",
        steps=[Step(Light.GREEN, {Light.RED}, required={"reason"}, optional={"remark"}),
               Step(Light.AMBER, {Light.GREEN}), Step(Light.RED, {Light.AMBER, Light.RED},
                                                      may=lambda actor, record: actor == "chair")],
    )


def test_table_is_read_from_the_steps() -> None:
    lifecycle = _lifecycle()
    assert lifecycle.table == {"red": {"green", "red"}, "green": {"amber"}, "amber": {"red"}}
    assert lifecycle.targets("red") == ["red", "green"]  # in the order the statuses are declared
    assert lifecycle.fields["green"] == ({"reason"}, {"remark"})


def test_a_move_outside_the_table_is_refused_on_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        _lifecycle().check("green", "red")
    assert caught.value.message_dict == {"status": ["Không thể đổi từ “Xanh” sang “Đỏ”."]}
    with pytest.raises(ValidationError) as unknown:
        _lifecycle().check("green", "blue")
    assert unknown.value.message_dict == {"status": ["Không thể đổi từ “Xanh” sang “blue”."]}


@pytest.mark.parametrize(("actor", "target", "refused"), [
    ("officer", "green", None), ("outsider", "green", "Chỉ cán bộ."), ("outsider", "blue", "Chỉ cán bộ."),
    ("chair", "red", None), ("officer", "red", "Bạn không có quyền thực hiện thao tác này."),
])
def test_who_may_is_the_step_rule_or_the_lifecycle_default(actor: str, target: str, refused: Any) -> None:
    if refused is None:
        _lifecycle().authorise(actor, None, target)
        return
    with pytest.raises(PermissionDeniedError, match=refused):
        _lifecycle().authorise(actor, None, target)


def test_required_and_unused_fields_are_named() -> None:
    errors = _lifecycle().required_fields("green", {"remark": "", "colour": "x"})
    assert errors == {"colour": "Trường này không dùng khi chuyển sang “Xanh”.",
                      "reason": "Cần nhập trường này để chuyển sang “Xanh”."}


def test_one_note_limit_one_message() -> None:
    assert check_note("x" * NOTE_MAX_LENGTH) == "x" * NOTE_MAX_LENGTH
    with pytest.raises(ValidationError) as caught:
        check_note("x" * (NOTE_MAX_LENGTH + 1), field="reason", label="Lý do")
    assert caught.value.message_dict == {"reason": ["Lý do dài tối đa 4000 ký tự."]}
    # Django formats form messages with ``%`` and DRF with ``format``: the message survives both.
    message = note_errors("Ghi chú")["max_length"]
    assert str(message) % {"limit_value": 1} == "Ghi chú dài tối đa 4000 ký tự." == str(message).format(max_length=1)


@pytest.mark.django_db
def test_locked_rereads_the_row_inside_a_transaction(personas) -> None:
    user = personas["outsider"]
    type(user).objects.filter(pk=user.pk).update(first_name="Mới")
    assert locked(type(user), user.pk).first_name == "Mới"


def test_locked_refuses_to_run_outside_a_transaction(monkeypatch) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    class Outside:
        in_atomic_block = False

    monkeypatch.setattr(transaction, "get_connection", lambda using=None: Outside())
    with pytest.raises(RuntimeError, match="outside a transaction"):
        locked(get_user_model(), 1)
