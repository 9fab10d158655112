"""Fixtures of the returns tests: who sends the flows, SIUSS codes in the catalogue, the INPS schemas, complete
SINBA data for a case."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tutela.cases.models import Case
from tutela.core.demo.territory import DemoTerritory
from tutela.reference.models import Code
from tutela.returns.models import ReportingBody, SinbaChildData
from tutela.returns.services import sinba_data_save
from tutela.services.models import ServiceType

# A SIUSS code for the catalogue entries the tests deliver (the catalogue ships without them).
SIUSS_CODES = {
    "FM-A01": "A1.01",  # servizio sociale professionale: the take in charge
    "FM-A04": "A1.04",
    "FM-A08": "A1.08",
    "FM-A11": "A1.11",
    "FM-R02": "A3.02",
    "FM-T02": "A2.02",
}
TEST_RETURNS_KEY = "cmV0dXJucy10ZXN0LWtleS0wMDAwMDAwMDAwMDAwMDA="  # b"returns-test-key-000000000000000"
OTHER_RETURNS_KEY = "b3RoZXItcmV0dXJucy1rZXktMDAwMDAwMDAwMDAwMDA="  # b"other-returns-key-00000000000000"


@pytest.fixture(autouse=True)
def _returns_key(settings: Any) -> None:
    settings.TUTELA_RETURNS_KEY = TEST_RETURNS_KEY
    settings.TUTELA_RETURNS_RUNNER = "command"


def inps_xsd_dir() -> Path:
    configured = os.environ.get("TUTELA_INPS_XSD_DIR", "").strip()
    return Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "domain" / "inps"


@pytest.fixture
def xsd_dir(settings: Any) -> Path:
    """The official INPS schemas; the test is skipped (with the reason) where they are not available."""
    folder = inps_xsd_dir()
    if not (folder / "SINBA.xsd").is_file() or not (folder / "PS_PSA_SINA201806.xsd").is_file():
        pytest.skip(
            f"INPS schemas not found in {folder}: set TUTELA_INPS_XSD_DIR to the folder holding SINBA.xsd "
            "and PS_PSA_SINA201806.xsd (../shared/domain/inps beside the repository)"
        )
    settings.TUTELA_INPS_XSD_DIR = folder
    return folder


@pytest.fixture
def no_xsd(settings: Any, tmp_path: Path) -> None:
    settings.TUTELA_INPS_XSD_DIR = tmp_path / "no-schemas-here"


def siuss_codes() -> None:
    for code, siuss in SIUSS_CODES.items():
        ServiceType.objects.filter(code=code).update(siuss_code=siuss)


@pytest.fixture
def reporting_body(demo: DemoTerritory) -> ReportingBody:
    """The managing body sends for every Comune (no Comune has its own sender)."""
    siuss_codes()
    return ReportingBody.objects.create(
        territory=demo.territory,
        municipality=None,
        siuss_code="SDSPRATESE01",
        name="SdS Area Pratese",
        seat=demo.municipalities["Prato"],
        operator_fiscal_code="01234567890",
        take_in_charge_service=ServiceType.objects.get(code="FM-A01"),
    )


def code(code_list: str, value: str) -> Code:
    return Code.objects.get(code_list=code_list, code=value)


def sinba_complete(case: Case, actor: Any, **overrides: Any) -> SinbaChildData:
    """SINBA data filled in by the lead social worker (through the service), so that the record can be made."""
    values: dict[str, Any] = {
        "orphan_status": code("CondizioneMinoreType", "1"),
        "living_place": code("LuogoVitaType", "1"),
        "school": code("ScuolaFrequentataType", "5"),
        "disability": code("DisabilitaType", "2"),
        "reported_to_court": code("SegnalazioneAutoritaGiudiziariaType", "2"),
        "court_order": code("ProvvedimentoGiudiziarioType", "2"),
    }
    values.update(overrides)
    return sinba_data_save(case=case, actor=actor, values=values, family=[])
