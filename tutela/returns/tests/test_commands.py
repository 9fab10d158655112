"""export_sinba, export_siuss_ps and run_return_batch: files, validation, exit codes (a CommandError is exit 1)
and one audit row per export with its counts."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.returns.models import BatchState, ReportingBody, ReturnBatch, ReturnKind
from tutela.returns.services import return_batch_create
from tutela.returns.tests.conftest import sinba_complete
from tutela.services.models import Intervention
from tutela.testing import factories


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_sinba_writes_a_valid_file_and_audits_its_counts(
    demo: DemoTerritory, reporting_body: ReportingBody, xsd_dir: Path, tmp_path: Path
) -> None:
    complete = factories.in_care_case(demo)
    sinba_complete(complete, demo.users["assistente"])
    incomplete = factories.in_care_case(demo)
    target = tmp_path / "sinba.xml"
    today = timezone.localdate()
    out, err = _run("export_sinba", "--date", today.isoformat(), "--out", str(target))
    assert target.is_file()
    assert f"{target}: 1 record scritti, 1 incompleti." in out
    assert "Valido secondo lo schema INPS SINBA.xsd." in out
    assert f"Pratica {incomplete.code}: mancano " in err
    event = AuditEvent.objects.get(action="returns.sinba.exported")
    assert event.actor is None
    assert event.data == {
        "reference_date": today.isoformat(),
        "territory": demo.territory.pk,
        "municipality": "",
        "records": 1,
        "issues": 1,
        "validation": "valid",
    }


def test_an_export_without_records_or_with_a_bad_request_exits_with_an_error(
    demo: DemoTerritory, reporting_body: ReportingBody, tmp_path: Path
) -> None:
    target = tmp_path / "sinba.xml"
    with pytest.raises(CommandError, match="Nessun record esportabile"):
        _run("export_sinba", "--date", timezone.localdate().isoformat(), "--out", str(target))
    assert not target.exists()
    assert AuditEvent.objects.get(action="returns.sinba.exported").data["records"] == 0
    with pytest.raises(CommandError, match="Data non valida"):
        _run("export_sinba", "--date", "31/12/2025", "--out", str(target))
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="non può essere futura"):
        _run("export_sinba", "--date", future, "--out", str(target))
    with pytest.raises(CommandError, match="al massimo 12 mesi"):
        _run("export_siuss_ps", "--from", "2024-01-01", "--to", "2025-06-30", "--out", str(target))
    with pytest.raises(CommandError, match="non appartiene al territorio"):
        _run(
            "export_sinba", "--date", "2025-12-31", "--out", str(target), "--municipality", "048017"
        )  # Firenze
    reporting_body.delete()
    with pytest.raises(CommandError, match="Nessun ente trasmittente configurato"):
        _run("export_sinba", "--date", "2025-12-31", "--out", str(target))
    assert AuditEvent.objects.filter(action="returns.sinba.exported").count() == 1  # refusals export nothing


def _started_intervention(demo: DemoTerritory) -> Intervention:
    intervention = factories.authorised_intervention(demo)
    Intervention.objects.filter(pk=intervention.pk).update(started_on=dt.date(2026, 1, 10), state="ACTIVE")
    return intervention


def test_export_siuss_ps_exits_with_an_error_on_an_invalid_file(
    demo: DemoTerritory, reporting_body: ReportingBody, xsd_dir: Path, tmp_path: Path
) -> None:
    intervention = _started_intervention(demo)
    target = tmp_path / "ps.xml"
    out, _err = _run("export_siuss_ps", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(target))
    assert "Valido secondo lo schema INPS PS_PSA_SINA201806.xsd." in out
    ReportingBody.objects.filter(pk=reporting_body.pk).update(operator_fiscal_code="NON-UN-CF")
    err = io.StringIO()
    with pytest.raises(CommandError, match="non è valido secondo lo schema INPS"):
        call_command(
            "export_siuss_ps", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(target), stderr=err
        )
    assert "CFOperatore" in err.getvalue()
    events = AuditEvent.objects.filter(action="returns.siuss_ps.exported").order_by("sequence")
    assert [e.data["validation"] for e in events] == ["valid", "invalid"]
    assert intervention.case.child.fiscal_code not in json.dumps([e.data for e in events])


def test_an_export_is_written_but_not_validated_without_the_schemas(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None, tmp_path: Path
) -> None:
    _started_intervention(demo)
    target = tmp_path / "ps.xml"
    _out, err = _run("export_siuss_ps", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(target))
    assert "file NON validato" in err and "TUTELA_INPS_XSD_DIR" in err
    _out, err = _run(
        "export_siuss_ps", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(target), "--no-validate"
    )
    assert "File non validato (--no-validate)." in err
    assert target.is_file()


def test_run_return_batch_runs_queued_batches(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None
) -> None:
    case = factories.in_care_case(demo)
    sinba_complete(case, demo.users["assistente"])
    today = timezone.localdate()
    first, second = (
        return_batch_create(
            actor=demo.users["sds"],
            kind=ReturnKind.SINBA,
            municipality=demo.municipalities[name],
            reference_date=today,
        )
        for name in ("Prato", "Vaiano")
    )
    out, _err = _run("run_return_batch", str(first.pk))
    assert f"Esportazione {first.pk}: 1 record, 0 incompleti" in out
    with pytest.raises(CommandError, match="non è possibile"):
        _run("run_return_batch", str(first.pk))  # done already
    out, _err = _run("run_return_batch", "--pending")
    assert f"Esportazione {second.pk}: 0 record" in out
    assert set(ReturnBatch.objects.values_list("state", flat=True)) == {BatchState.DONE}
    with pytest.raises(CommandError, match="oppure --pending"):
        _run("run_return_batch")
    third = return_batch_create(
        actor=demo.users["sds"],
        kind=ReturnKind.SINBA,
        municipality=demo.municipalities["Prato"],
        reference_date=today,
    )
    reporting_body.delete()
    with pytest.raises(CommandError, match=f"Esportazioni non riuscite: {third.pk}"):
        _run("run_return_batch", str(third.pk))
    assert ReturnBatch.objects.get(pk=third.pk).state == BatchState.FAILED
