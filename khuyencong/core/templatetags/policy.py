"""``{% if user|may:"products.round_create" %}`` and ``{% main_menu %}`` — the same checks the views apply."""

from __future__ import annotations

from typing import Any

from django import template

from khuyencong.core import navigation, permissions

register = template.Library()


@register.filter(name="may")
def may(user: Any, name: str) -> bool:
    return permissions.may(user, name)


@register.simple_tag(takes_context=True)
def main_menu(context: Any) -> list[dict[str, Any]]:
    request = context.get("request")
    if request is None or not getattr(request, "user", None):
        return []
    return navigation.menu_for(request.user, request.path)
