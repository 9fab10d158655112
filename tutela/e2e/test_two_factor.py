"""A journey with two-factor authentication required, in a real browser: enrolment on the first login (QR code,
secret, code, backup codes), logout, and a second login with the authenticator app's code."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tutela.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed from the page (base32, in groups of four)."""
    compact = re.sub(r"\s", "", secret).upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page: Page, username: str) -> None:
    page.goto("/accesso/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def test_enrol_on_first_login_then_log_in_with_the_apps_code(demo: Any, page: Page, settings: Any) -> None:
    settings.TUTELA_REQUIRE_2FA = True

    password_step(page, "assistente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Configura la verifica in due passaggi")
    expect(page.locator("svg.tutela-qr")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert len(re.sub(r"\s", "", secret)) == 32
    page.get_by_label("Codice di verifica").fill(app_code(secret))
    page.get_by_role("button", name="Conferma").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Codici di emergenza")
    codes = page.locator(".tutela-backup-codes li")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c.strip()) for c in codes.all_inner_texts())
    page.get_by_role("link", name="Ho conservato i codici: continua").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Da fare")

    page.get_by_role("button", name="Esci").click()
    expect(page).to_have_url(re.compile(r"/accesso/$"))
    password_step(page, "assistente")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifica in due passaggi")
    # The code of the enrolment cannot serve twice: the app's next code (within the accepted drift).
    page.get_by_label("Codice di verifica").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verifica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Da fare")
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
    assert page.problems == []  # type: ignore[attr-defined]  # no CSP violation from the inline SVG
