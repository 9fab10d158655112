"""Both flows validate against the official INPS schemas (skipped where ../shared/domain/inps is absent)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone
from lxml import etree

from tutela.core.demo.territory import DemoTerritory
from tutela.returns.exports import ExportRequest, IssueRow, export_write
from tutela.returns.models import ReportingBody, ReturnKind, Validation
from tutela.returns.tests.conftest import sinba_complete
from tutela.returns.validation import validate_file
from tutela.services.models import Intervention
from tutela.testing import factories

NS = "{http://inps.it/Casellario}"


def _export(demo: DemoTerritory, out: Path, **kwargs: object) -> tuple[object, list[IssueRow]]:
    issues: list[IssueRow] = []
    result = export_write(ExportRequest(territory=demo.territory, **kwargs), out, on_issue=issues.append)  # type: ignore[arg-type]
    return result, issues


def test_the_sinba_file_is_valid_and_names_nobody(
    demo: DemoTerritory, reporting_body: ReportingBody, xsd_dir: Path, tmp_path: Path
) -> None:
    complete = factories.in_care_case(demo)
    sinba_complete(complete, demo.users["assistente"])
    incomplete = factories.in_care_case(demo, residence="Montemurlo")
    out = tmp_path / "sinba.xml"
    result, issues = _export(demo, out, kind=ReturnKind.SINBA, reference_date=timezone.localdate())
    assert (result.records, result.issues, result.status) == (1, 1, Validation.VALID)
    assert [i.case_id for i in issues] == [incomplete.pk]
    text = out.read_text(encoding="utf-8")
    child = complete.child
    for identifying in (child.fiscal_code, child.surname, child.given_name, complete.code):
        assert identifying not in text
    records = etree.parse(str(out)).getroot().findall(f"{NS}SINBA")
    assert len(records) == 1


def test_the_siuss_file_is_valid(
    demo: DemoTerritory, reporting_body: ReportingBody, xsd_dir: Path, tmp_path: Path
) -> None:
    today = timezone.localdate()
    intervention = factories.authorised_intervention(demo)
    Intervention.objects.filter(pk=intervention.pk).update(started_on=today, state="ACTIVE")
    out = tmp_path / "ps.xml"
    result, _issues = _export(
        demo, out, kind=ReturnKind.SIUSS_PS, period_from=today - dt.timedelta(days=30), period_to=today
    )
    assert (result.records, result.issues, result.status) == (1, 0, Validation.VALID)
    root = etree.parse(str(out)).getroot()
    (beneficiary,) = root.findall(f"{NS}Beneficiario")
    assert beneficiary.get("CodiceFiscale") == intervention.case.child.fiscal_code


INVALID = """<?xml version="1.0" encoding="utf-8"?>
<Flusso xmlns="http://inps.it/Casellario"><IdentificazioneFlusso Nome="PS_TEST"><Ente Codice="X" Indirizzo="G999" CFOperatore="01234567890"/></IdentificazioneFlusso>
<Beneficiario CodiceFiscale="RSSMRA80A01G999"><Anagrafica Cognome="Rossi" Nome="Mario" AnnoNascita="1980" LuogoNascita="G999" Genere="1" CodiceCittadinanza="100"/>
<PrestazioniSociali PresenzaProvaMezzi="4" CodicePrestazione="A1.11" DenominazionePrestazione="Educativa domiciliare" ProtocolloDomanda="1" PresaCarico="1"/></Beneficiario>
</Flusso>
"""


def test_an_invalid_file_is_reported_without_the_values(xsd_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "invalid.xml"
    path.write_text(INVALID, encoding="utf-8")
    report = validate_file(path, ReturnKind.SIUSS_PS)
    assert report.status == Validation.INVALID
    assert report.errors and all(e.startswith("riga ") for e in report.errors)
    assert "CodiceFiscale" in report.errors[0]
    assert not any("RSSMRA80A01G999" in e for e in report.errors)  # a codice fiscale never reaches the report


def test_without_the_schemas_a_file_is_not_validated(no_xsd: None, tmp_path: Path) -> None:
    path = tmp_path / "invalid.xml"
    path.write_text(INVALID, encoding="utf-8")
    assert validate_file(path, ReturnKind.SIUSS_PS).status == Validation.UNAVAILABLE
