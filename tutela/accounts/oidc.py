"""Single sign-on with the organisation's OpenID Connect provider (SPID/CIE gateway or the body's own IdP).

Optional: on only when TUTELA_OIDC_CLIENT_ID is set. The provider proves who the person is; Tutela decides what
they may see, so a person is admitted only when they match exactly one active Tutela user with an active role.
No user is ever created from the provider's claims (ADR 0006).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from tutela.accounts.models import User
from tutela.accounts.twofactor import SESSION_IDP_MFA
from tutela.audit.services import audit_record

log = logging.getLogger(__name__)


def oidc_enabled() -> bool:
    return bool(getattr(settings, "TUTELA_OIDC_ENABLED", False))


def refusal_no_user() -> str:
    return _(
        "Il tuo account dell'ente non corrisponde a nessun utente abilitato di Tutela. "
        "Chiedi all'amministratore di sistema di abilitarti: Tutela non crea utenti in automatico."
    )


def refusal_no_role() -> str:
    return _(
        "Il tuo utente di Tutela non ha alcun ruolo attivo: chiedi all'amministratore di sistema di "
        "assegnarti un ruolo."
    )


def oidc_match_user(claims: dict[str, Any]) -> tuple[User | None, str]:
    """The Tutela user the provider's claims name, or None and the Italian reason for refusing.

    Matched by TUTELA_OIDC_USERNAME_CLAIM against the user name when set, otherwise by e-mail (refused when
    the provider says the address is unverified). Exactly one active user with an active membership.
    """
    claim = getattr(settings, "TUTELA_OIDC_USERNAME_CLAIM", "")
    if claim:
        value = str(claims.get(claim) or "").strip()
        users = User.objects.filter(username=value) if value else User.objects.none()
    else:
        email = str(claims.get("email") or "").strip()
        verified = claims.get("email_verified", True) not in (False, "false")
        users = User.objects.filter(email__iexact=email) if email and verified else User.objects.none()
    found = list(users[:2])
    if len(found) != 1 or not found[0].is_active:
        return None, refusal_no_user()
    user = found[0]
    if not user.memberships.filter(active=True, organisation__active=True).exists():
        return None, refusal_no_role()
    return user, ""


class TutelaOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matching existing users only."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks signature and nonce; the audience (this client) and the issuer are checked here."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("OIDC token issued to another client")
        issuer = getattr(settings, "TUTELA_OIDC_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("OIDC token from another issuer")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        user, refusal = oidc_match_user(claims)
        if user is None:
            self.request.tutela_oidc_refusal = refusal  # type: ignore[attr-defined]
            log.warning("OIDC login refused: %s", refusal)
        return user

    def create_user(self, claims: dict[str, Any]) -> User:
        raise SuspiciousOperation("Tutela never creates users from OIDC claims")


class TutelaOIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's return: log in (audited) or go back to the login page with the reason."""

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "tutela_oidc_refusal", "") or _(
            "Accesso con l'account dell'ente non riuscito: riprova, o accedi con nome utente e password."
        )
        messages.error(self.request, reason)
        return HttpResponseRedirect(reverse("login"))

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        idp_mfa = bool(getattr(settings, "TUTELA_OIDC_TRUSTS_MFA", False))
        self.request.session[SESSION_IDP_MFA] = idp_mfa
        audit_record(
            actor=self.user, action="accounts.user.logged_in", data={"method": "oidc", "idp_mfa": idp_mfa}
        )
        return response
