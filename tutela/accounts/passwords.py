"""Password policy beyond Django's validators (ADR 0006)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters (symbols, spaces) the password uses."""
    found = {name for char in password for name, test in CLASSES if test(char)}
    if any(not (char.islower() or char.isupper() or char.isdigit()) for char in password):
        found.add("other")
    return len(found)


class CharacterClassesValidator:
    """At least `min_classes` of: lower case letters, upper case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                ngettext(
                    "La password deve contenere almeno %(min)d tipo di carattere tra lettere minuscole, "
                    "lettere maiuscole, cifre e simboli.",
                    "La password deve contenere almeno %(min)d tipi di carattere tra lettere minuscole, "
                    "lettere maiuscole, cifre e simboli.",
                    self.min_classes,
                ),
                code="password_too_few_classes",
                params={"min": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Usa almeno %(min)d tipi di carattere tra lettere minuscole, lettere maiuscole, cifre e simboli."
        ) % {"min": self.min_classes}


class ItalianMinimumLengthValidator(MinimumLengthValidator):
    """Django's, with the message Django 6's Italian catalogue lacks (its English text changed)."""

    def get_error_message(self) -> str:
        return ngettext(
            "Questa password è troppo corta: deve contenere almeno %(min)d carattere.",
            "Questa password è troppo corta: deve contenere almeno %(min)d caratteri.",
            self.min_length,
        ) % {"min": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "La password deve contenere almeno %(min)d carattere.",
            "La password deve contenere almeno %(min)d caratteri.",
            self.min_length,
        ) % {"min": self.min_length}
