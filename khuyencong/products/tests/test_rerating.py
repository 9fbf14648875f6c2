"""Certificates: validity from the rule, expiry warnings 90 days ahead, re-rating from the warning, the
next-level rule with its legal basis, and the snapshot of what a round's jurors see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from khuyencong.products import services
from khuyencong.products.models import Certificate, Nomination, RuleSet
from khuyencong.products.tests.conftest import make_product, make_round, recognise
from khuyencong.products.todo import certificates_expiring
from khuyencong.testing.fixtures import unit

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def certificate(personas, est_a, district):  # type: ignore[no-untyped-def]
    old = make_round(personas["province_officer"], year=2023, deadline=dt.date(2023, 6, 30), organiser=district)
    return recognise(make_product(est_a, "Nước mắm Phước Hải", group_code="agro_food"), old,
                     decided_on=dt.date(2023, 12, 20), number="9/QĐ")


def test_validity_comes_from_the_dated_rule_row(certificate) -> None:
    assert certificate.valid_until == dt.date(2026, 12, 31)  # 31 December of the third year after issue
    rule = RuleSet.objects.get()
    rule.certificate_years = 2
    assert rule.valid_until(dt.date(2023, 12, 20)) == dt.date(2025, 12, 31)


@pytest.mark.parametrize(("days", "listed"), [(91, False), (90, True), (89, True)])
def test_expiry_warning_ninety_days_ahead(certificate, personas, days, listed) -> None:
    today = dt.date(2026, 3, 1)
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=today + dt.timedelta(days=days))
    for user in (personas["province_officer"], personas["establishment_rep"]):
        found = certificates_expiring(user, today=today)
        assert found is not None and found.count == (1 if listed else 0)
        if listed:
            assert found.items[0].url == reverse("products:rerate", args=[certificate.pk])


def test_rerating_without_an_open_round_explains(certificate, personas) -> None:
    response = client_for(personas["establishment_rep"]).get(reverse("products:rerate", args=[certificate.pk]))
    assert response.status_code == 200
    assert "chưa có đợt bình chọn cùng cấp nào đang nhận hồ sơ" in response.content.decode()


def test_rerating_opens_the_next_suitable_rounds_nomination_form(certificate, personas) -> None:
    today = timezone.localdate()
    later = make_round(personas["province_officer"], year=today.year + 1, level_code="commune",
                       organiser=unit("26560"), deadline=dt.date(today.year + 1, 3, 31))
    client = client_for(personas["establishment_rep"])
    response = client.get(reverse("products:rerate", args=[certificate.pk]))
    target = reverse("products:nomination_create", args=[later.pk])
    assert response.status_code == 302 and response["Location"] == f"{target}?product={certificate.product_id}"
    form = client.get(response["Location"]).content.decode()
    assert f'<option value="{certificate.product_id}" selected>' in form


def test_next_level_without_a_valid_lower_certificate_is_refused_with_its_legal_basis(personas, est_a) -> None:
    today = timezone.localdate()
    province = make_round(personas["province_officer"], year=today.year + 1, level_code="province",
                          organiser=unit("79"), deadline=dt.date(today.year + 1, 3, 31))
    product = make_product(est_a, "Gốm Long Điền")
    with pytest.raises(ValidationError) as caught:
        services.nomination_create(actor=personas["province_officer"], selection_round=province, product=product,
                                   made_by_establishment=True, submitted_on=today)
    message = " ".join(caught.value.messages)
    assert "chưa có giấy chứng nhận sản phẩm CNNT tiêu biểu cấp xã còn hiệu lực" in message
    assert "Thông tư 38/2025/TT-BCT" in message
    assert not Nomination.objects.filter(round=province).exists()


def test_nomination_keeps_a_snapshot_of_the_documents(personas, est_a, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    from khuyencong.products.models import ProductDocument

    today = timezone.localdate()
    commune = make_round(personas["province_officer"], year=today.year + 1, level_code="commune",
                         organiser=unit("26560"), deadline=dt.date(today.year + 1, 3, 31))
    product = make_product(est_a, "Hạt điều", group_code="agro_food")
    document = ProductDocument.objects.filter(product=product).first()
    assert document is not None
    document.file.save("a.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    nomination = services.nomination_create(actor=personas["province_officer"], selection_round=commune,
                                            product=product, made_by_establishment=True, submitted_on=today)
    snapshot = {row["id"]: row for row in nomination.dossier_snapshot}
    assert set(snapshot) == set(product.documents.values_list("pk", flat=True))
    import hashlib

    assert snapshot[document.pk]["sha256"] == hashlib.sha256(b"%PDF-1.4 test").hexdigest()
