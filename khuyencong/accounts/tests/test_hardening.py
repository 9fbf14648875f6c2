"""Attacks a public deployment sees every day: session fixation, CSRF, huge bodies, injection strings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from khuyencong.accounts.models import Role
from khuyencong.establishments.models import Establishment
from khuyencong.testing.fixtures import make_user

PASSWORD = "x-Test-password-123"
INJECTIONS = ["' OR '1'='1", "1; DROP TABLE establishments_establishment; --", "<script>alert(1)</script>",
              "%' UNION SELECT password FROM accounts_user --", "../../etc/passwd", "\x00", "😀" * 50]


def test_session_id_changes_at_login(db) -> None:
    make_user("canbo", Role.PROVINCE_OFFICER)
    client = Client()
    client.get("/dang-nhap/")
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


def test_csrf_token_required_for_writes(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["province_officer"])
    response = client.post("/co-so/them-moi/", {"name": "Cơ sở không có mã CSRF"})
    assert response.status_code == 403
    assert not Establishment.objects.filter(name="Cơ sở không có mã CSRF").exists()


def test_oversized_body_is_refused_not_crashed(personas) -> None:
    client = APIClient()
    client.force_authenticate(personas["province_officer"])
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = client.post("/api/v1/establishments", {"name": body}, format="json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_in_filters_are_inert(personas, est_a, value: str) -> None:
    client = APIClient()
    client.force_authenticate(personas["commune_officer_b"])
    for path in ("/api/v1/establishments", "/api/v1/schemes", "/api/v1/courses", "/api/v1/persons",
                 "/api/v1/fairs", "/api/v1/products", "/api/v1/units"):
        response = client.get(path, {"q": value, "unit": value})
        assert response.status_code < 500, (path, value)
        assert est_a.name not in response.content.decode()
    assert Establishment.objects.filter(pk=est_a.pk).exists()


@pytest.mark.parametrize("value", INJECTIONS[:3])
def test_injection_strings_in_text_fields_are_stored_safely_or_refused(personas, value: str) -> None:
    client = APIClient()
    client.force_authenticate(personas["province_officer"])
    payload = {"name": f"Cơ sở {value}", "legal_form": "household", "commune_code": "26560", "vsic_code": "1079",
               "sector_group": "agro_processing", "notes": value}
    response = client.post("/api/v1/establishments", payload, format="json")
    assert response.status_code in (201, 400)
    if response.status_code == 201:
        html_client = Client()
        html_client.force_login(personas["province_officer"])
        page = html_client.get(f"/co-so/{response.json()['id']}/").content.decode()
        assert "<script>alert(1)</script>" not in page


def test_nul_characters_are_refused_everywhere(personas) -> None:
    client = APIClient()
    client.force_authenticate(personas["province_officer"])
    assert client.get("/api/v1/establishments", {"q": "a\x00b"}).status_code == 400
    assert client.post("/api/v1/products", {"name": "x", "group": "a\x00"}, format="multipart").status_code == 400
    assert client.post("/api/v1/establishments", {"name": "a\x00"}, format="json").status_code == 400
