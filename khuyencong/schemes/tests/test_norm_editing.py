"""Support norms edited by the province administrator: versions, permissions and bad input (pages and API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.schemes import services
from khuyencong.schemes.models import SupportNorm
from khuyencong.schemes.services.common import norm_for
from khuyencong.schemes.tests.conftest import make_scheme, walk
from khuyencong.schemes.tests.test_api import api_for
from khuyencong.schemes.tests.test_views import client_for

NORMS_API = "/api/v1/supportnorms"


def norm_data(**overrides):  # type: ignore[no-untyped-def]
    base = {"activity_type_code": "training", "funding_source": "local", "legal_form": "any", "max_percent": 70,
            "cap_vnd": 200_000_000, "legal_basis": "Nghị quyết 05/2026/NQ-HĐND", "valid_from": dt.date(2026, 1, 1)}
    return {**base, **overrides}


@pytest.fixture
def local_norm(personas) -> SupportNorm:
    return services.support_norm_create(actor=personas["province_admin"], data=norm_data())


def test_revise_closes_current_version_and_opens_new_one(personas, local_norm) -> None:
    new = services.support_norm_revise(actor=personas["province_admin"], norm=local_norm,
                                       data={"max_percent": 80, "legal_basis": "Nghị quyết 11/2026/NQ-HĐND"},
                                       effective_from=dt.date(2026, 7, 1), expected_version=local_norm.version)
    local_norm.refresh_from_db()
    assert local_norm.valid_to == dt.date(2026, 6, 30) and local_norm.max_percent == 70
    assert new.valid_from == dt.date(2026, 7, 1) and new.valid_to is None and new.max_percent == 80
    assert new.cap_vnd == 200_000_000  # unchanged figures carry over
    found = norm_for(activity_code="training", funding_source="local", legal_forms=set(), on=dt.date(2026, 6, 30))
    assert found is not None and found.pk == local_norm.pk
    found = norm_for(activity_code="training", funding_source="local", legal_forms=set(), on=dt.date(2026, 7, 1))
    assert found is not None and found.pk == new.pk
    assert local_norm.history.count() == 2 and local_norm.history.first().history_user == personas["province_admin"]


def test_revise_must_start_after_current_version(personas, local_norm) -> None:
    with pytest.raises(ValidationError) as exc:
        services.support_norm_revise(actor=personas["province_admin"], norm=local_norm, data={},
                                     effective_from=dt.date(2026, 1, 1), expected_version=local_norm.version)
    assert "Phiên bản mới phải có hiệu lực sau" in exc.value.message_dict["valid_from"][0]
    assert SupportNorm.objects.filter(activity_type_code="training", funding_source="local").count() == 1


def test_overlapping_version_refused(personas, local_norm) -> None:
    with pytest.raises(ValidationError) as exc:
        services.support_norm_create(actor=personas["province_admin"], data=norm_data(valid_from=dt.date(2026, 5, 1)))
    assert "trùng với định mức" in exc.value.message_dict["valid_from"][0]


def test_correction_in_place_refused_once_a_scheme_relied_on_it(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    norm = SupportNorm.objects.get(activity_type_code="machinery", legal_form="any", valid_to__isnull=True)
    fixed = services.support_norm_update(actor=admin, norm=norm, data={"note": "Đính chính chú thích"},
                                         expected_version=norm.version)
    assert fixed.note == "Đính chính chú thích"
    walk(admin, make_scheme(admin, [est_a]), plan, "approved")
    with pytest.raises(ValidationError) as exc:
        services.support_norm_update(actor=admin, norm=fixed, data={"max_percent": 40}, expected_version=fixed.version)
    assert "đã được áp dụng" in exc.value.messages[0]
    assert SupportNorm.objects.get(pk=norm.pk).max_percent == 50


@pytest.mark.parametrize("persona", ["province_officer", "commune_officer_a", "auditor", "council_member",
                                     "establishment_rep", "outsider"])
def test_only_province_admin_edits_norms(personas, local_norm, persona) -> None:
    with pytest.raises(PermissionDeniedError):
        services.support_norm_create(actor=personas[persona], data=norm_data(funding_source="national"))
    with pytest.raises(PermissionDeniedError):
        services.support_norm_revise(actor=personas[persona], norm=local_norm, data={},
                                     effective_from=dt.date(2026, 8, 1), expected_version=1)


BAD = [
    ({"max_percent": "150"}, "max_percent", "từ 0 đến 100"),
    ({"cap_vnd": "-1"}, "cap_vnd", "âm"),
    ({"valid_to": "2025-12-31"}, "valid_to", "không được trước ngày hiệu lực"),
    ({"legal_basis": ""}, "legal_basis", ""),
]


def _form(**overrides):  # type: ignore[no-untyped-def]
    base = {"activity_type_code": "training", "funding_source": "local", "legal_form": "any", "max_percent": "70",
            "cap_vnd": "200000000", "legal_basis": "Nghị quyết 05/2026/NQ-HĐND", "valid_from": "2026-01-01"}
    return {**base, **overrides}


@pytest.mark.parametrize(("overrides", "field", "message"), BAD)
def test_page_bad_input_400_nothing_saved(personas, overrides, field, message) -> None:
    before = SupportNorm.objects.count()
    response = client_for(personas["province_admin"]).post(reverse("schemes:norm-create"), _form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert SupportNorm.objects.count() == before


@pytest.mark.parametrize(("overrides", "field", "message"), BAD[:3])
def test_api_bad_input_400_nothing_saved(personas, overrides, field, message) -> None:
    before = SupportNorm.objects.count()
    response = api_for(personas["province_admin"]).post(NORMS_API, _form(**overrides), format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert SupportNorm.objects.count() == before


def test_page_create_and_edit_as_new_version(personas) -> None:
    client = client_for(personas["province_admin"])
    assert client.post(reverse("schemes:norm-create"), _form()).status_code == 302
    norm = SupportNorm.objects.get(activity_type_code="training", funding_source="local")
    response = client.post(reverse("schemes:norm-edit", args=[norm.pk]), {
        "mode": "revise", "max_percent": "60", "cap_vnd": "", "legal_basis": "Nghị quyết 12/2026/NQ-HĐND",
        "valid_from": "2026-09-01", "version": norm.version})
    assert response.status_code == 302
    versions = list(SupportNorm.objects.filter(activity_type_code="training", funding_source="local")
                    .order_by("valid_from"))
    assert [(v.valid_from, v.valid_to, v.max_percent, v.cap_vnd) for v in versions] == [
        (dt.date(2026, 1, 1), dt.date(2026, 8, 31), 70, 200_000_000), (dt.date(2026, 9, 1), None, 60, None)]
    page = client.get(reverse("schemes:norms"), {"activity_type": "training"}).content.decode()
    assert "Nghị quyết 12/2026/NQ-HĐND" in page and "01/09/2026" in page and "31/08/2026" in page


def test_page_stale_edit_refused(personas, local_norm) -> None:
    response = client_for(personas["province_admin"]).post(reverse("schemes:norm-edit", args=[local_norm.pk]), {
        "mode": "correct", "max_percent": "65", "legal_basis": "x", "valid_from": "2026-01-01", "version": 9})
    assert response.status_code == 400 and "thay đổi kể từ khi bạn mở" in response.content.decode()
    assert SupportNorm.objects.get(pk=local_norm.pk).max_percent == 70


# persona → (list, create form, edit form)
PAGES = {
    "province_admin": (200, 200, 200), "province_officer": (200, 403, 403), "commune_officer_a": (200, 403, 403),
    "commune_officer_b": (200, 403, 403), "council_member": (200, 403, 403), "establishment_rep": (200, 403, 403),
    "auditor": (200, 403, 403), "outsider": (403, 403, 404),
}


@pytest.mark.parametrize(("persona", "expected"), PAGES.items())
def test_norm_page_matrix(personas, local_norm, persona, expected) -> None:
    client = client_for(personas[persona])
    urls = [reverse("schemes:norms"), reverse("schemes:norm-create"),
            reverse("schemes:norm-edit", args=[local_norm.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


# persona → (list, retrieve, create, patch in place, put new version)
API = {
    "province_admin": (200, 200, 201, 200, 201), "province_officer": (200, 200, 403, 403, 403),
    "commune_officer_a": (200, 200, 403, 403, 403), "commune_officer_b": (200, 200, 403, 403, 403),
    "council_member": (200, 200, 403, 403, 403), "establishment_rep": (200, 200, 403, 403, 403),
    "auditor": (200, 200, 403, 403, 403), "outsider": (200, 404, 403, 404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), API.items())
def test_norm_api_matrix(personas, local_norm, persona, expected) -> None:
    client = api_for(personas[persona])
    detail = f"{NORMS_API}/{local_norm.pk}"
    listed = client.get(NORMS_API)
    got = (
        listed.status_code,
        client.get(detail).status_code,
        client.post(NORMS_API, _form(funding_source="national"), format="json").status_code,
        client.patch(detail, {"note": "Đính chính", "version": 1}, format="json").status_code,
        client.put(detail, {"max_percent": "75", "effective_from": "2026-10-01", "version": 2},
                   format="json").status_code,
    )
    assert got == expected
    assert (listed.json()["count"] > 0) == (persona != "outsider")
    if persona == "province_admin":
        assert SupportNorm.objects.get(pk=local_norm.pk).valid_to == dt.date(2026, 9, 30)


def test_api_list_filters_and_schema(personas, local_norm) -> None:
    client = api_for(personas["auditor"])
    rows = client.get(NORMS_API, {"activity_type": "training", "funding_source": "local"}).json()["results"]
    assert [r["legal_basis"] for r in rows] == ["Nghị quyết 05/2026/NQ-HĐND"] and rows[0]["activity_label"]
    assert client.get(NORMS_API, {"activity_type": "machinery", "valid_on": "2016-01-01"}).json()["count"] == 1
    assert client.get(NORMS_API, {"valid_on": "hôm qua"}).status_code == 400
    paths = client.get("/api/v1/schema", {"format": "json"}).json()["paths"]
    assert "/api/v1/supportnorms" in paths and "/api/v1/supportnorms/{id}" in paths


def test_norm_list_constant_queries(personas, django_assert_max_num_queries) -> None:
    client = client_for(personas["auditor"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("schemes:norms")).status_code == 200
