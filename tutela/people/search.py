"""Search keys: names as a person types them, matched by index (issue on scale; ADR 0019).

A key is the name upper-cased, accents folded, and without spaces, apostrophes or other signs: «D'Àngelo»,
«d angelo» and «DANGELO» share the key DANGELO, and «Niccolò» is found by «nicco». Keys are stored beside the
names (Person.surname_key, Person.given_name_key), written by the people services with the names, and searched
by prefix through an index (varchar_pattern_ops on PostgreSQL, where the collation would otherwise refuse a LIKE
'X%' index scan).
"""

from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """The search key of a name, or of what a user typed to find it ("" when nothing searchable is left)."""
    folded = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c)).upper()
