"""`manage.py check --deploy`: the SINBA pseudonym key is set (ADR 0012)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def returns_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.TUTELA_RETURNS_KEY:
        return []
    return [
        Error(
            "TUTELA_RETURNS_KEY is not set: SINBA exports cannot compute the children's pseudonyms.",
            hint="Set it to urlsafe base64 of 32 random bytes from the secret store, and never change it (ADR 0012).",
            id="returns.E001",
        )
    ]
