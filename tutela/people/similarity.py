"""Near matches of a searched name: the trigram similarity of PostgreSQL's pg_trgm, found through a GiST index,
and the same function computed in Python on SQLite (slower, for the demo), so that both databases give the same
answers (ADR 0019). A typed "Rosi" finds "ROSSI"; "Esposto" finds "ESPOSITO".

pg_trgm's rule: a text is lower-cased and split into words (runs of letters and digits); each word, padded with
two spaces before and one after, gives its three-character substrings; similarity is the number of trigrams two
texts share over the number in either. Two names are near when their similarity reaches THRESHOLD, pg_trgm's
default `similarity_threshold`.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import BooleanField, Expression, FloatField, Func, Value

THRESHOLD = 0.3
WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in WORD.findall((text or "").lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str | None, b: str | None) -> float:
    """pg_trgm's similarity(a, b), in Python (the SQLite function `tutela_similarity`)."""
    first, second = trigrams(a or ""), trigrams(b or "")
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def sqlite_functions_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: give SQLite the similarity PostgreSQL has from pg_trgm."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("tutela_similarity", 2, similarity, deterministic=True)


class Similarity(Func):
    """similarity(column, text): 0 for nothing in common, 1 for the same trigrams."""

    function = "similarity"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="tutela_similarity", **extra)


class IsNear(Func):
    """column % text: the two are near (similarity ≥ THRESHOLD). On PostgreSQL the operator is what a trigram
    index answers; on SQLite the function is compared with the same threshold."""

    output_field = BooleanField()
    conditional = True
    template = "(%(expressions)s)"
    arg_joiner = " %% "  # the % operator, escaped for the parameters

    def __init__(self, column: str | Expression, text: str) -> None:
        super().__init__(column, Value(text))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = Similarity(*self.get_source_expressions()).as_sqlite(compiler, connection)
        return f"({sql} >= {THRESHOLD})", params


class Distance(Func):
    """column <-> text (1 - similarity): ordering by it lets a GiST trigram index return the nearest first."""

    output_field = FloatField()
    template = "(%(expressions)s)"
    arg_joiner = " <-> "

    def __init__(self, column: str | Expression, text: str) -> None:
        super().__init__(column, Value(text))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = Similarity(*self.get_source_expressions()).as_sqlite(compiler, connection)
        return f"(1 - {sql})", params
