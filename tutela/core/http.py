"""Request helpers shared by the lockout and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry appended by the last trusted proxy.

    Only TUTELA_TRUSTED_PROXY_COUNT proxies are believed; anything further left was written by the client.
    """
    proxies = getattr(settings, "TUTELA_TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
