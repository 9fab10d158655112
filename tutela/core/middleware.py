"""Response headers Django's own security middleware does not set (ADR 0010)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; Cache-Control: no-store on every answer to a logged-in user.

    Every page behind the login shows personal data of children and families, and so do the documents: none
    of it may stay in the browser's cache or in a shared proxy. Static files are served by WhiteNoise before
    authentication runs, so they keep their long cache lifetime.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = settings.TUTELA_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)  # absent when WhiteNoise answered before authentication
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
