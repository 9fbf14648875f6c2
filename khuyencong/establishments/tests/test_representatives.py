"""Accounts for establishments (issue 18): invitations, set password, self-registration and its decision."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from khuyencong.accounts.models import Representation, Role, User
from khuyencong.accounts.representation import represented_establishment_ids
from khuyencong.establishments.models import RegistrationStatus, RepresentativeInvitation, RepresentativeRegistration
from khuyencong.establishments.todo import representatives_to_confirm
from khuyencong.notifications.models import Notification
from khuyencong.testing.fixtures import TODAY, VALID_TAX_CODES, make_establishment, unit

PASSWORD = "Bền-vững-2026-khuyến-công"


def _client(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def _invite(client, officer, establishment, email="chu.co.so@example.vn"):  # type: ignore[no-untyped-def]
    return _client(client, officer).post(f"/co-so/{establishment.pk}/moi-dai-dien/",
                                         {"full_name": "Nguyễn Văn Chủ", "email": email})


def _link(message) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"http://\S+/co-so/loi-moi/(\S+)/", message.body)
    assert found, message.body
    return f"/co-so/loi-moi/{found.group(1)}/"


def test_an_invitation_becomes_a_representative_who_sets_a_password(
        client, personas, est_a, django_capture_on_commit_callbacks) -> None:
    officer = personas["commune_officer_a"]
    officer.email = "canbo.xa@example.vn"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, officer, est_a)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["chu.co.so@example.vn"]]
    link = _link(mail.outbox[0])
    token = link.split("/")[-2]
    invitation = RepresentativeInvitation.objects.get()
    assert token not in invitation.token_digest and len(invitation.token_digest) == 64  # only the hash is kept
    client.logout()
    weak = client.post(link, {"password1": "123", "password2": "123"})
    assert weak.status_code == 400 and not User.objects.filter(email="chu.co.so@example.vn").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert accepted.status_code == 302
    person = User.objects.get(email="chu.co.so@example.vn")
    assert person.role == Role.ESTABLISHMENT_REP and person.check_password(PASSWORD)
    assert represented_establishment_ids(person) == {est_a.pk}
    assert Representation.objects.get(user=person).confirmed_by == officer
    assert [m.to for m in mail.outbox] == [["canbo.xa@example.vn"]]  # the inviter hears of the acceptance
    assert Notification.objects.filter(recipient=officer, kind="representation.accepted").exists()
    assert client.get(f"/co-so/{est_a.pk}/").status_code == 200  # signed in, sees their establishment


def test_a_reused_or_expired_invitation_link_is_refused_clearly(
        client, personas, est_a, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, personas["province_officer"], est_a, "a@example.vn")
        _invite(client, personas["province_officer"], est_a, "b@example.vn")
    first, second = _link(mail.outbox[0]), _link(mail.outbox[1])
    client.logout()
    assert client.post(first, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    client.logout()
    reused = client.post(first, {"password1": PASSWORD, "password2": PASSWORD})
    assert reused.status_code == 410 and "đã được sử dụng" in reused.content.decode()
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=8)):
        expired = client.post(second, {"password1": PASSWORD, "password2": PASSWORD})
    assert expired.status_code == 410 and "đã hết hạn" in expired.content.decode()
    assert not User.objects.filter(email="b@example.vn").exists()
    unknown = client.get("/co-so/loi-moi/khong-co-ma-nay/")
    assert unknown.status_code == 404 and "không hợp lệ" in unknown.content.decode()


def test_an_officer_cannot_invite_outside_their_area(client, personas, est_a) -> None:
    response = _invite(client, personas["commune_officer_b"], est_a)
    assert response.status_code == 404 and not RepresentativeInvitation.objects.exists()
    refused = _invite(client, personas["establishment_rep"], est_a)  # a representative invites nobody
    assert refused.status_code == 403 and not RepresentativeInvitation.objects.exists()


def test_a_representative_opening_another_establishment_gets_404(client, personas, est_a, est_b) -> None:
    rep = _client(client, personas["establishment_rep"])
    assert rep.get(f"/co-so/{est_b.pk}/").status_code == 404
    assert rep.get(f"/co-so/{est_a.pk}/").status_code == 200


def test_one_person_may_represent_several_establishments(client, personas, est_a, est_b) -> None:
    rep = personas["establishment_rep"]
    Representation.objects.create(user=rep, establishment=est_b, since=TODAY)
    page = _client(client, rep).get("/co-so/").content.decode()
    assert est_a.name in page and est_b.name in page
    assert client.get(f"/co-so/{est_b.pk}/").status_code == 200
    Representation.objects.filter(establishment=est_b).update(until=TODAY - dt.timedelta(days=1))
    rep.refresh_from_db()
    assert represented_establishment_ids(rep) == {est_a.pk}  # an ended representation gives nothing


def _register(client, tax_code, email="nguoi.moi@example.vn"):  # type: ignore[no-untyped-def]
    return client.post("/co-so/dang-ky-dai-dien/", {"tax_code": tax_code, "full_name": "Trần Thị Mới",
                                                    "email": email, "phone": "0909123456"})


def test_an_unknown_tax_code_is_refused_and_nothing_saved(client, personas) -> None:
    response = _register(client, VALID_TAX_CODES[4])
    assert response.status_code == 400
    assert "Không tìm thấy cơ sở nào có mã số thuế" in response.content.decode()
    assert not RepresentativeRegistration.objects.exists() and mail.outbox == []


def test_a_self_registration_goes_to_the_officer_who_confirms_it(
        client, personas, est_a, django_capture_on_commit_callbacks) -> None:
    officer = personas["commune_officer_a"]
    officer.email = "canbo.xa@example.vn"
    officer.save()
    est_b_area = make_establishment("Cơ sở khác xã", unit("26599", dt.date(2018, 6, 1)), tax_code=VALID_TAX_CODES[1])
    est_a.tax_code = VALID_TAX_CODES[0]
    est_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = _register(client, VALID_TAX_CODES[0])
    assert response.status_code == 200 and "Đã gửi đề nghị" in response.content.decode()
    registration = RepresentativeRegistration.objects.get()
    assert registration.already_represented  # est_a has personas' representative: the officer must check
    assert not User.objects.filter(email="nguoi.moi@example.vn").exists()  # never linked silently
    assert sorted(m.to[0] for m in mail.outbox) == ["canbo.xa@example.vn", "nguoi.moi@example.vn"]
    todo = representatives_to_confirm(officer, today=TODAY)
    assert todo is not None and todo.count == 1 and "Trần Thị Mới" in todo.items[0].label
    assert representatives_to_confirm(personas["commune_officer_b"], today=TODAY).count == 0  # type: ignore[union-attr]
    assert representatives_to_confirm(personas["establishment_rep"], today=TODAY) is None
    assert _client(client, personas["commune_officer_b"]).get(
        f"/co-so/de-nghi-dai-dien/{registration.pk}/").status_code == 404
    page = _client(client, officer).get(f"/co-so/de-nghi-dai-dien/{registration.pk}/").content.decode()
    assert "Cơ sở này đã có người đại diện" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/co-so/de-nghi-dai-dien/{registration.pk}/", {"confirm": "1"})
    assert done.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED and registration.decided_by == officer
    assert [m.to for m in mail.outbox] == [["nguoi.moi@example.vn"]] and "/co-so/loi-moi/" in mail.outbox[0].body
    client.logout()
    assert client.post(_link(mail.outbox[0]), {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    assert represented_establishment_ids(User.objects.get(email="nguoi.moi@example.vn")) == {est_a.pk}
    assert est_b_area.representations.count() == 0


def test_a_refusal_needs_a_reason_and_tells_the_person(
        client, personas, est_a, django_capture_on_commit_callbacks) -> None:
    est_a.tax_code = VALID_TAX_CODES[0]
    est_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        _register(client, VALID_TAX_CODES[0])
    registration = RepresentativeRegistration.objects.get()
    url = f"/co-so/de-nghi-dai-dien/{registration.pk}/"
    officer = _client(client, personas["province_officer"])
    blank = officer.post(url, {"refuse": "1", "reason": " "})
    assert blank.status_code == 400 and "Hãy ghi lý do từ chối" in blank.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(url, {"refuse": "1", "reason": "Không phải chủ cơ sở"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REFUSED
    assert [m.to for m in mail.outbox] == [["nguoi.moi@example.vn"]] and "Không phải chủ cơ sở" in mail.outbox[0].body
    again = officer.post(url, {"confirm": "1"})
    assert again.status_code == 400 and not Representation.objects.filter(user__email="nguoi.moi@example.vn").exists()


@pytest.mark.usefixtures("personas")
def test_self_registration_is_rate_limited(client, est_a, settings) -> None:
    settings.SELF_REGISTRATIONS_PER_MINUTE = 2
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        _register(client, VALID_TAX_CODES[4])
    limited = _register(client, VALID_TAX_CODES[4])
    assert limited.status_code == 429 and "quá nhiều yêu cầu" in limited.content.decode()
