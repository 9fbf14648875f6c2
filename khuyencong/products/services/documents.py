"""Uploaded product documents: type whitelist checked on content, size cap, generated storage names."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# Extension → leading bytes the content must start with (an extension alone proves nothing).
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def safe_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name  # drop any directory part a client sent
    try:
        return get_valid_filename(base)[:200]
    except SuspiciousFileOperation:  # names like ".." or empty
        return "tep"


def check_upload(upload: Any) -> str:
    """Validate an uploaded file and return its safe display name; refuses before anything is stored."""
    name = safe_name(getattr(upload, "name", "") or "")
    suffix = PurePath(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError({"file": _("Chỉ nhận tệp PDF, DOCX, JPG hoặc PNG.")})
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn: tối đa 10 MB.")})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
        raise ValidationError({"file": _("Nội dung tệp không đúng định dạng %(ext)s.") % {"ext": suffix[1:].upper()}})
    return name
