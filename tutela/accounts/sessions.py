"""Session limits (ADR 0006): an idle timeout and an absolute lifetime from login, checked on every request.

Django's own expiry (SESSION_COOKIE_AGE) only knows "since the last save"; the login time and the last
activity are kept in the session so that both limits hold whatever the session store does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record

LOGIN_AT = "tutela_login_at"
LAST_SEEN = "tutela_last_seen"
# The last activity is written at most this often, so that a burst of requests is not a burst of writes.
TOUCH_EVERY_SECONDS = 60


def session_start(request: HttpRequest) -> None:
    """Stamp a new login (user_logged_in): both limits count from now."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now


def session_expiry_reason(session: Any, now: float) -> str | None:
    """ "idle", "absolute" or None: which limit the session has passed."""
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN, login_at)
    if login_at is None or last_seen is None:
        return None
    if now - login_at > settings.TUTELA_SESSION_MAX_SECONDS:
        return "absolute"
    if now - last_seen > settings.TUTELA_SESSION_IDLE_SECONDS:
        return "idle"
    return None


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    """To the login page, back to this page afterwards; htmx requests reload the whole page instead."""
    login_url = reverse(settings.LOGIN_URL)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        login_url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login_url
        return response
    return HttpResponseRedirect(login_url)


def expired_message(reason: str) -> str:
    if reason == "idle":
        return _("La sessione è scaduta dopo %(minutes)d minuti di inattività: accedi di nuovo.") % {
            "minutes": settings.TUTELA_SESSION_IDLE_SECONDS // 60
        }
    return _("La sessione è durata più di %(hours)d ore: per sicurezza accedi di nuovo.") % {
        "hours": settings.TUTELA_SESSION_MAX_SECONDS // 3600
    }


class SessionTimeoutMiddleware:
    """Log out a session idle too long or open too long; after AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            if LOGIN_AT not in request.session:  # a session from before the limits existed
                session_start(request)
            reason = session_expiry_reason(request.session, now)
            if reason is not None:
                response = self._expire(request, user, reason)
                if request.path != reverse(settings.LOGIN_URL):
                    return response
                # On the login page itself the old session just ends: a login being typed goes through.
            elif now - request.session.get(LAST_SEEN, 0) >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)

    def _expire(self, request: HttpRequest, user: Any, reason: str) -> HttpResponse:
        audit_record(actor=user, action="accounts.session.expired", data={"reason": reason})
        logout(request)
        messages.warning(request, expired_message(reason))
        return redirect_to_login(request)
