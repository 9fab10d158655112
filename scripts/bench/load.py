"""Load synthetic cases with COPY, BATCH cases per transaction, on top of the demo territory.

Ids come from each table's own sequence: a batch takes the next value, numbers its rows on from it and moves the
sequence past the last one used, so the application keeps inserting after the bench. Nothing else writes these
tables while the bench loads (the server is idle between measurements).

Audit events are chained (ADR 0008) exactly as tutela.audit.services.audit_record chains them: the chain head is
locked FOR UPDATE, each event's hash covers its fields and the previous hash (tutela.audit.chain.event_hash), and
the head moves to the last event. The head's trigger lets it move one event at a time only; the batch moves it by
thousands with `SET LOCAL session_replication_role = replica` around that one UPDATE, which lasts until the end of
the transaction at most and is set back right after. The append-only trigger on the events stays on throughout.
Within a batch, events are in time order; across batches and with the demo's events they are not (history is
appended a batch at a time), which audit_verify does not check.
"""

from __future__ import annotations

import datetime as dt
import queue
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import psycopg
from django.db import connection, transaction

from scripts.bench.cases import (
    ASSESSMENT_COLUMNS,
    CASE_COLUMNS,
    DEADLINE_COLUMNS,
    EVENT_COLUMNS,
    JOURNAL_COLUMNS,
    RECENT_CLOSURE,
    REFERRAL_COLUMNS,
    REPORT_COLUMNS,
    CaseGenerator,
)
from scripts.bench.copyrows import Rows, Table
from scripts.bench.fiscal import FiscalCodes, fiscal_codes_check
from scripts.bench.people import RELATIONSHIP_COLUMNS, PeopleGenerator, person_columns
from scripts.bench.services import INTERVENTION_COLUMNS, PROPOSAL_COLUMNS, REVIEW_COLUMNS
from scripts.bench.staff import StaffBuilder
from scripts.bench.timeline import ASSESSMENT, CLOSED, CLOSING, IN_CARE, plans_draw
from scripts.bench.world import SOCIAL_WORKER_ROLES, World

BATCH = 2000
AUDIT_COLUMNS = (
    "id", "at", "actor_id", "actor_roles", "action", "object_type", "object_id", "case_id", "ip_address",
    "reason", "data", "sequence", "prev_hash", "hash",
)  # fmt: skip
# id key -> model label: the sequences a batch draws from.
SEQUENCES = {
    "person": "people.Person",
    "relationship": "people.Relationship",
    "case": "cases.Case",
    "referral": "intake.Referral",
    "event": "cases.CaseEvent",
    "journal": "cases.JournalEntry",
    "deadline": "deadlines.Deadline",
    "assessment": "assessments.Assessment",
    "report": "assessments.SocialReport",
    "proposal": "services.ServiceProposal",
    "review": "services.AdministrativeReview",
    "intervention": "services.Intervention",
    "audit": "audit.AuditEvent",
    "user": "accounts.User",
    "team": "accounts.Team",
    "membership": "accounts.Membership",
}


@dataclass
class Tables:
    now: dt.datetime
    tables: dict[str, Table] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from django.apps import apps

        model = apps.get_model
        spec = {
            "persons": ("people.Person", person_columns(model("people.Person"))),
            "relationships": ("people.Relationship", RELATIONSHIP_COLUMNS),
            "cases": ("cases.Case", CASE_COLUMNS),
            "referrals": ("intake.Referral", REFERRAL_COLUMNS),
            "events": ("cases.CaseEvent", EVENT_COLUMNS),
            "journal": ("cases.JournalEntry", JOURNAL_COLUMNS),
            "assessments": ("assessments.Assessment", ASSESSMENT_COLUMNS),
            "reports": ("assessments.SocialReport", REPORT_COLUMNS),
            "proposals": ("services.ServiceProposal", PROPOSAL_COLUMNS),
            "reviews": ("services.AdministrativeReview", REVIEW_COLUMNS),
            "interventions": ("services.Intervention", INTERVENTION_COLUMNS),
            "deadlines": ("deadlines.Deadline", DEADLINE_COLUMNS),
            "audit": ("audit.AuditEvent", AUDIT_COLUMNS),
        }
        for name, (label, columns) in spec.items():
            self.tables[name] = Table(model(label), columns, now=self.now)

    def __getattr__(self, name: str) -> Table:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None

    def take(self) -> list[Rows]:
        return [table.take() for name, table in self.tables.items() if name != "audit"]


@dataclass(frozen=True)
class Batch:
    rows: list[Rows]
    events: list[tuple[Any, ...]]
    ids: dict[str, int]  # the last id used in each table
    audit: Rows  # empty: its statement and constants


@dataclass
class Loader:
    """Adds cases to the database; one per process, so that codici fiscali stay unique across loads."""

    world: World
    rng: random.Random
    fiscal: FiscalCodes
    ids: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEQUENCES, 0))

    def load(self, count: int, *, now: dt.datetime) -> float:
        """Add `count` cases; returns the seconds it took. Generating a batch overlaps writing the previous."""
        started = time.perf_counter()
        plans = plans_draw(self.rng, count, now)
        tables = Tables(now)
        people = PeopleGenerator(
            world=self.world, rng=self.rng, fiscal=self.fiscal, tables=tables, ids=self.ids
        )
        generator = CaseGenerator(world=self.world, rng=self.rng, now=now, people=people, tables=tables)
        generator.code_numbers = _code_numbers(self.world.prefix)
        _ids_start(self.ids)
        generator.workers = self._staff(plans, now)
        writer = BatchWriter(self.world, audit_id=self.ids["audit"])
        writer.start()
        try:
            for first in range(0, count, BATCH):
                for plan in plans[first : first + BATCH]:
                    generator.case(plan)
                writer.put(Batch(tables.take(), generator.audit, dict(self.ids), tables.audit.take()))
                generator.audit = []
                done = min(first + BATCH, count)
                elapsed = time.perf_counter() - started
                written = min(writer.written * BATCH, count)
                print(
                    f"  {done}/{count} cases generated, {written} written, {elapsed:.0f} s", file=sys.stderr
                )
        finally:
            writer.finish()
        fiscal_codes_check(people.samples)
        return time.perf_counter() - started

    def _staff(self, plans: list[Any], now: dt.datetime) -> Any:
        from django.conf import settings

        open_cases = sum(1 for p in plans if p.state in (ASSESSMENT, IN_CARE, CLOSING))
        old = sum(1 for p in plans if p.state == CLOSED and p.closed < now - RECENT_CLOSURE)
        sds = self.world.orgs["sds"]
        builder = StaffBuilder(rng=self.rng, now=now, sds_id=sds, password=settings.TUTELA_DEMO_PASSWORD)
        workers = builder.build(
            open_cases=open_cases, old_closed=old, demo_ids=self.world.users, ids=self.ids
        )
        with transaction.atomic(), connection.cursor() as wrapper:
            for table in builder.tables():
                table.flush(wrapper.cursor)
            _ids_advance(wrapper.cursor, self.ids, ("user", "team", "membership"))
        workers.names.update(builder.names)
        print(
            f"  {len(workers.active)} social workers for {open_cases} open cases, {len(workers.former)} former",
            file=sys.stderr,
        )
        return workers


class BatchWriter(threading.Thread):
    """Writes batches in order, each in one transaction on its own connection, while the next is generated."""

    def __init__(self, world: World, *, audit_id: int) -> None:
        super().__init__(name="bench-writer", daemon=True)
        self.world, self.audit_id = world, audit_id
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.written = 0

    def put(self, batch: Batch) -> None:
        while self.is_alive():
            try:
                self.queue.put(batch, timeout=1)
                return
            except queue.Full:
                continue
        raise RuntimeError("the batch writer stopped") from self.error

    def finish(self) -> None:
        if self.is_alive():
            self.queue.put(None)
            self.join()
        if self.error is not None:
            raise RuntimeError("the batch writer failed") from self.error

    def run(self) -> None:
        try:
            with psycopg.connect(**_connection_parameters()) as conn:
                while (batch := self.queue.get()) is not None:
                    with conn.transaction(), conn.cursor() as cursor:
                        cursor.execute("SET LOCAL synchronous_commit = off")  # a throwaway cluster
                        for rows in batch.rows:
                            rows.copy(cursor)
                        self._chain(cursor, batch)
                        _ids_advance(cursor, {**batch.ids, "audit": self.audit_id}, tuple(SEQUENCES))
                    self.written += 1
        except BaseException as exc:  # reported by put() and finish() in the main thread
            self.error = exc

    def _chain(self, cursor: Any, batch: Batch) -> None:
        """Append the batch's events to the hash chain, under the chain head's lock, as audit_record does."""
        from tutela.audit.chain import event_hash

        cursor.execute("SELECT sequence, last_hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
        row = cursor.fetchone()
        if row is None:
            raise RuntimeError("the audit chain has no head: seed_demo should have written events")
        sequence, previous = row
        roles, rows = self.world.roles, batch.audit.rows
        for at, actor, action, object_type, object_id, case_id in sorted(batch.events, key=itemgetter(0)):
            sequence += 1
            actor_roles = roles.get(actor, SOCIAL_WORKER_ROLES)
            address = f"10.20.{actor // 250 % 250}.{actor % 250 + 1}"
            digest = event_hash(
                sequence=sequence, at=at, actor_id=actor, actor_roles=actor_roles, action=action,
                object_type=object_type, object_id=object_id, case_id=case_id, ip_address=address, reason="",
                data={}, prev_hash=previous,
            )  # fmt: skip
            self.audit_id += 1
            rows.append((
                self.audit_id, at, actor, actor_roles, action, object_type, object_id, case_id, address, "", "{}",
                sequence, previous, digest,
            ))  # fmt: skip
            previous = digest
        batch.audit.copy(cursor)
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditchainhead SET sequence = %s, last_hash = %s WHERE id = 1", [sequence, previous]
        )
        cursor.execute("SET LOCAL session_replication_role = origin")


def _connection_parameters() -> dict[str, Any]:
    settings = connection.settings_dict
    return {
        "host": settings["HOST"],
        "port": settings["PORT"] or None,
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }


def _sequence_names() -> dict[str, str]:
    from django.apps import apps

    names = {}
    with connection.cursor() as cursor:
        for key, label in SEQUENCES.items():
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [apps.get_model(label)._meta.db_table])
            names[key] = cursor.fetchone()[0]
    return names


_SEQUENCE_NAMES: dict[str, str] = {}


def _ids_start(ids: dict[str, int]) -> None:
    """ids[key]: the last id used in each table, from its sequence (the bench numbers its rows on from it)."""
    if not _SEQUENCE_NAMES:
        _SEQUENCE_NAMES.update(_sequence_names())
    keys = list(_SEQUENCE_NAMES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"nextval('{_SEQUENCE_NAMES[k]}')" for k in keys))
        for key, value in zip(keys, cursor.fetchone(), strict=True):
            ids[key] = value - 1


def _ids_advance(cursor: Any, ids: dict[str, int], keys: tuple[str, ...]) -> None:
    """Move the sequences past the ids used, so that the application inserts after them."""
    parts = [f"setval('{_SEQUENCE_NAMES[k]}', greatest({ids[k]}, 1))" for k in keys]
    cursor.execute("SELECT " + ", ".join(parts))


def _code_numbers(prefix: str) -> dict[int, int]:
    """The last case number of each year, so that codes go on from the demo's and the previous load's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT split_part(code, '-', 2)::int, max(split_part(code, '-', 3)::int) FROM cases_case "
            "WHERE code ~ %s GROUP BY 1",
            [f"^{prefix}-[0-9]{{4}}-[0-9]+$"],
        )
        return dict(cursor.fetchall())


def fiscal_codes_taken() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT fiscal_code FROM people_person WHERE fiscal_code IS NOT NULL")
        return {code for (code,) in cursor.fetchall()}
