"""Social workers: full-time equivalents against the inhabitants (seed 001) and the caseload per FTE."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tutela.accounts.models import Membership, Territory, User
from tutela.accounts.roles import Role
from tutela.indicators.figures import PLAIN, RATE, Figure, Metric, MetricFilter, Table
from tutela.indicators.metrics.common import base_cases
from tutela.indicators.models import StaffFTE

INHABITANTS_PER_SOCIAL_WORKER = 12_000  # the regional target of seed 001: one social worker every 12,000


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
                        cases=partial(open_cases.filter, lead_social_worker=user_id),
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
