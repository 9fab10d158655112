"""Re-authentication ("sudo mode", ADR 0007): sensitive steps ask for the password again, and for a current
second-factor code when the user has one, whatever the age of the session.

The time of the last confirmation is kept in the session together with the user's id; `require_reauth` sends
the user to `accounts:reauth` when it is older than the window, or older than the moment a view names (a fresh
window: break-the-glass wants a confirmation given after the reason was stated, not one from before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from tutela.accounts.twofactor import has_second_factor, verify_second_factor
from tutela.audit.services import audit_record
from tutela.core.forms import StyledForm

SESSION_KEY = "tutela_reauth"
WINDOW_SECONDS = 300

View = Callable[..., HttpResponseBase]  # streamed downloads too


def reauthenticated_at(request: HttpRequest) -> dt.datetime | None:
    """When the user last confirmed their identity in this session, or None."""
    stored = request.session.get(SESSION_KEY)
    user = getattr(request, "user", None)
    if not isinstance(stored, dict) or user is None or not user.is_authenticated:
        return None
    if stored.get("user") != user.pk or not isinstance(stored.get("at"), (int, float)):
        return None
    return dt.datetime.fromtimestamp(stored["at"], tz=dt.UTC)


def recently_authenticated(
    request: HttpRequest, within_seconds: int = WINDOW_SECONDS, *, since: dt.datetime | None = None
) -> bool:
    """True when the user confirmed their identity less than `within_seconds` ago (and not before `since`)."""
    at = reauthenticated_at(request)
    if at is None:
        return False
    age = (timezone.now() - at).total_seconds()
    if since is not None and at < since:
        return False
    return 0 <= age <= within_seconds


def reauth_mark(request: HttpRequest) -> None:
    """Record a confirmation now; the session key changes, as on any rise of privilege."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"user": request.user.pk, "at": timezone.now().timestamp()}


def reauth_url(next_url: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_url})}"


def require_reauth(
    view: View | None = None,
    *,
    within_seconds: int = WINDOW_SECONDS,
    since: Callable[[HttpRequest], dt.datetime | None] | None = None,
) -> Any:
    """Decorator: the view runs only after a recent re-authentication, otherwise the user is sent to confirm
    and then back to this URL (by GET: what a POST carried must be sent again).

    `since(request)` may name a moment the confirmation must follow (a fresh window for one act)."""

    def decorator(view_func: View) -> View:
        @wraps(view_func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            after = since(request) if since is not None else None
            if recently_authenticated(request, within_seconds, since=after):
                return view_func(request, *args, **kwargs)
            target = reauth_url(request.get_full_path())
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(target)
            return HttpResponseRedirect(target)

        return wrapper

    return decorator(view) if view is not None else decorator


class ReauthForm(StyledForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label=_("Codice di verifica"),
        max_length=20,
        help_text=_(
            "Il codice di 6 cifre mostrato dall'app di autenticazione, oppure un codice di emergenza."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.failed_factor = ""
        if not has_second_factor(request.user):
            del self.fields["otp_token"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        user = self.request.user
        # authenticate() rather than check_password: a wrong password counts towards the lockout like at login.
        checked = authenticate(self.request, username=user.get_username(), password=cleaned.get("password"))
        if checked is None or checked.pk != user.pk:
            self.failed_factor = "password"
        elif "otp_token" in self.fields and not verify_second_factor(user, cleaned.get("otp_token", "")):
            self.failed_factor = "second_factor"
        if self.failed_factor:
            raise forms.ValidationError(_("Password o codice di verifica non corretti."), code="invalid")
        return cleaned


def safe_next(request: HttpRequest) -> str:
    """The local page to go back to; anything else (another host, another scheme) becomes the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password", "otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm your identity: the password, and a second-factor code when the user has one."""
    user: Any = request.user  # logged in: LoginRequiredMiddleware
    next_url = safe_next(request)
    form = ReauthForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST":
        if form.is_valid():
            reauth_mark(request)
            audit_record(actor=user, action="accounts.user.reauthenticated", obj=user)
            return HttpResponseRedirect(next_url)
        if form.failed_factor:
            audit_record(
                actor=user,
                action="accounts.user.reauthentication_failed",
                obj=user,
                data={"factor": form.failed_factor},
            )
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": next_url, "second_factor": "otp_token" in form.fields},
    )
