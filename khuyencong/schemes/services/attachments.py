"""Attached documents: stored under MEDIA_ROOT with generated names, checked for type and size."""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core.services import attribute
from khuyencong.schemes.models import AttachmentKind, Scheme, SchemeAttachment
from khuyencong.schemes.policy import may_edit

MAX_BYTES = 10 * 1024 * 1024
# Extension → leading bytes the content must start with (an extension alone proves nothing).
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def _safe_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name  # drop any directory part a client sent
    try:
        return get_valid_filename(base)[:200]
    except SuspiciousFileOperation:  # names like ".." or empty
        return "tep"


def _check(upload: UploadedFile, name: str) -> None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError({"file": _("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG.")})
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn: tối đa 10 MB.")})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
        raise ValidationError({"file": _("Nội dung tệp không đúng định dạng %(ext)s.") % {"ext": suffix[1:].upper()}})


@transaction.atomic
def attachment_add(*, actor: User, scheme: Scheme, kind: str, upload: UploadedFile) -> SchemeAttachment:
    require(may_edit(actor, scheme), _("Bạn không có quyền đính kèm tài liệu cho đề án này."))
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Loại tài liệu không hợp lệ.")})
    name = _safe_name(upload.name or "")
    _check(upload, name)
    attachment = SchemeAttachment(scheme=scheme, kind=kind, original_name=name, size=upload.size or 0,
                                  uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    try:  # a refused record must not leave an orphan file under MEDIA_ROOT
        attachment.full_clean()
        attribute(attachment, actor)
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
