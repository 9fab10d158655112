"""Helpers of the login tests (test_auth_*.py): codes of an authenticator app, devices, a verified login."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tutela.accounts import twofactor
from tutela.conftest import TEST_PASSWORD


def app_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for the device's secret."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def enrolled(user: Any) -> tuple[TOTPDevice, list[str]]:
    """A confirmed TOTP device and fresh backup codes, as if the user had enrolled."""
    device = TOTPDevice.objects.create(user=user, name=twofactor.TOTP_NAME, confirmed=True)
    return device, twofactor.backup_codes_generate(user)


def password_login(client: Client, username: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)
