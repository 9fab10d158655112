"""Children and cases: in charge, new, taken in charge in time, with a personalised project, year on year
(seeds 001, 002, 004)."""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.deadlines.models import Deadline
from tutela.indicators.figures import (
    CHANGE,
    MEDIAN,
    Figure,
    Metric,
    MetricFilter,
    Table,
    midnight,
    share_figure,
)
from tutela.indicators.metrics.common import (
    base_cases,
    cases_of,
    children,
    in_charge_cases,
    in_charge_children,
    one_per_child,
)
from tutela.services.models import EducationalProject, ProposalState, ServiceProposal


def minors_in_charge(f: MetricFilter) -> Metric:
    """Children in charge in the period (seed 002: "minori in carico"), and those taken in charge in it."""
    cases = in_charge_cases(f)
    taken = cases.filter(in_care_since__gte=f.start_at)
    return Metric(
        "minors_in_charge",
        _("Minori in carico"),
        [
            Figure(
                _("Minori in carico nel periodo"),
                in_charge_children(f),
                series="in_carico",
                cases=one_per_child(cases),
            ),
            Figure(
                _("di cui presi in carico nel periodo"),
                children(taken),
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
    counted = cases.aggregate(
        total=Count("pk"),
        indirect=Count("pk", filter=Q(channel="indirect")),
        direct=Count("pk", filter=Q(channel="direct")),
    )
    parts = [
        Figure(_("Segnalazioni da enti terzi"), counted["indirect"], series="segnalazioni", cases=indirect),
        Figure(_("Istanze dirette"), counted["direct"], series="istanze", cases=direct),
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
    total = Figure(_("Nuove pratiche nel periodo"), counted["total"], series="nuove", cases=cases)
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
    rows = assigned.annotate(
        received=Min("referrals__received_on"), due=due, assigned_on=TruncDate("assigned_at")
    ).values_list("pk", "received", "assigned_at", "assigned_on", "due")
    for pk, received, assigned_at, assigned_on, due_at in rows:
        if received is None:
            continue
        days[pk] = (assigned_on - received).days  # the service's day (TruncDate: the current time zone)
        if (assigned_at <= due_at) if due_at is not None else days[pk] <= limit:
            within.append(pk)
    within_set = set(within)
    late = [pk for pk in days if pk not in within_set]
    median = statistics.median(days.values()) if days else None
    parts = [
        Figure(_("entro il termine"), len(within), series="entro", cases=partial(cases_of, within)),
        Figure(_("oltre il termine"), len(late), series="oltre", cases=partial(cases_of, late)),
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
        bucket = Figure(label, len(pks), series=f"giorni:{low}", cases=partial(cases_of, pks))
        table_rows.append((label, [bucket]))
    return Metric(
        "take_in_charge",
        _("Tempo di presa in carico"),
        [
            Figure(
                _("Pratiche assegnate nel periodo"),
                len(days),
                series="assegnate",
                cases=partial(cases_of, list(days)),
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
    in_charge, planned = in_charge_children(f), children(with_project)
    parts = [
        Figure(
            _("con progetto personalizzato"),
            planned,
            series="con_progetto",
            cases=one_per_child(with_project),
        ),
        Figure(
            _("senza progetto personalizzato"),
            in_charge - planned,
            series="senza_progetto",
            cases=one_per_child(without),
        ),
    ]
    return Metric(
        "personalised_projects",
        _("Progetti personalizzati"),
        [
            Figure(_("Minori in carico"), in_charge, series="in_carico", cases=one_per_child(cases)),
            *parts,
            share_figure(
                _("Quota di minori con progetto personalizzato"), planned, in_charge, drill="in_carico"
            ),
        ],
        groups=[parts],
    )


def yearly_change(f: MetricFilter) -> Metric:
    """Children in charge compared with the same period one year earlier (seed 001: yearly change in users)."""
    previous_filter = f.year_before()
    current, previous = in_charge_cases(f), in_charge_cases(previous_filter)
    now, before = in_charge_children(f), in_charge_children(previous_filter)
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
