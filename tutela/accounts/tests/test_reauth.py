"""Re-authentication, "sudo mode" (ADR 0007): the password again, and a second-factor code when the user has one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from tutela.accounts.models import User
from tutela.accounts.reauth import SESSION_KEY, reauth_mark, recently_authenticated, require_reauth
from tutela.accounts.tests.auth_helpers import app_code, enrolled
from tutela.audit.models import AuditEvent
from tutela.conftest import TEST_PASSWORD

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
REAUTH = "/accesso/conferma/"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _events(user: User, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=action).order_by("id"))


def _confirm(client: Client, next_url: str = "/pratiche/", **fields: str) -> Any:
    return client.post(REAUTH, {"next": next_url, **fields})


def test_the_url_is_the_one_the_issue_names() -> None:
    assert reverse("accounts:reauth") == REAUTH


def test_without_a_second_factor_only_the_password_is_asked(client: Client, social_worker: User) -> None:
    client.force_login(social_worker)
    page = client.get(f"{REAUTH}?next=/pratiche/")
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"password"}
    assert 'name="next" value="/pratiche/"' in page.content.decode()

    response = _confirm(client, password=TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/pratiche/"
    assert client.session[SESSION_KEY]["user"] == social_worker.pk
    assert len(_events(social_worker, "accounts.user.reauthenticated")) == 1


def test_with_a_second_factor_the_password_alone_is_not_enough(
    client: Client, social_worker: User, clock: Any
) -> None:
    device, _codes = enrolled(social_worker)
    client.force_login(social_worker)
    assert set(client.get(REAUTH).context["form"].fields) == {"password", "otp_token"}

    missing = _confirm(client, password=TEST_PASSWORD)
    assert missing.status_code == 200 and SESSION_KEY not in client.session
    assert "otp_token" in missing.context["form"].errors

    response = _confirm(client, password=TEST_PASSWORD, otp_token=app_code(device))
    assert response["Location"] == "/pratiche/"
    assert client.session[SESSION_KEY]["at"] == START.timestamp()


@pytest.mark.parametrize(
    ("password", "token", "factor"),
    [("password-sbagliata", "good", "password"), (TEST_PASSWORD, "000000", "second_factor")],
)
def test_a_wrong_password_or_code_is_refused_and_audited(
    client: Client, social_worker: User, clock: Any, password: str, token: str, factor: str
) -> None:
    device, _codes = enrolled(social_worker)
    if token == "good":
        token = app_code(device)
    elif token == app_code(device):  # the one-in-a-million clash with the right code
        token = "000001"
    client.force_login(social_worker)
    response = _confirm(client, password=password, otp_token=token)
    assert response.status_code == 200
    assert "Password o codice di verifica non corretti." in response.content.decode()
    assert SESSION_KEY not in client.session
    [failure] = _events(social_worker, "accounts.user.reauthentication_failed")
    assert failure.data == {"factor": factor}
    assert not _events(social_worker, "accounts.user.reauthenticated")


def test_a_backup_code_is_accepted_once(client: Client, social_worker: User, clock: Any) -> None:
    _device, codes = enrolled(social_worker)
    client.force_login(social_worker)
    assert _confirm(client, password=TEST_PASSWORD, otp_token=codes[0]).status_code == 302
    assert _confirm(client, password=TEST_PASSWORD, otp_token=codes[0]).status_code == 200


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/pratiche/", "javascript:alert(1)", ""]
)
def test_next_must_be_a_page_of_this_site(client: Client, social_worker: User, next_url: str) -> None:
    client.force_login(social_worker)
    response = _confirm(client, next_url=next_url, password=TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("worklists:home")


def test_the_session_key_changes_on_confirmation(client: Client, social_worker: User) -> None:
    client.force_login(social_worker)
    before = client.session.session_key
    _confirm(client, password=TEST_PASSWORD)
    assert client.session.session_key != before


# --- recently_authenticated and require_reauth ----------------------------------------------------------------


def _request(user: User, path: str = "/pratiche/12/", **headers: Any) -> HttpRequest:
    request = RequestFactory().get(path, **headers)
    request.user = user
    request.session = SessionStore()
    request.session.create()
    return request


@require_reauth
def _sensitive(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@require_reauth(within_seconds=60, since=lambda request: START + dt.timedelta(minutes=1))
def _fresh(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_the_window_lasts_five_minutes(social_worker: User, clock: Any) -> None:
    request = _request(social_worker)
    assert not recently_authenticated(request)
    assert _sensitive(request)["Location"] == f"{REAUTH}?next=%2Fpratiche%2F12%2F"
    reauth_mark(request)
    assert recently_authenticated(request) and _sensitive(request).status_code == 200
    clock.shift(dt.timedelta(seconds=300))
    assert recently_authenticated(request)
    clock.shift(dt.timedelta(seconds=1))
    assert not recently_authenticated(request)
    assert _sensitive(request).status_code == 302
    assert recently_authenticated(request, within_seconds=600)


def test_a_fresh_window_wants_a_confirmation_after_the_named_moment(social_worker: User, clock: Any) -> None:
    request = _request(social_worker)
    reauth_mark(request)  # at START, before the moment _fresh names
    clock.shift(dt.timedelta(minutes=1, seconds=10))
    assert recently_authenticated(request)
    assert _fresh(request).status_code == 302
    reauth_mark(request)
    assert _fresh(request).status_code == 200
    clock.shift(dt.timedelta(seconds=61))
    assert _fresh(request).status_code == 302


def test_a_confirmation_belongs_to_its_user(social_worker: User, other_social_worker: User) -> None:
    request = _request(social_worker)
    reauth_mark(request)
    request.user = other_social_worker
    assert not recently_authenticated(request)


def test_htmx_requests_are_sent_to_confirm_with_a_client_redirect(social_worker: User) -> None:
    request = _request(social_worker, HTTP_HX_REQUEST="true")
    request.htmx = True  # type: ignore[attr-defined]
    response = _sensitive(request)
    assert response["HX-Redirect"] == f"{REAUTH}?next=%2Fpratiche%2F12%2F"


def test_anonymous_visitors_are_sent_to_login(client: Client, db: Any) -> None:
    response = client.get(REAUTH)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_wrong_passwords_here_count_towards_the_login_lockout(
    client: Client, social_worker: User, settings: Any, clock: Any
) -> None:
    """Re-authentication is no side door for guessing the password of an open session (ADR 0006 lockout)."""
    settings.AXES_ENABLED = True
    client.force_login(social_worker)
    for _ in range(5):
        assert _confirm(client, password="password-sbagliata").status_code in {200, 429}
    assert SESSION_KEY not in client.session
    login = Client().post(reverse("login"), {"username": social_worker.username, "password": TEST_PASSWORD})
    assert login.status_code == 429
