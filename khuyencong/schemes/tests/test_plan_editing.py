"""Programme and annual-plan pages and API updates: permissions, bad input, stale edits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khuyencong.schemes.models import AnnualPlan, Programme
from khuyencong.schemes.tests.conftest import make_scheme, walk
from khuyencong.schemes.tests.test_api import api_for
from khuyencong.schemes.tests.test_views import client_for

# persona → (programme create form, programme edit form, plan create form, plan edit form)
PAGES = {
    "province_admin": (200, 200, 200, 200), "province_officer": (200, 200, 200, 200),
    "commune_officer_a": (403, 403, 403, 403), "commune_officer_b": (403, 403, 403, 403),
    "council_member": (403, 403, 403, 403), "establishment_rep": (403, 403, 403, 403),
    "auditor": (403, 403, 403, 403), "outsider": (403, 404, 403, 404),
}


@pytest.mark.parametrize(("persona", "expected"), PAGES.items())
def test_page_matrix(personas, plan, persona, expected) -> None:
    client = client_for(personas[persona])
    urls = [reverse("schemes:programme-create"), reverse("schemes:programme-edit", args=[plan.programme_id]),
            reverse("schemes:plan-create"), reverse("schemes:plan-edit", args=[plan.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_plans_page_offers_edit_links_only_to_drivers(personas, plan) -> None:
    page = client_for(personas["province_officer"]).get(reverse("schemes:plans")).content.decode()
    assert reverse("schemes:plan-edit", args=[plan.pk]) in page and reverse("schemes:norms") in page
    page = client_for(personas["auditor"]).get(reverse("schemes:plans")).content.decode()
    assert reverse("schemes:plan-edit", args=[plan.pk]) not in page


def _plan_form(plan: AnnualPlan, **overrides):  # type: ignore[no-untyped-def]
    base = {"programme": plan.programme_id, "year": "2026", "funding_source": "national",
            "approved_total": "3000000000", "decision_no": "12/QĐ-UBND", "decision_date": "2026-01-10",
            "version": plan.version}
    return {**base, **overrides}


def test_create_programme_and_plan_then_edit_plan(personas, programme) -> None:
    client = client_for(personas["province_admin"])
    response = client.post(reverse("schemes:programme-create"), {
        "name": "Chương trình khuyến công địa phương", "level": "local", "start_year": "2026", "end_year": "2030"})
    assert response.status_code == 302
    local = Programme.objects.get(level="local")
    response = client.post(reverse("schemes:plan-create"), {
        "programme": local.pk, "year": "2027", "funding_source": "local", "approved_total": "900000000"})
    assert response.status_code == 302
    plan = AnnualPlan.objects.get(programme=local)
    response = client.post(reverse("schemes:plan-edit", args=[plan.pk]), _plan_form(
        plan, programme=local.pk, year="2027", funding_source="local", approved_total="1200000000"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.approved_total == 1_200_000_000 and plan.version == 2
    assert plan.history.first().history_user == personas["province_admin"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"approved_total": "-1"}, "approved_total", "không được âm"),
    ({"approved_total": "1,5 tỷ"}, "approved_total", "phải là số nguyên"),
    ({"year": "2035"}, "year", "giai đoạn 2026–2030"),
])
def test_plan_page_bad_input_400_nothing_saved(personas, plan, overrides, field, message) -> None:
    response = client_for(personas["province_officer"]).post(reverse("schemes:plan-edit", args=[plan.pk]),
                                                             _plan_form(plan, **overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    fresh = AnnualPlan.objects.get(pk=plan.pk)
    assert (fresh.approved_total, fresh.year, fresh.version) == (2_000_000_000, 2026, 1)


def test_plan_total_below_committed_refused(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    walk(admin, make_scheme(admin, [est_a]), plan, "approved")
    plan.refresh_from_db()
    response = client_for(admin).post(reverse("schemes:plan-edit", args=[plan.pk]),
                                      _plan_form(plan, approved_total="100000000"))
    assert response.status_code == 400 and "không được thấp hơn" in response.content.decode()
    assert AnnualPlan.objects.get(pk=plan.pk).approved_total == 2_000_000_000


def test_programme_end_before_start_refused(personas, programme) -> None:
    response = client_for(personas["province_admin"]).post(
        reverse("schemes:programme-edit", args=[programme.pk]),
        {"name": programme.name, "level": "national", "start_year": "2026", "end_year": "2020", "version": 1})
    assert response.status_code == 400 and "Năm kết thúc không được trước năm bắt đầu" in response.content.decode()
    assert Programme.objects.get(pk=programme.pk).end_year == 2030


# persona → (programme PATCH, plan PATCH)
API = {
    "province_admin": (200, 200), "province_officer": (200, 200), "commune_officer_a": (403, 403),
    "commune_officer_b": (403, 403), "council_member": (403, 403), "establishment_rep": (403, 403),
    "auditor": (403, 403), "outsider": (404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), API.items())
def test_api_update_matrix(personas, plan, persona, expected) -> None:
    client = api_for(personas[persona])
    got = (
        client.patch(f"/api/v1/programmes/{plan.programme_id}", {"decision_no": "99/QĐ", "version": 1},
                     format="json").status_code,
        client.patch(f"/api/v1/plans/{plan.pk}", {"approved_total": 2_500_000_000, "version": 1},
                     format="json").status_code,
    )
    assert got == expected
    changed = AnnualPlan.objects.get(pk=plan.pk).approved_total == 2_500_000_000
    assert changed == (expected[1] == 200)


def test_api_plan_update_bad_input_and_stale(personas, plan) -> None:
    client = api_for(personas["province_admin"])
    url = f"/api/v1/plans/{plan.pk}"
    negative = client.patch(url, {"approved_total": -5, "version": 1}, format="json")
    assert negative.status_code == 400 and "không âm" in negative.json()["approved_total"][0]
    assert client.patch(url, {"approved_total": 5}, format="json").status_code == 400  # version required
    assert client.patch(url, {"approved_total": 5, "version": 4}, format="json").status_code == 409
    assert AnnualPlan.objects.get(pk=plan.pk).approved_total == 2_000_000_000
