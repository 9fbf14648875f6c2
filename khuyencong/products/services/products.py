"""Writes on products, their documents and other certifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.models import User
from khuyencong.accounts.policy import require
from khuyencong.core import services as core
from khuyencong.core import uploads
from khuyencong.core.text import normalize
from khuyencong.products.models import DocumentKind, OtherCertification, Product, ProductDocument
from khuyencong.products.policy import may_edit_product_of
from khuyencong.products.services.documents import check_upload

_FIELDS = {"establishment", "name", "group", "description", "one_off"}


def _check_group(product: Product) -> None:
    if product.group_id is not None and not product.group.is_valid_on(timezone.localdate()):
        raise ValidationError({"group": _("Nhóm sản phẩm này không còn hiệu lực.")})


@transaction.atomic
def product_create(*, actor: User, data: Mapping[str, Any]) -> Product:
    unknown = set(data) - _FIELDS
    if unknown:
        raise ValidationError({"__all__": _("Trường không hợp lệ: %(f)s") % {"f": ", ".join(sorted(unknown))}})
    product = Product(**data)
    product.name = normalize(product.name or "")
    require(product.establishment_id is not None and may_edit_product_of(actor, product.establishment),
            _("Bạn chỉ được đăng ký sản phẩm của cơ sở mình quản lý."))
    _check_group(product)
    return core.save_new(product, actor=actor)


@transaction.atomic
def product_update(*, actor: User, product: Product, data: Mapping[str, Any], expected_version: int | None) -> Product:
    require(may_edit_product_of(actor, product.establishment))
    for key, value in data.items():
        if key not in _FIELDS - {"establishment"}:
            raise ValidationError({key: _("Không được sửa trường này.")})
        setattr(product, key, value)
    product.name = normalize(product.name)
    _check_group(product)
    return core.save_changes(product, actor=actor, expected_version=expected_version)


@transaction.atomic
def product_document_add(*, actor: User, product: Product, kind: str, title: str = "", file: Any = None,
                         ) -> ProductDocument:
    require(may_edit_product_of(actor, product.establishment),
            _("Bạn chỉ được bổ sung giấy tờ cho sản phẩm của cơ sở mình quản lý."))
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Loại giấy tờ không hợp lệ.")})
    name = check_upload(file) if file is not None else ""
    document = ProductDocument(product=product, kind=kind, title=normalize(title) or name)
    document.full_clean(exclude=["product", "file"])
    if file is None:
        return core.save_new(document, actor=actor)
    document.file.save(name, file, save=False)
    with uploads.removed_unless_saved(document.file):
        return core.save_new(document, actor=actor)


@transaction.atomic
def product_register(*, actor: User, data: Mapping[str, Any], documents: list[tuple[str, Any]]) -> Product:
    """A product with its dossier documents in one go: a refused file leaves no product behind."""
    for _kind, upload in documents:
        check_upload(upload)
    product = product_create(actor=actor, data=data)
    for kind, upload in documents:
        product_document_add(actor=actor, product=product, kind=kind, file=upload)
    return product


@transaction.atomic
def other_certification_add(*, actor: User, product: Product, data: Mapping[str, Any]) -> OtherCertification:
    require(may_edit_product_of(actor, product.establishment))
    return core.save_new(OtherCertification(product=product, **data), actor=actor)
