"""Attachments: type and size limits, stored under MEDIA_ROOT, served only to users who see the scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from khuyencong.core.errors import PermissionDeniedError
from khuyencong.core.uploads import MAX_BYTES
from khuyencong.schemes import services
from khuyencong.schemes.models import SchemeAttachment, SchemeEvent
from khuyencong.schemes.tests.conftest import make_scheme, walk

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n"


def pdf(name: str = "quyet-dinh.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_good_pdf_is_stored_outside_db_with_generated_name(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    made = services.attachment_add(actor=personas["province_admin"], scheme=scheme, kind="decision",
                                   upload=pdf("../../etc/passwd.pdf"))
    stored = Path(settings.MEDIA_ROOT) / made.file.name
    assert stored.read_bytes() == PDF and made.original_name == "passwd.pdf"
    assert ".." not in made.file.name and made.file.name.startswith(f"schemes/{scheme.pk}/")


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "Chỉ nhận tệp"),
    (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"), "không đúng định dạng PDF"),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_BYTES), "tối đa 10 MB"),
    (SimpleUploadedFile("noext", PDF), "Chỉ nhận tệp"),
])
def test_bad_files_refused_nothing_saved(personas, est_a, upload, message) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(actor=personas["province_admin"], scheme=scheme, kind="decision", upload=upload)
    assert message in exc.value.message_dict["file"][0]
    assert not SchemeAttachment.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_readers_cannot_attach(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    with pytest.raises(PermissionDeniedError):
        services.attachment_add(actor=personas["auditor"], scheme=scheme, kind="decision", upload=pdf())


DOWNLOAD = {"province_admin": 200, "commune_officer_a": 200, "commune_officer_b": 404, "council_member": 200,
            "establishment_rep": 200, "auditor": 200, "outsider": 404}


@pytest.mark.parametrize(("persona", "code"), DOWNLOAD.items())
def test_download_only_for_users_who_see_the_scheme(personas, est_a, persona, code) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    made = services.attachment_add(actor=personas["province_admin"], scheme=scheme, kind="contract", upload=pdf())
    client = Client()
    client.force_login(personas[persona])
    response = client.get(reverse("schemes:attachment", args=[made.pk]))
    assert response.status_code == code
    if code == 200:
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        assert 'filename="quyet-dinh.pdf"' in response["Content-Disposition"]


def test_web_upload_wrong_type_is_400(personas, est_a) -> None:
    scheme = make_scheme(personas["province_admin"], [est_a])
    client = Client()
    client.force_login(personas["province_admin"])
    response = client.post(reverse("schemes:attach", args=[scheme.pk]), {
        "kind": "decision", "file": SimpleUploadedFile("x.txt", b"hello")})
    assert response.status_code == 400 and "Chỉ nhận tệp" in response.content.decode()
    assert not SchemeAttachment.objects.exists()


def test_transition_with_document_links_event(personas, est_a, plan) -> None:
    admin = personas["province_admin"]
    scheme = walk(admin, make_scheme(admin, [est_a]), plan, "approved")
    client = Client()
    client.force_login(admin)
    response = client.post(reverse("schemes:transition", args=[scheme.pk]), {
        "target": "contracted", "contract_no": "HĐ-1", "contract_date": "2026-03-20", "version": scheme.version,
        "document_kind": "contract", "document": pdf("hop-dong.pdf")})
    assert response.status_code == 302
    event = SchemeEvent.objects.get(scheme=scheme, to_status="contracted")
    assert event.attachment is not None and event.attachment.original_name == "hop-dong.pdf"
    bad = client.post(reverse("schemes:transition", args=[scheme.pk]), {
        "target": "in_progress", "version": scheme.version + 1, "document_kind": "other",
        "document": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400 and SchemeAttachment.objects.count() == 1
