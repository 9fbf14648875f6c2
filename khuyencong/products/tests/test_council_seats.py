"""One chair and one secretary per council: checked under the council's row lock and held by the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from khuyencong.accounts.models import Role
from khuyencong.products import services
from khuyencong.products.models import Council, CouncilMember, MemberRole
from khuyencong.products.services import historical, rounds
from khuyencong.testing.fixtures import make_user


def test_second_chair_is_refused_with_a_message(open_round, personas) -> None:
    council = Council.objects.get(round=open_round)
    with pytest.raises(ValidationError) as caught:
        services.council_member_add(actor=personas["province_officer"], council=council,
                                    user=make_user("chair2", Role.COUNCIL_MEMBER), role=MemberRole.CHAIR)
    assert caught.value.message_dict == {"role": ["Hội đồng đã có chủ tịch."]}


def test_database_refuses_a_second_chair_written_around_the_service(open_round) -> None:
    council = Council.objects.get(round=open_round)
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(council=council, user=make_user("chair2", Role.COUNCIL_MEMBER),
                                     role=MemberRole.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(council=council, user=make_user("secretary2", Role.COUNCIL_MEMBER),
                                     role=MemberRole.SECRETARY)


def test_constraint_violation_reads_as_the_check_never_a_500(open_round, personas, monkeypatch) -> None:
    """A writer that raced past the check (simulated: the check sees nothing, model validation is skipped)
    meets the constraint, and is told the same as the check would have told them."""
    council = Council.objects.get(round=open_round)
    real, calls = rounds.check_single_role, []

    def check_after_the_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) > 1:  # the first call (before the write) is the one the racing writer got past
            real(*args, **kwargs)

    monkeypatch.setattr(rounds, "check_single_role", check_after_the_write)
    monkeypatch.setattr(CouncilMember, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as caught:
        services.council_member_add(actor=personas["province_officer"], council=council,
                                    user=make_user("chair2", Role.COUNCIL_MEMBER), role=MemberRole.CHAIR)
    assert caught.value.message_dict == {"role": ["Hội đồng đã có chủ tịch."]}
    assert len(calls) == 2
    assert CouncilMember.objects.filter(council=council, role=MemberRole.CHAIR).count() == 1


def test_model_validation_names_the_rule_too(open_round) -> None:
    seat = CouncilMember(council=Council.objects.get(round=open_round), role=MemberRole.SECRETARY,
                         user=make_user("secretary2", Role.COUNCIL_MEMBER))
    with pytest.raises(ValidationError) as caught:
        seat.full_clean()
    assert "Hội đồng đã có thư ký." in caught.value.messages


def test_recorded_seat_cannot_become_a_second_chair(open_round, personas, jury) -> None:
    council = Council.objects.get(round=open_round)
    juror = CouncilMember.objects.get(council=council, user=jury["j1"])
    with pytest.raises(ValidationError) as caught:
        historical.member_record(actor=personas["province_officer"], council=council, user=jury["j1"],
                                 role=MemberRole.CHAIR, member=juror)
    assert caught.value.message_dict == {"role": ["Hội đồng đã có chủ tịch."]}
