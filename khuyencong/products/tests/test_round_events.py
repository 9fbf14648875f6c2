"""Round events share the lifecycle framework: the API takes the one note limit and says so in Vietnamese."""

from __future__ import annotations

from rest_framework.test import APIClient

from khuyencong.core.lifecycle import NOTE_MAX_LENGTH
from khuyencong.products.models import RoundEvent


def test_approval_note_over_the_limit_is_a_400_naming_the_field(scoring_round, jury) -> None:
    client = APIClient()
    client.force_authenticate(jury["chair"])
    response = client.post(f"/api/v1/rounds/{scoring_round.pk}/approve",
                           {"note": "x" * (NOTE_MAX_LENGTH + 1)}, format="json")
    assert response.status_code == 400
    assert response.json()["note"] == ["Ghi chú dài tối đa 4000 ký tự."]


def test_start_of_scoring_is_one_event_naming_the_actor(scoring_round, jury) -> None:
    event = RoundEvent.objects.get(round=scoring_round)
    assert (event.from_status, event.to_status, event.actor) == ("open", "scoring", jury["secretary"])
    assert event.history.get().history_user == jury["secretary"]  # type: ignore[attr-defined]
