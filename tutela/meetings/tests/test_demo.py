"""The demo seed of teams and meetings: built through the services on the demo cases, idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tutela.core.demo.cases import DemoCases
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.demo import _monitoring_days, seed_meetings
from tutela.meetings.models import MeetingKind, SupervisedVisit
from tutela.meetings.selectors import meetings_planned_vs_held, micro_team_share


def test_the_demo_seed(demo: DemoTerritory) -> None:
    DemoCases(demo).build()
    out = seed_meetings(demo)

    assert (out.micro_teams, out.visits) == (2, 4)
    year = _monitoring_days(timezone.localdate())[0].year
    whole_year = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert meetings_planned_vs_held(demo.territory, MeetingKind.NETWORK, whole_year) == (6, 6)
    today = timezone.localdate()
    assert micro_team_share(demo.territory, (today - dt.timedelta(days=60), today)) == (2, 4)
    assert sorted(SupervisedVisit.objects.values_list("state", flat=True)) == [
        "BOOKED",
        "BOOKED",
        "CANCELLED",
        "HELD",
    ]
    assert seed_meetings(demo).meetings == 0  # idempotent
