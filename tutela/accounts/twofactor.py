"""The second factor (ADR 0006): TOTP devices and single-use backup codes, through django-otp.

`has_second_factor` and `verify_second_factor` are also what re-authentication (break-the-glass) calls:
their signatures are stable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
# The device names Tutela gives: one TOTP device and one backup-code container per user.
TOTP_NAME = "app"
BACKUP_NAME = "backup"
SESSION_IDP_MFA = "tutela_idp_mfa"

_TOTP_TOKEN = re.compile(r"^\d{6}$")


def normalise_token(token: str) -> str:
    """What the user typed, without spaces or dashes, lower case ("123 456", "ABCD-EFGH" are accepted)."""
    return re.sub(r"[\s-]", "", token or "").lower()


def has_second_factor(user: Any) -> bool:
    """True when the user has a confirmed TOTP device (backup codes alone are not a second factor)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def match_second_factor(user: Any, token: str) -> Device | None:
    """The confirmed device that accepts the token, consuming it (a TOTP step or a backup code), or None.

    Six digits go to the TOTP device only and anything else to the backup codes only, so that a backup code
    does not count as a failed TOTP attempt (django-otp throttles each device after failures).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    token = normalise_token(token)
    if not token or len(token) > 16:
        return None
    kind = TOTPDevice if _TOTP_TOKEN.match(token) else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(token):
                return device
    return None


def verify_second_factor(user: Any, token: str) -> bool:
    """True when `token` is a valid TOTP code or an unused backup code of the user (a backup code is used up)."""
    return match_second_factor(user, token) is not None


def totp_device_start(user: Any) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first call; its secret is shown until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def backup_codes_generate(user: Any) -> list[str]:
    """Replace the user's backup codes with BACKUP_CODE_COUNT new ones and return them (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_backup_code(code: str) -> str:
    """ "abcdefgh" -> "abcd-efgh": easier to copy by hand; the dash is ignored when typed back."""
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def two_factor_required() -> bool:
    return bool(getattr(settings, "TUTELA_REQUIRE_2FA", True))


def idp_vouches_for_mfa(request: HttpRequest) -> bool:
    """The session was opened through the organisation's identity provider and TUTELA_OIDC_TRUSTS_MFA is on."""
    return bool(getattr(settings, "TUTELA_OIDC_TRUSTS_MFA", False)) and bool(
        request.session.get(SESSION_IDP_MFA)
    )


def second_factor_done(request: HttpRequest) -> bool:
    """True when this session has passed the second factor (or does not need it)."""
    user = request.user
    if not two_factor_required() or idp_vouches_for_mfa(request):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def second_factor_exempt[View: Callable[..., Any]](view: View) -> View:
    """Mark a view reachable before the second factor (login, logout, the second factor itself)."""
    view.second_factor_exempt = True  # type: ignore[attr-defined]
    return view


class SecondFactorMiddleware:
    """After a password login, every page but the exempt ones waits for the second factor (enrolment first
    when the user has none). Install after OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or getattr(view_func, "second_factor_exempt", False):
            return None
        if second_factor_done(request):
            return None
        name = (
            "accounts:two_factor_verify" if has_second_factor(request.user) else "accounts:two_factor_enrol"
        )
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
