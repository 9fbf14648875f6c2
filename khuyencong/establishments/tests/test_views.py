"""Registry pages: every persona against every page, bad input, safe display."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.establishments.models import Establishment
from khuyencong.testing.fixtures import COMMUNE_A, COMMUNE_B, VALID_TAX_CODES, unit

# persona → (list, detail of est_a, create form, edit form of est_a)
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200),
    "commune_officer_a": (200, 200, 200, 200),
    "commune_officer_b": (200, 404, 200, 404),
    "council_member": (200, 200, 403, 403),
    "establishment_rep": (200, 200, 403, 200),
    "auditor": (200, 200, 403, 403),
    "outsider": (403, 404, 403, 404),
}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, est_a, persona: str, expected: tuple[int, ...]) -> None:
    client = client_for(personas[persona])
    urls = [reverse("establishments:list"), reverse("establishments:detail", args=[est_a.pk]),
            reverse("establishments:create"), reverse("establishments:edit", args=[est_a.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_anonymous_is_sent_to_login(est_a) -> None:
    response = Client().get(reverse("establishments:detail", args=[est_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_outsider_list_is_empty(personas, est_a) -> None:
    response = client_for(personas["outsider"]).get(reverse("establishments:list"))
    assert est_a.name not in response.content.decode()


def form_data(**overrides) -> dict:  # type: ignore[no-untyped-def]
    base = {"name": "Cơ sở may Long Hương", "legal_form": "household", "commune": unit(COMMUNE_A).pk,
            "vsic_code": "1410", "sector_group": "handicrafts", "employees": "8", "status": "active"}
    return {**base, **overrides}


def test_create_and_redirect_to_detail(personas) -> None:
    response = client_for(personas["commune_officer_a"]).post(reverse("establishments:create"), form_data())
    created = Establishment.objects.get(name="Cơ sở may Long Hương")
    assert response.status_code == 302 and response["Location"].endswith(f"/{created.pk}/")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"name": ""}, "name", "bắt buộc"),
    ({"tax_code": "1234567890"}, "tax_code", "Mã số thuế"),
    ({"employees": "-3"}, "employees", ""),
    ({"employees": "nhiều"}, "employees", ""),
    ({"name": "x" * 300}, "name", "255"),
    ({"commune": "999999999"}, "commune", ""),
])
def test_bad_input_gets_400_with_field_error_and_saves_nothing(personas, overrides, field, message) -> None:
    response = client_for(personas["province_officer"]).post(reverse("establishments:create"),
                                                             form_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert Establishment.objects.count() == 1  # only est_a


def test_commune_outside_scope_is_not_even_offered(personas) -> None:
    response = client_for(personas["commune_officer_a"]).post(reverse("establishments:create"),
                                                              form_data(commune=unit(COMMUNE_B).pk))
    assert response.status_code == 400 and "commune" in response.context["form"].errors


def test_duplicate_tax_code_message(personas, est_a) -> None:
    est_a.tax_code = VALID_TAX_CODES[0]
    est_a.save()
    response = client_for(personas["province_officer"]).post(reverse("establishments:create"),
                                                             form_data(tax_code=VALID_TAX_CODES[0]))
    assert response.status_code == 400
    assert "đã được đăng ký" in response.context["form"].errors["tax_code"][0]


def test_stale_edit_refused_with_clear_message(personas, est_a) -> None:
    client = client_for(personas["province_officer"])
    url = reverse("establishments:edit", args=[est_a.pk])
    payload = form_data(name=est_a.name, commune=unit(COMMUNE_A).pk, version="1")
    Establishment.objects.filter(pk=est_a.pk).update(version=2)  # someone saved in between
    response = client.post(url, payload)
    assert response.status_code == 400
    assert "đã được người khác thay đổi" in str(response.context["form"].non_field_errors())


def test_markup_is_escaped_on_display(personas, est_a) -> None:
    est_a.notes = "<script>alert('x')</script>"
    est_a.save()
    html = client_for(personas["province_officer"]).get(reverse("establishments:detail", args=[est_a.pk])).content
    assert b"<script>alert" not in html and b"&lt;script&gt;" in html


def test_phone_masked_for_council_member_shown_to_officer(personas, est_a) -> None:
    url = reverse("establishments:detail", args=[est_a.pk])
    assert "0912345678" in client_for(personas["commune_officer_a"]).get(url).content.decode()
    council_html = client_for(personas["council_member"]).get(url).content.decode()
    assert "0912345678" not in council_html and "09******78" in council_html


def test_detail_shows_history_with_author(personas, est_a) -> None:
    client = client_for(personas["province_officer"])
    client.post(reverse("establishments:edit", args=[est_a.pk]),
                form_data(name=est_a.name, commune=unit(COMMUNE_A).pk, employees="77", version="1"))
    html = client.get(reverse("establishments:detail", args=[est_a.pk])).content.decode()
    assert "Số lao động" in html and "77" in html and "officer" in html


def test_home_dashboard_counts_scope(personas, est_a, est_b) -> None:
    response = client_for(personas["commune_officer_b"]).get(reverse("home"))
    registry = [f for f in response.context["figures"] if f.url == reverse("establishments:list")]
    assert response.status_code == 200 and [f.value for f in registry] == [1]
    response = client_for(personas["province_officer"]).get(reverse("home"))
    assert [f.value for f in response.context["figures"] if f.url == reverse("establishments:list")] == [2]


def test_list_page_query_count_constant(personas, django_assert_max_num_queries) -> None:
    from khuyencong.testing.fixtures import make_establishment

    for i in range(40):
        make_establishment(f"Cơ sở {i}", unit(COMMUNE_A))
    client = client_for(personas["province_officer"])
    with django_assert_max_num_queries(9):  # 9: the header's unread-notification count
        assert client.get(reverse("establishments:list")).status_code == 200


def test_the_area_filter_is_chosen_by_name_not_typed_as_a_code(personas) -> None:
    """The filter holds a unit code, but the page shows a picker and the chosen unit by its name."""
    page = client_for(personas["province_officer"]).get(reverse("establishments:list"), {"unit": COMMUNE_A})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-picker="units"' in html and 'data-picker-value="code"' in html
    assert f'<option value="{COMMUNE_A}" selected>Phường Bà Rịa' in html
    assert "Mã đơn vị hành chính" not in html
