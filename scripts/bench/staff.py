"""The social workers the synthetic cases are assigned to, sized so that nobody holds more than 60 open cases.

Each load adds as many synthetic social workers (with their teams) as its open assigned cases need at 35-60
open cases each; the demo's 'assistente' and 'assistente2' are topped up to 55 open cases first. Cases closed
more than a year ago belong to former social workers (inactive accounts), as after years of staff turnover.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import models

from scripts.bench.copyrows import Table
from scripts.bench.population import FATHERS, ITALIAN_SURNAMES, MOTHERS

DEMO_WORKERS = ("assistente", "assistente2")
DEMO_OPEN_CASES = 55
CASELOAD = (35, 60)
TEAM_SIZE = 10
FORMER_PER_CASES = 3000  # one former social worker per this many old closed cases
USER_PREFIX = "assistente.b"
FORMER_PREFIX = "ex.assistente.b"


@dataclass
class Workers:
    """Who leads what: a slot per open case to hand out, the active pool, the former social workers."""

    open_slots: list[int] = field(default_factory=list)
    active: list[int] = field(default_factory=list)
    former: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    def take_open(self) -> int:
        return self.open_slots.pop()


def demo_open_counts(user_ids: dict[str, int]) -> dict[str, int]:
    from tutela.cases.models import Case, CaseState

    counts = {}
    for username in DEMO_WORKERS:
        led = Case.objects.filter(lead_social_worker_id=user_ids[username])
        counts[username] = led.exclude(state__in=[CaseState.CLOSED, CaseState.REFERRED]).count()
    return counts


class StaffBuilder:
    """Adds the users, memberships and teams one load needs, in its transaction."""

    def __init__(self, *, rng: random.Random, now: dt.datetime, sds_id: int, password: str) -> None:
        from tutela.accounts.models import Membership, Team, User

        self.rng, self.now, self.sds_id = rng, now, sds_id
        self.password_hash = make_password(password)
        user_columns = ("id", "password", "username", "first_name", "last_name", "email", "is_active")
        self.users = Table(User, (*user_columns, "date_joined", "profession"), now=now)
        self.teams = Table(Team, ("id", "name", "organisation_id"), now=now)
        self.memberships = Table(
            Membership, ("id", "user_id", "organisation_id", "team_id", "role", "active"), now=now
        )
        self.next_number = _next_number(User)
        self.names: dict[int, str] = {}

    def build(
        self, *, open_cases: int, old_closed: int, demo_ids: dict[str, int], ids: dict[str, int]
    ) -> Workers:
        workers = Workers()
        for username, count in demo_open_counts(demo_ids).items():
            take = max(0, DEMO_OPEN_CASES - count)
            workers.open_slots += [demo_ids[username]] * min(take, open_cases - len(workers.open_slots))
            workers.active.append(demo_ids[username])
        team_id = None
        while len(workers.open_slots) < open_cases:
            if len(workers.active) % TEAM_SIZE == 0 or team_id is None:
                team_id = self._team(ids)
            user_id = self._user(ids, active=True, team_id=team_id)
            workers.active.append(user_id)
            load = min(self.rng.randint(*CASELOAD), open_cases - len(workers.open_slots))
            workers.open_slots += [user_id] * load
        for _ in range(-(-old_closed // FORMER_PER_CASES)):
            workers.former.append(self._user(ids, active=False, team_id=None))
        self.rng.shuffle(workers.open_slots)
        return workers

    def tables(self) -> list[Table]:
        return [self.teams, self.users, self.memberships]

    def _team(self, ids: dict[str, int]) -> int:
        team_id = _next(ids, "team")
        self.teams.rows.append((team_id, f"Équipe territoriale {team_id}", self.sds_id))
        return team_id

    def _user(self, ids: dict[str, int], *, active: bool, team_id: int | None) -> int:
        from tutela.accounts.roles import Role

        number, self.next_number = self.next_number, self.next_number + 1
        username = f"{USER_PREFIX if active else FORMER_PREFIX}{number:04d}"
        first = self.rng.choice(MOTHERS + FATHERS)
        last = self.rng.choice(ITALIAN_SURNAMES)
        user_id = _next(ids, "user")
        self.names[user_id] = f"{first} {last}"
        joined = self.now - dt.timedelta(days=self.rng.randint(200, 6000))
        email = f"{username}@sds-pratese.example.invalid"
        self.users.rows.append(
            (user_id, self.password_hash, username, first, last, email, active, joined, "Assistente sociale")
        )
        membership = (
            _next(ids, "membership"),
            user_id,
            self.sds_id,
            team_id,
            Role.SOCIAL_WORKER.value,
            active,
        )
        self.memberships.rows.append(membership)
        return user_id


def _next(ids: dict[str, int], key: str) -> int:
    ids[key] += 1
    return ids[key]


def _next_number(user_model: type[models.Model]) -> int:
    """Synthetic users are numbered on from the last load."""
    names = user_model.objects.filter(username__contains=".b").values_list("username", flat=True)  # type: ignore[attr-defined]
    numbers = [int(n.rsplit(".b", 1)[1]) for n in names if n.rsplit(".b", 1)[1].isdigit()]
    return max(numbers, default=0) + 1
