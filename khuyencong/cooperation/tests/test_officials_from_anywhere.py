"""Officials of other provinces take part in the province's cooperation activities: a provincial officer records
them (service and import) and the report counts their participations where the activity is organised; who
sees them follows the activities they took part in (``training.policy.scope_persons``)."""

from __future__ import annotations

import datetime as dt

import pytest

from khuyencong.cooperation import selectors, services
from khuyencong.cooperation.models import ActivityParticipant
from khuyencong.cooperation.tests.conftest import attend, make_activity, official
from khuyencong.cooperation.tests.test_sheets import COURSE, MOU, SANJO, at, book, load, where
from khuyencong.core.errors import PermissionDeniedError
from khuyencong.indicators.engine import compute, resolve_area
from khuyencong.indicators.periods import Period
from khuyencong.testing.fixtures import COMMUNE_A
from khuyencong.training.selectors import persons_for

pytestmark = pytest.mark.django_db
DA_NANG = "20195"  # Phường Hải Vân, Thành phố Đà Nẵng
CODE = "cooperation.official_participations"


def in_province(start: dt.date, end: dt.date) -> int:
    return int(compute(Period(start, end), resolve_area("79", None), [CODE]).values[CODE] or 0)


def test_a_provincial_officer_adds_an_official_of_another_province_and_the_report_counts_it(personas, sanjo) -> None:
    activity = make_activity(sanjo, organising="province")
    visitor = official("Phan Văn Hải", commune=DA_NANG)

    services.participant_add(actor=personas["province_officer"], activity=activity, person=visitor)

    assert in_province(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 1


def test_an_import_records_a_new_official_of_another_province(personas) -> None:
    visitor = {"national_id": "048090000011", "full_name": "Phan Văn Hải", "birth_date": dt.date(1990, 3, 1),
               "gender": "Nam", "commune": DA_NANG}

    result = load(book(partners=[SANJO], agreements=[MOU], activities=[COURSE], participants=[at(COURSE, visitor)]),
                  personas["province_officer"])

    assert result.committed, where(result)
    assert ActivityParticipant.objects.get().person.commune.parent.code == "48"
    assert in_province(dt.date(2019, 1, 1), dt.date(2019, 12, 31)) == 1


def test_a_commune_officer_sees_the_officials_of_their_activities_only_and_adds_only_those(personas, sanjo) -> None:
    visitor = official("Phan Văn Hải", commune=DA_NANG)
    stranger = official("Lý Thị Khế", commune=DA_NANG, gender="female")
    ours = make_activity(sanjo, organising=COMMUNE_A, kind="course_in_province")
    attend(make_activity(sanjo, organising=COMMUNE_A, kind="workshop", start=dt.date(2026, 2, 2)), visitor)
    officer = personas["commune_officer_a"]

    assert list(persons_for(officer)) == [visitor]  # through commune A's workshop; the stranger stays unseen
    services.participant_add(actor=officer, activity=ours, person=visitor)
    with pytest.raises(PermissionDeniedError) as refused:
        services.participant_add(actor=officer, activity=ours, person=stranger)
    assert str(refused.value) == "Bạn chỉ được thêm người trong phạm vi mình quản lý."
    assert selectors.activity_participants(ours).get().person == visitor
