"""Activity-specific details (demonstration model, machinery, communication, SXSH) and attachments via API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.schemes import services
from khuyencong.schemes.models import (
    CleanerProductionAssessment,
    CommunicationOutput,
    DemonstrationModel,
    MachineryItem,
    SchemeAttachment,
)
from khuyencong.schemes.tests.conftest import activity, make_scheme, walk
from khuyencong.schemes.tests.test_api import api_for
from khuyencong.schemes.tests.test_attachments import PDF, pdf
from khuyencong.schemes.tests.test_views import client_for

LIST = "/api/v1/schemes"


@pytest.fixture
def demo(personas, est_a):  # type: ignore[no-untyped-def]
    return make_scheme(personas["commune_officer_a"], [est_a], code="MH-1", activity_type=activity("demo_model"),
                       total_cost=600_000_000, public_support=150_000_000, counterpart_capital=450_000_000)


@pytest.fixture
def machinery(personas, est_a):  # type: ignore[no-untyped-def]
    return make_scheme(personas["commune_officer_a"], [est_a])


def demo_body(est, **overrides):  # type: ignore[no-untyped-def]
    return {"host_establishment": est.pk, "technology": "Lò sấy nông sản bằng năng lượng mặt trời",
            "workers_employed": 12, "avg_worker_income_vnd": 6_500_000, **overrides}


def test_demonstration_put_get_and_update_with_version(personas, demo, est_a) -> None:
    client = api_for(personas["commune_officer_a"])
    url = f"{LIST}/{demo.pk}/demonstration"
    assert client.get(url).status_code == 404
    made = client.put(url, demo_body(est_a), format="json")
    assert made.status_code == 200 and made.json()["workers_employed"] == 12
    assert client.put(url, demo_body(est_a, workers_employed=15), format="json").status_code == 400  # no version
    stale = client.put(url, demo_body(est_a, workers_employed=15, version=7), format="json")
    assert stale.status_code == 409
    ok = client.put(url, demo_body(est_a, workers_employed=15, version=made.json()["version"]), format="json")
    assert ok.status_code == 200 and client.get(url).json()["workers_employed"] == 15
    model = DemonstrationModel.objects.get(scheme=demo)
    assert model.history.count() == 2 and model.history.first().history_user == personas["commune_officer_a"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"workers_employed": -3}, "workers_employed", "không được âm"),
    ({"avg_worker_income_vnd": -1}, "avg_worker_income_vnd", "không âm"),
    ({"avg_worker_income_vnd": "nhiều"}, "avg_worker_income_vnd", ""),
])
def test_demonstration_bad_numbers_400_nothing_saved(personas, demo, est_a, overrides, field, message) -> None:
    response = api_for(personas["province_admin"]).put(f"{LIST}/{demo.pk}/demonstration",
                                                       demo_body(est_a, **overrides), format="json")
    assert response.status_code == 400 and message in " ".join(response.json()[field])
    assert not DemonstrationModel.objects.exists()


def test_host_establishment_outside_scope_refused(personas, demo, est_b) -> None:
    response = api_for(personas["commune_officer_a"]).put(f"{LIST}/{demo.pk}/demonstration", demo_body(est_b),
                                                          format="json")
    assert response.status_code == 400 and "ngoài phạm vi" in response.json()["host_establishment"][0]
    with pytest.raises(ValidationError) as exc:  # the service refuses it too, whatever the caller
        services.demonstration_save(actor=personas["commune_officer_a"], scheme=demo,
                                    data={"host_establishment": est_b, "technology": "x", "workers_employed": 1})
    assert "ngoài phạm vi" in exc.value.message_dict["host_establishment"][0]
    page = client_for(personas["commune_officer_a"]).post(reverse("schemes:demonstration", args=[demo.pk]), {
        "host_establishment": est_b.pk, "technology": "x", "workers_employed": "1"})
    assert page.status_code == 400 and "host_establishment" in page.context["detail_form"].errors
    assert not DemonstrationModel.objects.exists()


def test_demonstration_page_form_saves_with_adopters(personas, demo, est_a) -> None:
    client = client_for(personas["province_admin"])
    response = client.post(reverse("schemes:demonstration", args=[demo.pk]), {
        "host_establishment": est_a.pk, "technology": "Máy dệt", "workers_employed": "8",
        "avg_worker_income_vnd": "7000000"})
    assert response.status_code == 302
    page = client.get(reverse("schemes:detail", args=[demo.pk])).content.decode()
    assert "Máy dệt" in page and "7.000.000" in page


def test_machinery_items_add_list_remove(personas, machinery) -> None:
    client = api_for(personas["province_officer"])
    url = f"{LIST}/{machinery.pk}/machinery-items"
    made = client.post(url, {"name": "Máy tách vỏ hạt điều", "quantity": 2, "unit_price": 150_000_000,
                             "supplier": "Công ty A"}, format="json")
    assert made.status_code == 201
    assert [i["name"] for i in client.get(url).json()] == ["Máy tách vỏ hạt điều"]
    assert api_for(personas["auditor"]).delete(f"{url}/{made.json()['id']}").status_code == 403
    assert client.delete(f"{url}/{made.json()['id']}").status_code == 204
    assert not MachineryItem.objects.exists()
    assert MachineryItem.history.filter(history_type="-").get().history_user == personas["province_officer"]


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"quantity": -1, "unit_price": 1}, "quantity", "lớn hơn 0"),
    ({"quantity": 1, "unit_price": -100}, "unit_price", "không âm"),
])
def test_machinery_bad_input_400(personas, machinery, body, field, message) -> None:
    response = api_for(personas["province_admin"]).post(f"{LIST}/{machinery.pk}/machinery-items",
                                                        {"name": "Máy", **body}, format="json")
    assert response.status_code == 400 and message in response.json()[field][0]
    assert not MachineryItem.objects.exists()


def test_machinery_page_add_bad_price_400_and_remove(personas, machinery) -> None:
    client = client_for(personas["province_admin"])
    url = reverse("schemes:item-add", args=[machinery.pk, "machinery"])
    bad = client.post(url, {"name": "Máy", "quantity": "1", "unit_price": "-5"})
    assert bad.status_code == 400 and "không được âm" in " ".join(bad.context["detail_form"].errors["unit_price"])
    assert client.post(url, {"name": "Máy sấy", "quantity": "3", "unit_price": "1000000"}).status_code == 302
    page = client.get(reverse("schemes:detail", args=[machinery.pk])).content.decode()
    assert "Máy sấy" in page and "3.000.000" in page
    item = MachineryItem.objects.get()
    assert client.post(reverse("schemes:item-remove", args=[machinery.pk, "machinery", item.pk])).status_code == 302
    assert not MachineryItem.objects.exists()


def test_detail_of_wrong_activity_refused(personas, machinery) -> None:
    response = api_for(personas["province_admin"]).post(f"{LIST}/{machinery.pk}/communication-outputs", {
        "kind": "article", "title": "Bài báo"}, format="json")
    assert response.status_code == 400 and not CommunicationOutput.objects.exists()


def test_communication_and_assessment(personas, est_a, est_b) -> None:
    admin = personas["province_admin"]
    comm = make_scheme(admin, [est_a], code="TT-1", activity_type=activity("communication"))
    client = api_for(admin)
    assert client.post(f"{LIST}/{comm.pk}/communication-outputs", {"kind": "broadcast", "title": "Phóng sự",
                                                                   "reach": 50000}, format="json").status_code == 201
    assert client.post(f"{LIST}/{comm.pk}/communication-outputs", {"kind": "article", "title": "Bài",
                                                                   "reach": -1}, format="json").status_code == 400
    assert CommunicationOutput.objects.count() == 1
    sxsh = make_scheme(personas["commune_officer_a"], [est_a], code="SX-1",
                       activity_type=activity("cleaner_production"))
    officer = api_for(personas["commune_officer_a"])
    url = f"{LIST}/{sxsh.pk}/cleaner-production-assessments"
    outside = officer.post(url, {"establishment": est_b.pk, "assessed_on": "2026-05-01"}, format="json")
    assert outside.status_code == 400 and "ngoài phạm vi" in outside.json()["establishment"][0]
    made = officer.post(url, {"establishment": est_a.pk, "assessed_on": "2026-05-01",
                              "annual_savings_vnd": 40_000_000}, format="json")
    assert made.status_code == 201 and CleanerProductionAssessment.objects.count() == 1


@pytest.mark.parametrize(("persona", "codes"), [
    # (GET demonstration list of machinery items, POST item)
    ("province_admin", (200, 201)), ("commune_officer_a", (200, 201)), ("commune_officer_b", (404, 404)),
    ("council_member", (200, 403)), ("establishment_rep", (200, 403)), ("auditor", (200, 403)),
    ("outsider", (404, 404)),
])
def test_details_api_matrix(personas, machinery, persona, codes) -> None:
    client = api_for(personas[persona])
    url = f"{LIST}/{machinery.pk}/machinery-items"
    got = (client.get(url).status_code,
           client.post(url, {"name": "Máy", "quantity": 1, "unit_price": 1}, format="json").status_code)
    assert got == codes


def test_settled_scheme_details_frozen(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "settled")
    response = api_for(admin).post(f"{LIST}/{scheme.pk}/machinery-items", {"name": "Máy", "quantity": 1,
                                                                           "unit_price": 1}, format="json")
    assert response.status_code in (400, 403) and not MachineryItem.objects.exists()


ATTACH = {"province_admin": (201, 200, 200), "commune_officer_a": (201, 200, 200),
          "commune_officer_b": (404, 404, 404), "council_member": (403, 200, 200),
          "establishment_rep": (403, 200, 200), "auditor": (403, 200, 200), "outsider": (404, 404, 404)}


@pytest.mark.parametrize(("persona", "codes"), ATTACH.items())
def test_attachments_api_matrix(personas, machinery, persona, codes) -> None:
    existing = services.attachment_add(actor=personas["province_admin"], scheme=machinery, kind="decision",
                                       upload=pdf())
    client = api_for(personas[persona])
    url = f"{LIST}/{machinery.pk}/attachments"
    posted = client.post(url, {"kind": "contract", "file": pdf("hop-dong.pdf")}, format="multipart")
    listed = client.get(url)
    download = client.get(f"{url}/{existing.pk}")
    assert (posted.status_code, listed.status_code, download.status_code) == codes
    if codes[2] == 200:
        assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
        assert {a["original_name"] for a in listed.json()} >= {"quyet-dinh.pdf"}


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "Chỉ nhận tệp"),
    (SimpleUploadedFile("fake.pdf", b"<html>"), "không đúng định dạng PDF"),
])
def test_attachments_api_bad_file_400(personas, machinery, upload, message) -> None:
    response = api_for(personas["province_admin"]).post(f"{LIST}/{machinery.pk}/attachments",
                                                        {"kind": "decision", "file": upload}, format="multipart")
    assert response.status_code == 400 and message in response.json()["file"][0]
    assert not SchemeAttachment.objects.exists()


def test_attachment_of_another_scheme_is_404(personas, machinery, est_a) -> None:
    other = make_scheme(personas["province_admin"], [est_a], code="X-2")
    made = services.attachment_add(actor=personas["province_admin"], scheme=other, kind="decision", upload=pdf())
    assert api_for(personas["province_admin"]).get(f"{LIST}/{machinery.pk}/attachments/{made.pk}").status_code == 404


def test_schema_lists_nested_endpoints(personas) -> None:
    paths = api_for(personas["auditor"]).get("/api/v1/schema", {"format": "json"}).json()["paths"]
    for path in ("/api/v1/schemes/{id}/demonstration", "/api/v1/schemes/{id}/machinery-items",
                 "/api/v1/schemes/{id}/machinery-items/{item_pk}", "/api/v1/schemes/{id}/communication-outputs",
                 "/api/v1/schemes/{id}/cleaner-production-assessments", "/api/v1/schemes/{id}/attachments",
                 "/api/v1/schemes/{id}/attachments/{attachment_pk}"):
        assert path in paths, path
