"""Each indicator on crafted data, with its edge cases (seeds 001, 002, 004)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tutela.accounts.models import Team
from tutela.cases.models import Case, CaseEvent, CaseState
from tutela.core.demo.territory import DemoTerritory
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_create, end_of_day
from tutela.indicators import metrics
from tutela.indicators.figures import Metric, MetricFilter
from tutela.indicators.services import staff_fte_record
from tutela.services.models import Intervention, InterventionState
from tutela.testing import factories

TODAY = timezone.localdate()
YEAR_START = TODAY.replace(month=1, day=1)


def _filter(demo: DemoTerritory, **kwargs: object) -> MetricFilter:
    start = kwargs.pop("start", YEAR_START)
    end = kwargs.pop("end", TODAY)
    return MetricFilter(demo.territory, start, end, **kwargs)  # type: ignore[arg-type]


def _value(metric: Metric, series: str) -> object:
    figure = metric.figure(series)
    assert figure is not None, series
    return figure.value


def _pks(metric: Metric, series: str) -> set[int]:
    figure = metric.figure(series)
    cases = figure.case_list() if figure is not None else None
    assert cases is not None
    return set(cases.values_list("pk", flat=True))


def _entered_in_care(case: Case, when: dt.datetime) -> None:
    """Move the case's take-in-charge back in time, on its timeline and on the case (test data only)."""
    CaseEvent.objects.filter(case=case, to_state=CaseState.IN_CARE).update(at=when)
    Case.objects.filter(pk=case.pk).update(in_care_since=when)


def test_no_cases_gives_zeros_and_no_derived_values(demo: DemoTerritory) -> None:
    f = _filter(demo)
    results = {key: compute(f) for key, compute in metrics.METRICS.items()}

    assert _value(results["minors_in_charge"], "in_carico") == 0
    assert _value(results["new_cases"], "nuove") == 0
    assert results["new_cases"].tables[0].rows == []
    take = results["take_in_charge"]
    assert _value(take, "assegnate") == 0
    assert [f.value for f in take.figures if f.kind in {"median", "share"}] == [None, None]
    assert results["personalised_projects"].figures[-1].value is None
    assert results["yearly_change"].figures[-1].value is None
    assert _value(results["court_deadlines"], "tutte") == 0
    assert results["court_deadlines"].figures[-1].value is None
    assert _value(results["interventions"], "tutti") == 0


def test_new_cases_by_channel_and_month(demo: DemoTerritory) -> None:
    indirect = factories.referred_case(demo)
    direct = factories.referred_case(demo, channel="direct")
    factories.referred_case(demo, residence="Montemurlo")

    result = metrics.new_cases(_filter(demo))

    assert (_value(result, "nuove"), _value(result, "segnalazioni"), _value(result, "istanze")) == (3, 2, 1)
    assert direct.pk in _pks(result, "istanze") and indirect.pk not in _pks(result, "istanze")
    month = result.tables[0].rows[0][1][0]
    assert month.series == f"mese:{TODAY:%Y-%m}" and month.value == 3
    montemurlo = metrics.new_cases(_filter(demo, municipality=demo.municipalities["Montemurlo"]))
    assert _value(montemurlo, "nuove") == 1
    before = metrics.new_cases(
        _filter(demo, start=YEAR_START.replace(year=TODAY.year - 1), end=YEAR_START - dt.timedelta(days=1))
    )
    assert _value(before, "nuove") == 0


def _assigned(demo: DemoTerritory, days_ago: int, due_in_days: int | None) -> Case:
    """A case received `days_ago` days ago and assigned today; its take-in-charge deadline falls
    `due_in_days` days after the receipt (None: the case has no such deadline)."""
    case = factories.assessment_case(demo, days_ago=days_ago)
    deadlines = Deadline.objects.filter(case=case, kind=Deadline.Kind.TAKE_IN_CHARGE)
    if due_in_days is None:
        deadlines.delete()
    else:
        received = TODAY - dt.timedelta(days=days_ago)
        deadlines.update(due_at=end_of_day(received + dt.timedelta(days=due_in_days)))
    return case


def test_take_in_charge_median_of_an_even_count_and_the_limit_itself(demo: DemoTerritory) -> None:
    quick, soon = _assigned(demo, 2, 10), _assigned(demo, 4, 10)
    on_the_day = _assigned(demo, 10, 10)  # assigned on the due date itself: within the term
    late = _assigned(demo, 12, 10)

    result = metrics.take_in_charge_time(_filter(demo))

    assert _value(result, "assegnate") == 4
    assert _pks(result, "entro") == {quick.pk, soon.pk, on_the_day.pk}
    assert _pks(result, "oltre") == {late.pk}
    median, share = result.figures[3], result.figures[4]
    assert median.value == Decimal("7.0")  # (4 + 10) / 2
    assert share.value == Decimal("75.0") and share.basis == (3, 4)
    buckets = {label: cells[0].value for label, cells in result.tables[0].rows}
    assert list(buckets.values()) == [2, 1, 1, 0, 0]


def test_take_in_charge_follows_the_stored_due_date_and_counts_calendar_days_without_one(
    demo: DemoTerritory,
) -> None:
    business = _assigned(demo, 12, 14)  # 12 calendar days, but the due date (business days) is later
    on_limit = _assigned(demo, 10, None)
    over = _assigned(demo, 11, None)

    result = metrics.take_in_charge_time(_filter(demo))

    assert _pks(result, "entro") == {business.pk, on_limit.pk}
    assert _pks(result, "oltre") == {over.pk}
    assert result.figures[3].value == Decimal("11.0")  # odd count: the middle one


def test_minors_in_charge_in_the_period(demo: DemoTerritory) -> None:
    current = factories.in_care_case(demo)
    last_year = factories.in_care_case(demo)
    _entered_in_care(last_year, timezone.now() - dt.timedelta(days=400))
    closed_before = factories.in_care_case(demo)
    _entered_in_care(closed_before, timezone.now() - dt.timedelta(days=500))
    Case.objects.filter(pk=closed_before.pk).update(closed_at=timezone.now() - dt.timedelta(days=450))
    factories.assessment_case(demo)  # assigned, not in charge

    result = metrics.minors_in_charge(_filter(demo))

    assert _value(result, "in_carico") == 2
    assert _pks(result, "in_carico") == {current.pk, last_year.pk}
    assert _pks(result, "presi_in_carico") == {current.pk}


def test_personalised_projects_share(demo: DemoTerritory) -> None:
    without = factories.in_care_case(demo)
    with_project = factories.authorised_intervention(demo).case

    result = metrics.personalised_projects(_filter(demo))

    assert _pks(result, "con_progetto") == {with_project.pk}
    assert _pks(result, "senza_progetto") == {without.pk}
    assert result.figures[-1].value == Decimal("50.0")
    earlier = metrics.personalised_projects(_filter(demo, end=TODAY - dt.timedelta(days=1)))
    assert _value(earlier, "in_carico") == 0


def test_social_workers_every_12000_inhabitants(demo: DemoTerritory) -> None:
    staff_fte_record(
        actor=demo.users["dirigente"],
        territory=demo.territory,
        user=demo.users["assistente"],
        fte=Decimal("0.5"),
        valid_from=YEAR_START,
    )
    population = sum(m.population or 0 for m in demo.territory.municipalities.all())

    result = metrics.social_workers_ratio(_filter(demo))

    fte, inhabitants, ratio = (f.value for f in result.figures)
    assert fte == Decimal("1.50") and inhabitants == population
    assert ratio == (Decimal("1.5") * 12000 / population).quantize(Decimal("0.01"))
    assert "1 assistenti sociali senza FTE registrato" in result.note
    before = metrics.social_workers_ratio(_filter(demo, end=YEAR_START - dt.timedelta(days=1)))
    assert before.figures[0].value == Decimal("2.00")  # the half time starts with the year


def test_yearly_change_in_users(demo: DemoTerritory) -> None:
    both_years = factories.in_care_case(demo)
    _entered_in_care(both_years, timezone.now() - dt.timedelta(days=366 + 30))
    factories.in_care_case(demo)
    f = _filter(demo, start=TODAY - dt.timedelta(days=20), end=TODAY)

    result = metrics.yearly_change(f)

    assert (_value(result, "attuale"), _value(result, "precedente")) == (2, 1)
    assert result.figures[-1].value == Decimal("100.0")


def test_caseload_per_social_worker_and_per_fte(demo: DemoTerritory) -> None:
    factories.in_care_case(demo)
    factories.assessment_case(demo)
    other = factories.in_care_case(demo, worker="assistente2")
    staff_fte_record(
        actor=demo.users["dirigente"],
        territory=demo.territory,
        user=demo.users["assistente"],
        fte=Decimal("0.5"),
        valid_from=YEAR_START,
    )
    anna, luca = demo.users["assistente"], demo.users["assistente2"]

    result = metrics.caseload(_filter(demo))

    rows = {label: [cell.value for cell in cells] for label, cells in result.tables[0].rows}
    assert rows[str(anna)] == [2, Decimal("0.5"), Decimal("4.0")]
    assert rows[str(luca)] == [1, Decimal("1"), Decimal("1.0")]
    assert _value(result, "aperte") == 3
    assert result.figures[1].value == Decimal("2.0")  # 3 cases / 1.5 FTE
    assert _pks(result, f"as:{luca.pk}") == {other.pk}
    team_a = Team.objects.get(name="Équipe Prato Nord")
    assert [label for label, _cells in metrics.caseload(_filter(demo, team=team_a)).tables[0].rows] == [
        str(anna)
    ]


def _active(intervention: Intervention, started: dt.date) -> Intervention:
    Intervention.objects.filter(pk=intervention.pk).update(state=InterventionState.ACTIVE, started_on=started)
    return intervention


def test_interventions_by_type_and_paying_comune(demo: DemoTerritory) -> None:
    first = _active(factories.authorised_intervention(demo), TODAY - dt.timedelta(days=10))
    _active(factories.authorised_intervention(demo, residence="Montemurlo"), TODAY - dt.timedelta(days=5))
    foster = _active(factories.authorised_intervention(demo, delivery="foster"), TODAY - dt.timedelta(days=3))
    factories.authorised_intervention(demo)  # still planned: not delivered yet
    ended = _active(factories.authorised_intervention(demo), YEAR_START.replace(year=TODAY.year - 1))
    Intervention.objects.filter(pk=ended.pk).update(
        state=InterventionState.ENDED, ended_on=YEAR_START - dt.timedelta(days=1)
    )

    result = metrics.interventions_by_type(_filter(demo))

    assert _value(result, "tutti") == 3
    by_type = {label: cells[0].value for label, cells in result.tables[0].rows}
    assert by_type == {first.service_type.name: 2, foster.service_type.name: 1}
    by_comune = {label: cells[0].value for label, cells in result.tables[1].rows}
    assert by_comune == {"Montemurlo": 1, "Prato": 2}
    assert _pks(result, f"tipo:{foster.service_type_id}") == {foster.case_id}


def test_court_deadlines_met_on_time(demo: DemoTerritory) -> None:
    case = factories.in_care_case(demo)
    actor = demo.users["assistente"]
    now = timezone.now()

    def due(days: int, kind: str = Deadline.Kind.COURT_DUTY) -> Deadline:
        return deadline_create(
            case=case,
            kind=kind,
            description="Relazione al tribunale",
            due_at=now + dt.timedelta(days=days),
            actor=actor,
        )

    on_time, late, missed = due(-3), due(-2, Deadline.Kind.COURT_REPORT), due(-1)
    due(5)  # not due yet
    other = due(-1, Deadline.Kind.PLAN_REVIEW)  # not a court deadline
    Deadline.objects.filter(pk=on_time.pk).update(done_at=on_time.due_at)  # exactly on the due time
    Deadline.objects.filter(pk=late.pk).update(done_at=late.due_at + dt.timedelta(hours=1))
    Deadline.objects.filter(pk=other.pk).update(done_at=now)

    # The period around the deadlines, not the year to date: early in January they fall in the year before.
    period = _filter(demo, start=TODAY - dt.timedelta(days=10), end=TODAY + dt.timedelta(days=10))
    result = metrics.court_deadlines(period)

    counts = {f.series: f.value for f in result.figures if f.series}
    assert counts == {"tutte": 4, "puntuali": 1, "in_ritardo": 1, "scadute": 1, "aperte": 1}
    assert result.figures[-1].value == Decimal("33.3") and missed.case_id in _pks(result, "scadute")


def test_court_deadlines_of_a_registered_court_order(demo: DemoTerritory) -> None:
    from tutela.court.models import CourtDuty
    from tutela.court.services.orders import court_duty_complete
    from tutela.court.testing import court_objects_build

    case = factories.in_care_case(demo)
    court_objects_build(case)  # an order with a report every 6 months, a duty in 30 days, a mandate in 60
    duty = CourtDuty.objects.get(order__proceeding__case=case)
    f = _filter(demo, end=TODAY + dt.timedelta(days=200))

    before = metrics.court_deadlines(f)
    court_duty_complete(duty=duty, actor=demo.users["assistente"], done_on=TODAY)
    after = metrics.court_deadlines(f)

    assert _value(before, "tutte") == _value(before, "aperte") == 3
    assert (_value(after, "puntuali"), _value(after, "aperte")) == (1, 2)
    assert after.figures[-1].value == Decimal("100.0") and _pks(after, "puntuali") == {case.pk}
