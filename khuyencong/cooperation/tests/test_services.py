"""Cooperation writes: validation, scope, officials only, no double participation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from khuyencong.cooperation import services
from khuyencong.cooperation.models import Activity, ActivityParticipant, Partner
from khuyencong.cooperation.tests.conftest import official
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, unit
from khuyencong.training import services as training_services
from khuyencong.training.tests.conftest import make_person


def activity_data(partner, **overrides):  # type: ignore[no-untyped-def]
    base = {"partner": partner, "kind": "course_abroad", "title": "Lớp đào tạo tại Sanjo",
            "organising_unit": unit(settings.PROVINCE_CODE), "abroad_country": "Nhật Bản", "abroad_city": "Sanjo",
            "start_date": dt.date(2026, 5, 4), "end_date": dt.date(2026, 5, 14)}
    return {**base, **overrides}


def test_partner_unique_with_vietnamese_message(personas, sanjo) -> None:
    with pytest.raises(ValidationError) as exc:
        services.partner_create(actor=personas["province_officer"], data={"name": sanjo.name, "country": "Nhật Bản"})
    assert "đã có" in " ".join(exc.value.messages)
    with pytest.raises(PermissionDeniedError):
        services.partner_create(actor=personas["commune_officer_a"], data={"name": "X", "country": "Y"})
    assert Partner.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"end_date": dt.date(2026, 5, 1)}, "end_date"),
    ({"abroad_country": ""}, "abroad_country"),
    ({"kind": "course_in_province"}, "abroad_country"),
    ({"venue_unit": COMMUNE_A}, "abroad_country"),
])
def test_bad_activity(personas, sanjo, overrides, field) -> None:
    if "venue_unit" in overrides:
        overrides = {"venue_unit": unit(overrides["venue_unit"])}
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=personas["province_officer"], data=activity_data(sanjo, **overrides))
    assert field in exc.value.message_dict
    assert not Activity.objects.exists()


def test_agreement_must_belong_to_partner(personas, sanjo, agreement) -> None:
    other = Partner.objects.create(name="Khác", country="Hàn Quốc")
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=personas["province_officer"], data=activity_data(other, agreement=agreement))
    assert "agreement" in exc.value.message_dict


def test_commune_officer_scope(personas, sanjo) -> None:
    with pytest.raises(PermissionDeniedError):
        services.activity_create(actor=personas["commune_officer_a"], data=activity_data(sanjo))
    data = activity_data(sanjo, organising_unit=unit(COMMUNE_A), kind="workshop", abroad_country="", abroad_city="")
    assert services.activity_create(actor=personas["commune_officer_a"], data=data).pk
    with pytest.raises(PermissionDeniedError):
        services.activity_create(actor=personas["commune_officer_b"], data=data)


def test_participants_officials_only_and_once(personas, activity_a) -> None:
    officer = personas["province_officer"]
    person = official("Cán bộ Một")
    services.participant_add(actor=officer, activity=activity_a, person=person)
    with pytest.raises(ValidationError) as exc:
        services.participant_add(actor=officer, activity=activity_a, person=person)
    assert "đã có trong danh sách" in exc.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as exc:
        services.participant_add(actor=officer, activity=activity_a, person=make_person("Công nhân"))
    assert "không phải cán bộ" in exc.value.message_dict["person"][0]
    with pytest.raises(PermissionDeniedError):
        services.participant_add(actor=personas["commune_officer_a"], activity=activity_a,
                                 person=official("Ở B", commune=COMMUNE_B))
    assert ActivityParticipant.objects.count() == 1


def test_person_merge_moves_cooperation_participations(personas, activity_a, sanjo) -> None:
    from khuyencong.cooperation.tests.conftest import attend, make_activity

    keep, duplicate = official("Cán bộ Hai"), official("Cán bộ Hai")
    attend(activity_a, duplicate)
    training_services.person_merge(actor=personas["province_officer"], keep=keep, merge=duplicate)
    assert ActivityParticipant.objects.get().person_id == keep.pk
    other = official("Cán bộ Hai")
    attend(activity_a, other)
    with pytest.raises(ValidationError):
        training_services.person_merge(actor=personas["province_officer"], keep=keep, merge=other)
    assert ActivityParticipant.objects.count() == 2
    assert make_activity(sanjo).pk
