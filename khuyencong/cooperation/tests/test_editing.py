"""Editing partners and agreements, and adding/removing activity participants: pages, API, audit, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.cooperation import services
from khuyencong.cooperation.models import ActivityParticipant, Agreement, Partner
from khuyencong.cooperation.tests.conftest import attend, make_activity, official
from khuyencong.core.errors import StaleEditError
from khuyencong.training.tests.conftest import make_person


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# persona → (GET partner edit page, PATCH partner, PATCH agreement, DELETE participant of activity A,
#            POST remove on the page)
MATRIX = {
    "province_admin": (200, 200, 200, 204, 302),
    "province_officer": (200, 200, 200, 204, 302),
    "commune_officer_a": (403, 403, 403, 204, 302),
    "commune_officer_b": (403, 403, 403, 404, 404),
    "council_member": (404, 404, 404, 404, 404),
    "establishment_rep": (404, 404, 404, 404, 404),
    "auditor": (403, 403, 403, 403, 403),
    "outsider": (404, 404, 404, 404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_permission_matrix(personas, sanjo, agreement, activity_a, persona, expected) -> None:
    user = personas[persona]
    api, web = api_for(user), client_for(user)
    first, second = attend(activity_a, official("Trần Văn Một")), attend(activity_a, official("Lê Thị Hai"))
    got = (
        web.get(reverse("cooperation:partner_edit", args=[sanjo.pk])).status_code,
        api.patch(f"/api/v1/partners/{sanjo.pk}", {"city": "Niigata", "version": sanjo.version},
                  format="json").status_code,
        api.patch(f"/api/v1/agreements/{agreement.pk}", {"notes": "Gia hạn", "version": agreement.version},
                  format="json").status_code,
        api.delete(f"/api/v1/activities/{activity_a.pk}/participants/{first.pk}").status_code,
        web.post(reverse("cooperation:participant_remove", args=[activity_a.pk, second.pk])).status_code,
    )
    assert got == expected
    removed = expected[3] == 204
    assert ActivityParticipant.objects.filter(pk=first.pk).exists() is not removed
    sanjo.refresh_from_db()
    assert (sanjo.city == "Niigata") is (expected[1] == 200)


def test_partner_update_is_audited_and_versioned(personas, sanjo) -> None:
    officer = personas["province_officer"]
    saved = services.partner_update(actor=officer, partner=sanjo, data={"city": " Niigata "},
                                    expected_version=sanjo.version)
    assert saved.city == "Niigata" and saved.history.latest().history_user == officer
    with pytest.raises(StaleEditError):
        services.partner_update(actor=officer, partner=Partner.objects.get(pk=sanjo.pk), data={"city": "Tokyo"},
                                expected_version=1)
    response = api_for(officer).patch(f"/api/v1/partners/{sanjo.pk}", {"city": "Tokyo", "version": 1},
                                      format="json")
    assert response.status_code == 409
    assert Partner.objects.get(pk=sanjo.pk).city == "Niigata"


def test_partner_rename_to_an_existing_partner_is_refused(personas, sanjo) -> None:
    other = Partner.objects.create(name="JICA", country="Nhật Bản")
    response = api_for(personas["province_officer"]).patch(
        f"/api/v1/partners/{other.pk}", {"name": sanjo.name, "version": other.version}, format="json")
    assert response.status_code == 400 and "đã có trong hệ thống" in str(response.json())
    assert Partner.objects.get(pk=other.pk).name == "JICA"


def test_partner_edit_page_saves_and_refuses_blank_name(personas, sanjo) -> None:
    client = client_for(personas["province_officer"])
    url = reverse("cooperation:partner_edit", args=[sanjo.pk])
    data = {"name": sanjo.name, "country": "Nhật Bản", "city": "Niigata", "version": sanjo.version}
    assert client.post(url, {**data, "name": ""}).status_code == 400
    assert client.post(url, {**data, "version": 99}).status_code == 400  # stale: message on the form
    assert Partner.objects.get(pk=sanjo.pk).city == "Sanjo"
    assert client.post(url, data).status_code == 302
    assert Partner.objects.get(pk=sanjo.pk).city == "Niigata"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"valid_to": dt.date(2013, 1, 1)}, "valid_to", "trước ngày"),
    ({"signed_on": dt.date(2021, 1, 1)}, "valid_to", "trước ngày ký"),
])
def test_agreement_update_bad_dates(personas, agreement, data, field, message) -> None:
    with pytest.raises(ValidationError) as exc:
        services.agreement_update(actor=personas["province_officer"], agreement=agreement, data=data,
                                  expected_version=agreement.version)
    assert message in exc.value.message_dict[field][0]
    assert Agreement.objects.get(pk=agreement.pk).valid_to == dt.date(2020, 12, 31)


def test_agreement_partner_cannot_change_and_page_edit_works(personas, agreement) -> None:
    other = Partner.objects.create(name="JICA", country="Nhật Bản")
    api = api_for(personas["province_officer"])
    response = api.patch(f"/api/v1/agreements/{agreement.pk}", {"partner_id": other.pk, "version": 1}, format="json")
    assert response.status_code == 400 and "Không thể đổi đối tác" in str(response.json())
    response = api.patch(f"/api/v1/agreements/{agreement.pk}", {"valid_to": "2013-01-01", "version": 1},
                         format="json")
    assert response.status_code == 400 and "trước ngày" in str(response.json())
    assert api.patch(f"/api/v1/agreements/{agreement.pk}", {"title": "MOU"}, format="json").status_code == 400
    client = client_for(personas["province_officer"])
    url = reverse("cooperation:agreement_edit", args=[agreement.pk])
    data = {"title": "MOU 2021–2025", "signed_on": "2021-01-05", "valid_from": "2021-01-05", "valid_to": "2020-01-01",
            "version": agreement.version}
    assert client.post(url, data).status_code == 400
    assert client.post(url, {**data, "valid_to": "2025-12-31"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "MOU 2021–2025" and agreement.partner_id != other.pk


def test_add_and_remove_participants_through_the_api(personas, activity_a) -> None:
    api = api_for(personas["commune_officer_a"])
    url = f"/api/v1/activities/{activity_a.pk}/participants"
    worker = make_person("Nguyễn Văn Thợ")  # role worker: not an official
    response = api.post(url, {"person_id": worker.pk}, format="json")
    assert response.status_code == 400 and "không phải cán bộ" in str(response.json())
    person = official("Phạm Văn Ba")
    added = api.post(url, {"person_id": person.pk}, format="json")
    assert added.status_code == 201
    again = api.post(url, {"person_id": person.pk}, format="json")
    assert again.status_code == 400 and "đã có trong danh sách" in str(again.json())
    assert ActivityParticipant.objects.count() == 1
    assert api.delete(f"{url}/999999").status_code == 404
    assert api.delete(f"{url}/{added.json()['id']}").status_code == 204
    assert not ActivityParticipant.objects.exists()
    assert ActivityParticipant.history.filter(history_type="-").get().history_user == personas["commune_officer_a"]


def test_remove_refuses_participant_of_another_activity(personas, sanjo, activity_a) -> None:
    other = make_activity(sanjo)  # organised by the province
    row = attend(other, official("Võ Văn Tư"))
    response = api_for(personas["province_officer"]).delete(
        f"/api/v1/activities/{activity_a.pk}/participants/{row.pk}")
    assert response.status_code == 404 and ActivityParticipant.objects.filter(pk=row.pk).exists()


def test_page_shows_remove_buttons_only_to_editors(personas, activity_a) -> None:
    attend(activity_a, official("Đỗ Văn Năm"))
    url = reverse("cooperation:activity_detail", args=[activity_a.pk])
    assert "Bỏ khỏi danh sách" in client_for(personas["commune_officer_a"]).get(url).content.decode()
    assert "Bỏ khỏi danh sách" not in client_for(personas["auditor"]).get(url).content.decode()
