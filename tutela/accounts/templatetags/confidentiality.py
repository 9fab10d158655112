"""`{% readable obj "field" case as text %}`: a text that is not ordinary, for who may read its class (ADR 0017)."""

from __future__ import annotations

from typing import Any

from django import template

from tutela.accounts.access import readable_text

register = template.Library()


@register.simple_tag(takes_context=True)
def readable(context: template.Context, obj: Any, field: str, case: Any = None) -> str:
    """`obj.<field>` when the page's user may read its class on the case, else "" (the act shows, not its text)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return readable_text(user, case, obj, field)
