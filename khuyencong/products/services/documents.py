"""Uploaded product documents: the types a product dossier takes (the upload rule itself is ``core.uploads``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core import uploads

ACCEPTED = (".pdf", ".docx", ".jpg", ".jpeg", ".png")


def check_upload(upload: Any) -> str:
    """Validate an uploaded document and return its safe display name; refuses before anything is stored."""
    return uploads.check_document(upload, accepted=ACCEPTED, refusal=_("Chỉ nhận tệp PDF, DOCX, JPG hoặc PNG."))
