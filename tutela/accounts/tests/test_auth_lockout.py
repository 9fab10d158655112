"""Lockout after repeated failed logins, per user name and per address (django-axes; ADR 0006)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory

from tutela.accounts.lockout import client_ip
from tutela.accounts.models import User
from tutela.accounts.tests.auth_helpers import password_login
from tutela.audit.models import AuditEvent

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
LOCKED = "Accesso temporaneamente bloccato"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def lockout_on(settings: Any) -> None:
    """Off for every other test (tutela/conftest.py); the settings of production here."""
    settings.AXES_ENABLED = True


def _attempt(client: Client, username: str, ip: str, password: str | None = None) -> Any:
    if password is None:
        return password_login(client, username, "wrong-password-2030", REMOTE_ADDR=ip)
    return password_login(client, username, password, REMOTE_ADDR=ip)


def _locked(response: Any) -> bool:
    return response.status_code == 429 and LOCKED in response.content.decode()


@pytest.mark.usefixtures("demo")
def test_five_failures_lock_the_user_name_from_any_address_for_thirty_minutes(
    client: Client, clock: Any
) -> None:
    answers = [_attempt(client, "assistente", f"10.0.0.{n}") for n in range(1, 6)]
    assert [r.status_code for r in answers[:4]] == [200] * 4  # the form again, with its error
    assert _locked(answers[4])
    assert "30 minuti" in answers[4].content.decode()
    # The right password from a fifth address is refused as well: the user name is locked.
    assert _locked(_attempt(client, "assistente", "10.0.0.99", "test-password-2026"))
    # Another user from that address is not affected.
    assert _attempt(Client(), "coordinatore", "10.0.0.99", "test-password-2026")["Location"] == "/"

    clock.shift(dt.timedelta(minutes=29))
    assert _locked(_attempt(Client(), "assistente", "10.0.0.98", "test-password-2026"))
    clock.shift(dt.timedelta(minutes=2))  # the retries during the lockout did not extend it
    assert _attempt(Client(), "assistente", "10.0.0.98", "test-password-2026")["Location"] == "/"


@pytest.mark.usefixtures("demo")
def test_five_failures_from_one_address_lock_that_address_for_every_user_name(client: Client) -> None:
    for name in ("assistente", "coordinatore", "sds", "nessuno", "comune"):
        last = _attempt(client, name, "192.0.2.7")
    assert _locked(last)
    assert _locked(_attempt(Client(), "dirigente", "192.0.2.7", "test-password-2026"))
    assert _attempt(Client(), "dirigente", "192.0.2.8", "test-password-2026")["Location"] == "/"


@pytest.mark.usefixtures("demo")
def test_failures_and_the_lockout_are_audited_without_the_password(client: Client) -> None:
    for n in range(5):
        _attempt(client, "assistente", f"198.51.100.{n}")
    failed = AuditEvent.objects.filter(action="accounts.user.login_failed")
    assert failed.count() == 5
    assert {tuple(sorted(e.data.items())) for e in failed} == {
        (("method", "password"), ("username", "assistente"))
    }
    locked = AuditEvent.objects.get(action="accounts.user.locked_out")
    assert locked.data["username"] == "assistente" and locked.actor is None
    assert not AuditEvent.objects.filter(data__icontains="wrong-password").exists()


@pytest.mark.usefixtures("demo")
def test_a_success_before_the_limit_starts_the_count_again(client: Client) -> None:
    for _ in range(4):
        _attempt(client, "assistente", "10.1.1.1")
    assert _attempt(client, "assistente", "10.1.1.1", "test-password-2026")["Location"] == "/"
    other = Client()
    for _ in range(4):
        assert _attempt(other, "assistente", "10.1.1.1").status_code == 200


def test_the_client_address_trusts_forwarded_for_only_behind_configured_proxies(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert client_ip(request) == "10.9.9.9"  # no proxy configured: the header is the client's to forge
    settings.TUTELA_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # what our proxy appended, not what the client wrote
    settings.TUTELA_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.9.9.9"  # fewer entries than proxies: not believed


def test_lockout_is_off_in_the_other_tests(settings: Any, outsider: User) -> None:
    """The guard of tutela/conftest.py, seen from here: its fixture runs first, this module's turns it on."""
    assert settings.AXES_ENABLED is True
    settings.AXES_ENABLED = False
    client = Client()
    for _ in range(8):
        _attempt(client, "estraneo", "10.2.2.2")
    assert _attempt(client, "estraneo", "10.2.2.2", "test-password-2026")["Location"] == "/"
