"""Codice fiscale checks (DPR 605/1973): well formed, and consistent with what else was typed."""

from __future__ import annotations

import datetime as dt

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fiscal_code_normalise(value: str) -> str:
    return "".join(value.split()).upper()


def fiscal_code_validate(
    value: str,
    *,
    surname: str = "",
    given_name: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
) -> dict[str, str]:
    """Raise ValidationError (field -> message) when the code is invalid or contradicts the other data."""
    code = fiscal_code_normalise(value)
    if not codicefiscale.is_valid(code):
        raise ValidationError({"fiscal_code": _("Il codice fiscale non è valido.")})
    decoded = codicefiscale.decode(code)
    raw = decoded["raw"]
    errors: dict[str, str] = {}
    if surname and codicefiscale.encode_lastname(surname) != raw["lastname"]:
        errors["fiscal_code"] = _("Il codice fiscale non corrisponde al cognome indicato.")
    elif given_name and codicefiscale.encode_firstname(given_name) != raw["firstname"]:
        errors["fiscal_code"] = _("Il codice fiscale non corrisponde al nome indicato.")
    elif birth_date and decoded["birthdate"].date() != birth_date:
        errors["fiscal_code"] = _("Il codice fiscale non corrisponde alla data di nascita indicata.")
    elif sex and decoded["gender"] != sex:
        errors["fiscal_code"] = _("Il codice fiscale non corrisponde al sesso indicato.")
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "birthplace_code": decoded["birthplace"]["code"] if decoded.get("birthplace") else "",
    }


def fiscal_code_decode(value: str) -> tuple[dt.date, str] | None:
    """Birth date and sex encoded in a valid codice fiscale, or None when it is not valid."""
    code = fiscal_code_normalise(value)
    if not codicefiscale.is_valid(code):
        return None
    decoded = codicefiscale.decode(code)
    return decoded["birthdate"].date(), decoded["gender"]
