"""The SIUSS prestazioni mapping rules (docs/returns/siuss-ps-mapping.md) on crafted interventions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tutela.core.demo.territory import DemoTerritory
from tutela.people.models import Person
from tutela.returns.models import ReportingBody
from tutela.returns.siuss_ps import PsContext, months_in, ps_beneficiaries, ps_interventions
from tutela.services.models import AdministrativeReview, DeliveryRecord, Intervention, ServiceType
from tutela.testing import factories

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def _started(intervention: Intervention, day: dt.date, **fields: object) -> Intervention:
    Intervention.objects.filter(pk=intervention.pk).update(started_on=day, state="ACTIVE", **fields)
    return Intervention.objects.get(pk=intervention.pk)


def _hours(demo: DemoTerritory, intervention: Intervention, *rows: tuple[dt.date, str]) -> None:
    for day, units in rows:
        DeliveryRecord.objects.create(
            intervention=intervention, operator=demo.users["educatore"], day=day, units=Decimal(units)
        )


def _outcomes(period: tuple[dt.date, dt.date] = PERIOD, **filters: int) -> list:
    ctx = PsContext(period_from=period[0], period_to=period[1])
    return list(
        ps_beneficiaries(ps_interventions(period_from=period[0], period_to=period[1], **filters), ctx)
    )


def test_an_intervention_maps_to_its_prestazione(demo: DemoTerritory, reporting_body: ReportingBody) -> None:
    intervention = _started(
        factories.authorised_intervention(demo, act_date=dt.date(2026, 2, 20)),
        dt.date(2026, 3, 2),
        unit_cost=Decimal("20.00"),
    )
    AdministrativeReview.objects.filter(proposal=intervention.proposal).update(
        share_municipality=Decimal("300"),
        share_family=Decimal("100"),
        means_tested=True,
        dsu_protocol="INPS-ISEE-2026-00012345X-00",
    )
    _hours(
        demo,
        intervention,
        (dt.date(2026, 3, 5), "10"),
        (dt.date(2026, 4, 9), "8"),
        (dt.date(2026, 7, 1), "6"),  # after the period: not counted
    )
    (outcome,) = _outcomes()
    assert outcome.issues == []
    child = intervention.case.child
    beneficiary = outcome.beneficiary
    assert beneficiary.fiscal_code == child.fiscal_code
    assert beneficiary.personal == {
        "Cognome": child.surname,
        "Nome": child.given_name,
        "AnnoNascita": str(child.birth_date.year),
        "LuogoNascita": "G999",  # born in Prato
        "Genere": "2" if child.sex == "F" else "1",
        "CodiceCittadinanza": "100",
    }
    assert beneficiary.address == {"CodiceRegione": "09", "CodiceComune": "100005", "CodiceNazione": "100"}
    (service,) = beneficiary.services
    assert service == {
        "TipoOperazione": "I",
        "PresenzaProvaMezzi": "1",
        "CaratterePrestazione": "1",
        "NumeroProtocolloDSU": "INPS-ISEE-2026-00012345X-00",
        "AnnoProtocolloDSU": "2026",
        "CodicePrestazione": "A1.11",
        "DenominazionePrestazione": intervention.service_type.name,
        "ProtocolloDomanda": intervention.proposal.approval_protocol.display_number,
        "DataEvento": "2026-02-20",
        "DataInizioPrestazione": "2026-03-02",
        # March to June: 4 months; 18 hours at 20 euros, split 3:1 between the Comune and the family
        "PeriodoErogazione": "4",
        "OreServizioMensile": "5",
        "ImportoPrestazione": "360.00",
        "ImportoMensile": "90.00",
        "ImportoQuotaEnte": "270.00",
        "ImportoQuotaUtente": "90.00",
        "PresaCarico": "1",
        "AreaUtenza": "1",
    }


def test_without_cost_shares_the_whole_amount_is_the_entes(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    intervention = _started(
        factories.authorised_intervention(demo, delivery="contribution"),
        dt.date(2025, 12, 1),
        unit_cost=Decimal("150"),
    )
    Intervention.objects.filter(pk=intervention.pk).update(ended_on=dt.date(2026, 2, 15))
    (outcome,) = _outcomes()
    (service,) = outcome.beneficiary.services
    # A monthly contribution from January to mid-February: 2 months of the period, ended within it
    assert (service["PeriodoErogazione"], service["ImportoPrestazione"], service["ImportoMensile"]) == (
        "2",
        "300.00",
        "150.00",
    )
    assert service["ImportoQuotaEnte"] == "300.00"
    assert "ImportoQuotaUtente" not in service and "OreServizioMensile" not in service
    assert service["DataFinePrestazione"] == "2026-02-15"
    assert service["PresenzaProvaMezzi"] == "4"


def test_what_an_intervention_lacks_is_listed(demo: DemoTerritory, reporting_body: ReportingBody) -> None:
    coded = _started(factories.authorised_intervention(demo), dt.date(2026, 2, 1))
    uncoded = _started(
        factories.authorised_intervention(demo, coded.case, delivery="generic"), dt.date(2026, 2, 1)
    )
    AdministrativeReview.objects.filter(proposal=coded.proposal).update(means_tested=True, dsu_protocol="")
    ServiceType.objects.filter(pk=uncoded.service_type_id).update(siuss_code="")
    (outcome,) = _outcomes()
    assert outcome.beneficiary is None
    assert {(i.intervention_id, tuple(i.missing)) for i in outcome.issues} == {
        (coded.pk, ("dsu_protocol",)),
        (uncoded.pk, ("siuss_code",)),
    }
    assert {i.service_type_id for i in outcome.issues} == {coded.service_type_id, uncoded.service_type_id}


def test_a_child_without_codice_fiscale_cannot_be_reported(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    intervention = _started(factories.authorised_intervention(demo), dt.date(2026, 2, 1))
    Person.objects.filter(pk=intervention.case.child_id).update(fiscal_code=None, birth_place=None)
    (outcome,) = _outcomes()
    assert outcome.beneficiary is None
    assert [i.missing for i in outcome.issues] == [["fiscal_code", "birth_place"]]


def test_the_period_selects_what_was_delivered_in_it(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    in_period = _started(
        factories.authorised_intervention(demo, residence="Montemurlo"), dt.date(2026, 6, 30)
    )
    _started(factories.authorised_intervention(demo), dt.date(2026, 7, 1))  # starts after
    ended = _started(factories.authorised_intervention(demo), dt.date(2025, 3, 1))
    Intervention.objects.filter(pk=ended.pk).update(ended_on=dt.date(2025, 12, 31))  # ended before
    factories.authorised_intervention(demo)  # never started
    (outcome,) = _outcomes()
    assert [s["DataInizioPrestazione"] for s in outcome.beneficiary.services] == ["2026-06-30"]
    assert outcome.beneficiary.fiscal_code == in_period.case.child.fiscal_code
    assert _outcomes(municipality_id=demo.municipalities["Prato"].pk) == []


def test_months_of_a_period() -> None:
    assert months_in(dt.date(2026, 1, 31), dt.date(2026, 2, 1)) == 2
    assert months_in(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 12
    assert months_in(dt.date(2026, 3, 1), dt.date(2026, 2, 1)) == 0
