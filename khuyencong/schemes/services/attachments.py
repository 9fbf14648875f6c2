"""Attached documents: stored under MEDIA_ROOT with generated names, checked by ``core.uploads``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import uploads
from khuyencong.core.services import attribute
from khuyencong.schemes.models import AttachmentKind, Scheme, SchemeAttachment
from khuyencong.schemes.policy import may_edit

ACCEPTED = (".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png")


@transaction.atomic
def attachment_add(*, actor: User, scheme: Scheme, kind: str, upload: UploadedFile) -> SchemeAttachment:
    require(may_edit(actor, scheme), _("Bạn không có quyền đính kèm tài liệu cho đề án này."))
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Loại tài liệu không hợp lệ.")})
    name = uploads.check_document(upload, accepted=ACCEPTED,
                                  refusal=_("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG."))
    attachment = SchemeAttachment(scheme=scheme, kind=kind, original_name=name, size=upload.size or 0,
                                  uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    with uploads.removed_unless_saved(attachment.file):
        attachment.full_clean()
        attribute(attachment, actor)
        attachment.save()
    return attachment
