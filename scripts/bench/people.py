"""The child and two relatives of each synthetic case, with unique codici fiscali."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from scripts.bench.fiscal import FiscalCodes
from scripts.bench.population import (
    BOYS,
    FATHERS,
    FOREIGN,
    GIRLS,
    GRANDPARENTS_F,
    ITALIAN_SHARE,
    ITALIAN_SURNAMES,
    MOTHERS,
    STREETS,
)
from scripts.bench.world import World

YEAR = 365.25
SURNAMES = list(dict.fromkeys(ITALIAN_SURNAMES))
SURNAME_WEIGHTS = [1 / rank**0.7 for rank in range(1, len(SURNAMES) + 1)]
GIRL_WEIGHTS = [1 / rank**0.8 for rank in range(1, len(GIRLS) + 1)]
BOY_WEIGHTS = [1 / rank**0.8 for rank in range(1, len(BOYS) + 1)]
ORIGINS = [None, *range(len(FOREIGN))]
ORIGIN_WEIGHTS = [ITALIAN_SHARE, *(share for share, *_rest in FOREIGN)]
# (kind, weight) of the second relative; the first is the mother, or a grandmother.
SECOND_RELATIVE = [("father", 80), ("parent_partner", 8), ("sibling", 6), ("relative", 6)]


@dataclass(slots=True)
class Person:
    id: int
    surname: str
    given_name: str
    fiscal_code: str | None
    birth: dt.date


class PeopleGenerator:
    """Appends persons and relationships to their tables; returns the child and the relatives."""

    def __init__(
        self, *, world: World, rng: random.Random, fiscal: FiscalCodes, tables: Any, ids: dict[str, int]
    ):
        self.world, self.rng, self.fiscal, self.tables, self.ids = world, rng, fiscal, tables, ids
        self.search_key = _search_key_function(tables.persons.columns)
        self.samples: list[tuple[str, str, str, str, dt.date]] = []

    def family(self, *, opened: dt.datetime, residence: tuple[int, str]) -> tuple[Person, list[Person]]:
        rng = self.rng
        origin = rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
        surname = self._surname(origin)
        sex = "F" if rng.random() < 0.5 else "M"
        given = self._child_name(origin, sex)
        birth = opened.date() - dt.timedelta(days=int(rng.uniform(0, 17.9) * YEAR))
        child = self._person(surname, given, sex, birth, origin, residence, opened, adult=False)
        relatives = [
            self._mother(child, origin, residence, opened),
            self._second(child, origin, residence, opened),
        ]
        for relative, kind, cohabiting in relatives:
            row = (_next(self.ids, "relationship"), child.id, relative.id, kind, cohabiting, opened)
            self.tables.relationships.rows.append(row)
        return child, [r for r, _k, _c in relatives]

    def _mother(
        self, child: Person, origin: int | None, residence: tuple[int, str], at: dt.datetime
    ) -> tuple:
        rng = self.rng
        grandmother = rng.random() < 0.08
        age = rng.uniform(40, 60) if grandmother else rng.uniform(18, 45)
        italian_names = GRANDPARENTS_F if grandmother else MOTHERS
        given = rng.choice(italian_names if origin is None else FOREIGN[origin][2])
        birth = child.birth - dt.timedelta(days=int(age * YEAR))
        mother = self._person(self._surname(origin), given, "F", birth, origin, residence, at, adult=True)
        return mother, "grandparent" if grandmother else "mother", rng.random() < 0.85

    def _second(
        self, child: Person, origin: int | None, residence: tuple[int, str], at: dt.datetime
    ) -> tuple:
        rng = self.rng
        kind = rng.choices([k for k, _w in SECOND_RELATIVE], weights=[w for _k, w in SECOND_RELATIVE])[0]
        if kind == "sibling":
            birth, sex = child.birth - dt.timedelta(days=int(rng.uniform(2, 10) * YEAR)), rng.choice("FM")
            given = self._child_name(origin, sex)
        else:
            birth, sex = child.birth - dt.timedelta(days=int(rng.uniform(20, 50) * YEAR)), "M"
            given = rng.choice(FATHERS) if origin is None else rng.choice(FOREIGN[origin][3])
        surname = child.surname if kind in ("father", "sibling") else self._surname(origin)
        person = self._person(surname, given, sex, birth, origin, residence, at, adult=True)
        return person, kind, rng.random() < (0.6 if kind == "father" else 0.4)

    def _surname(self, origin: int | None) -> str:
        if origin is None:
            return self.rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        return self.rng.choice(FOREIGN[origin][1])

    def _child_name(self, origin: int | None, sex: str) -> str:
        rng = self.rng
        if origin is not None and rng.random() < 0.7:
            return rng.choice(FOREIGN[origin][2] if sex == "F" else FOREIGN[origin][3])
        if sex == "F":
            return rng.choices(GIRLS, weights=GIRL_WEIGHTS)[0]
        return rng.choices(BOYS, weights=BOY_WEIGHTS)[0]

    def _person(
        self,
        surname: str,
        given: str,
        sex: str,
        birth: dt.date,
        origin: int | None,
        residence: tuple[int, str],
        at: dt.datetime,
        *,
        adult: bool,
    ) -> Person:
        rng = self.rng
        abroad = origin is not None and (adult or rng.random() < 0.4)
        if abroad:
            country, citizenship, place_code = FOREIGN[origin][4]  # type: ignore[index]
            place_id = None
        else:
            place_code, place_id = rng.choices(self.world.birthplaces, weights=self.world.birthplace_weights)[
                0
            ]
            country, citizenship = "", "Italiana" if origin is None else FOREIGN[origin][4][1]
        with_code = not adult or rng.random() < (0.97 if origin is None else 0.8)
        code = None
        if with_code:
            code, birth = self._code(surname, given, sex, birth, place_code)
        person_id = _next(self.ids, "person")
        address = f"{rng.choice(STREETS)} {rng.randint(1, 250)}"
        phone = (
            f"+39 3{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"
            if adult and rng.random() < 0.8
            else ""
        )
        row: tuple[Any, ...] = (
            person_id,
            surname,
            given,
            code,
            birth,
            place_id,
            country,
            sex,
            citizenship,
            residence[0],
            address,
            phone,
            at,
        )
        if self.search_key is not None:
            row += (self.search_key(surname), self.search_key(given))
        self.tables.persons.rows.append(row)
        return Person(person_id, surname, given, code, birth)

    def _code(self, surname: str, given: str, sex: str, birth: dt.date, place: str) -> tuple[str, dt.date]:
        """A free code, moving the birth date by a day or more when even the omocodes are taken."""
        for shift in range(40):
            day = birth - dt.timedelta(days=shift)
            code = self.fiscal.issue(surname=surname, given_name=given, sex=sex, birth=day, place=place)
            if code is not None:
                if shift == 0 and len(self.samples) < 200 and self.rng.random() < 0.01:
                    self.samples.append((code, surname, given, sex, day))
                return code, day
        raise RuntimeError(f"no codice fiscale left for {surname} {given} {birth}")


PERSON_COLUMNS = (
    "id",
    "surname",
    "given_name",
    "fiscal_code",
    "birth_date",
    "birth_place_id",
    "birth_country",
    "sex",
    "citizenship",
    "residence_municipality_id",
    "residence_address",
    "phone",
    "created_at",
)
RELATIONSHIP_COLUMNS = ("id", "child_id", "relative_id", "kind", "cohabiting", "created_at")


def person_columns(model: Any) -> tuple[str, ...]:
    """The person columns, with the search keys when the model has them (people/search.py)."""
    names = {f.attname for f in model._meta.concrete_fields}
    keys = ("surname_key", "given_name_key")
    return PERSON_COLUMNS + keys if all(k in names for k in keys) else PERSON_COLUMNS


def _search_key_function(columns: tuple[str, ...]) -> Any:
    if "surname_key" not in columns:
        return None
    from tutela.people.search import search_key

    return search_key


def _next(ids: dict[str, int], key: str) -> int:
    ids[key] += 1
    return ids[key]
