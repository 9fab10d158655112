"""The SINBA mapping rules (docs/returns/sinba-mapping.md) on crafted cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tutela.cases.models import Case, CaseEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.people.models import Person
from tutela.returns.models import ReportingBody
from tutela.returns.pseudonym import beneficiary_pseudonym
from tutela.returns.sinba import (
    SinbaContext,
    age_band,
    code_table,
    months_before,
    sinba_cases,
    sinba_iter,
    sinba_record,
)
from tutela.returns.tests.conftest import code, sinba_complete
from tutela.services.models import FosterKind, FosterTime, Intervention, Placement, PlacementForm
from tutela.testing import factories


def _context(body: ReportingBody, day: dt.date | None = None) -> SinbaContext:
    return SinbaContext(
        reference_date=day or timezone.localdate(),
        codes_by_id=code_table(),
        take_in_charge_code=body.take_in_charge_service.siuss_code if body.take_in_charge_service else "",
    )


def _selected(day: dt.date, **filters: Any) -> list[Case]:
    return list(sinba_iter(sinba_cases(reference_date=day, **filters)))


def _record_of(case: Case, ctx: SinbaContext) -> Any:
    (loaded,) = [c for c in _selected(ctx.reference_date) if c.pk == case.pk]
    return sinba_record(loaded, ctx)


def _born(case: Case, birth: dt.date) -> None:
    Person.objects.filter(pk=case.child_id).update(birth_date=birth)


def _years_ago(years: int, *, days: int = 0) -> dt.date:
    """The birth date of a child who turned `years` `days` days ago (days < 0: who turns `years` in -days days).
    No clamping of the day: on the 29th-31st of a month it would move the birthday and change the age."""
    birthday = timezone.localdate() - dt.timedelta(days=days)
    try:
        return birthday.replace(year=birthday.year - years)
    except ValueError:  # 29 February, in a year without one: the nearest day on the same side of today
        return dt.date(birthday.year - years, 2, 28) if days >= 0 else dt.date(birthday.year - years, 3, 1)


def test_a_complete_case_maps_to_its_record(demo: DemoTerritory, reporting_body: ReportingBody) -> None:
    case = factories.in_care_case(demo)
    birth = _years_ago(7, days=10)  # 7 years old: band 6-9
    _born(case, birth)
    sinba_complete(case, demo.users["assistente"])
    outcome = _record_of(case, _context(reporting_body))
    assert outcome.missing == []
    attrs = outcome.record.attributes
    assert attrs["IDBeneficiario"] == beneficiary_pseudonym(case.child_id)
    assert attrs["AnnoNascita"] == str(birth.year)
    assert attrs["FasciaEtaBeneficiario"] == "3"
    # Derived: an Italian citizen is not an unaccompanied foreign minor; under 16 not of working age.
    assert attrs["MinoreStranieroNoAcc"] == "2"
    assert attrs["CondizioneLavoro"] == "1"
    # From the SINBA data form
    assert (
        attrs["CondizioneMinore"],
        attrs["LuogoVita"],
        attrs["ScuolaFrequentata"],
        attrs["Disabilita"],
    ) == (
        "1",
        "1",
        "5",
        "2",
    )
    assert (attrs["SegnalazioneAutoritaGiudiziaria"], attrs["ProvvedimentoGiudiziario"]) == ("2", "2")
    assert "TipoDisabilita" not in attrs and "DataProvvedimentoGiudiziario" not in attrs
    # Referral and assessment of the case: school (13), parenting problems (2/2)
    referral = case.referrals.order_by("received_on").first()
    assert referral is not None
    assert attrs["DataPrimaSegnalazione"] == f"{referral.received_on:%m/%Y}"
    assert attrs["FonteSegnalazione"] == referral.source.code == "13"
    assert (attrs["ValutazioneMinore"], attrs["ValutazioneFamigliaMinore"]) == ("2", "2")
    # Residence in Prato (Toscana), the cohabiting mother, the take in charge of the professional service
    assert (attrs["CodiceRegioneResidenza"], attrs["CodiceNazioneResidenza"]) == ("09", "100")
    assert attrs["CodiceCittadinanzaMadre"] == "100"
    assert outcome.record.family == ["1"]
    assert outcome.record.services == ["A1.01"]


def test_the_birth_year_and_the_age_band_at_the_reference_date(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    case = factories.in_care_case(demo)
    birth = _years_ago(12, days=-1)  # 12 tomorrow: still 11 today, band 9-12
    _born(case, birth)
    sinba_complete(case, demo.users["assistente"])
    attrs = _record_of(case, _context(reporting_body)).record.attributes
    assert attrs["AnnoNascita"] == str(birth.year)
    assert attrs["FasciaEtaBeneficiario"] == "4"


def test_what_is_missing_is_listed_never_guessed(demo: DemoTerritory, reporting_body: ReportingBody) -> None:
    case = factories.in_care_case(demo)
    _born(case, _years_ago(17))  # 17: of working age, so no default
    outcome = _record_of(case, _context(reporting_body))
    assert outcome.record is None
    assert outcome.missing == [
        "orphan_status",
        "living_place",
        "school",
        "work_condition",
        "disability",
        "reported_to_court",
        "court_order",
    ]


def test_without_the_take_in_charge_service_a_child_without_interventions_has_no_services(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    reporting_body.take_in_charge_service = None
    reporting_body.save()
    case = factories.in_care_case(demo)
    sinba_complete(case, demo.users["assistente"], work_condition=code("CondizioneLavoroType", "1"))
    assert _record_of(case, _context(reporting_body)).missing == ["services"]


def _started(intervention: Intervention, day: dt.date) -> Intervention:
    Intervention.objects.filter(pk=intervention.pk).update(started_on=day, state="ACTIVE")
    return Intervention.objects.get(pk=intervention.pk)


def test_the_placement_tells_where_the_child_lives_and_that_a_court_ordered_it(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    case = factories.in_care_case(demo)
    _shift_history(case, 60)
    today = timezone.localdate()
    foster = _started(
        factories.authorised_intervention(demo, case, delivery="foster"), today - dt.timedelta(days=40)
    )
    Placement.objects.create(
        intervention=foster,
        kind=Placement.Kind.FOSTER,
        form=PlacementForm.JUDICIAL,
        foster_kind=FosterKind.EXTRA_FAMILY,
        foster_time=FosterTime.FULL_TIME,
        starts_on=today - dt.timedelta(days=40),
        planned_end=today + dt.timedelta(days=300),
    )
    sinba_complete(
        case,
        demo.users["assistente"],
        living_place=None,
        court_order=None,
        work_condition=code("CondizioneLavoroType", "1"),
    )
    outcome = _record_of(case, _context(reporting_body))
    assert outcome.missing == []
    attrs = outcome.record.attributes
    assert attrs["LuogoVita"] == "3"  # in famiglia affidataria
    assert attrs["ProvvedimentoGiudiziario"] == "1"
    assert (attrs["FormaInterventoAffido"], attrs["TipoInterventoAffido"], attrs["DurataAffido"]) == (
        "2",
        "2",
        "1",
    )
    assert attrs["CarattereAffido"] == "1"
    assert "EsitoAffido" not in attrs  # still going on
    assert outcome.record.services == ["A1.01", "A1.04"]
    # Before the placement began it told nothing, and the services of 12 months back do not include it.
    before = _record_of(case, _context(reporting_body, today - dt.timedelta(days=41)))
    assert set(before.missing) == {"living_place", "court_order"}


def test_court_details_and_disability_kind_only_follow_a_yes(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    case = factories.in_care_case(demo)
    sinba_complete(
        case,
        demo.users["assistente"],
        work_condition=code("CondizioneLavoroType", "1"),
        disability=code("DisabilitaType", "1"),
        disability_kind=code("TipoDisabilitaType", "3"),
        court_order=code("ProvvedimentoGiudiziarioType", "1"),
        court_order_on=dt.date(2025, 3, 14),
        court_authority=code("AutoritaProvvedimentoType", "2"),
        court_order_kind=code("TipoProvvedimentoGiudiziarioType", "5"),
    )
    attrs = _record_of(case, _context(reporting_body)).record.attributes
    assert (attrs["Disabilita"], attrs["TipoDisabilita"]) == ("1", "3")
    assert attrs["DataProvvedimentoGiudiziario"] == "03/2025"
    assert (attrs["AutoritaProvvedimento"], attrs["TipoProvvedimentoGiudiziario"]) == ("2", "5")


def _shift_history(case: Case, days: int) -> None:
    """Move the case's history `days` back, as if it had happened then."""
    for event in CaseEvent.objects.filter(case=case):
        CaseEvent.objects.filter(pk=event.pk).update(at=event.at - dt.timedelta(days=days))


def test_the_return_holds_the_children_in_care_at_the_date(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    today = timezone.localdate()
    in_care = factories.in_care_case(demo)
    assessment = factories.assessment_case(demo)
    closed = factories.closed_case(demo)
    # The closed case was taken in charge 30 days ago and closed today.
    _shift_history(closed, 30)
    CaseEvent.objects.filter(case=closed, to_state="CLOSED").update(at=timezone.now())
    assert [c.pk for c in _selected(today)] == [in_care.pk]
    ten_days_ago = [c.pk for c in _selected(today - dt.timedelta(days=10))]
    assert ten_days_ago == [closed.pk]  # closed after that date: in care then; the others came later
    assert assessment.pk not in ten_days_ago
    # A closed case reports why it closed (raggiunta la maggiore età).
    sinba_complete(closed, demo.users["assistente"], work_condition=code("CondizioneLavoroType", "1"))
    attrs = _record_of(closed, _context(reporting_body, today - dt.timedelta(days=10))).record.attributes
    assert attrs["MotivazioneChiusuraCarico"] == "3"


def test_the_comune_return_holds_only_its_residents(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    prato = factories.in_care_case(demo, residence="Prato")
    montemurlo = factories.in_care_case(demo, residence="Montemurlo")
    today = timezone.localdate()
    chosen = _selected(today, municipality_id=demo.municipalities["Montemurlo"].pk)
    assert [c.pk for c in chosen] == [montemurlo.pk]
    assert prato.pk in [c.pk for c in _selected(today, territory_id=demo.territory.pk)]


def test_age_bands_and_months() -> None:
    assert [age_band(a) for a in (0, 2, 3, 8, 9, 14, 15, 17, 19)] == [
        "1",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "6",
        "6",
    ]
    assert months_before(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert months_before(dt.date(2025, 3, 31), 1) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2025, 1, 15), 12) == dt.date(2024, 1, 15)
