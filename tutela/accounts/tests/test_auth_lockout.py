"""Lockout after repeated failed logins: growing delays per user name, a high threshold per address, trusted
office networks, notices (tutela/accounts/lockout.py; ADR 0006)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import runpy
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, RequestFactory

from tutela.accounts.lockout import client_ip
from tutela.accounts.models import LoginLockout, User
from tutela.accounts.tests.auth_helpers import password_login
from tutela.audit.models import AuditEvent
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.territory import DemoTerritory

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)  # 10:00 in Rome
LOCKED = "Accesso temporaneamente bloccato"
OFFICE = "192.0.2.7"  # one NAT address for a whole office


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def lockout_on(settings: Any) -> None:
    """Off for every other test (tutela/conftest.py); the settings of production here."""
    settings.AXES_ENABLED = True


def _attempt(client: Client, username: str, ip: str, password: str | None = None) -> Any:
    return password_login(client, username, password or "wrong-password-2030", REMOTE_ADDR=ip)


def _locked(response: Any) -> bool:
    return response.status_code == 429 and LOCKED in response.content.decode()


def _logs_in(username: str, ip: str) -> bool:
    return _attempt(Client(), username, ip, TEST_PASSWORD).get("Location") == "/"


def _fail(username: str, ip: str, times: int) -> Any:
    client = Client()
    for _ in range(times):
        last = _attempt(client, username, ip)
    return last


@pytest.mark.usefixtures("demo")
def test_five_failures_delay_the_user_name_from_any_address_for_one_minute(
    client: Client, clock: Any
) -> None:
    answers = [_attempt(client, "assistente", f"10.0.0.{n}") for n in range(1, 6)]
    assert [r.status_code for r in answers[:4]] == [200] * 4  # the form again, with its error
    assert _locked(answers[4])
    page = answers[4].content.decode()
    assert "Troppi tentativi di accesso non riusciti con questo nome utente" in page
    assert "Potrai riprovare alle 10:01</strong> (tra 1 minuto)" in page
    assert "fino a 30 minuti" in page
    assert answers[4]["Retry-After"] == "60"
    # The right password, from a sixth address, is refused: the user name is delayed, wherever it is typed.
    assert _locked(_attempt(client, "assistente", "10.0.0.99", TEST_PASSWORD))
    assert _logs_in("coordinatore", "10.0.0.99")  # another user at that address is not

    clock.shift(dt.timedelta(seconds=30))
    refused = _attempt(Client(), "assistente", "10.0.0.98", TEST_PASSWORD)
    assert _locked(refused) and refused["Retry-After"] == "30"
    assert "alle 10:01</strong> (tra 1 minuto)" in refused.content.decode()
    clock.shift(dt.timedelta(seconds=30))  # the retries during the delay did not extend it
    assert _logs_in("assistente", "10.0.0.98")


@pytest.mark.usefixtures("demo")
def test_each_new_lock_doubles_the_delay_up_to_the_cap_and_a_success_starts_again(clock: Any) -> None:
    for minutes in (1, 2, 4, 8, 16, 30, 30):
        answer = _fail("assistente", "10.0.0.1", 5)
        assert _locked(answer)
        assert answer["Retry-After"] == str(minutes * 60)
        assert f"(tra {minutes} minut" in answer.content.decode()
        clock.shift(dt.timedelta(minutes=minutes, seconds=-1))
        assert _locked(_attempt(Client(), "assistente", "10.0.0.2", TEST_PASSWORD))
        clock.shift(dt.timedelta(seconds=1))
    # After the last delay: fewer than five failures do not lock, and the right password gets in...
    assert _fail("assistente", "10.0.0.1", 4).status_code == 200
    assert _logs_in("assistente", "10.0.0.1")
    # ...which starts again from the first delay.
    assert _fail("assistente", "10.0.0.1", 5)["Retry-After"] == "60"


@pytest.mark.usefixtures("demo")
def test_a_day_without_failures_starts_again_from_the_first_delay(clock: Any) -> None:
    for minutes in (1, 2):
        assert _fail("coordinatore", "10.0.0.1", 5)["Retry-After"] == str(minutes * 60)
        clock.shift(dt.timedelta(minutes=minutes))
    assert _fail("coordinatore", "10.0.0.1", 4).status_code == 200
    clock.shift(dt.timedelta(days=1, seconds=1))
    assert _fail("coordinatore", "10.0.0.1", 4).status_code == 200  # the four of yesterday are forgotten
    assert _fail("coordinatore", "10.0.0.1", 1)["Retry-After"] == "60"


def test_the_user_and_the_administrators_get_one_notice_per_lock(
    demo: DemoTerritory, settings: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ADMINS = ["sicurezza@sds-pratese.example.invalid"]
    user, admin = demo.users["coordinatore"], demo.users["admin"]  # admin: the SYSADMIN of the demo
    with django_capture_on_commit_callbacks(execute=True):
        _fail("coordinatore", "198.51.100.7", 5)
        _fail("coordinatore", "198.51.100.8", 3)  # refused during the delay: no new lock, no new notice
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [user.email, admin.email, "sicurezza@sds-pratese.example.invalid"]
    )
    to_user = next(m for m in mail.outbox if m.to == [user.email])
    assert to_user.subject == "Tutela: tentativi di accesso con il tuo nome utente"
    assert "Il 04/03/2030 alle 10:00 qualcuno ha sbagliato 5 volte la password" in to_user.body
    assert "dall'indirizzo 198.51.100.7" in to_user.body
    assert "sospeso per 1 minuto, fino alle 10:01" in to_user.body
    assert "Se non eri tu, avvisa subito l'amministratore di sistema" in to_user.body
    to_admin = next(m for m in mail.outbox if m.to == [admin.email])
    assert to_admin.subject == "Tutela: nome utente coordinatore bloccato per troppi tentativi"
    assert (
        "il nome utente coordinatore (Carlo Mazzei) è bloccato per 1 minuto, fino alle 10:01" in to_admin.body
    )
    assert "È il blocco n. 1 di fila" in to_admin.body
    assert "manage.py axes_reset_username coordinatore" in to_admin.body

    mail.outbox.clear()
    clock.shift(dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        _fail("coordinatore", "198.51.100.7", 5)  # the next lock: notified again, with its delay
    assert len(mail.outbox) == 3
    assert (
        "sospeso per 2 minuti, fino alle 10:03" in next(m for m in mail.outbox if m.to == [user.email]).body
    )


@pytest.mark.usefixtures("demo", "clock")
def test_a_lock_on_a_name_that_is_nobodys_tells_nobody(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _locked(_fail("nessuno", "198.51.100.7", 5))
    assert mail.outbox == []


@pytest.mark.usefixtures("demo", "clock")
def test_failures_over_many_names_lock_an_address_only_at_the_high_threshold(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert settings.TUTELA_LOCKOUT_ADDRESS_FAILURES == 50
    client = Client()
    for name in ("assistente", "coordinatore", "sds", "nessuno", "comune"):
        assert _attempt(client, name, OFFICE).status_code == 200
    assert _logs_in("dirigente", OFFICE)  # five failures of five people: the office works on

    with django_capture_on_commit_callbacks(execute=True):
        answers = [_attempt(client, f"prova{n}", OFFICE) for n in range(45)]
    assert [a.status_code for a in answers[:-1]] == [200] * 44
    last = answers[-1]  # the fiftieth failure from the address (the success in between counts nothing)
    assert _locked(last) and last["Retry-After"] == str(30 * 60)
    assert "Troppi tentativi di accesso non riusciti da questa postazione" in last.content.decode()
    assert _locked(_attempt(Client(), "dpo", OFFICE, TEST_PASSWORD))
    assert _logs_in("dpo", "192.0.2.8")
    [notice] = mail.outbox  # to the administrator: a lock on an address concerns no one user
    assert notice.subject == "Tutela: accessi bloccati da un indirizzo per troppi tentativi"
    assert "dall'indirizzo 192.0.2.7" in notice.body and "TUTELA_LOCKOUT_TRUSTED_NETWORKS" in notice.body


@pytest.mark.usefixtures("demo", "clock")
def test_an_address_in_a_trusted_network_is_never_locked_by_address_only_its_names_are(settings: Any) -> None:
    settings.TUTELA_LOCKOUT_ADDRESS_FAILURES = 10
    settings.TUTELA_LOCKOUT_TRUSTED_NETWORKS = (ipaddress.ip_network("192.0.2.0/24"),)
    client = Client()
    for n in range(12):
        _attempt(client, f"prova{n}", OFFICE)
        _attempt(client, f"prova{n}", "203.0.113.9")
    assert _logs_in("dirigente", OFFICE)
    assert _locked(_attempt(Client(), "dirigente", "203.0.113.9", TEST_PASSWORD))  # the same, untrusted
    assert not LoginLockout.objects.filter(scope=LoginLockout.Scope.ADDRESS, key=OFFICE).exists()
    # A user name is delayed wherever its failures come from.
    assert _locked(_fail("assistente", OFFICE, 5))


@pytest.mark.usefixtures("demo")
def test_failures_and_the_lockout_are_audited_without_the_password(client: Client, clock: Any) -> None:
    for n in range(8):  # five failures, then three refused attempts
        _attempt(client, "assistente", f"198.51.100.{n}")
    failed = AuditEvent.objects.filter(action="accounts.user.login_failed")
    assert failed.count() == 8
    assert {tuple(sorted(e.data.items())) for e in failed} == {
        (("method", "password"), ("username", "assistente"))
    }
    locked = AuditEvent.objects.get(action="accounts.user.locked_out")  # once per lock, not per retry
    assert locked.actor is None
    assert locked.data == {
        "username": "assistente",
        "ip_address": "198.51.100.4",
        "lock": "username",
        "minutes": 1,
        "until": "2030-03-04T09:01:00+00:00",
    }
    assert not AuditEvent.objects.filter(data__icontains="wrong-password").exists()


@pytest.mark.usefixtures("demo")
def test_a_success_before_the_limit_starts_the_count_again(client: Client) -> None:
    for _ in range(4):
        _attempt(client, "assistente", "10.1.1.1")
    assert _attempt(client, "assistente", "10.1.1.1", TEST_PASSWORD)["Location"] == "/"
    other = Client()
    for _ in range(4):
        assert _attempt(other, "assistente", "10.1.1.1").status_code == 200


@pytest.mark.usefixtures("demo", "clock")
def test_the_reset_commands_unlock_a_name_and_an_address_early(settings: Any) -> None:
    settings.TUTELA_LOCKOUT_ADDRESS_FAILURES = 5
    assert _locked(_fail("assistente", "10.3.3.3", 5))
    call_command("axes_reset_username", "assistente")
    assert _logs_in("assistente", "10.4.4.4")
    for n in range(5):
        _attempt(Client(), f"prova{n}", "10.4.4.4")
    assert _locked(_attempt(Client(), "coordinatore", "10.4.4.4", TEST_PASSWORD))
    call_command("axes_reset_ip", "10.4.4.4")
    assert _logs_in("coordinatore", "10.4.4.4")


def test_trusted_networks_are_read_from_the_environment_and_a_malformed_one_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = str(django_settings.BASE_DIR / "config" / "settings.py")
    monkeypatch.setenv("TUTELA_LOCKOUT_TRUSTED_NETWORKS", "10.20.0.0/16, 2001:db8::/32")
    loaded = runpy.run_path(path)
    assert loaded["TUTELA_LOCKOUT_TRUSTED_NETWORKS"] == (
        ipaddress.ip_network("10.20.0.0/16"),
        ipaddress.ip_network("2001:db8::/32"),
    )
    assert loaded["TUTELA_LOCKOUT_ADDRESS_FAILURES"] == 50
    assert loaded["TUTELA_LOCKOUT_MAX_DELAY"] == dt.timedelta(minutes=30)
    monkeypatch.setenv("TUTELA_LOCKOUT_TRUSTED_NETWORKS", "10.20.0.1/16")
    with pytest.raises(ImproperlyConfigured, match="TUTELA_LOCKOUT_TRUSTED_NETWORKS"):
        runpy.run_path(path)


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
    assert _attempt(client, "estraneo", "10.2.2.2", TEST_PASSWORD)["Location"] == "/"
