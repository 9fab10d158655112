"""The indicators computed from the data (seeds 001, 002, 004), one function per indicator.

Each function takes a `MetricFilter` (territory, period, optionally a Comune of residence and a team) and returns
a `Metric`: its figures, each with the number and, when the number counts cases, the queryset of the cases
behind it. Those querysets are not scoped to anyone: the drill-down intersects them with
`cases_visible_to(user)` (views.drilldown), the dashboard shows the numbers only to territory-wide roles.
Which numbers may leave the service, and how they are suppressed, is `suppression.py`'s business (ADR 0013).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.accounts.models import Membership, Territory, User
from tutela.accounts.roles import Role
from tutela.cases.models import Case, CaseEvent, CaseState
from tutela.deadlines.models import Deadline
from tutela.indicators.figures import (
    CHANGE,
    MEDIAN,
    PLAIN,
    RATE,
    Figure,
    Metric,
    MetricFilter,
    Table,
    midnight,
    share_figure,
)
from tutela.indicators.models import StaffFTE
from tutela.services.models import (
    EducationalProject,
    Intervention,
    InterventionState,
    ProposalState,
    ServiceProposal,
)

INHABITANTS_PER_SOCIAL_WORKER = 12_000  # the regional target of seed 001: one social worker every 12,000


def base_cases(f: MetricFilter) -> QuerySet[Case]:
    """The territory's cases, restricted to the Comune of residence and to the lead social worker's team."""
    cases = Case.objects.filter(territory=f.territory)
    if f.municipality is not None:
        cases = cases.filter(child__residence_municipality=f.municipality)
    if f.team is not None:
        in_team = Membership.objects.filter(user=OuterRef("lead_social_worker"), team=f.team, active=True)
        cases = cases.filter(Exists(in_team))
    return cases


def in_charge_cases(f: MetricFilter) -> QuerySet[Case]:
    """Cases taken in charge (the case entered IN_CARE) before the period ends and not closed before it began."""
    entered = CaseEvent.objects.filter(
        case=OuterRef("pk"), to_state=CaseState.IN_CARE, code__startswith="cases.case.", at__lt=f.end_at
    )
    return (
        base_cases(f).filter(Exists(entered)).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=f.start_at))
    )


def one_per_child(cases: QuerySet[Case]) -> QuerySet[Case]:
    """One case per child (the latest), so that a list of cases counts children."""
    latest = cases.order_by().values("child_id").annotate(last=Max("pk")).values("last")
    return Case.objects.filter(pk__in=latest)


def _children(cases: QuerySet[Case]) -> int:
    return cases.order_by().values("child_id").distinct().count()


def _cases_of(pks: list[int] | QuerySet[Any]) -> QuerySet[Case]:
    return Case.objects.filter(pk__in=pks)


# --- the indicators ----------------------------------------------------------------------------------------


def minors_in_charge(f: MetricFilter) -> Metric:
    """Children in charge in the period (seed 002: "minori in carico"), and those taken in charge in it."""
    cases = in_charge_cases(f)
    entered_before = CaseEvent.objects.filter(
        case=OuterRef("pk"), to_state=CaseState.IN_CARE, code__startswith="cases.case.", at__lt=f.start_at
    )
    taken = cases.exclude(Exists(entered_before))
    return Metric(
        "minors_in_charge",
        _("Minori in carico"),
        [
            Figure(
                _("Minori in carico nel periodo"),
                _children(cases),
                series="in_carico",
                cases=one_per_child(cases),
            ),
            Figure(
                _("di cui presi in carico nel periodo"),
                _children(taken),
                series="presi_in_carico",
                cases=one_per_child(taken),
            ),
        ],
    )


def new_cases(f: MetricFilter) -> Metric:
    """Cases opened in the period, by access channel and by month."""
    cases = base_cases(f).filter(opened_at__gte=f.start_at, opened_at__lt=f.end_at)
    indirect = cases.filter(channel="indirect")
    direct = cases.filter(channel="direct")
    parts = [
        Figure(_("Segnalazioni da enti terzi"), indirect.count(), series="segnalazioni", cases=indirect),
        Figure(_("Istanze dirette"), direct.count(), series="istanze", cases=direct),
    ]
    rows: list[tuple[str, list[Figure]]] = []
    by_month = (
        cases.annotate(month=TruncMonth("opened_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    for row in by_month:
        month = timezone.localtime(row["month"]) if timezone.is_aware(row["month"]) else row["month"]
        start = midnight(month.date().replace(day=1))
        after = midnight((month.date().replace(day=28) + dt.timedelta(days=4)).replace(day=1))
        in_month = cases.filter(opened_at__gte=start, opened_at__lt=after)
        label = date_format(month, "F Y")
        rows.append((label, [Figure(label, row["n"], series=f"mese:{month:%Y-%m}", cases=in_month)]))
    total = Figure(_("Nuove pratiche nel periodo"), cases.count(), series="nuove", cases=cases)
    return Metric(
        "new_cases",
        _("Nuove pratiche"),
        [total, *parts],
        tables=[Table(_("Nuove pratiche per mese"), [_("Pratiche aperte")], rows)],
        groups=[parts, [r[1][0] for r in rows]],
    )


def take_in_charge_time(f: MetricFilter) -> Metric:
    """Time from the referral received to the case assigned, for the cases assigned in the period (seed 004).

    Within the term when the case was assigned by the due date of its take-in-charge deadline (the territory's
    `take_in_charge_days`, counted as the deadline service counts them), exactly on it included; a case without
    that deadline counts `take_in_charge_days` calendar days. The median is in calendar days.
    """
    limit = f.territory.take_in_charge_days
    assigned = base_cases(f).filter(assigned_at__gte=f.start_at, assigned_at__lt=f.end_at)
    due = Min(
        "deadlines__due_at",
        filter=Q(deadlines__kind=Deadline.Kind.TAKE_IN_CHARGE, deadlines__cancelled_at__isnull=True),
    )
    days: dict[int, int] = {}
    within: list[int] = []
    rows = assigned.annotate(received=Min("referrals__received_on"), due=due).values_list(
        "pk", "received", "assigned_at", "due"
    )
    for pk, received, assigned_at, due_at in rows:
        if received is None:
            continue
        days[pk] = (timezone.localdate(assigned_at) - received).days
        if (assigned_at <= due_at) if due_at is not None else days[pk] <= limit:
            within.append(pk)
    within_set = set(within)
    late = [pk for pk in days if pk not in within_set]
    median = statistics.median(days.values()) if days else None
    parts = [
        Figure(_("entro il termine"), len(within), series="entro", cases=_cases_of(within)),
        Figure(_("oltre il termine"), len(late), series="oltre", cases=_cases_of(late)),
    ]
    buckets = [(0, 5), (6, 10), (11, 20), (21, 30), (31, None)]
    table_rows = []
    for low, high in buckets:
        label = (
            _("da %(frm)d a %(to)d giorni") % {"frm": low, "to": high}
            if high is not None
            else _("oltre %(frm)d giorni") % {"frm": low - 1}
        )
        pks = [pk for pk, d in days.items() if d >= low and (high is None or d <= high)]
        table_rows.append((label, [Figure(label, len(pks), series=f"giorni:{low}", cases=_cases_of(pks))]))
    return Metric(
        "take_in_charge",
        _("Tempo di presa in carico"),
        [
            Figure(
                _("Pratiche assegnate nel periodo"),
                len(days),
                series="assegnate",
                cases=_cases_of(list(days)),
            ),
            *parts,
            Figure(
                _("Tempo mediano dalla ricezione all'assegnazione"),
                None if median is None else Decimal(str(median)).quantize(Decimal("0.1")),
                MEDIAN,
                unit=_("giorni"),
                basis=(len(days),),
                drill="assegnate",
            ),
            share_figure(_("Quota assegnata entro il termine"), len(within), len(days), drill="assegnate"),
        ],
        tables=[
            Table(_("Giorni di calendario dalla ricezione all'assegnazione"), [_("Pratiche")], table_rows)
        ],
        groups=[parts, [r[1][0] for r in table_rows]],
        note=_(
            "Termine del territorio: %(days)d giorni dalla ricezione della segnalazione o dell'istanza, "
            "come li conta la scadenza di presa in carico della pratica."
        )
        % {"days": limit},
    )


def personalised_projects(f: MetricFilter) -> Metric:
    """Children in charge with a personalised project (seed 001): an authorised proposal of a social report
    with outcome, or an individual educational project (PEI), in place by the end of the period."""
    cases = in_charge_cases(f)
    authorised = Q(
        Exists(
            ServiceProposal.objects.filter(
                case=OuterRef("pk"), state=ProposalState.AUTHORISED, review__decided_at__lt=f.end_at
            )
        )
    )
    pei = Q(
        Exists(EducationalProject.objects.filter(intervention__case=OuterRef("pk"), created_at__lt=f.end_at))
    )
    with_project = cases.filter(authorised | pei)
    without = cases.exclude(child_id__in=with_project.values("child_id"))
    children, planned = _children(cases), _children(with_project)
    parts = [
        Figure(
            _("con progetto personalizzato"),
            planned,
            series="con_progetto",
            cases=one_per_child(with_project),
        ),
        Figure(
            _("senza progetto personalizzato"),
            children - planned,
            series="senza_progetto",
            cases=one_per_child(without),
        ),
    ]
    return Metric(
        "personalised_projects",
        _("Progetti personalizzati"),
        [
            Figure(_("Minori in carico"), children, series="in_carico", cases=one_per_child(cases)),
            *parts,
            share_figure(
                _("Quota di minori con progetto personalizzato"), planned, children, drill="in_carico"
            ),
        ],
        groups=[parts],
    )


def staff_fte(territory: Territory, day: dt.date, users: set[int]) -> tuple[dict[int, Decimal], int]:
    """Each user's FTE on the day (the latest row in force), and how many had none and count as full time."""
    declared: dict[int, Decimal] = {}
    for user_id, fte in (
        StaffFTE.objects.filter(territory=territory, user_id__in=users, valid_from__lte=day)
        .order_by("user_id", "-valid_from")
        .values_list("user_id", "fte")
    ):
        declared.setdefault(user_id, fte)
    return {u: declared.get(u, Decimal("1")) for u in users}, len(users - set(declared))


def social_workers_of(f: MetricFilter) -> set[int]:
    """The territory's social workers (of the team, when one is chosen)."""
    members = Membership.objects.filter(
        role=Role.SOCIAL_WORKER, active=True, user__is_active=True, organisation__territory=f.territory
    )
    if f.team is not None:
        members = members.filter(team=f.team)
    return set(members.values_list("user_id", flat=True))


def social_workers_ratio(f: MetricFilter) -> Metric:
    """Social workers (FTE) every 12,000 inhabitants at the end of the period (seed 001, regional target 1)."""
    fte, assumed = staff_fte(f.territory, f.end, social_workers_of(f))
    total = sum(fte.values(), Decimal("0"))
    population = 0
    missing = []
    for municipality in f.territory.municipalities.all():
        if municipality.population:
            population += municipality.population
        else:
            missing.append(municipality.name)
    ratio = None
    if population and not missing:
        ratio = (total * INHABITANTS_PER_SOCIAL_WORKER / population).quantize(Decimal("0.01"))
    notes = [
        _("Calcolato sull'intero territorio (il filtro per Comune non si applica); obiettivo regionale: 1.")
    ]
    if assumed:
        notes.append(
            _("%(n)d assistenti sociali senza FTE registrato sono contati a tempo pieno.") % {"n": assumed}
        )
    if missing:
        notes.append(_("Popolazione mancante per: %(names)s.") % {"names": ", ".join(missing)})
    return Metric(
        "social_workers",
        _("Assistenti sociali per abitanti"),
        [
            Figure(_("Assistenti sociali (FTE)"), total.quantize(Decimal("0.01")), PLAIN),
            Figure(_("Popolazione residente"), population or None, PLAIN),
            Figure(_("Assistenti sociali (FTE) ogni 12.000 abitanti"), ratio, PLAIN),
        ],
        note=" ".join(notes),
    )


def yearly_change(f: MetricFilter) -> Metric:
    """Children in charge compared with the same period one year earlier (seed 001: yearly change in users)."""
    previous_filter = f.year_before()
    current, previous = in_charge_cases(f), in_charge_cases(previous_filter)
    now, before = _children(current), _children(previous)
    change = None
    if before:
        change = (Decimal(now - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Metric(
        "yearly_change",
        _("Variazione annua degli utenti"),
        [
            Figure(_("Minori in carico nel periodo"), now, series="attuale", cases=one_per_child(current)),
            Figure(
                _("Minori in carico dal %(start)s al %(end)s")
                % {"start": f"{previous_filter.start:%d/%m/%Y}", "end": f"{previous_filter.end:%d/%m/%Y}"},
                before,
                series="precedente",
                cases=one_per_child(previous),
            ),
            Figure(_("Variazione"), change, CHANGE, unit="%", basis=(now, before), drill="attuale"),
        ],
    )


def caseload(f: MetricFilter) -> Metric:
    """Open cases per social worker at the end of the period, and per FTE."""
    open_cases = (
        base_cases(f)
        .filter(assigned_at__lt=f.end_at, lead_social_worker__isnull=False)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=f.end_at))
    )
    counts = dict(
        open_cases.order_by()
        .values("lead_social_worker")
        .annotate(n=Count("pk"))
        .values_list("lead_social_worker", "n")
    )
    workers = social_workers_of(f) | set(counts)
    fte, _assumed = staff_fte(f.territory, f.end, workers)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=workers)}
    rows = []
    for user_id in sorted(workers, key=lambda u: names.get(u, "")):
        n = counts.get(user_id, 0)
        per_fte = (Decimal(n) / fte[user_id]).quantize(Decimal("0.1")) if fte[user_id] else None
        rows.append(
            (
                names[user_id],
                [
                    Figure(
                        names[user_id],
                        n,
                        series=f"as:{user_id}",
                        cases=open_cases.filter(lead_social_worker=user_id),
                    ),
                    Figure(_("FTE"), fte[user_id], PLAIN),
                    Figure(_("Pratiche per FTE"), per_fte, RATE, basis=(n,), drill=f"as:{user_id}"),
                ],
            )
        )
    total_fte = sum(fte.values(), Decimal("0"))
    total = sum(counts.values())
    average = (Decimal(total) / total_fte).quantize(Decimal("0.1")) if total_fte else None
    return Metric(
        "caseload",
        _("Carico di lavoro per assistente sociale"),
        [
            Figure(_("Pratiche aperte a fine periodo"), total, series="aperte", cases=open_cases),
            Figure(_("Pratiche per assistente sociale (FTE)"), average, RATE, basis=(total,), drill="aperte"),
        ],
        tables=[
            Table(_("Per assistente sociale"), [_("Pratiche aperte"), _("FTE"), _("Pratiche per FTE")], rows)
        ],
        groups=[[r[1][0] for r in rows]],
    )


def interventions_by_type(f: MetricFilter) -> Metric:
    """Interventions delivered in the period (started, not ended before it) by service type and paying Comune."""
    interventions = (
        Intervention.objects.filter(case__in=base_cases(f), started_on__lte=f.end)
        .exclude(state=InterventionState.PLANNED)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=f.start))
    )

    def cases_with(**lookup: Any) -> QuerySet[Case]:
        return _cases_of(interventions.filter(**lookup).values("case_id"))

    by_type = [
        (
            row["service_type__name"],
            [
                Figure(
                    row["service_type__name"],
                    row["n"],
                    series=f"tipo:{row['service_type']}",
                    cases=cases_with(service_type=row["service_type"]),
                )
            ],
        )
        for row in interventions.order_by()
        .values("service_type", "service_type__name")
        .annotate(n=Count("pk"))
        .order_by("service_type__name")
    ]
    by_municipality = [
        (
            row["paying_municipality__name"],
            [
                Figure(
                    row["paying_municipality__name"],
                    row["n"],
                    series=f"comune:{row['paying_municipality']}",
                    cases=cases_with(paying_municipality=row["paying_municipality"]),
                )
            ],
        )
        for row in interventions.order_by()
        .values("paying_municipality", "paying_municipality__name")
        .annotate(n=Count("pk"))
        .order_by("paying_municipality__name")
    ]
    return Metric(
        "interventions",
        _("Interventi per tipo e Comune"),
        [
            Figure(
                _("Interventi erogati nel periodo"), interventions.count(), series="tutti", cases=cases_with()
            )
        ],
        tables=[
            Table(_("Per tipo di servizio"), [_("Interventi")], by_type),
            Table(_("Per Comune che sostiene la spesa"), [_("Interventi")], by_municipality),
        ],
        groups=[[r[1][0] for r in by_type], [r[1][0] for r in by_municipality]],
    )


def court_deadlines(f: MetricFilter) -> Metric:
    """Deadlines set by the courts (duties and reports) falling in the period: met on time when done_at ≤ due_at."""
    deadlines = Deadline.objects.filter(
        case__in=base_cases(f),
        kind__in=[Deadline.Kind.COURT_DUTY, Deadline.Kind.COURT_REPORT],
        cancelled_at__isnull=True,
        due_at__gte=f.start_at,
        due_at__lt=f.end_at,
    )
    now = timezone.now()
    on_time = deadlines.filter(done_at__isnull=False, done_at__lte=F("due_at"))
    late = deadlines.filter(done_at__gt=F("due_at"))
    overdue = deadlines.filter(done_at__isnull=True, due_at__lt=now)
    pending = deadlines.filter(done_at__isnull=True, due_at__gte=now)
    parts = [
        Figure(label, qs.count(), series=series, cases=_cases_of(qs.values("case_id")))
        for label, qs, series in [
            (_("rispettate"), on_time, "puntuali"),
            (_("adempiute in ritardo"), late, "in_ritardo"),
            (_("scadute e non adempiute"), overdue, "scadute"),
            (_("non ancora scadute"), pending, "aperte"),
        ]
    ]
    due = parts[0].value + parts[1].value + parts[2].value  # type: ignore[operator]
    return Metric(
        "court_deadlines",
        _("Scadenze dell'autorità giudiziaria"),
        [
            Figure(
                _("Scadenze nel periodo"),
                deadlines.count(),
                series="tutte",
                cases=_cases_of(deadlines.values("case_id")),
            ),
            *parts,
            share_figure(
                _("Quota rispettata tra quelle già scadute"),
                int(parts[0].value or 0),
                int(due),
                drill="tutte",
            ),
        ],
        groups=[parts],
        note=_(
            "Adempimenti e relazioni disposti dai provvedimenti; l'elenco mostra le pratiche a cui si riferiscono."
        ),
    )


MetricFunction = Callable[[MetricFilter], Metric]

METRICS: dict[str, MetricFunction] = {
    "minors_in_charge": minors_in_charge,
    "new_cases": new_cases,
    "take_in_charge": take_in_charge_time,
    "personalised_projects": personalised_projects,
    "yearly_change": yearly_change,
    "caseload": caseload,
    "social_workers": social_workers_ratio,
    "interventions": interventions_by_type,
    "court_deadlines": court_deadlines,
}
