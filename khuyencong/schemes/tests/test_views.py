"""Scheme pages: every persona × page, bad input as 400 with Vietnamese messages, stale edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.schemes.models import Disbursement, Scheme, SchemeEvent
from khuyencong.schemes.tests.conftest import activity, make_scheme, walk


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# persona → (list, detail, create form, edit form, plans, plan page)
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200, 200, 200),
    "commune_officer_a": (200, 200, 200, 200, 200, 200),
    "commune_officer_b": (200, 404, 200, 404, 200, 200),
    "council_member": (200, 200, 403, 403, 200, 200),
    "establishment_rep": (200, 200, 403, 403, 200, 200),
    "auditor": (200, 200, 403, 403, 200, 200),
    "outsider": (403, 404, 403, 404, 403, 404),
}


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_page_permissions(personas, est_a, plan, persona: str, expected: tuple[int, ...]) -> None:
    scheme = make_scheme(personas["commune_officer_a"], [est_a])
    client = client_for(personas[persona])
    urls = [reverse("schemes:list"), reverse("schemes:detail", args=[scheme.pk]), reverse("schemes:create"),
            reverse("schemes:edit", args=[scheme.pk]), reverse("schemes:plans"),
            reverse("schemes:plan", args=[plan.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


@pytest.mark.parametrize(("persona", "code"), [
    ("province_admin", 302), ("province_officer", 302), ("commune_officer_a", 403), ("commune_officer_b", 404),
    ("council_member", 403), ("establishment_rep", 403), ("auditor", 403), ("outsider", 404),
])
def test_transition_post_permissions(personas, est_a, persona: str, code: int) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    response = client_for(personas[persona]).post(reverse("schemes:transition", args=[scheme.pk]), {
        "target": "appraised", "appraisal_score": "80", "version": scheme.version})
    assert response.status_code == code
    assert Scheme.objects.get(pk=scheme.pk).status == ("appraised" if code == 302 else "proposed")


def test_anonymous_is_sent_to_login(est_a, personas) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    response = Client().get(reverse("schemes:detail", args=[scheme.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_detail_shows_timeline_money_and_allowed_buttons(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "contracted")
    page = client_for(admin).get(reverse("schemes:detail", args=[scheme.pk])).content.decode()
    assert "Đã ký hợp đồng" in page and est_a.name in page and "250.000.000" in page
    assert 'value="in_progress"' in page and 'value="cancelled"' in page and 'value="settled"' not in page
    auditor_page = client_for(personas["auditor"]).get(reverse("schemes:detail", args=[scheme.pk])).content.decode()
    assert 'name="target"' not in auditor_page


def _form(est, **overrides):  # type: ignore[no-untyped-def]
    base = {"code": "W-1", "title": "Đề án web", "activity_type": activity("machinery").pk,
            "funding_source": "national", "implementing_unit_name": "Trung tâm Khuyến công",
            "beneficiaries": [est.pk], "planned_start": "2026-03-01", "planned_end": "2026-09-30",
            "total_cost": "600000000", "public_support": "200000000", "counterpart_capital": "400000000"}
    return {**base, **overrides}


def test_create_redirects_to_detail(personas, est_a) -> None:
    response = client_for(personas["commune_officer_a"]).post(reverse("schemes:create"), _form(est_a))
    scheme = Scheme.objects.get(code="W-1")
    assert response.status_code == 302 and response["Location"].endswith(f"/{scheme.pk}/")
    assert list(scheme.beneficiaries.all()) == [est_a]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"total_cost": "-5"}, "total_cost", "không được âm"),
    ({"public_support": "hai trăm"}, "public_support", "phải là số nguyên"),
    ({"counterpart_capital": "1,5"}, "counterpart_capital", "phải là số nguyên"),
    ({"planned_end": "2026-01-01"}, "planned_end", "không được trước ngày bắt đầu"),
    ({"public_support": "700000000"}, "public_support", "không được lớn hơn tổng kinh phí"),
    ({"code": ""}, "code", "bắt buộc"),
])
def test_bad_input_gets_400_and_saves_nothing(personas, est_a, overrides, field, message) -> None:
    response = client_for(personas["province_officer"]).post(reverse("schemes:create"), _form(est_a, **overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Scheme.objects.exists()


def test_commune_officer_cannot_pick_other_commune_establishment(personas, est_b) -> None:
    response = client_for(personas["commune_officer_a"]).post(reverse("schemes:create"), _form(est_b))
    assert response.status_code == 400 and "beneficiaries" in response.context["form"].errors
    assert not Scheme.objects.exists()


def test_concurrent_edit_gets_changed_since_you_opened_it(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    stale_version = scheme.version
    first = client_for(personas["province_admin"]).post(reverse("schemes:edit", args=[scheme.pk]),
                                                         _form(est_a, code=scheme.code, title="Tên A",
                                                               version=stale_version))
    assert first.status_code == 302
    second = client_for(personas["province_officer"]).post(reverse("schemes:edit", args=[scheme.pk]),
                                                            _form(est_a, code=scheme.code, title="Tên B",
                                                                  version=stale_version))
    assert second.status_code == 400
    assert "thay đổi kể từ khi bạn mở" in " ".join(second.context["form"].non_field_errors())
    assert Scheme.objects.get(pk=scheme.pk).title == "Tên A"


def test_settled_scheme_edit_refused_and_amend_page_works(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "settled")
    response = client_for(admin).post(reverse("schemes:edit", args=[scheme.pk]),
                                      _form(est_a, code=scheme.code, total_cost="1", version=scheme.version))
    assert response.status_code == 400 and "lập điều chỉnh" in response.content.decode()
    assert Scheme.objects.get(pk=scheme.pk).total_cost == 600_000_000
    scheme.refresh_from_db()
    amend = client_for(admin).post(reverse("schemes:amend", args=[scheme.pk]), {
        "reason": "Kiểm toán", "total_cost": "600000000", "public_support": "250000000",
        "counterpart_capital": "350000000", "settled_amount": "200000000", "settlement_date": "2026-11-10",
        "version": scheme.version})
    assert amend.status_code == 302 and Scheme.objects.get(pk=scheme.pk).settled_amount == 200_000_000


def test_disallowed_transition_is_400_with_message(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    response = client_for(personas["province_admin"]).post(reverse("schemes:transition", args=[scheme.pk]), {
        "target": "accepted", "acceptance_date": "2026-10-01", "acceptance_record_no": "1", "version": scheme.version})
    assert response.status_code == 400
    assert SchemeEvent.objects.filter(scheme=scheme).count() == 1


@pytest.mark.parametrize(("amount", "message"), [
    ("-1", "phải lớn hơn 0"), ("abc", "phải là số nguyên"), ("300000000", "vượt kinh phí hỗ trợ"),
])
def test_disbursement_bad_input(personas, est_a, plan, amount, message) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "contracted")
    response = client_for(admin).post(reverse("schemes:disburse", args=[scheme.pk]),
                                      {"date": "2026-04-01", "amount": amount})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Disbursement.objects.exists()


def test_list_filters_and_plan_page(personas, est_a, est_b, plan) -> None:
    admin = personas["province_admin"]
    walk(admin, make_scheme(admin, [est_a]), plan, "approved")
    make_scheme(admin, [est_b], code="B-1", activity_type=activity("training"), funding_source="local")
    client = client_for(admin)

    def count(**params: object) -> int:
        return client.get(reverse("schemes:list"), params).context["listing"].count

    assert count(activity_type="training") == 1 and count(status="approved", year=2026) == 1
    assert count(funding_source="local") == 1 and count(unit="26560") == 1 and count(year=2030) == 0
    page = client.get(reverse("schemes:plan", args=[plan.pk]))
    assert page.context["totals"]["overall"]["public_support"] == 250_000_000
    assert page.context["totals"]["overall"]["remaining"] == 1_750_000_000


def test_commune_officer_b_list_excludes_a(personas, est_a) -> None:
    make_scheme(personas["province_admin"], [est_a])
    response = client_for(personas["commune_officer_b"]).get(reverse("schemes:list"))
    assert response.context["listing"].count == 0


def test_plan_page_query_count_is_constant(personas, est_a, est_b, plan, django_assert_max_num_queries) -> None:
    from khuyencong.schemes.tests.conftest import bulk_schemes

    client = client_for(personas["province_admin"])
    bulk_schemes(plan, [est_a], 5)
    client.get(reverse("schemes:plan", args=[plan.pk]))  # warm-up: session and user loading
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("schemes:plan", args=[plan.pk]))
    Scheme.objects.filter(code__startswith="BULK-").delete()
    bulk_schemes(plan, [est_a, est_b], 500)
    with django_assert_max_num_queries(len(small.captured_queries)) as big:
        response = client.get(reverse("schemes:plan", args=[plan.pk]))
    assert response.status_code == 200 and response.content.decode().count("BULK-") >= 500
    assert len(big.captured_queries) == len(small.captured_queries)
    assert response.context["totals"]["overall"]["count"] == 500
    assert response.context["totals"]["overall"]["public_support"] == 500 * 100
    _ = dt
