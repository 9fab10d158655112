"""Single sign-on with the organisation's OpenID Connect provider, with the provider mocked (no network)."""

from __future__ import annotations

import runpy
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from tutela.accounts.models import Membership, User
from tutela.accounts.oidc import oidc_match_user
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory

IDP = "https://idp.ente.example.it"
CLIENT_ID = "tutela-minori"
SECRET = "segreto-condiviso-con-il-provider-0123456789"


@pytest.fixture
def oidc(settings: Any) -> None:
    """The provider as config/settings.py sets it from TUTELA_OIDC_*; HS256 so the test can sign tokens."""
    settings.TUTELA_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{IDP}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{IDP}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{IDP}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{IDP}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.TUTELA_OIDC_ISSUER = IDP
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "tutela.accounts.oidc.TutelaOIDCBackend",
    ]


class Provider:
    """The identity provider's token and userinfo endpoints, answering whatever the test put in `claims`."""

    def __init__(self) -> None:
        self.claims: dict[str, Any] = {}
        self.token_claims: dict[str, Any] = {}
        self.nonce = ""
        self.token_requests: list[dict[str, Any]] = []

    def post(self, url: str, data: dict[str, Any], **kwargs: Any) -> mock.Mock:
        assert url == f"{IDP}/token"
        self.token_requests.append(data)
        claims = {"iss": IDP, "aud": CLIENT_ID, "sub": "abc", "nonce": self.nonce, "exp": time.time() + 300}
        id_token = jwt.encode({**claims, **self.token_claims}, SECRET, algorithm="HS256")
        return mock.Mock(status_code=200, json=lambda: {"id_token": id_token, "access_token": "at-1"})

    def get(self, url: str, headers: dict[str, str], **kwargs: Any) -> mock.Mock:
        assert url == f"{IDP}/userinfo" and headers["Authorization"] == "Bearer at-1"
        return mock.Mock(
            status_code=200, headers={"content-type": "application/json"}, json=lambda: self.claims
        )


@pytest.fixture
def provider(oidc: None) -> Iterator[Provider]:
    fake = Provider()
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", side_effect=fake.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=fake.get),
    ):
        yield fake


def _sign_in(client: Client, provider: Provider, next_url: str = "/pratiche/") -> Any:
    """Login page button -> provider (mocked) -> back to Tutela with a code."""
    start = client.get(reverse("accounts:oidc_start"), {"next": next_url})
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{IDP}/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == "http://testserver" + reverse("accounts:oidc_callback")
    provider.nonce = query["nonce"]
    return client.get(reverse("accounts:oidc_callback"), {"code": "code-1", "state": query["state"]})


def _login_page(client: Client) -> str:
    return client.get(reverse("login")).content.decode()


def test_without_configuration_there_is_no_button_and_no_endpoint(client: Client) -> None:
    assert not django_settings.TUTELA_OIDC_ENABLED
    assert "Accedi con SPID/CIE" not in _login_page(client)
    assert client.get(reverse("accounts:oidc_start")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


@pytest.mark.usefixtures("oidc")
def test_with_configuration_the_login_page_offers_it(client: Client) -> None:
    page = _login_page(client)
    assert "Accedi con SPID/CIE o account dell'ente" in page
    assert f'href="{reverse("accounts:oidc_start")}' in page


def test_a_known_user_signs_in_by_e_mail_and_still_gives_the_second_factor(
    client: Client, provider: Provider, social_worker: User, settings: Any
) -> None:
    settings.TUTELA_REQUIRE_2FA = True
    users = User.objects.count()
    provider.claims = {
        "sub": "abc",
        "email": "ASSISTENTE@sds-pratese.example.invalid",
        "email_verified": True,
    }
    response = _sign_in(client, provider)
    assert response["Location"] == "/pratiche/"
    assert provider.token_requests[0]["code_verifier"]  # PKCE
    assert client.session["_auth_user_id"] == str(social_worker.pk)
    assert client.get("/pratiche/")["Location"].startswith(reverse("accounts:two_factor_enrol"))
    assert User.objects.count() == users
    login = AuditEvent.objects.get(action="accounts.user.logged_in")
    assert login.actor == social_worker and login.data == {"method": "oidc", "idp_mfa": False}


def test_the_providers_second_factor_is_trusted_only_when_configured(
    client: Client, provider: Provider, social_worker: User, settings: Any
) -> None:
    settings.TUTELA_REQUIRE_2FA = True
    settings.TUTELA_OIDC_TRUSTS_MFA = True
    provider.claims = {"email": social_worker.email}
    _sign_in(client, provider)
    assert client.get("/pratiche/").status_code == 200
    # A password login in the same installation still needs Tutela's own second factor.
    other = Client()
    other.force_login(social_worker)
    assert other.get("/pratiche/")["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_the_user_name_claim_can_name_the_user(
    client: Client, provider: Provider, coordinator: User, settings: Any
) -> None:
    settings.TUTELA_OIDC_USERNAME_CLAIM = "preferred_username"
    provider.claims = {"preferred_username": "coordinatore", "email": "someone.else@example.it"}
    _sign_in(client, provider)
    assert client.session["_auth_user_id"] == str(coordinator.pk)


@pytest.mark.usefixtures("demo")
def test_an_unknown_person_is_refused_and_no_user_is_created(client: Client, provider: Provider) -> None:
    users = User.objects.count()
    provider.claims = {"email": "nuovo.dipendente@sds-pratese.example.invalid"}
    response = _sign_in(client, provider)
    assert response["Location"] == reverse("login")
    assert "non corrisponde a nessun utente abilitato" in _login_page(client)
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users
    failed = AuditEvent.objects.get(action="accounts.user.login_failed")
    assert failed.data["method"] == "oidc"


def test_a_user_without_an_active_role_is_refused(client: Client, provider: Provider, outsider: User) -> None:
    outsider.email = "estraneo@example.it"
    outsider.save()
    provider.claims = {"email": "estraneo@example.it"}
    _sign_in(client, provider)
    assert "non ha alcun ruolo attivo" in _login_page(client)
    assert "_auth_user_id" not in client.session


def test_a_token_issued_to_another_client_is_refused(
    client: Client, provider: Provider, social_worker: User
) -> None:
    provider.claims = {"email": social_worker.email}
    provider.token_claims = {"aud": "another-application"}
    assert _sign_in(client, provider).status_code == 400
    assert "_auth_user_id" not in client.session


def test_matching_rules(demo: DemoTerritory, outsider: User) -> None:
    worker = demo.users["assistente"]
    assert oidc_match_user({"email": worker.email})[0] == worker
    assert oidc_match_user({"email": worker.email, "email_verified": False})[0] is None
    assert oidc_match_user({"email": ""})[0] is None
    assert oidc_match_user({})[0] is None
    User.objects.create_user(username="omonimo", email=worker.email.upper())
    assert oidc_match_user({"email": worker.email})[0] is None  # two users: which one is unknowable
    educator = demo.users["educatore"]
    Membership.objects.filter(user=educator).update(active=False)
    user, reason = oidc_match_user({"email": educator.email})
    assert user is None and "ruolo attivo" in reason
    coordinator = demo.users["coordinatore"]
    coordinator.is_active = False
    coordinator.save()
    assert oidc_match_user({"email": coordinator.email})[0] is None


def test_a_half_configured_provider_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTELA_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("TUTELA_OIDC_TOKEN_ENDPOINT", f"{IDP}/token")
    with pytest.raises(ImproperlyConfigured, match="TUTELA_OIDC_CLIENT_SECRET"):
        runpy.run_path(str(django_settings.BASE_DIR / "config" / "settings.py"))


def test_a_fully_configured_provider_adds_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": SECRET,
        "AUTHORIZATION_ENDPOINT": f"{IDP}/auth",
        "TOKEN_ENDPOINT": f"{IDP}/token",
        "USERINFO_ENDPOINT": f"{IDP}/userinfo",
        "JWKS_ENDPOINT": f"{IDP}/jwks",
        "TRUSTS_MFA": "true",
    }.items():
        monkeypatch.setenv(f"TUTELA_OIDC_{name}", value)
    loaded = runpy.run_path(str(django_settings.BASE_DIR / "config" / "settings.py"))
    assert loaded["TUTELA_OIDC_ENABLED"] and loaded["TUTELA_OIDC_TRUSTS_MFA"]
    assert loaded["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    assert loaded["AUTHENTICATION_BACKENDS"][-1] == "tutela.accounts.oidc.TutelaOIDCBackend"
    assert loaded["OIDC_RP_SIGN_ALGO"] == "RS256" and loaded["OIDC_OP_JWKS_ENDPOINT"] == f"{IDP}/jwks"
    assert loaded["OIDC_CREATE_USER"] is False
    monkeypatch.delenv("TUTELA_OIDC_JWKS_ENDPOINT")
    with pytest.raises(ImproperlyConfigured, match="TUTELA_OIDC_JWKS_ENDPOINT"):
        runpy.run_path(str(django_settings.BASE_DIR / "config" / "settings.py"))
