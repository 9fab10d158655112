"""The demo's returns (seed 003): the managing body sends the flows for every Comune, and most children in care
have their SINBA data; every fifth is left incomplete, so the returns page shows what is missing and where."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tutela.core.demo.territory import DemoTerritory
from tutela.reference.models import Code
from tutela.returns.models import ReportingBody, SinbaChildData
from tutela.returns.services import sinba_data_save
from tutela.returns.sinba import age_on, sinba_cases, sinba_iter
from tutela.services.models import ServiceType

LEFT_INCOMPLETE = 5  # every fifth child in care


def _school(age: int | None) -> str:
    """ScuolaFrequentataType by age: nursery, pre-school, primary, lower and upper secondary."""
    if age is None or age < 3:
        return "3"
    return "4" if age < 6 else "5" if age < 11 else "6" if age < 14 else "7"


def returns_seed(demo: DemoTerritory) -> ReportingBody:
    """Idempotent: the sender of the territory, then the SINBA data of the children in care that have none."""
    body, _created = ReportingBody.objects.get_or_create(
        territory=demo.territory,
        municipality=None,
        defaults={
            "siuss_code": "DEMO-SDS-PRATESE",
            "name": demo.territory.name[:100],
            "seat": demo.territory.lead_municipality,
            "operator_fiscal_code": "01234567890",  # demo value, not a real partita IVA
            "take_in_charge_service": ServiceType.objects.filter(code="FM-A01").first(),
        },
    )
    codes = {(c.code_list, c.code): c for c in Code.objects.all()}

    def code(code_list: str, value: str) -> Code:
        return codes[(code_list, value)]

    today = timezone.localdate()
    cases = sinba_iter(sinba_cases(reference_date=today, territory_id=demo.territory.pk))
    for index, case in enumerate(list(cases), start=1):
        if index % LEFT_INCOMPLETE == 0 or case.lead_social_worker is None:
            continue
        if SinbaChildData.objects.filter(case=case).exists():
            continue
        age = age_on(case.child.birth_date, today) if case.child.birth_date else None
        disabled = index % 7 == 0
        values: dict[str, Any] = {
            "orphan_status": code("CondizioneMinoreType", "1"),
            "living_place": code("LuogoVitaType", "1"),
            "school": code("ScuolaFrequentataType", _school(age)),
            "work_condition": code("CondizioneLavoroType", "1"),
            "disability": code("DisabilitaType", "1" if disabled else "2"),
            "disability_kind": code("TipoDisabilitaType", "2") if disabled else None,
            "reported_to_court": code("SegnalazioneAutoritaGiudiziariaType", "2"),
            "court_order": code("ProvvedimentoGiudiziarioType", "2"),
        }
        sinba_data_save(case=case, actor=case.lead_social_worker, values=values, family=[])
    return body
