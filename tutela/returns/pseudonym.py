"""The pseudonymous IDBeneficiario of the SINBA flow (ADR 0012).

HMAC-SHA256 of the person's id under TUTELA_RETURNS_KEY, base32 without padding, first 20 characters (100 bits):
the same child gets the same code in every export, and nobody without the key can compute it, from the codice
fiscale or from anything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LENGTH = 20  # SinbaType/@IDBeneficiario: string, 1-20 characters


def returns_key_configured() -> bool:
    return bool(settings.TUTELA_RETURNS_KEY)


def _key(key: str | None) -> bytes:
    chosen = key or settings.TUTELA_RETURNS_KEY
    if not chosen:
        raise ImproperlyConfigured("TUTELA_RETURNS_KEY is not set (ADR 0012).")
    return base64.urlsafe_b64decode(chosen.encode("ascii"))


def beneficiary_pseudonym(person_id: int, *, key: str | None = None) -> str:
    """The child's code in the SINBA flow: stable for a person id, unlinkable without the key."""
    digest = hmac.new(_key(key), f"tutela-sinba-person:{person_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:LENGTH]
