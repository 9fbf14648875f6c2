"""Finding one record of a user's scope for a page."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

_Record = TypeVar("_Record", bound=Model)


def one_or_404(items: QuerySet[_Record], pk: Any) -> _Record:
    """The record ``pk`` names among ``items`` (what the user may see), or 404: a malformed number and a
    record outside the scope read alike, as one that does not exist (never a hint that it does)."""
    try:
        return items.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):  # the DoesNotExist of items' model
        raise Http404 from None
