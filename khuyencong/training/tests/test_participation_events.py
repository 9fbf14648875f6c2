"""Participation events share the lifecycle framework: who acted, one note limit, history naming the actor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from khuyencong.core.lifecycle import NOTE_MAX_LENGTH
from khuyencong.training import services
from khuyencong.training.models import ParticipationEvent


def test_drop_keeps_a_long_note_whole(personas, person_a, course_a) -> None:
    officer = personas["province_officer"]
    participation = services.participant_enrol(actor=officer, course=course_a, person=person_a)
    note = "Chuyển nơi ở. " * 100  # 1400 characters: cut at 300 before the event tables were unified
    services.participant_drop(actor=officer, participation=participation, note=note)
    event = ParticipationEvent.objects.get(participation=participation, to_status="dropped")
    assert event.note == note.strip() and event.actor == officer
    assert event.history.get().history_user == officer  # type: ignore[attr-defined]


def test_drop_refuses_a_note_over_the_limit_by_name(personas, person_a, course_a) -> None:
    officer = personas["province_officer"]
    participation = services.participant_enrol(actor=officer, course=course_a, person=person_a)
    with pytest.raises(ValidationError) as caught:
        services.participant_drop(actor=officer, participation=participation, note="x" * (NOTE_MAX_LENGTH + 1))
    assert caught.value.message_dict == {"note": ["Ghi chú dài tối đa 4000 ký tự."]}
    participation.refresh_from_db()
    assert participation.status == "enrolled" and participation.events.count() == 1
