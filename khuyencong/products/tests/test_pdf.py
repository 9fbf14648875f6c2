"""PDF downloads of the juror score sheet and the certificate (WeasyPrint), parsed back with pypdf."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from khuyencong.products.models import CouncilMember
from khuyencong.products.tests.conftest import make_product, make_round, recognise, sheet

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def pdf_text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def certificate(personas, est_a, district):  # type: ignore[no-untyped-def]
    old = make_round(personas["province_officer"], year=2014, deadline=dt.date(2014, 11, 30), organiser=district)
    return recognise(make_product(est_a, "Nước mắm Phước Hải"), old, decided_on=dt.date(2014, 12, 20), number="9/QĐ")


def test_score_sheet_pdf_shows_product_juror_and_points(scoring_round, jury) -> None:
    from khuyencong.products import services

    nomination = scoring_round.nominations.order_by("pk").first()
    services.score_sheet_submit(actor=jury["j1"], nomination=nomination,
                                points={"1": "37.5", "2": "33", "3": "9", "4": "8"})
    member = CouncilMember.objects.get(user=jury["j1"])
    text = pdf_text(client_for(jury["j1"]).get(reverse("products:score_sheet_pdf", args=[scoring_round.pk, member.pk])))
    assert nomination.product.name in text
    assert jury["j1"].username in text or str(jury["j1"]) in text
    # Vietnamese number format: decimal comma.
    assert "37,50" in text and "33,00" in text and "87,50" in text
    assert "PHIẾU CHẤM ĐIỂM" in text.upper()


def test_score_sheet_pdf_is_refused_to_other_jurors_during_scoring(scoring_round, jury, personas) -> None:
    member = CouncilMember.objects.get(user=jury["j1"])
    url = reverse("products:score_sheet_pdf", args=[scoring_round.pk, member.pk])
    assert client_for(jury["j2"]).get(url).status_code == 403
    assert client_for(personas["province_officer"]).get(url).status_code == 403  # managers only after closing
    assert client_for(personas["outsider"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_score_sheet_pdf_open_to_secretary_after_closing(scoring_round, jury) -> None:
    from khuyencong.products import services

    for nomination in scoring_round.nominations.all():
        for key, total in (("j1", 80), ("j2", 75), ("j3", 90)):
            services.score_sheet_submit(actor=jury[key], nomination=nomination, points=sheet(total))
    services.round_close_scoring(actor=jury["secretary"], selection_round=scoring_round)
    member = CouncilMember.objects.get(user=jury["j3"])
    text = pdf_text(client_for(jury["secretary"]).get(
        reverse("products:score_sheet_pdf", args=[scoring_round.pk, member.pk])))
    assert "90,00" in text and "36,00" in text


def test_certificate_pdf(certificate, personas, est_a) -> None:
    text = pdf_text(client_for(personas["establishment_rep"]).get(
        reverse("products:certificate_pdf", args=[certificate.pk])))
    assert "Nước mắm Phước Hải" in text and est_a.name in text and certificate.number in text
    assert "GIẤY CHỨNG NHẬN" in text.upper()


@pytest.mark.parametrize(("persona", "status"), [
    ("province_admin", 200), ("province_officer", 200), ("commune_officer_a", 200), ("commune_officer_b", 404),
    ("council_member", 200), ("establishment_rep", 200), ("auditor", 200), ("outsider", 404),
])
def test_certificate_pdf_permissions(certificate, personas, persona, status) -> None:
    response = client_for(personas[persona]).get(reverse("products:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == status
