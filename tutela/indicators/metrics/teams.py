"""Work in teams (seed 002): micro-équipes on complex cases and court investigations, meetings held of those
planned. The numbers come from the meetings app's selectors; the cases behind the micro-équipe share are read
with the same definition, so that its drill-down lists exactly what the selector counts."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tutela.cases.models import Case
from tutela.indicators.figures import PLAIN, Figure, Metric, MetricFilter, Table, share, share_figure
from tutela.indicators.metrics.common import base_cases
from tutela.meetings.models import ComplexCase, MeetingKind, MicroTeam
from tutela.meetings.selectors import meetings_planned_vs_held, meetings_summary, micro_team_share


def _micro_team_cases(f: MetricFilter) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """(cases with a micro-équipe constituted in the period, those and the complex cases and investigations
    recognised in it), as meetings.selectors.micro_team_share counts them."""
    cases = base_cases(f)
    with_team = MicroTeam.objects.filter(
        case__in=cases, constituted_on__gte=f.start, constituted_on__lte=f.end
    )
    recognised = ComplexCase.objects.filter(
        case__in=cases, recognised_on__gte=f.start, recognised_on__lte=f.end
    )
    teamed = Case.objects.filter(pk__in=with_team.values("case_id"))
    return teamed, Case.objects.filter(pk__in=with_team.values("case_id")) | Case.objects.filter(
        pk__in=recognised.values("case_id")
    )


def micro_teams(f: MetricFilter) -> Metric:
    """Complex cases and court investigations with a micro-équipe (seed 002: expected 120 of 200)."""
    teamed, complex_cases = _micro_team_cases(f)
    if f.municipality is None and f.team is None:
        with_team, total = micro_team_share(f.territory, (f.start, f.end))
    else:  # the selector counts the whole territory: a Comune or a team is counted on the same definition
        with_team, total = teamed.count(), complex_cases.count()
    return Metric(
        "micro_teams",
        _("Micro-équipe su casi complessi e indagini"),
        [
            Figure(
                _("Casi complessi e indagini del periodo"), total, series="casi_indagini", cases=complex_cases
            ),
            Figure(
                _("di cui con una micro-équipe costituita"), with_team, series="micro_equipe", cases=teamed
            ),
            share_figure(_("Quota con micro-équipe"), with_team, total, drill="casi_indagini"),
        ],
    )


def meetings_held(f: MetricFilter) -> Metric:
    """Meetings held of those planned, per kind; the anti-violence network's monitoring meetings first
    (seed 002: expected 6 of 6). Meetings are about the service, not about a child: never suppressed."""
    planned, held = meetings_planned_vs_held(f.territory, MeetingKind.NETWORK, (f.start, f.end))
    rows = [
        (
            kind.label,
            [
                Figure(_("Previste"), kind.planned, PLAIN),
                Figure(_("Effettuate"), kind.held, PLAIN),
                Figure(_("Annullate"), kind.cancelled, PLAIN),
            ],
        )
        for kind in meetings_summary(f.territory, (f.start, f.end))
        if kind.planned
    ]
    return Metric(
        "meetings",
        _("Riunioni effettuate su quelle previste"),
        [
            Figure(_("Riunioni di monitoraggio della rete antiviolenza previste"), planned, PLAIN),
            Figure(_("di cui effettuate"), held, PLAIN),
            Figure(_("Quota effettuata"), share(held, planned), PLAIN, unit="%"),
        ],
        tables=[Table(_("Per tipo di riunione"), [_("Previste"), _("Effettuate"), _("Annullate")], rows)],
        note=_(
            "Calcolato sull'intero territorio: i filtri per Comune ed équipe non si applicano alle riunioni."
        ),
    )
