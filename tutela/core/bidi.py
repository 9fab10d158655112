"""Bidirectional control characters: refused in names, codes and subjects, shown escaped everywhere else.

The Unicode embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) and the invisible
direction marks (U+200E, U+200F, U+061C) reorder the text around them when it is displayed:
"Rossi\u202eodnaM" reads as "RossiMando". A name or a file name can so be made to read as another
(CVE-2021-42574, "Trojan Source"). Italian text never needs them (ADR 0010).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
BIDI_CONTROL_RE = re.compile(f"[{BIDI_CONTROLS}]")

BIDI_MESSAGE = _(
    "Il testo contiene caratteri di controllo della direzione del testo (es. %(char)s), non ammessi: "
    "di solito arrivano incollando da un altro programma, eliminarli."
)


def bidi_codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def bidi_marker(char: str) -> str:
    """The visible stand-in of one control character: "[U+202E]" (no markup, safe in any HTML context)."""
    return f"[{bidi_codepoint(char)}]"


def bidi_escape(text: str) -> str:
    """The text with each bidirectional control replaced by its visible marker."""
    if not BIDI_CONTROL_RE.search(text):
        return text
    return BIDI_CONTROL_RE.sub(lambda match: bidi_marker(match.group()), text)


def bidi_strip(text: str) -> str:
    """The text without bidirectional controls (file names: nothing to refuse, nothing to show)."""
    return BIDI_CONTROL_RE.sub("", text)


@deconstructible
class BidiControlValidator:
    """Refuses a text holding a bidirectional control; the message names the first one found."""

    code = "bidi_control"

    def __call__(self, value: Any) -> None:
        found = BIDI_CONTROL_RE.search(str(value))
        if found:
            raise ValidationError(
                BIDI_MESSAGE, code=self.code, params={"char": bidi_codepoint(found.group())}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BidiControlValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_no_bidi_controls = BidiControlValidator()
