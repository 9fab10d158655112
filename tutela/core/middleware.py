"""Response headers Django's own security middleware does not set, and inert bidirectional text (ADR 0010)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

from tutela.core.bidi import BIDI_CONTROL_RE, bidi_escape


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


class BidiControlMiddleware:
    """Shows every bidirectional control of an HTML answer as its visible marker, "[U+202E]" (ADR 0010).

    Names and subjects refuse them, but long texts (journal, narratives, minutes) keep them as typed, and
    older rows may hold them anywhere: rendered raw, they would make a name read as another. Tutela's own
    templates never contain them, so the whole body can be rewritten; the marker holds no markup, so it is
    safe inside attributes and text areas alike (re-saving such a text then stores the marker).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponse)  # not streamed: files and exports are left alone
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Encoding")
        ):
            body = response.content.decode(response.charset, errors="surrogateescape")
            if BIDI_CONTROL_RE.search(body):
                response.content = bidi_escape(body).encode(response.charset, errors="surrogateescape")
                if response.has_header("Content-Length"):  # set by CommonMiddleware, inside this one
                    response["Content-Length"] = str(len(response.content))
        return response
