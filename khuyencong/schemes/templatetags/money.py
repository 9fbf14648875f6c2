"""{{ amount|vnd }} → "12.345.678": Vietnamese thousands separator, whatever the active locale does."""

from __future__ import annotations

from django import template

from khuyencong.schemes.services.common import vnd as format_vnd

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    return "—" if amount is None else format_vnd(amount)
