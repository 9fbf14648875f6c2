"""Cooperation pages: persona × page, bad input (400, nothing saved), participants."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from khuyencong.cooperation.models import Activity, ActivityParticipant, Partner
from khuyencong.cooperation.tests.conftest import official
from khuyencong.testing.fixtures import COMMUNE_B, unit


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# persona → (activity list, activity A detail, activity create, partner list, partner detail)
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200, 200),
    "commune_officer_a": (200, 200, 200, 200, 200),
    "commune_officer_b": (200, 404, 200, 200, 200),
    "council_member": (403, 404, 403, 200, 404),
    "establishment_rep": (403, 404, 403, 200, 404),
    "auditor": (200, 200, 403, 200, 200),
    "outsider": (403, 404, 403, 200, 404),
}


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, sanjo, activity_a, persona, expected) -> None:
    client = client_for(personas[persona])
    urls = [reverse("cooperation:list"), reverse("cooperation:activity_detail", args=[activity_a.pk]),
            reverse("cooperation:activity_create"), reverse("cooperation:partner_list"),
            reverse("cooperation:partner_detail", args=[sanjo.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


def activity_form(partner, **overrides):  # type: ignore[no-untyped-def]
    base = {"partner": partner.pk, "kind": "course_abroad", "title": "Lớp tại Sanjo",
            "organising_unit": unit(settings.PROVINCE_CODE).pk, "abroad_country": "Nhật Bản",
            "abroad_city": "Sanjo", "start_date": "2026-05-04", "end_date": "2026-05-14"}
    return {**base, **overrides}


def test_activity_create_and_bad_input(personas, sanjo) -> None:
    client = client_for(personas["province_officer"])
    bad = client.post(reverse("cooperation:activity_create"), activity_form(sanjo, end_date="2026-05-01"))
    assert bad.status_code == 400 and "không được trước" in " ".join(bad.context["form"].errors["end_date"])
    assert not Activity.objects.exists()
    assert client.post(reverse("cooperation:activity_create"), activity_form(sanjo)).status_code == 302


def test_partner_create_permissions_and_duplicate(personas, sanjo) -> None:
    url = reverse("cooperation:partner_list")
    assert client_for(personas["commune_officer_a"]).post(url, {"name": "X", "country": "Y"}).status_code == 403
    duplicate = client_for(personas["province_officer"]).post(url, {"name": sanjo.name, "country": sanjo.country})
    assert duplicate.status_code == 400 and "đã có" in duplicate.content.decode()
    assert Partner.objects.count() == 1


def test_agreement_bad_period(personas, sanjo) -> None:
    response = client_for(personas["province_officer"]).post(
        reverse("cooperation:partner_detail", args=[sanjo.pk]),
        {"title": "MOU", "signed_on": "2026-01-01", "valid_from": "2026-01-01", "valid_to": "2025-01-01"})
    assert response.status_code == 400 and "valid_to" in response.context["form"].errors


def test_add_participant_by_search(personas, activity_a) -> None:
    person = official("Trần Văn Công")
    client = client_for(personas["commune_officer_a"])
    page = client.get(reverse("cooperation:activity_detail", args=[activity_a.pk]), {"q": "tran van"})
    assert person.full_name in page.content.decode()
    url = reverse("cooperation:participant_add", args=[activity_a.pk])
    assert client.post(url, {"person": person.pk}).status_code == 302
    again = client.post(url, {"person": person.pk})
    assert again.status_code == 400 and "đã có trong danh sách" in again.content.decode()
    outside = official("Ở xã B", commune=COMMUNE_B)
    assert client.post(url, {"person": outside.pk}).status_code == 404
    assert ActivityParticipant.objects.count() == 1


def test_activity_detail_query_count(personas, activity_a, django_assert_max_num_queries) -> None:
    from khuyencong.cooperation.tests.conftest import attend

    for i in range(20):
        attend(activity_a, official(f"Cán bộ {i}"))
    client = client_for(personas["province_officer"])
    # 15: the page's own queries plus the session, scope and two-factor checks of every request.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("cooperation:activity_detail", args=[activity_a.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("cooperation:list")).status_code == 200
