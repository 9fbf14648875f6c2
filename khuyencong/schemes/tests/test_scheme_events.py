"""Scheme events share the lifecycle framework: one note limit on the form, the API and the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from khuyencong.core.lifecycle import NOTE_MAX_LENGTH
from khuyencong.schemes import services
from khuyencong.schemes.forms import TransitionForm
from khuyencong.schemes.tests.conftest import make_scheme

TOO_LONG = "x" * (NOTE_MAX_LENGTH + 1)
MESSAGE = "Ghi chú dài tối đa 4000 ký tự."


def test_service_refuses_a_note_over_the_limit(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    with pytest.raises(ValidationError) as caught:
        services.scheme_transition(actor=personas["province_admin"], scheme=scheme, target="cancelled",
                                   note=TOO_LONG)
    assert caught.value.message_dict == {"note": [MESSAGE]}
    scheme.refresh_from_db()
    assert scheme.status == "proposed"


def test_form_and_api_say_the_same(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    form = TransitionForm({"target": "cancelled", "note": TOO_LONG, "version": 1}, scheme=scheme)
    assert not form.is_valid() and form.errors["note"] == [MESSAGE]
    client = APIClient()
    client.force_authenticate(personas["province_admin"])
    response = client.post(f"/api/v1/schemes/{scheme.pk}/transition",
                           {"target": "cancelled", "note": TOO_LONG, "version": 1}, format="json")
    assert response.status_code == 400 and response.json()["note"] == [MESSAGE]


def test_a_note_at_the_limit_is_kept_whole(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    note = "y" * NOTE_MAX_LENGTH
    services.scheme_transition(actor=personas["province_admin"], scheme=scheme, target="cancelled", note=note)
    assert scheme.events.get(to_status="cancelled").note == note
