"""Login, second factor, password change, logout and the SSO endpoints (ADR 0006)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import RedirectView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from tutela.accounts import twofactor
from tutela.accounts.forms_auth import EnrolForm, LoginForm, TokenForm, TutelaPasswordChangeForm
from tutela.accounts.oidc import TutelaOIDCCallbackView, oidc_enabled
from tutela.audit.services import audit_record


def _next_url(request: HttpRequest) -> str:
    """The page asked for before the second factor, when it is on this site; else "Da fare"."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def _second_factor_passed(request: HttpRequest, device: Any) -> None:
    """Bind the device to the session under a new session key (the session just gained privileges)."""
    otp_login(request, device)
    request.session.cycle_key()


class TutelaLoginView(auth_views.LoginView):
    form_class = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc_enabled()}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        self.request.session.pop(twofactor.SESSION_IDP_MFA, None)  # a password login is vouched by no one
        audit_record(actor=form.get_user(), action="accounts.user.logged_in", data={"method": "password"})
        return response


class TutelaLogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="accounts.user.logged_out")
        return super().post(request, *args, **kwargs)


@twofactor.second_factor_exempt
@sensitive_post_parameters("token")
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the login: a TOTP code or a backup code."""
    user = request.user
    if _is_verified(request):
        return HttpResponseRedirect(_next_url(request))
    has_device = twofactor.has_second_factor(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and has_device and form.is_valid():
        device = twofactor.match_second_factor(user, form.cleaned_data["token"])
        if device is not None:
            _second_factor_passed(request, device)
            if isinstance(device, StaticDevice):
                left = twofactor.backup_codes_left(user)
                audit_record(actor=user, action="accounts.two_factor.backup_code_used", data={"left": left})
                messages.warning(request, _backup_code_message(left))
            else:
                audit_record(actor=user, action="accounts.two_factor.verified")
            return HttpResponseRedirect(_next_url(request))
        audit_record(actor=user, action="accounts.two_factor.failed")
        form.add_error(
            "token", _("Codice non valido, scaduto o già usato. Dopo più errori bisogna attendere.")
        )
    context = {"form": form, "has_device": has_device, "next": _next_url(request)}
    return render(request, "accounts/two_factor_verify.html", context)


def _backup_code_message(left: int) -> str:
    return _(
        "Hai usato un codice di emergenza: ne restano %(left)d. Se hai perso il telefono, configura di nuovo "
        "l'app da «Sicurezza dell'account»."
    ) % {"left": left}


@twofactor.second_factor_exempt
@sensitive_post_parameters("token")
@never_cache
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Configure the authenticator app: QR code and secret, a code to confirm, then the backup codes once."""
    user = request.user
    if twofactor.has_second_factor(user) and not _is_verified(request):
        # Replacing a confirmed device takes the current one first: a password alone must not do it.
        return redirect("accounts:two_factor_verify")
    device = twofactor.totp_device_start(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = twofactor.normalise_token(form.cleaned_data["token"])
        if token.isdigit() and device.verify_token(token):
            codes = _enrol_confirm(user, device)
            _second_factor_passed(request, device)
            audit_record(actor=user, action="accounts.two_factor.enrolled", obj=device)
            return _backup_codes_page(request, codes, enrolled=True)
        form.add_error("token", _("Il codice non corrisponde: controlla l'ora del telefono e riprova."))
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _secret_text(device),
        "next": _next_url(request),
        "replacing": twofactor.has_second_factor(user),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@transaction.atomic
def _enrol_confirm(user: Any, device: TOTPDevice) -> list[str]:
    """The new device replaces any previous one; the backup codes are new too."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return twofactor.backup_codes_generate(user)


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=4, svgclass="tutela-qr", title=_("Codice QR per l'app di autenticazione"))
    # segno's own markup: the URL is drawn as modules, the title is ours.
    return mark_safe(svg)


def _secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _backup_codes_page(request: HttpRequest, codes: list[str], *, enrolled: bool) -> HttpResponse:
    context = {
        "codes": [twofactor.format_backup_code(c) for c in codes],
        "enrolled": enrolled,
        "next": _next_url(request),
    }
    return render(request, "accounts/backup_codes.html", context)


@never_cache
@sensitive_post_parameters("token")
def security(request: HttpRequest) -> HttpResponse:
    """The user's own security page: second factor, backup codes left, password change."""
    user = request.user
    has_device = twofactor.has_second_factor(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and has_device and form.is_valid():
        if twofactor.verify_second_factor(user, form.cleaned_data["token"]):
            codes = twofactor.backup_codes_generate(user)
            audit_record(actor=user, action="accounts.two_factor.backup_codes_regenerated")
            return _backup_codes_page(request, codes, enrolled=False)
        audit_record(actor=user, action="accounts.two_factor.failed")
        form.add_error("token", _("Codice non valido, scaduto o già usato."))
    context = {
        "form": form,
        "has_device": has_device,
        "backup_codes_left": twofactor.backup_codes_left(user),
        "two_factor_required": twofactor.two_factor_required(),
    }
    return render(request, "accounts/security.html", context)


class TutelaPasswordChangeView(auth_views.PasswordChangeView):
    form_class = TutelaPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="accounts.user.password_changed")
        messages.success(self.request, _("Password cambiata."))
        return response


@login_not_required
@twofactor.second_factor_exempt
def oidc_start(request: HttpRequest) -> HttpResponse:
    """To the organisation's identity provider (404 when single sign-on is not configured)."""
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


@login_not_required
@twofactor.second_factor_exempt
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider."""
    if not oidc_enabled():
        raise Http404
    return TutelaOIDCCallbackView.as_view()(request)


admin_login_redirect = login_not_required(
    twofactor.second_factor_exempt(RedirectView.as_view(pattern_name="login", query_string=True))
)
