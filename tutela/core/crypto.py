"""Encryption of confidential free text at rest (ADR 0009).

A stored value is "v1:" + a Fernet token (AES-128-CBC + HMAC-SHA256, random IV, so equal texts give different
tokens). Keys come from settings.TUTELA_FIELD_KEYS, never from SECRET_KEY: the first key encrypts, every key
decrypts, so a key is rotated by putting the new one first and running `manage.py rotate_field_keys`.
Values that are not a "v1:" token are legacy plaintext, read as they are until rotation encrypts them.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1:"
# Fernet token layout: version 0x80, 8-byte timestamp, 16-byte IV, AES blocks, 32-byte HMAC.
_TOKEN_OVERHEAD = 1 + 8 + 16 + 32
_FERNET_VERSION = 0x80


class FieldKeyError(ImproperlyConfigured):
    """TUTELA_FIELD_KEYS is missing or holds something that is not a Fernet key."""


class FieldDecryptionError(Exception):
    """A stored token that no key in TUTELA_FIELD_KEYS opens (wrong key, or a key removed too early)."""


class TokenState(enum.Enum):
    EMPTY = "empty"  # "" or NULL: nothing to protect
    PLAINTEXT = "plaintext"  # legacy row, not encrypted yet
    CURRENT = "current"  # encrypted with the first key
    OLD_KEY = "old_key"  # encrypted with another key of the list


def _keys() -> tuple[str, ...]:
    keys = tuple(getattr(settings, "TUTELA_FIELD_KEYS", ()) or ())
    if not keys:
        raise FieldKeyError(
            "TUTELA_FIELD_KEYS is empty: confidential fields can be neither encrypted nor read. "
            "Set it to one or more Fernet keys, comma-separated (the first encrypts)."
        )
    return keys


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, binascii.Error, TypeError) as exc:
            # Never echo the key itself: it would end up in logs.
            raise FieldKeyError(
                f"TUTELA_FIELD_KEYS: key number {position} is not a Fernet key "
                "(urlsafe base64 of 32 random bytes)."
            ) from exc
    return MultiFernet(fernets), fernets[0]


def key_fingerprint(key: str | None = None) -> str:
    """A short, non-reversible name for a key (the first one by default), for logs and the audit trail."""
    return hashlib.sha256((key or _keys()[0]).encode("ascii")).hexdigest()[:12]


def is_token(value: str) -> bool:
    """Whether a stored value is one of our tokens rather than legacy plaintext that happens to start alike."""
    if not value.startswith(PREFIX):
        return False
    try:
        raw = base64.b64decode(value[len(PREFIX) :], altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return False
    return (
        len(raw) >= _TOKEN_OVERHEAD + 16
        and (len(raw) - _TOKEN_OVERHEAD) % 16 == 0
        and raw[0] == _FERNET_VERSION
    )


def encrypt(plaintext: str) -> str:
    """The stored form of a text; the empty string stays empty (that a reason is missing is no secret)."""
    if plaintext == "":
        return ""
    multi, _primary = _fernets(_keys())
    return PREFIX + multi.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str, *, where: str = "") -> str:
    """The text of a stored value; legacy plaintext comes back as it is."""
    if not is_token(stored):
        return stored
    multi, _primary = _fernets(_keys())
    try:
        return multi.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise FieldDecryptionError(
            f"Cannot decrypt {where or 'an encrypted field'}: no key in TUTELA_FIELD_KEYS opens it. "
            "Wrong keys, or a key removed before `manage.py rotate_field_keys` re-encrypted every row."
        ) from None


def token_state(stored: str | None) -> TokenState:
    """Which key a stored value needs, without decrypting more than necessary."""
    if not stored:
        return TokenState.EMPTY
    if not is_token(stored):
        return TokenState.PLAINTEXT
    _multi, primary = _fernets(_keys())
    try:
        primary.decrypt(stored[len(PREFIX) :].encode("ascii"))
    except InvalidToken:
        return TokenState.OLD_KEY
    return TokenState.CURRENT


def reencrypt(stored: str, *, where: str = "") -> str:
    """The same text encrypted with the first key (legacy plaintext gets encrypted)."""
    return encrypt(decrypt(stored, where=where))
