"""Password hashing and policy, and the "Cambia password" page (ADR 0006)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tutela.accounts.models import User
from tutela.accounts.passwords import character_classes
from tutela.audit.models import AuditEvent
from tutela.conftest import TEST_PASSWORD

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "config" / "settings.py"


def production_settings(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """config/settings.py read as production reads it (no TESTING, no DEBUG)."""
    monkeypatch.setenv("TUTELA_TESTING", "false")
    monkeypatch.setenv("TUTELA_DEBUG", "false")
    monkeypatch.setenv("TUTELA_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("TUTELA_FIELD_KEYS", "A" * 43 + "=")
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_hashes_with_argon2_and_still_reads_pbkdf2(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    prod = production_settings(monkeypatch)
    assert prod["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in prod["PASSWORD_HASHERS"]
    assert prod["TUTELA_REQUIRE_2FA"] is True  # never off by default
    assert prod["AXES_LOCKOUT_PARAMETERS"] == ["username", "ip_address"]
    settings.PASSWORD_HASHERS = prod["PASSWORD_HASHERS"]
    encoded = make_password("Una-Password-Lunga-2030")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Una-Password-Lunga-2030", encoded)
    assert identify_hasher(encoded).algorithm == "argon2"


def test_two_factor_is_off_only_when_the_environment_says_false(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTELA_REQUIRE_2FA", "false")
    assert production_settings(monkeypatch)["TUTELA_REQUIRE_2FA"] is False
    monkeypatch.setenv("TUTELA_REQUIRE_2FA", "")
    assert production_settings(monkeypatch)["TUTELA_REQUIRE_2FA"] is True


def test_the_tests_keep_the_fast_hasher() -> None:
    assert django_settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _messages(password: str, user: User | None = None) -> list[str]:
    with translation.override("it"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Corta-1", "troppo corta: deve contenere almeno 12 caratteri"),
        ("12345678901234", "interamente numerica"),
        ("password12345", "troppo comune"),
        (
            "tuttominuscolo",
            "almeno 3 tipi di carattere tra lettere minuscole, lettere maiuscole, cifre e simboli",
        ),
        ("TUTTOMAIUSCOLO2030", "almeno 3 tipi di carattere"),
    ],
)
def test_the_policy_explains_itself_in_italian(password: str, expected: str) -> None:
    messages = " ".join(_messages(password))
    assert expected in messages, messages


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused() -> None:
    user = User(username="mario.rossi", first_name="Mario", last_name="Rossi", email="mario.rossi@example.it")
    assert "troppo simile" in " ".join(_messages("Mario.Rossi.2030", user))


def test_good_passwords_pass() -> None:
    for password in ("Tramonto sul Bisenzio 2030", "fiume-Bisenzio-82", "Lünga#passphrase"):
        assert _messages(password) == [], password


def test_character_classes() -> None:
    assert character_classes("abc") == 1
    assert character_classes("abcD") == 2
    assert character_classes("abcD1") == 3
    assert character_classes("àèÌ1 ") == 4


def test_change_password_page(client: Client, social_worker: User) -> None:
    client.force_login(social_worker)
    url = reverse("accounts:password_change")
    page = client.get(url)
    assert page.status_code == 200 and "Cambia password" in page.content.decode()
    weak = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abc"})
    assert "almeno 12 caratteri" in weak.content.decode()
    wrong_old = client.post(
        url,
        {
            "old_password": "no",
            "new_password1": "Nuova-Password-2030",
            "new_password2": "Nuova-Password-2030",
        },
    )
    assert wrong_old.status_code == 200
    done = client.post(
        url,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nuova-Password-2030",
            "new_password2": "Nuova-Password-2030",
        },
    )
    assert done["Location"] == reverse("accounts:security")
    social_worker.refresh_from_db()
    assert social_worker.check_password("Nuova-Password-2030")
    assert client.get("/").status_code == 200  # this session goes on
    assert (
        AuditEvent.objects.filter(action="accounts.user.password_changed", actor=social_worker).count() == 1
    )
