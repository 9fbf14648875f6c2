"""Write helpers every domain service uses: validation, optimistic locking and audit attribution."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from khuyencong.core.errors import PermissionDeniedError, StaleEditError
from khuyencong.core.models import TrackedModel

T = TypeVar("T", bound=TrackedModel)

# Roles that never write, whatever an app's policy says (a last guard under every service): the
# auditor inspects the records and the audit trail and must leave no trace in them.
READ_ONLY_ROLES = {"auditor"}


def refuse_read_only(actor: Any) -> None:
    if getattr(actor, "role", None) in READ_ONLY_ROLES:
        raise PermissionDeniedError()


def attribute(instance: models.Model, actor: Any) -> None:
    """Name ``actor`` in the history row the next save of ``instance`` writes (django-simple-history reads it)."""
    setattr(instance, "_history_user", actor)  # noqa: B010  # an attribute the model class does not declare


def save_new(instance: T, *, actor: Any) -> T:
    """Validate and insert a record, attributing it (and its first history row) to ``actor``."""
    refuse_read_only(actor)
    instance.created_by = actor
    instance.updated_by = actor
    instance.full_clean()
    attribute(instance, actor)  # read by django-simple-history
    instance.save()
    return instance


def save_changes(instance: T, *, actor: Any, expected_version: int | None) -> T:
    """Validate and update a record only if nobody saved it since ``expected_version`` was read.

    The version bump is a conditional UPDATE, so two concurrent editors cannot both pass the check
    on either database (SQLite has no row locks).
    """
    refuse_read_only(actor)
    instance.updated_by = actor
    instance.full_clean()
    manager: models.Manager[Any] = type(instance)._default_manager
    current = expected_version if expected_version is not None else instance.version
    bumped = manager.filter(pk=instance.pk, version=current).update(version=models.F("version") + 1)
    if not bumped:
        raise StaleEditError()
    instance.version = current + 1
    attribute(instance, actor)
    instance.save()
    return instance


def delete_record(instance: models.Model, *, actor: Any) -> None:
    """Delete a record; the history library keeps a '-' row naming who deleted it."""
    refuse_read_only(actor)
    attribute(instance, actor)
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        # Other records still point at this one (a scheme's beneficiary, a fair's participation…):
        # a 400 that names them, never a 500.
        linked = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        kinds = ", ".join(sorted({str(obj._meta.verbose_name) for obj in linked}))
        message = _("Không thể xóa vì còn hồ sơ liên quan: %(kinds)s.") % {"kinds": kinds}
        raise ValidationError({"__all__": message}) from None
