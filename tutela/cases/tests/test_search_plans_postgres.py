"""The hot lookups use their indexes on PostgreSQL (issue on scale): with enough rows for the planner to care,
the case search by a surname prefix and the DPO's file of one child never read whole tables of persons or audit
events. Run by `make test-postgres`; the volume benchmark is `make bench`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import QuerySet

from tutela.audit.models import AuditEvent
from tutela.audit.selectors import FileLookup, file_event_list
from tutela.cases.models import Case
from tutela.cases.selectors import case_list, case_near_matches, near_cases
from tutela.core.demo.territory import DemoTerritory
from tutela.people.models import Person
from tutela.people.search import search_key
from tutela.testing import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

SURNAMES = [
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
]


def _plan(queryset: QuerySet) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _analyze(*tables: str) -> None:
    """Statistics of the archive just written; its indexes rebuilt first, without the rows earlier tests of
    this worker inserted and rolled back (they stay in the indexes until a vacuum, and would sway the plans)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"REINDEX TABLE {table}")
            cursor.execute(f"ANALYZE {table}")


def _children_archive(demo: DemoTerritory) -> None:
    """One territory's archive: the same case 30,000 times over, each with a child of its own whose surname
    is a common one numbered (Rossi0, Russo1, ...), the statistics read afresh."""
    template = factories.referred_case(demo)
    children = Person.objects.bulk_create(
        Person(
            surname=f"{SURNAMES[n % 10]}{n}",
            given_name=f"Nome{n}",
            surname_key=search_key(f"{SURNAMES[n % 10]}{n}"),
            given_name_key=search_key(f"Nome{n}"),
            birth_date=dt.date(2012, 1, 1),
        )
        for n in range(30_000)
    )
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in ("id", "code", "child_id")
    }
    Case.objects.bulk_create(
        [Case(**fields, code=f"BENCH-2026-{n:06d}", child=child) for n, child in enumerate(children)],
        batch_size=5000,
    )
    _analyze("people_person", "cases_case")


def test_a_surname_prefix_reads_persons_by_their_key_index(demo: DemoTerritory) -> None:
    _children_archive(demo)

    plan = _plan(case_list(demo.users["coordinatore"], query="Greco123"))

    assert "Seq Scan on people_person" not in plan, plan
    assert "Seq Scan on cases_case" not in plan, plan
    assert "person_surname_key" in plan, plan


def test_a_social_worker_reads_only_the_cases_they_lead_or_team(demo: DemoTerritory) -> None:
    """The assigned scope is the lead's index and a short list of team cases, never a filter over every case."""
    mine = factories.in_care_case(demo)  # led by assistente
    clones = []
    for n in range(30_000):
        clone = Case.objects.get(pk=mine.pk)
        clone.pk, clone.code, clone.lead_social_worker = None, f"BENCH-2026-{n:06d}", None
        clones.append(clone)
    Case.objects.bulk_create(clones, batch_size=5000)
    _analyze("cases_case")

    plan = _plan(case_list(demo.users["assistente"]))

    assert "Seq Scan on cases_case" not in plan, plan
    # An OR with EXISTS becomes a filter over every row the scan reads (the whole table, by some index).
    assert "hashed SubPlan" not in plan, plan


def test_the_file_of_one_child_reads_audit_events_by_index(demo: DemoTerritory) -> None:
    case = factories.referred_case(demo)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action="cases.case.viewed",
            object_type="people.person",
            object_id=str(n),
            case_id=n,
            sequence=10_000_000 + n,
            prev_hash="0" * 64,
            hash="0" * 64,
        )
        for n in range(40_000)
    )
    _analyze("audit_auditevent")

    plan = _plan(file_event_list(FileLookup(case.child, [case])))

    assert "Seq Scan on audit_auditevent" not in plan, plan


def test_near_surnames_are_read_through_the_trigram_index(demo: DemoTerritory) -> None:
    _children_archive(demo)

    plan = _plan(near_cases(demo.users["coordinatore"], search_key("Grecco1239"))[:10])

    assert "Seq Scan on people_person" not in plan, plan
    assert "person_surname_trgm" in plan, plan
    found = case_near_matches(demo.users["coordinatore"], query="Grecco1239")
    assert found and found[0].child.surname == "Greco1239"  # n = 1239: SURNAMES[9]
