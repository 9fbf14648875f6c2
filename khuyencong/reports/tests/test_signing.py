"""Digital signatures of issued reports: pdfsig and pyHanko verify them; bad certificates and tampered
uploads are refused with a Vietnamese message and nothing is saved."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from khuyencong.reports import signing
from khuyencong.reports.models import IssuedReport
from khuyencong.reports.tests.test_issuing import ISSUE, api_for, client_for

PASSPHRASE = "mat-khau-chung-thu"


@pytest.fixture
def org_certificate(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "org.p12"
    path.write_bytes(signing.make_pkcs12(organisation="Sở Công Thương Thử nghiệm", passphrase=PASSPHRASE))
    settings.REPORT_SIGNING_PKCS12, settings.REPORT_SIGNING_PASSPHRASE = str(path), PASSPHRASE
    return path


@pytest.fixture
def report(personas, db) -> IssuedReport:
    response = client_for(personas["province_officer"]).post("/bao-cao/ban-hanh/", ISSUE)
    assert response.status_code == 302
    return IssuedReport.objects.get()


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (poppler-utils) is not installed; .ci/run installs it")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout  # noqa: S603, S607


def _pyhanko_status(pdf: bytes):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return validate_pdf_signature(sig, ValidationContext(trust_roots=signing.organisation_trust_roots()))


def test_signed_pdf_verifies_with_pdfsig_and_pyhanko(personas, report, org_certificate, tmp_path) -> None:
    client = client_for(personas["province_officer"])
    assert "Ký số bằng chứng thư của cơ quan" in client.get(f"/bao-cao/da-ban-hanh/{report.pk}/").content.decode()
    response = client.post(f"/bao-cao/da-ban-hanh/{report.pk}/ky-so/")
    assert response.status_code == 302
    stored = IssuedReport.objects.get(pk=report.pk)
    signed = bytes(stored.signed_pdf)
    assert signed.startswith(bytes(report.pdf)) and stored.signature_source == "organisation"
    assert "Sở Công Thương Thử nghiệm" in stored.signature_signer and stored.signature_trusted
    status = _pyhanko_status(signed)
    assert status.intact and status.valid and status.trusted
    out = _pdfsig(signed, tmp_path)
    assert "Signature is Valid" in out and "Total document signed" in out
    page = client.get(f"/bao-cao/da-ban-hanh/{report.pk}/").content.decode()
    assert "Đã ký số" in page and stored.signed_pdf_sha256 in page
    again = client.post(f"/bao-cao/da-ban-hanh/{report.pk}/ky-so/")
    assert again.status_code == 400 and "đã có bản ký số" in again.content.decode()


def _refused_signing(personas, report: IssuedReport, message: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(personas["province_officer"]).post(f"/bao-cao/da-ban-hanh/{report.pk}/ky-so/")
    assert response.status_code == 400 and message in response.content.decode()
    api = api_for(personas["province_officer"]).post(f"/api/v1/issued-reports/{report.pk}/sign")
    assert api.status_code == 400 and message in api.json()["signature"][0]
    assert IssuedReport.objects.get(pk=report.pk).signed_pdf_sha256 == ""


def test_wrong_passphrase_is_refused(personas, report, org_certificate, settings) -> None:
    settings.REPORT_SIGNING_PASSPHRASE = "sai-mat-khau"
    _refused_signing(personas, report, "Mật khẩu của chứng thư số không đúng")


def test_expired_certificate_is_refused(personas, report, tmp_path, settings) -> None:
    path = tmp_path / "expired.p12"
    path.write_bytes(signing.make_pkcs12(organisation="Sở Công Thương", passphrase=PASSPHRASE, valid_days=30,
                                         not_before=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)))
    settings.REPORT_SIGNING_PKCS12, settings.REPORT_SIGNING_PASSPHRASE = str(path), PASSPHRASE
    _refused_signing(personas, report, "Chứng thư số của cơ quan đã hết hạn ngày 31/01/2025")


def test_production_refuses_to_sign_without_a_certificate(personas, report, settings) -> None:
    settings.REPORT_SIGNING_PKCS12, settings.REPORT_SIGNING_DEMO = "", False
    _refused_signing(personas, report, "Chưa cấu hình chứng thư số của cơ quan")


def _upload(client: Client, report: IssuedReport, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(f"/bao-cao/da-ban-hanh/{report.pk}/tai-len-ban-ky/",
                       {"signed_pdf": SimpleUploadedFile("ky.pdf", content, content_type="application/pdf")})


def test_uploaded_signed_copy_is_kept_only_when_valid_and_the_issued_document(personas, report,
                                                                              org_certificate) -> None:
    client, issued = client_for(personas["province_officer"]), bytes(report.pdf)
    signed = signing.sign_pdf(issued, reason="Ký bằng USB token", location="TP HCM")
    broken = bytearray(signed)
    broken[len(issued) // 2] ^= 0x01  # one byte of the issued content, inside the signed range
    from weasyprint import HTML

    other = signing.sign_pdf(HTML(string="<p>Văn bản khác</p>").write_pdf(), reason="Khác", location="TP HCM")
    padded = signing.sign_pdf(issued + b"% chen them\n", reason="Khác", location="TP HCM")
    cases = [(issued, "chưa được ký số"), (bytes(broken), "Chữ ký số không hợp lệ"),
             (other, "không phải là văn bản đã ban hành"), (padded, "không phải là văn bản đã ban hành"),
             (b"not a pdf", "không đọc được như một tệp PDF"),
             (signed + b"\n% appended after signing\n", "thêm nội dung sau chữ ký")]
    for content, message in cases:
        response = _upload(client, report, content)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
        assert IssuedReport.objects.get(pk=report.pk).signed_pdf_sha256 == ""
    api = api_for(personas["province_officer"]).post(
        f"/api/v1/issued-reports/{report.pk}/signed-pdf",
        {"signed_pdf": SimpleUploadedFile("ky.pdf", bytes(broken), content_type="application/pdf")},
        format="multipart")
    assert api.status_code == 400 and "Chữ ký số không hợp lệ" in api.json()["signed_pdf"][0]

    accepted = _upload(client, report, signed)
    assert accepted.status_code == 302
    stored = IssuedReport.objects.get(pk=report.pk)
    assert bytes(stored.signed_pdf) == signed and stored.signature_source == "uploaded"
    assert bytes(stored.pdf) == issued  # the issued document itself never changes


def test_cli_writes_a_signed_pdf(db, org_certificate, tmp_path) -> None:
    output = tmp_path / "bao-cao.pdf"
    call_command("report", "--from", "2026-01-01", "--to", "2026-11-26", "--format", "pdf", "--sign",
                 "--output", str(output))
    signed = output.read_bytes()
    assert _pyhanko_status(signed).intact and "Signature is Valid" in _pdfsig(signed, tmp_path)


def test_cli_refuses_to_sign_without_a_certificate_in_production(db, settings, tmp_path) -> None:
    settings.REPORT_SIGNING_PKCS12, settings.REPORT_SIGNING_DEMO = "", False
    output = tmp_path / "bao-cao.pdf"
    with pytest.raises(CommandError, match="Chưa cấu hình chứng thư số của cơ quan"):
        call_command("report", "--from", "2026-01-01", "--to", "2026-11-26", "--format", "pdf", "--sign",
                     "--output", str(output))
    assert not output.exists()
    with pytest.raises(CommandError, match="--sign chỉ dùng với --format pdf"):
        call_command("report", "--from", "2026-01-01", "--to", "2026-11-26", "--format", "docx", "--sign",
                     "--output", str(output))


def test_demo_certificate_signs_out_of_the_box(settings, tmp_path) -> None:
    settings.VAR_DIR, settings.REPORT_SIGNING_PKCS12, settings.REPORT_SIGNING_DEMO = tmp_path, "", True
    from weasyprint import HTML

    signed = signing.sign_pdf(HTML(string="<p>Báo cáo</p>").write_pdf(), reason="Thử", location="TP HCM")
    assert signing.demo_certificate_path().exists()
    assert "Sở Công Thương (demo)" in signing.describe(signed).signer
