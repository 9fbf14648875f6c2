"""Money display: Vietnamese reports group thousands with dots (6.500.000 đ), whatever the locale setting."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def vnd(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")
