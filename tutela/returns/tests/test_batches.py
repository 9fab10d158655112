"""Export batches: their life (queued, running, done or failed), the Comune's scope, the joint verification by
both bodies before sending (seed 003), and the audit rows of each act."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from lxml import etree

from tutela.accounts.models import Membership, User
from tutela.accounts.roles import Role
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.returns import services
from tutela.returns.lifecycle import batch_step
from tutela.returns.models import BatchState, ReportingBody, ReturnBatch, ReturnIssue, ReturnKind, Validation
from tutela.returns.pseudonym import beneficiary_pseudonym
from tutela.returns.services import (
    return_batch_create,
    return_batch_downloaded,
    return_batch_mark_sent,
    return_batch_restart,
    return_batch_run,
    return_batch_verify,
)
from tutela.returns.tests.conftest import sinba_complete
from tutela.services.models import Intervention
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError


def _create(demo: DemoTerritory, actor: str = "sds", comune: str = "Prato", **params: Any) -> ReturnBatch:
    params.setdefault("kind", ReturnKind.SINBA)
    if params["kind"] == ReturnKind.SINBA:
        params.setdefault("reference_date", timezone.localdate())
    return return_batch_create(actor=demo.users[actor], municipality=demo.municipalities[comune], **params)


def _rows() -> list[dict[str, Any]]:
    return list(ReturnBatch.objects.order_by("pk").values())


def _refused(call: Any, message: str, error: type[Exception] = TransitionError) -> None:
    assert_refused(call, _rows, message, error)


def _actions(batch: ReturnBatch) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="returns.returnbatch", object_id=str(batch.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_a_batch_runs_from_the_queue_to_its_file(
    demo: DemoTerritory, reporting_body: ReportingBody, xsd_dir: Path
) -> None:
    complete = factories.in_care_case(demo)
    sinba_complete(complete, demo.users["assistente"])
    incomplete = factories.in_care_case(demo)
    batch = _create(demo)
    assert (batch.state, batch.territory, batch.created_by) == (
        BatchState.QUEUED,
        demo.territory,
        demo.users["sds"],
    )
    done = return_batch_run(batch_id=batch.pk)
    assert done.state == BatchState.DONE
    assert (done.records_count, done.issues_count, done.validation) == (1, 1, Validation.VALID)
    assert (done.progress_done, done.progress_total) == (2, 2)
    content = Path(done.file.path).read_bytes()
    assert done.sha256 == hashlib.sha256(content).hexdigest() and done.size == len(content)
    assert done.file_name == f"SINBA_G999_{timezone.localdate():%Y%m%d}_G999.xml"
    assert not done.file.name.endswith(done.file_name)  # stored under a generated name
    (issue,) = ReturnIssue.objects.filter(batch=done)
    assert issue.case_id == incomplete.pk
    six = {"orphan_status", "living_place", "school", "disability", "reported_to_court", "court_order"}
    assert six <= set(issue.missing) <= six | {"work_condition"}  # work_condition: over 16, no default
    assert _actions(done) == ["returns.batch.created", "returns.batch.started", "returns.batch.exported"]
    exported = AuditEvent.objects.get(action="returns.batch.exported", object_id=str(done.pk))
    assert exported.data == {
        "from": "RUNNING",
        "to": "DONE",
        "records": 1,
        "issues": 1,
        "validation": "valid",
    }
    assert exported.actor == demo.users["sds"]


def test_a_batch_without_a_sender_fails_then_runs_again(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None
) -> None:
    case = factories.in_care_case(demo)
    sinba_complete(case, demo.users["assistente"])
    batch = _create(demo)
    values = {
        f.name: getattr(reporting_body, f.name) for f in ReportingBody._meta.concrete_fields if f.name != "id"
    }
    reporting_body.delete()
    failed = return_batch_run(batch_id=batch.pk)
    assert failed.state == BatchState.FAILED
    assert "Nessun ente trasmittente configurato" in failed.failure_reason
    assert not failed.file
    with pytest.raises(TransitionError):
        return_batch_run(batch_id=batch.pk)  # only a queued batch runs
    ReportingBody.objects.create(**values)
    return_batch_restart(batch=failed, actor=demo.users["sds"])
    done = return_batch_run(batch_id=batch.pk)
    assert (done.state, done.records_count, done.validation) == (BatchState.DONE, 1, Validation.UNAVAILABLE)
    assert done.failure_reason == ""
    assert _actions(done) == [
        "returns.batch.created",
        "returns.batch.started",
        "returns.batch.failed",
        "returns.batch.restarted",
        "returns.batch.started",
        "returns.batch.exported",
    ]


def test_a_batch_is_refused_with_a_reason_and_nothing_is_created(
    demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as future:
        _create(demo, reference_date=today + dt.timedelta(days=1))
    assert future.value.message_dict == {"reference_date": ["La data di riferimento non può essere futura."]}
    with pytest.raises(ValidationError) as long_period:
        _create(
            demo, kind=ReturnKind.SIUSS_PS, period_from=dt.date(2024, 1, 1), period_to=dt.date(2025, 1, 1)
        )
    assert "al massimo 12 mesi" in long_period.value.message_dict["period_to"][0]
    _refused(
        lambda: _create(demo, actor="comune", comune="Prato"),
        "Non puoi avviare esportazioni per il Comune di Prato.",
    )
    _refused(
        lambda: _create(demo, actor="dirigente"), "Non puoi avviare esportazioni per il Comune di Prato."
    )
    assert ReturnBatch.objects.count() == 0
    queued = _create(demo)
    busy = "Un'esportazione dello stesso flusso per questo Comune è già in corso: attenderne la fine."
    _refused(lambda: _create(demo), busy)
    batch_step(
        queued.pk,
        "start",
        actor=demo.users["sds"],
        fields={"started_at": timezone.now() - dt.timedelta(hours=5)},
    )
    _refused(lambda: _create(demo), busy)
    # Left running by a process that stopped long ago: it no longer holds the Comune's exports back.
    ReturnBatch.objects.filter(pk=queued.pk).update(started_at=timezone.now() - dt.timedelta(hours=7))
    _create(demo)
    reporting_body.delete()
    with pytest.raises(ValidationError, match="Nessun ente trasmittente"):
        _create(
            demo, kind=ReturnKind.SIUSS_PS, period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 12, 31)
        )
    assert ReturnBatch.objects.count() == 2


def test_the_comune_officers_batch_holds_only_its_residents(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None
) -> None:
    prato = factories.in_care_case(demo, residence="Prato")
    montemurlo = factories.in_care_case(demo, residence="Montemurlo", worker="assistente2")
    sinba_complete(prato, demo.users["assistente"])
    sinba_complete(montemurlo, demo.users["assistente2"])
    batch = return_batch_run(batch_id=_create(demo, actor="comune", comune="Montemurlo").pk)
    assert batch.records_count == 1
    root = etree.parse(batch.file.path).getroot()
    ids = [r.get("IDBeneficiario") for r in root.iter("{http://inps.it/Casellario}SINBA")]
    assert ids == [beneficiary_pseudonym(montemurlo.child_id)]
    whole = return_batch_run(batch_id=_create(demo, actor="sds", comune="Prato").pk)
    assert whole.records_count == 1  # the managing body's batch for Prato: Prato's residents only


def _done_batch(demo: DemoTerritory, comune: str = "Montemurlo") -> ReturnBatch:
    case = factories.in_care_case(demo, residence=comune, worker="assistente2")
    sinba_complete(case, demo.users["assistente2"])
    return return_batch_run(batch_id=_create(demo, comune=comune).pk)


def test_both_bodies_verify_before_the_batch_is_sent(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None
) -> None:
    u = demo.users
    batch = _done_batch(demo)
    not_both = (
        "Prima dell'invio l'esportazione va verificata da entrambi gli enti: l'ente gestore e il Comune."
    )
    _refused(lambda: return_batch_mark_sent(batch=batch, actor=u["sds"]), not_both)
    _refused(
        lambda: return_batch_verify(batch=batch, actor=u["dirigente"]),
        "Solo l'ente gestore e il Comune verificano le esportazioni.",
    )
    verified = return_batch_verify(batch=batch, actor=u["sds"])
    assert (verified.body_verified_by, verified.municipality_verified_by) == (u["sds"], None)
    _refused(
        lambda: return_batch_verify(batch=batch, actor=u["sds"]), "La verifica del tuo ente è già registrata."
    )
    _refused(lambda: return_batch_mark_sent(batch=batch, actor=u["comune"]), not_both)
    verified = return_batch_verify(batch=batch, actor=u["comune"])
    assert verified.municipality_verified_by == u["comune"] and verified.municipality_verified_at is not None
    sent = return_batch_mark_sent(batch=batch, actor=u["comune"])
    assert sent.sent_by == u["comune"] and sent.sent_at is not None
    _refused(
        lambda: return_batch_mark_sent(batch=batch, actor=u["sds"]),
        "L'esportazione è già stata segnata come inviata.",
    )
    _refused(
        lambda: return_batch_verify(batch=batch, actor=u["comune"]),
        "L'esportazione è già stata inviata a INPS.",
    )
    events = AuditEvent.objects.filter(
        object_id=str(batch.pk), action__in=["returns.batch.verified", "returns.batch.marked_sent"]
    )
    assert [(e.action, e.actor.username, e.data) for e in events.order_by("sequence")] == [
        ("returns.batch.verified", "sds", {"body": "managing_body"}),
        ("returns.batch.verified", "comune", {"body": "municipality"}),
        ("returns.batch.marked_sent", "comune", {}),
    ]


def test_one_person_cannot_verify_for_both_bodies(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None
) -> None:
    batch = _done_batch(demo)
    Membership.objects.create(
        user=demo.users["sds"],
        organisation=demo.organisations["comune_montemurlo"],
        role=Role.MUNICIPALITY_OFFICER,
    )
    both = User.objects.get(pk=demo.users["sds"].pk)
    verified = return_batch_verify(batch=batch, actor=both)
    assert verified.body_verified_by == both  # the first body of the two
    _refused(
        lambda: return_batch_verify(batch=batch, actor=User.objects.get(pk=both.pk)),
        "La verifica è congiunta: l'altro ente deve verificare con un'altra persona.",
    )


def test_an_invalid_or_empty_batch_is_not_verified(
    demo: DemoTerritory, reporting_body: ReportingBody, xsd_dir: Path
) -> None:
    empty = return_batch_run(batch_id=_create(demo).pk)
    assert (empty.state, empty.records_count, empty.validation, bool(empty.file)) == (
        BatchState.DONE,
        0,
        Validation.EMPTY,
        False,
    )
    _refused(
        lambda: return_batch_verify(batch=empty, actor=demo.users["sds"]),
        "Si verifica solo un'esportazione completata che ha prodotto un file.",
    )
    ReportingBody.objects.filter(pk=reporting_body.pk).update(operator_fiscal_code="NON-UN-CF")
    invalid = _done_batch(demo)
    assert invalid.validation == Validation.INVALID
    assert "CFOperatore" in invalid.validation_errors and "NON-UN-CF" not in invalid.validation_errors
    _refused(
        lambda: return_batch_verify(batch=invalid, actor=demo.users["sds"]),
        "Il file non è valido secondo lo schema INPS: correggere i dati e ripetere l'esportazione.",
    )


def test_the_web_runner_starts_a_thread_after_the_commit(
    demo: DemoTerritory,
    reporting_body: ReportingBody,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """TUTELA_RETURNS_RUNNER=thread: once the batch row is committed, a thread of the web process runs it and
    closes its own database connection; with "command" the batch waits for run_return_batch."""
    ran: list[tuple[int, str]] = []
    monkeypatch.setattr(
        services,
        "return_batch_run",
        lambda *, batch_id: ran.append((batch_id, threading.current_thread().name)),
    )
    settings.TUTELA_RETURNS_RUNNER = "command"
    with django_capture_on_commit_callbacks() as callbacks:
        queued = _create(demo)
    assert callbacks == []
    settings.TUTELA_RETURNS_RUNNER = "thread"
    with django_capture_on_commit_callbacks() as callbacks:
        batch = _create(demo, comune="Vaiano")
    assert ran == []  # nothing before the commit
    started = []
    monkeypatch.setattr(services.threading, "Thread", _Recording(started))
    (callback,) = callbacks
    callback()
    started[0].join(timeout=30)
    assert ran == [(batch.pk, f"return-batch-{batch.pk}")]
    assert ReturnBatch.objects.get(pk=queued.pk).state == BatchState.QUEUED


class _Recording:
    """threading.Thread, keeping each thread it makes."""

    def __init__(self, started: list[threading.Thread]) -> None:
        self.started = started
        self.thread_class = threading.Thread

    def __call__(self, *args: Any, **kwargs: Any) -> threading.Thread:
        thread = self.thread_class(*args, **kwargs)
        self.started.append(thread)
        return thread


def test_no_audit_row_carries_the_content(
    demo: DemoTerritory, reporting_body: ReportingBody, no_xsd: None
) -> None:
    """The SIUSS flow names the child by codice fiscale: its audit rows say what and how many, never whom."""
    intervention = factories.authorised_intervention(demo)
    Intervention.objects.filter(pk=intervention.pk).update(started_on=dt.date(2026, 1, 10), state="ACTIVE")
    batch = return_batch_run(
        batch_id=_create(
            demo, kind=ReturnKind.SIUSS_PS, period_from=dt.date(2026, 1, 1), period_to=dt.date(2026, 1, 31)
        ).pk
    )
    child = intervention.case.child
    assert batch.records_count == 1 and child.fiscal_code in Path(batch.file.path).read_text(encoding="utf-8")
    return_batch_downloaded(batch=batch, actor=demo.users["sds"])
    rows = json.dumps(list(AuditEvent.objects.filter(action__startswith="returns.").values("data", "reason")))
    for identifying in (child.fiscal_code, child.surname, intervention.case.code):
        assert identifying not in rows
    downloaded = AuditEvent.objects.get(action="returns.batch.downloaded")
    assert downloaded.data == {"kind": "siuss_ps", "records": 1, "sha256": batch.sha256}
