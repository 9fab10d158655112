"""The worklist sections read pages on PostgreSQL (issue on scale): with a territory's archive, no section reads
the whole table of deadlines, and the sections of cases walk the index of the territory's newest cases instead
of reading every case to sort them. Run by `make test-postgres`; the volume benchmark is `make bench`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tutela.core.demo.territory import DemoTerritory
from tutela.deadlines.tests.test_list_plans_postgres import deadline_volume, plan
from tutela.worklists.selectors import worklist_sections

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]


@pytest.mark.parametrize("username", ["sds", "coordinatore", "assistente", "dirigente"])
def test_no_section_reads_a_whole_table(demo: DemoTerritory, username: str) -> None:
    deadline_volume(demo)
    with CaptureQueriesContext(connection) as queries:
        sections = {s.key: s for s in worklist_sections(demo.users[username])}
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]

    assert sections
    for sql in reads:
        each = plan(sql)
        assert "Seq Scan on deadlines_deadline" not in each, each
        if sql.startswith('SELECT "cases_case"') and '"cases_case"."territory_id" =' in sql:
            assert "Seq Scan on cases_case" not in each, each
    if username in ("sds", "dirigente"):
        assert sections["overdue"].rows and sections["new_cases"].more
