"""Secretary management: products with documents, rounds, councils, nominations — pages and API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from khuyencong.products import services
from khuyencong.products.models import (
    Council,
    CouncilMember,
    Nomination,
    Product,
    ProductDocument,
    RuleSet,
    SelectionRound,
)
from khuyencong.products.tests.conftest import make_product

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


# persona → (new product, new round, council of the open round, new nomination in the open round)
PAGE_MATRIX = {
    "province_admin": (200, 200, 200, 200),
    "province_officer": (200, 200, 200, 200),
    "commune_officer_a": (200, 200, 403, 200),
    "commune_officer_b": (200, 200, 403, 200),
    "council_member": (403, 403, 403, 403),  # a juror of the round
    "establishment_rep": (200, 403, 403, 200),
    "auditor": (403, 403, 403, 403),
    "outsider": (403, 403, 404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), PAGE_MATRIX.items())
def test_management_pages_permissions(personas, open_round, persona, expected) -> None:
    client = client_for(personas[persona])
    urls = [reverse("products:product_create"), reverse("products:round_create"),
            reverse("products:council", args=[open_round.pk]),
            reverse("products:nomination_create", args=[open_round.pk])]
    assert tuple(client.get(url).status_code for url in urls) == expected


def test_secretary_manages_council_page(open_round, jury) -> None:
    client = client_for(jury["secretary"])
    url = reverse("products:council", args=[open_round.pk])
    body = client.get(url).content.decode()
    assert "juror3" in body and "Giám khảo" in body
    assert "số thành viên lẻ" not in body  # three jurors
    from khuyencong.accounts.models import Role
    from khuyencong.testing.fixtures import make_user

    make_user("juror4", Role.COUNCIL_MEMBER)
    assert client.post(url, {"user": "juror4", "role": "juror"}).status_code == 302
    assert "số thành viên lẻ (hiện có 4)" in client.get(url).content.decode()


def test_second_chair_is_refused_on_page(open_round, jury) -> None:
    from khuyencong.accounts.models import Role
    from khuyencong.testing.fixtures import make_user

    make_user("chair2", Role.COUNCIL_MEMBER)
    response = client_for(jury["secretary"]).post(reverse("products:council", args=[open_round.pk]),
                                                  {"user": "chair2", "role": "chair"})
    assert response.status_code == 400 and "Hội đồng đã có chủ tịch" in response.content.decode()
    assert CouncilMember.objects.count() == 5


def test_create_round_and_council_through_pages(personas) -> None:
    client = client_for(personas["province_officer"])
    response = client.post(reverse("products:round_create"), {
        "name": "Bình chọn cấp xã 2026", "level": "commune",
        "organiser_code": "26560", "year": 2026, "dossier_deadline": "2026-12-31",
        "rule_set": RuleSet.objects.get().pk})
    created = SelectionRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("products:council", args=[created.pk])
    assert client.post(response["Location"], {"name": "Hội đồng cấp xã"}).status_code == 302
    assert Council.objects.get().round == created


def test_round_with_district_level_after_reform_is_400(personas) -> None:
    response = client_for(personas["province_officer"]).post(reverse("products:round_create"), {
        "name": "Cấp huyện 2026", "level": "district", "organiser_code": "26560", "year": 2026,
        "dossier_deadline": "2026-12-31", "rule_set": RuleSet.objects.get().pk})
    assert response.status_code == 400 and "không áp dụng vào ngày" in response.content.decode()
    assert not SelectionRound.objects.exists()


def test_product_with_document_through_page(personas, est_a, media) -> None:
    from khuyencong.products.models import ProductGroup

    upload = SimpleUploadedFile("../../giay chung nhan.pdf", PDF, content_type="application/pdf")
    response = client_for(personas["establishment_rep"]).post(reverse("products:product_create"), {
        "establishment": est_a.pk, "name": "Hạt điều rang củi", "group": ProductGroup.objects.get(code="agro_food").pk,
        "document_kind": "quality", "document": upload})
    assert response.status_code == 302
    document = ProductDocument.objects.get()
    assert document.title == "giay_chung_nhan.pdf"
    assert document.file.name.startswith(f"products/{document.product_id}/") and ".." not in document.file.name
    assert (media / document.file.name).read_bytes() == PDF


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF, DOCX, JPG hoặc PNG"),
    ("bang.xlsx", b"PK\x03\x04", "Chỉ nhận tệp PDF, DOCX, JPG hoặc PNG"),
    ("gia.pdf", b"<html>not a pdf", "Nội dung tệp không đúng định dạng PDF"),
    ("lon.pdf", PDF + b"0" * (10 * 1024 * 1024), "tối đa 10 MB"),
])
def test_bad_upload_on_product_page_saves_nothing(personas, est_a, media, name, content, message) -> None:
    from khuyencong.products.models import ProductGroup

    response = client_for(personas["province_officer"]).post(reverse("products:product_create"), {
        "establishment": est_a.pk, "name": "Bánh pía", "group": ProductGroup.objects.get(code="agro_food").pk,
        "document_kind": "quality", "document": SimpleUploadedFile(name, content)})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Product.objects.exists() and not ProductDocument.objects.exists()
    assert not any(media.rglob("*.*"))


def test_rep_cannot_create_product_of_other_establishment(personas, est_b) -> None:
    from khuyencong.products.models import ProductGroup

    response = client_for(personas["establishment_rep"]).post(reverse("products:product_create"), {
        "establishment": est_b.pk, "name": "Giỏ mây", "group": ProductGroup.objects.get(code="handicrafts").pk})
    assert response.status_code == 400  # est_b is not even a choice for the representative
    assert not Product.objects.exists()


def test_nomination_page_rep_own_product(personas, est_a) -> None:
    from khuyencong.products.tests.conftest import make_round
    from khuyencong.testing.fixtures import TODAY, unit

    selection_round = make_round(personas["province_officer"], year=2026, level_code="commune",
                                 organiser=unit("26560"), deadline=TODAY + dt.timedelta(days=10))
    good = make_product(est_a, "Hạt điều", group_code="agro_food")
    one_off = make_product(est_a, "Tượng gỗ độc bản", one_off=True)
    url = reverse("products:nomination_create", args=[selection_round.pk])
    client = client_for(personas["establishment_rep"])
    refused = client.post(url, {"product": one_off.pk, "made_by_establishment": "on"})
    assert refused.status_code == 400 and "độc bản" in refused.content.decode()
    assert not Nomination.objects.exists()
    assert client.post(url, {"product": good.pk, "made_by_establishment": "on"}).status_code == 302
    assert Nomination.objects.get().product == good


# ---- API ----------------------------------------------------------------------------------------

def test_api_document_upload(personas, est_a) -> None:
    product = make_product(est_a, "Hạt điều", documents=False)
    url = f"/api/v1/products/{product.pk}/documents"
    ok = api_for(personas["establishment_rep"]).post(url, {"kind": "ip", "file": SimpleUploadedFile("nhan.png",
                                                     b"\x89PNG\r\n\x1a\n....")}, format="multipart")
    assert ok.status_code == 201 and ok.json()["kind"] == "ip"
    bad = api_for(personas["establishment_rep"]).post(url, {"kind": "ip", "file": SimpleUploadedFile(
        "nhan.png", b"GIF89a")}, format="multipart")
    assert bad.status_code == 400 and "Nội dung tệp không đúng định dạng PNG" in str(bad.json())
    wrong_kind = api_for(personas["establishment_rep"]).post(url, {"kind": "x", "file": SimpleUploadedFile(
        "a.pdf", PDF)}, format="multipart")
    assert wrong_kind.status_code == 400 and "Loại giấy tờ không hợp lệ" in str(wrong_kind.json())
    assert ProductDocument.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [
    ("province_admin", 201), ("province_officer", 201), ("commune_officer_a", 201), ("commune_officer_b", 404),
    ("council_member", 403), ("establishment_rep", 201), ("auditor", 403), ("outsider", 404),
])
def test_api_document_permissions(personas, est_a, persona, status) -> None:
    product = make_product(est_a, "Hạt điều", documents=False)
    response = api_for(personas[persona]).post(f"/api/v1/products/{product.pk}/documents", {
        "kind": "quality", "file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart")
    assert response.status_code == status
    assert ProductDocument.objects.count() == (1 if status == 201 else 0)


def _fresh_round(personas):  # type: ignore[no-untyped-def]
    from khuyencong.products.tests.conftest import make_round
    from khuyencong.testing.fixtures import TODAY, unit

    return make_round(personas["province_officer"], year=2026, level_code="commune", organiser=unit("26560"),
                      deadline=TODAY + dt.timedelta(days=10))


@pytest.mark.parametrize(("persona", "status"), [
    ("province_admin", 201), ("province_officer", 201), ("commune_officer_a", 201), ("commune_officer_b", 403),
    ("council_member", 403), ("establishment_rep", 403), ("auditor", 403), ("outsider", 404),
])
def test_api_council_permissions(personas, persona, status) -> None:
    selection_round = _fresh_round(personas)
    response = api_for(personas[persona]).post(f"/api/v1/rounds/{selection_round.pk}/council",
                                               {"name": "Hội đồng"}, format="json")
    assert response.status_code == status
    assert Council.objects.count() == (1 if status == 201 else 0)


def test_api_council_members_and_odd_jury(personas) -> None:
    from khuyencong.accounts.models import Role
    from khuyencong.testing.fixtures import make_user

    selection_round = _fresh_round(personas)
    officer = api_for(personas["province_officer"])
    base = f"/api/v1/rounds/{selection_round.pk}"
    assert officer.get(f"{base}/council").status_code == 404
    officer.post(f"{base}/council", {"name": "Hội đồng cấp xã"}, format="json")
    secretary = make_user("thuky", Role.COUNCIL_MEMBER)
    added = officer.post(f"{base}/members", {"user": "thuky", "role": "secretary"}, format="json")
    assert added.status_code == 201 and "số thành viên lẻ (hiện có 0)" in added.json()["warning"]
    for name in ("gk1", "gk2"):
        make_user(name, Role.COUNCIL_MEMBER)
        officer.post(f"{base}/members", {"user": name, "role": "juror"}, format="json")
    bad_role = officer.post(f"{base}/members", {"user": "admin", "role": "king"}, format="json")
    assert bad_role.status_code == 400 and "Vai trò trong hội đồng không hợp lệ" in str(bad_role.json())
    twice = officer.post(f"{base}/members", {"user": "gk1", "role": "juror"}, format="json")
    assert twice.status_code == 400 and "đã là thành viên" in str(twice.json())
    assert CouncilMember.objects.count() == 3
    # The secretary now manages the round: registers a dossier, but cannot start with two jurors.
    own = personas["establishment_rep"].representations.get().establishment
    product = make_product(own, "Hạt điều", group_code="agro_food")
    nominated = api_for(secretary).post("/api/v1/nominations", {
        "round": selection_round.pk, "product": product.pk, "made_by_establishment": True}, format="json")
    assert nominated.status_code == 201
    start = api_for(secretary).post(f"{base}/start")
    assert start.status_code == 400 and "số thành viên lẻ (hiện có 2)" in str(start.json())
    selection_round.refresh_from_db()
    assert selection_round.status == "open"


def test_rep_cannot_nominate_other_establishments_product(personas, est_b) -> None:
    selection_round = _fresh_round(personas)
    product = make_product(est_b, "Giỏ mây")
    response = api_for(personas["establishment_rep"]).post("/api/v1/nominations", {
        "round": selection_round.pk, "product": product.pk, "made_by_establishment": True}, format="json")
    assert response.status_code == 404  # the product is outside the representative's scope
    with pytest.raises(Exception, match="cơ sở mình quản lý"):
        services.nomination_create(actor=personas["establishment_rep"], selection_round=selection_round,
                                   product=product, made_by_establishment=True)
    assert not Nomination.objects.exists()


def test_juror_is_not_a_round_manager(personas, open_round, jury, est_a) -> None:
    product = make_product(est_a, "Hạt điều", group_code="agro_food")
    response = api_for(jury["j1"]).post("/api/v1/nominations", {
        "round": open_round.pk, "product": product.pk, "made_by_establishment": True,
        "submitted_on": "2016-06-01"}, format="json")
    assert response.status_code == 403 and not Nomination.objects.exists()
