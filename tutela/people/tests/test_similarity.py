"""Near matches of a name (people/similarity.py): pg_trgm's similarity, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from tutela.people.similarity import THRESHOLD, similarity, trigrams

PAIRS = [
    ("ROSI", "ROSSI"),
    ("ESPOSTO", "ESPOSITO"),
    ("ROSSI", "RUSSO"),
    ("DANGELO", "DAGNELO"),
    ("BIANCHI", "BIANCHI"),
    ("NGUYEN", "ROSSI"),
    ("Rossi Bianchi", "rossi"),
    ("", "ROSSI"),
]


def test_trigrams_are_those_of_pg_trgm() -> None:
    assert trigrams("Rosi") == {"  r", " ro", "ros", "osi", "si "}
    assert trigrams("a-b") == {"  a", " a ", "  b", " b "}  # two words
    assert trigrams("") == set()


def test_near_names_and_far_ones() -> None:
    assert similarity("ROSI", "ROSSI") >= THRESHOLD
    assert similarity("ESPOSTO", "ESPOSITO") >= THRESHOLD
    assert similarity("NGUYEN", "ROSSI") < THRESHOLD
    assert similarity("BIANCHI", "BIANCHI") == 1.0
    assert similarity(None, "ROSSI") == similarity("", "") == 0.0


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_the_database_computes_the_same_similarity(db, first: str, second: str) -> None:
    """SQLite runs the Python function (registered on every connection); PostgreSQL runs pg_trgm's own."""
    function = "similarity" if connection.vendor == "postgresql" else "tutela_similarity"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [first, second])
        (value,) = cursor.fetchone()
    assert value == pytest.approx(similarity(first, second), abs=1e-6)
