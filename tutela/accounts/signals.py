"""Receivers for the login signals: session limits start at login; failed logins and lockouts are audited.

Successful logins and logouts are audited by the views (views_auth), so that the test client's force_login
writes no audit row.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from tutela.accounts.lockout import Lock
from tutela.accounts.sessions import session_start
from tutela.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="tutela_session_start")
def _session_start(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_start(request)


@receiver(user_login_failed, dispatch_uid="tutela_audit_login_failed")
def _audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    method = "oidc" if "nonce" in credentials else "password"
    username = str(credentials.get("username") or "")[:150]
    audit_record(
        actor=None, action="accounts.user.login_failed", data={"method": method, "username": username}
    )


@receiver(user_locked_out, dispatch_uid="tutela_audit_locked_out")
def _audit_locked_out(
    sender: Any,
    request: Any = None,
    username: str | None = None,
    ip_address: str | None = None,
    lock: Lock | None = None,
    **kwargs: Any,
) -> None:
    """Once per lock, when it starts (tutela.accounts.lockout): what is locked, for how long."""
    data: dict[str, Any] = {"username": (username or "")[:150], "ip_address": ip_address or ""}
    if lock is not None:
        data |= {
            "lock": lock.scope,
            "minutes": round(lock.delay.total_seconds() / 60),
            "until": lock.until.isoformat(),
        }
    audit_record(actor=None, action="accounts.user.locked_out", data=data)
