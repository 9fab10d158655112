"""Session limits (ADR 0006): 30 minutes idle, 10 hours from login whatever the activity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tutela.accounts.models import User
from tutela.accounts.tests.auth_helpers import password_login
from tutela.audit.models import AuditEvent

START = dt.datetime(2030, 3, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _expired_to_login(response: Any, next_url: str = "/") -> bool:
    return (
        response.status_code == 302
        and response["Location"] == f"{reverse('login')}?{urlencode({'next': next_url})}"
    )


def _message(client: Client) -> str:
    return client.get(reverse("login")).content.decode()


def test_thirty_minutes_idle_log_out(client: Client, social_worker: User, clock: Any) -> None:
    password_login(client, "assistente")
    clock.shift(dt.timedelta(minutes=29, seconds=50))
    assert client.get("/").status_code == 200  # activity moves the idle limit on
    clock.shift(dt.timedelta(minutes=29, seconds=50))
    assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=30, seconds=10))
    assert _expired_to_login(client.get("/"))
    assert "scaduta dopo 30 minuti di inattività" in _message(client)
    assert client.get(reverse("cases:list"))["Location"].startswith(reverse("login"))  # really logged out
    expired = AuditEvent.objects.get(action="accounts.session.expired")
    assert expired.actor == social_worker and expired.data == {"reason": "idle"}


def test_ten_hours_after_login_the_session_ends_however_active(
    client: Client, social_worker: User, clock: Any
) -> None:
    client.force_login(social_worker)
    for _ in range(10 * 60 // 20):  # a request every 20 minutes, for ten hours
        clock.shift(dt.timedelta(minutes=20))
        assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=1))
    assert _expired_to_login(client.get(reverse("cases:list")), next_url=reverse("cases:list"))
    assert "durata più di 10 ore" in _message(client)
    assert AuditEvent.objects.get(action="accounts.session.expired").data == {"reason": "absolute"}


def test_an_expired_htmx_request_reloads_the_login_page(
    client: Client, social_worker: User, clock: Any
) -> None:
    client.force_login(social_worker)
    clock.shift(dt.timedelta(minutes=31))
    response = client.get(reverse("cases:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")


def test_a_new_login_starts_both_limits_again(client: Client, social_worker: User, clock: Any) -> None:
    client.force_login(social_worker)
    clock.shift(dt.timedelta(hours=9, minutes=50))
    client.force_login(social_worker)
    clock.shift(dt.timedelta(minutes=20))
    assert client.get("/").status_code == 200


def test_the_cookie_lives_no_longer_than_the_session() -> None:
    assert django_settings.SESSION_COOKIE_AGE == django_settings.TUTELA_SESSION_MAX_SECONDS == 10 * 3600
    assert django_settings.TUTELA_SESSION_IDLE_SECONDS == 30 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_login_typed_into_an_expired_session_goes_through(
    client: Client, social_worker: User, clock: Any
) -> None:
    client.force_login(social_worker)
    clock.shift(dt.timedelta(hours=2))
    assert password_login(client, "assistente")["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action="accounts.session.expired").data == {"reason": "idle"}
