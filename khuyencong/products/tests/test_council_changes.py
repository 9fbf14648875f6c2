"""Council changes in the UI: remove, re-role, replace mid-round with the reason; bad input saves nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from khuyencong.accounts.models import Role
from khuyencong.products import services
from khuyencong.products.models import CouncilMember, MemberRole, Result
from khuyencong.products.services import council as seats
from khuyencong.products.tests.conftest import sheet
from khuyencong.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def seat(selection_round, user) -> CouncilMember:  # type: ignore[no-untyped-def]
    return CouncilMember.objects.get(council__round=selection_round, user=user)


def snapshot(selection_round) -> list[tuple]:  # type: ignore[no-untyped-def]
    return list(CouncilMember.objects.filter(council__round=selection_round)
                .values_list("user__username", "role", "removed_on", "replaced_by_id").order_by("pk"))


def test_rerole_to_a_second_chair_is_refused_on_the_page_nothing_saved(open_round, jury) -> None:
    before = snapshot(open_round)
    member = seat(open_round, jury["j1"])
    response = client_for(jury["secretary"]).post(
        reverse("products:member_change", args=[open_round.pk, member.pk, "role"]), {"role": "chair"})
    assert response.status_code == 400 and "Hội đồng đã có chủ tịch" in response.content.decode()
    assert snapshot(open_round) == before


def test_removing_the_last_secretary_is_refused(open_round, jury, personas) -> None:
    before = snapshot(open_round)
    member = seat(open_round, jury["secretary"])
    response = client_for(personas["province_officer"]).post(
        reverse("products:member_change", args=[open_round.pk, member.pk, "remove"]), {"reason": "Chuyển công tác"})
    assert response.status_code == 400 and "Không thể bỏ thư ký duy nhất" in response.content.decode()
    with pytest.raises(ValidationError):
        seats.council_member_rerole(actor=personas["province_officer"], member=member, role=MemberRole.JUROR)
    assert snapshot(open_round) == before


def test_replacing_with_someone_already_on_the_council_is_refused(scoring_round, jury) -> None:
    before = snapshot(scoring_round)
    member = seat(scoring_round, jury["j1"])
    response = client_for(jury["secretary"]).post(
        reverse("products:member_change", args=[scoring_round.pk, member.pk, "replace"]),
        {"user": jury["j2"].username, "reason": "Ốm"})
    assert response.status_code == 400 and "đã là (hoặc đã từng là) thành viên" in response.content.decode()
    assert snapshot(scoring_round) == before


def test_replacement_without_reason_is_refused(scoring_round, jury) -> None:
    before = snapshot(scoring_round)
    make_user("juror4", Role.COUNCIL_MEMBER)
    member = seat(scoring_round, jury["j1"])
    response = client_for(jury["secretary"]).post(
        reverse("products:member_change", args=[scoring_round.pk, member.pk, "replace"]),
        {"user": "juror4", "reason": "   "})
    assert response.status_code == 400
    assert snapshot(scoring_round) == before


def test_remove_and_rerole_while_open(open_round, jury, personas) -> None:
    officer = personas["province_officer"]
    seats.council_member_rerole(actor=officer, member=seat(open_round, jury["chair"]), role=MemberRole.MEMBER)
    seats.council_member_rerole(actor=officer, member=seat(open_round, jury["j3"]), role=MemberRole.CHAIR)
    removed = seats.council_member_remove(actor=officer, member=seat(open_round, jury["chair"]), reason="Nghỉ hưu")
    assert removed.removed_on is not None and removed.removal_reason == "Nghỉ hưu"
    assert seat(open_round, jury["j3"]).role == MemberRole.CHAIR
    # The removed member no longer counts anywhere: jurors are now two, so the warning says so.
    assert services.jury_warning(open_round.council) == "Ban giám khảo phải có số thành viên lẻ (hiện có 2)."


def test_remove_is_refused_once_scoring_started(scoring_round, jury) -> None:
    with pytest.raises(ValidationError) as caught:
        seats.council_member_remove(actor=jury["secretary"], member=seat(scoring_round, jury["j1"]), reason="x")
    assert "chỉ được thay thế giám khảo" in str(caught.value)


def test_replaced_jurors_sheets_do_not_count(scoring_round, jury) -> None:
    nominations = list(scoring_round.nominations.order_by("pk"))
    services.score_sheet_submit(actor=jury["j1"], nomination=nominations[0], points=sheet(20))  # then falls ill
    new_user = make_user("juror4", Role.COUNCIL_MEMBER)
    successor = seats.council_member_replace(actor=jury["secretary"], member=seat(scoring_round, jury["j1"]),
                                             user=new_user, reason="Ốm dài ngày")
    old = seat(scoring_round, jury["j1"])
    assert old.replaced_by == successor and successor.role == MemberRole.JUROR and old.removal_reason == "Ốm dài ngày"
    for nomination in nominations:
        for user in (jury["j2"], jury["j3"], new_user):
            services.score_sheet_submit(actor=user, nomination=nomination, points=sheet(80))
    services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    first = Result.objects.get(nomination=nominations[0])
    assert first.juror_count == 3 and first.combined_score == 80
    # The old juror can no longer score or open the queue as a juror.
    with pytest.raises(Exception, match="không phải giám khảo"):
        services.score_sheet_submit(actor=jury["j1"], nomination=nominations[1], points=sheet(50))


def test_council_page_shows_actions_only_to_managers_and_who_replaced_whom(scoring_round, jury) -> None:
    new_user = make_user("juror4", Role.COUNCIL_MEMBER)
    type(new_user).objects.filter(pk=new_user.pk).update(full_name="Nguyễn Văn Tư")
    new_user.refresh_from_db()
    seats.council_member_replace(actor=jury["secretary"], member=seat(scoring_round, jury["j1"]), user=new_user,
                                 reason="Ốm dài ngày")
    page = client_for(jury["secretary"]).get(reverse("products:council", args=[scoring_round.pk])).content.decode()
    assert "Đã rời hội đồng" in page and "Ốm dài ngày" in page and "Nguyễn Văn Tư" in page
    assert "Thay thế" in page and "Đổi vai trò" not in page  # mid-round: replace only
    assert client_for(jury["j2"]).get(reverse("products:council", args=[scoring_round.pk])).status_code == 403
    member = seat(scoring_round, jury["j2"])
    response = client_for(jury["j3"]).post(
        reverse("products:member_change", args=[scoring_round.pk, member.pk, "replace"]),
        {"user": "juror4", "reason": "x"})
    assert response.status_code == 403
