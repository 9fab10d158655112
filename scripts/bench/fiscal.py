"""Syntactically valid, unique codici fiscali, fast.

python-codicefiscale's encode() takes about 1.5 ms a code: too slow for millions. The name parts come from it
(cached per name), the date, place and check character are computed here, and a duplicate becomes an omocode
(digits replaced by letters from the right, as the Agenzia delle Entrate does). A sample of every batch goes
through the project's own check, tutela.people.validation.fiscal_code_validate, which must accept it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from codicefiscale import codicefiscale

MONTHS = "ABCDEHLMPRST"
# The check character's values of each character in an odd position (digits weigh as the first ten letters).
_ODD_DIGITS = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
_ODD_LETTERS = [*_ODD_DIGITS, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", _ODD_DIGITS + _ODD_LETTERS, strict=True))
_EVEN = {**{str(d): d for d in range(10)}, **{chr(65 + i): i for i in range(26)}}
_OMOCODE = str.maketrans("0123456789", "LMNPQRSTUV")
# Positions of the digits an omocode replaces, right to left.
_OMOCODE_POSITIONS = (14, 13, 12, 10, 9, 7, 6)


@lru_cache(maxsize=4096)
def _surname_part(surname: str) -> str:
    return str(codicefiscale.encode_lastname(surname))


@lru_cache(maxsize=4096)
def _given_part(given_name: str) -> str:
    return str(codicefiscale.encode_firstname(given_name))


def check_character(first15: str) -> str:
    total = sum(_ODD[c] for c in first15[0::2]) + sum(_EVEN[c] for c in first15[1::2])
    return chr(65 + total % 26)


class FiscalCodes:
    """Issues codes never issued before (nor found in the database when it started)."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken

    def issue(self, *, surname: str, given_name: str, sex: str, birth: dt.date, place: str) -> str | None:
        """The code of these data, an omocode when taken, None when the omocodes are taken too."""
        day = birth.day + (40 if sex == "F" else 0)
        base = (
            f"{_surname_part(surname)}{_given_part(given_name)}{birth.year % 100:02d}"
            f"{MONTHS[birth.month - 1]}{day:02d}{place}"
        )
        code: str | None = base + check_character(base)
        if code in self.taken:
            code = self._omocode(base)
        if code is not None:
            self.taken.add(code)
        return code

    def _omocode(self, base: str) -> str | None:
        chars = list(base)
        for position in _OMOCODE_POSITIONS:
            chars[position] = chars[position].translate(_OMOCODE)
            candidate = "".join(chars)
            code = candidate + check_character(candidate)
            if code not in self.taken:
                return code
        return None


def fiscal_codes_check(samples: list[tuple[str, str, str, str, dt.date]]) -> None:
    """Run the project's validation on (code, surname, given name, sex, birth date) samples; fail loudly."""
    from django.core.exceptions import ValidationError

    from tutela.people.validation import fiscal_code_validate

    for code, surname, given_name, sex, birth in samples:
        try:
            fiscal_code_validate(code, surname=surname, given_name=given_name, birth_date=birth, sex=sex)
        except ValidationError as exc:
            raise RuntimeError(f"generated codice fiscale {code} refused: {exc.messages}") from exc
