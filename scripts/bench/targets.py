"""What the timed pages ask for at each scale, and what the loaded data look like (printed with the results)."""

from __future__ import annotations

import random
from typing import Any

from django.db import connection

SAMPLE = 30


def targets_pick(rng: random.Random, world: Any) -> dict[str, Any]:
    """Children's codici fiscali and case codes of the territory, and cases 'assistente' leads in care."""
    from tutela.cases.models import Case, CaseState

    cases = Case.objects.filter(territory_id=world.territory_id, child__fiscal_code__isnull=False)
    last = cases.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked: list[tuple[Any, str]] = []
    while len(picked) < SAMPLE:
        ids = [rng.randint(1, last) for _ in range(SAMPLE * 2)]
        picked += list(cases.filter(pk__in=ids).values_list("child__fiscal_code", "code"))
    picked = picked[:SAMPLE]
    own = Case.objects.filter(lead_social_worker_id=world.users["assistente"], state=CaseState.IN_CARE)
    own_ids = sorted(own.values_list("pk", flat=True))
    return {
        "fiscal_codes": [code for code, _c in picked],
        "case_codes": [c for _code, c in picked],
        "own_cases": rng.sample(own_ids, min(10, len(own_ids))),
        "audit_queries": [code if i % 2 else case for i, (code, case) in enumerate(picked)],
    }


STATS = {
    "cases by state": "SELECT state, count(*) FROM cases_case GROUP BY 1 ORDER BY 2 DESC",
    "persons, relationships per case": """
        SELECT round((SELECT count(*) FROM people_person)::numeric / count(*), 2),
               round((SELECT count(*) FROM people_relationship)::numeric / count(*), 2) FROM cases_case""",
    "cases led by active social workers (%)": """
        SELECT round(100.0 * count(*) FILTER (WHERE u.is_active) / count(*), 1)
        FROM cases_case c LEFT JOIN accounts_user u ON u.id = c.lead_social_worker_id""",
    "open cases per active social worker (max, avg); assistente, assistente2": """
        WITH open AS (SELECT lead_social_worker_id AS u, count(*) AS n FROM cases_case
                      WHERE state IN ('ASSESSMENT', 'IN_CARE', 'CLOSING') GROUP BY 1)
        SELECT max(n), round(avg(n), 1),
               (SELECT n FROM open JOIN accounts_user ON id = u WHERE username = 'assistente'),
               (SELECT n FROM open JOIN accounts_user ON id = u WHERE username = 'assistente2') FROM open""",
    "deadlines per case, overdue %, owned %": """
        SELECT round(count(*)::numeric / (SELECT count(*) FROM cases_case), 2),
               round(100.0 * count(*) FILTER (WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at < now())
                     / count(*), 1),
               round(100.0 * count(owner_id) / count(*), 1) FROM deadlines_deadline""",
    "journal entries, case events, interventions per case": """
        SELECT round((SELECT count(*) FROM cases_journalentry)::numeric / count(*), 2),
               round((SELECT count(*) FROM cases_caseevent)::numeric / count(*), 2),
               round((SELECT count(*) FROM services_intervention)::numeric / count(*), 2) FROM cases_case""",
    "audit events per case": "SELECT round((SELECT count(*) FROM audit_auditevent)::numeric / count(*), 1) FROM cases_case",
    "database size": "SELECT pg_size_pretty(pg_database_size(current_database()))",
}


def stats_lines() -> list[str]:
    lines = []
    with connection.cursor() as cursor:
        for label, sql in STATS.items():
            cursor.execute(sql)
            rows = cursor.fetchall()
            values = "; ".join(", ".join(str(v) for v in row) for row in rows)
            lines.append(f"  {label}: {values}")
    return lines
