"""Lockout after repeated failed logins (ADR 0006): a user name and a client address, each with its threshold.

- A user name: every TUTELA_LOCKOUT_FAILURES failures in a row delay it, TUTELA_LOCKOUT_FIRST_DELAY the first
  time, then twice as long at each new lock, up to TUTELA_LOCKOUT_MAX_DELAY; a success, or a day without
  failures, starts again from the first delay. Mistyped passwords, or a stranger trying the coordinator's
  name, cost minutes; guessing stays as slow as under a flat lock once the cap is reached. The user and the
  system administrators get an e-mail when a lock starts (lockout_notices.py).
- A client address: TUTELA_LOCKOUT_ADDRESS_FAILURES failures within TUTELA_LOCKOUT_MAX_DELAY lock it for that
  long, against one client trying many names. Never in TUTELA_LOCKOUT_TRUSTED_NETWORKS: a whole office behind
  one NAT address is not locked out by its own typos (its user names are still delayed one by one).

django-axes stays the frame: its backend asks `LockoutHandler.is_locked` before any backend checks the password,
its middleware turns the refusal into `lockout_response` (429), its commands (`axes_reset_username`,
`axes_reset_ip`) call `reset_attempts`. The counting is ours, in `LoginLockout` rows, because axes' own cannot
hold these rules: it compares every lockout parameter with one AXES_FAILURE_LIMIT, and it deletes a name's
attempts when its cool-off ends, so no count of past locks is left to double. A callable AXES_COOLOFF_TIME
(axes 8 calls it with the request only) does not fix that: axes also uses the cool-off as the window in which
failures count and, at every login, deletes the attempts older than it of every name and address, so one
name's 1-minute delay would wipe everybody else's counts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, reduce
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tutela.accounts.lockout_notices import lockout_notices_send
from tutela.accounts.models import LoginLockout
from tutela.core.http import client_ip

__all__ = ["LockoutHandler", "client_ip", "lockout_get", "lockout_response", "login_failure_record"]

logger = logging.getLogger(__name__)

# A row nobody has failed on for this long is deleted: the name (or address) starts again from zero.
FORGET_AFTER = dt.timedelta(days=1)
_KEY_LENGTH = LoginLockout._meta.get_field("key").max_length or 255


@dataclass(frozen=True)
class Lock:
    """A lock on a user name or an address: until when, and how long it was set for."""

    scope: str  # LoginLockout.Scope
    key: str
    until: dt.datetime
    delay: dt.timedelta
    lockouts: int  # locks in a row, this one included


def username_delay(lockouts: int) -> dt.timedelta:
    """How long the `lockouts`-th lock in a row keeps a user name out: 1, 2, 4, 8... minutes, capped."""
    first, cap = settings.TUTELA_LOCKOUT_FIRST_DELAY, settings.TUTELA_LOCKOUT_MAX_DELAY
    return min(first * 2 ** min(lockouts - 1, 32), cap)  # the exponent is bounded, or timedelta overflows


def address_trusted(address: str) -> bool:
    """Whether the address is in TUTELA_LOCKOUT_TRUSTED_NETWORKS, whose addresses are never locked."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in settings.TUTELA_LOCKOUT_TRUSTED_NETWORKS)


def _address_key(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))  # one spelling per address (IPv6)
    except ValueError:
        return address[:_KEY_LENGTH]


def _rows_of(username: str | None, address: str | None) -> Q | None:
    """The rows that can lock this attempt: its user name's, and its address's unless trusted."""
    keys = []
    if username:
        keys.append(Q(scope=LoginLockout.Scope.USERNAME, key=username[:_KEY_LENGTH]))
    if address and not address_trusted(address):
        keys.append(Q(scope=LoginLockout.Scope.ADDRESS, key=_address_key(address)))
    return reduce(operator.or_, keys) if keys else None


def lockout_get(*, username: str | None, address: str | None, now: dt.datetime) -> Lock | None:
    """The lock in force on this user name or this address (the one ending last), or None."""
    rows = _rows_of(username, address)
    if rows is None:
        return None
    row = LoginLockout.objects.filter(rows, locked_until__gt=now).order_by("-locked_until").first()
    if row is None or row.locked_until is None:
        return None
    delay = (
        username_delay(row.lockouts)
        if row.scope == LoginLockout.Scope.USERNAME
        else settings.TUTELA_LOCKOUT_MAX_DELAY
    )
    return Lock(row.scope, row.key, row.locked_until, delay, row.lockouts)


def _failure_count(
    scope: str,
    key: str,
    now: dt.datetime,
    *,
    limit: int,
    window: dt.timedelta | None,
    delay_of: Callable[[int], dt.timedelta],
) -> Lock | None:
    """One more failure on one row (locked for update); the lock it starts when it reaches the limit."""
    row, _ = LoginLockout.objects.select_for_update().get_or_create(
        scope=scope, key=key, defaults={"counting_since": now, "last_failure_at": now}
    )
    if window is not None and row.counting_since <= now - window:
        row.failures, row.counting_since = 0, now
    row.failures += 1
    row.last_failure_at = now
    lock = None
    if row.failures >= limit:
        row.lockouts += 1
        delay = delay_of(row.lockouts)
        lock = Lock(scope, key, now + delay, delay, row.lockouts)
        # The next lock needs as many failures again, counted after this one started.
        row.failures, row.counting_since, row.locked_until = 0, now, now + delay
    row.save(update_fields=["failures", "lockouts", "counting_since", "last_failure_at", "locked_until"])
    return lock


@transaction.atomic
def login_failure_record(*, username: str | None, address: str | None, now: dt.datetime) -> list[Lock]:
    """Count one failed login against its user name and its address; the locks it starts, e-mailed on commit.

    Only failures the backend let through get here: a refused attempt counts nothing, so retrying during a lock
    neither extends it nor starts the next one. A lock starts on exactly one failure (the row is locked), so
    each lock is notified once.
    """
    LoginLockout.objects.filter(last_failure_at__lt=now - FORGET_AFTER).exclude(locked_until__gt=now).delete()
    locks = []
    if username:
        lock = _failure_count(
            LoginLockout.Scope.USERNAME,
            username[:_KEY_LENGTH],
            now,
            limit=settings.TUTELA_LOCKOUT_FAILURES,
            window=None,  # a user name counts until a success, or a day without failures
            delay_of=username_delay,
        )
        locks += [lock] if lock else []
    if address and not address_trusted(address):
        lock = _failure_count(
            LoginLockout.Scope.ADDRESS,
            _address_key(address),
            now,
            limit=settings.TUTELA_LOCKOUT_ADDRESS_FAILURES,
            window=settings.TUTELA_LOCKOUT_MAX_DELAY,
            delay_of=lambda _: settings.TUTELA_LOCKOUT_MAX_DELAY,
        )
        locks += [lock] if lock else []
    for lock in locks:
        transaction.on_commit(partial(lockout_notices_send, lock=lock, address=address, at=now), robust=True)
    return locks


class LockoutHandler(AxesDatabaseHandler):
    """The two locks above behind axes' handler API (AXES_HANDLER); axes' AccessAttempt table stays empty.

    Kept from AxesDatabaseHandler: the AccessLog of logins and logouts, and the call to reset_user_attempts
    after a success (AXES_RESET_ON_SUCCESS).
    """

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        username = get_client_username(request, credentials)
        return lockout_get(username=username, address=request.axes_ip_address, now=timezone.now()) is not None

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures counted against the user name towards its next lock."""
        username = get_client_username(request, credentials) or ""
        row = LoginLockout.objects.filter(
            scope=LoginLockout.Scope.USERNAME, key=username[:_KEY_LENGTH]
        ).first()
        return row.failures if row else 0

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is None:
            logger.error("Failed login without a request: not counted towards the lockout")
            return
        request.axes_credentials = credentials  # for the page, through AxesMiddleware
        if request.axes_locked_out:
            return  # refused by the backend before any password was checked
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        for lock in login_failure_record(username=username, address=address, now=request.axes_attempt_time):
            request.axes_locked_out = True
            user_locked_out.send("axes", request=request, username=username, ip_address=address, lock=lock)

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a success: the user name starts again from zero; the address keeps its count."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        rows = LoginLockout.objects.filter(scope=LoginLockout.Scope.USERNAME, key=username[:_KEY_LENGTH])
        return rows.delete()[0]

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        """Unlock and forget a user name, an address, or everything (`axes_reset_username`, `axes_reset_ip`,
        `axes_reset`)."""
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        rows = LoginLockout.objects.all()
        if username or ip_address:
            keys = Q(pk__in=[])
            if username:
                keys |= Q(scope=LoginLockout.Scope.USERNAME, key=username[:_KEY_LENGTH])
            if ip_address:
                keys |= Q(scope=LoginLockout.Scope.ADDRESS, key=_address_key(ip_address))
            rows = rows.filter(keys)
        return count + rows.delete()[0]


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The Italian page shown instead of the login form while locked out (AXES_LOCKOUT_CALLABLE): 429, with
    the time from which to retry."""
    now = timezone.now()
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    lock = lockout_get(username=get_client_username(request, credentials), address=address, now=now)
    context: dict[str, Any] = {
        "lock": lock,
        "max_minutes": int(settings.TUTELA_LOCKOUT_MAX_DELAY.total_seconds() // 60),
    }
    if lock is not None:
        retry_at = lock.until.replace(second=0, microsecond=0)
        if retry_at < lock.until:
            retry_at += dt.timedelta(minutes=1)  # a whole minute on the page, never one too early
        context["retry_at"] = retry_at
        context["minutes"] = math.ceil((retry_at - now).total_seconds() / 60)
    response = render(request, "accounts/locked_out.html", context, status=429)
    if lock is not None:
        response["Retry-After"] = str(math.ceil((lock.until - now).total_seconds()))
    return response
