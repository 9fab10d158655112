"""Writes of the returns app: the SINBA data of a case, export batches (create, run, verify, mark as sent)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.models import Municipality
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.reference.models import Code
from tutela.returns import codes
from tutela.returns.exports import (
    ExportError,
    ExportRequest,
    IssueRow,
    export_parameters_check,
    export_write,
    flow_header,
    reporting_body_for,
)
from tutela.returns.lifecycle import batch_step
from tutela.returns.models import BatchState, ReturnBatch, ReturnIssue, ReturnKind, SinbaChildData, Validation
from tutela.returns.selectors import MANAGING_BODY, MUNICIPALITY, batch_bodies, export_territory
from tutela.workflow import TransitionError

logger = logging.getLogger(__name__)

ISSUE_FLUSH = 500  # issue rows written at a time while an export runs
RUNNING_STALE_AFTER = dt.timedelta(hours=6)  # far beyond any export; then the process must have stopped

# The fields of the SINBA data form, in its order (SinbaChildData); family_composition is the many-to-many.
SINBA_FIELDS = (
    "unaccompanied_foreign_minor",
    "orphan_status",
    "living_place",
    "school",
    "work_condition",
    "disability",
    "disability_kind",
    "disability_certification",
    "residence_country",
    "citizenship_code",
    "father_education",
    "mother_education",
    "father_occupation",
    "mother_occupation",
    "isee_household_size",
    "isee_band",
    "reported_to_court",
    "reported_to_court_on",
    "court_order",
    "court_order_on",
    "court_authority",
    "parental_responsibility",
    "court_order_kind",
    "residential_with_parent",
    "closure_situation",
    "collaboration",
)
# A detail that only applies when its yes/no field says yes (codes.YES).
DEPENDS_ON = {
    "disability_kind": "disability",
    "disability_certification": "disability",
    "reported_to_court_on": "reported_to_court",
    "court_order_on": "court_order",
    "court_authority": "court_order",
    "parental_responsibility": "court_order",
    "court_order_kind": "court_order",
}


def code_list_of(field_name: str) -> str | None:
    """The SINBA code list a SinbaChildData field takes its values from (None: not a code)."""
    field = SinbaChildData._meta.get_field(field_name)
    limit = getattr(field.remote_field, "limit_choices_to", None) if field.remote_field else None
    return limit.get("code_list") if isinstance(limit, dict) else None


def is_case_lead(user: Any, case: Case) -> bool:
    return case.lead_social_worker_id == user.pk and has_capability(user, Cap.CASE_ASSESS, case.territory_id)


def _sinba_data_validate(case: Case, values: dict[str, Any], family: list[Code]) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    for name, value in values.items():
        expected = code_list_of(name)
        if expected and value is not None and value.code_list != expected:
            errors[name] = _("Valore non ammesso per questo campo.")
        if isinstance(value, dt.date) and value > today:
            errors[name] = _("La data non può essere futura.")
    for name, parent in DEPENDS_ON.items():
        parent_value = values.get(parent)
        if values.get(name) and (parent_value is None or parent_value.code != codes.YES):
            label = cast(models.Field, SinbaChildData._meta.get_field(parent)).verbose_name
            errors[name] = _("Si indica solo se «%(parent)s» è «sì».") % {"parent": label}
    foreign = values.get("unaccompanied_foreign_minor")
    if foreign is not None and foreign.code == codes.YES and codes.is_italian(case.child.citizenship or ""):
        errors["unaccompanied_foreign_minor"] = _(
            "Il minore ha cittadinanza italiana: non è un minore straniero non accompagnato."
        )
    if values.get("residence_country") and case.child.residence_municipality_id is not None:
        errors["residence_country"] = _(
            "Il minore ha un Comune di residenza in Italia: lo Stato di residenza non va indicato."
        )
    if any(c.code_list != "ComposizioneFamigliaType" for c in family):
        errors["family_composition"] = _("Valore non ammesso per questo campo.")
    if errors:
        raise ValidationError(errors)


def sinba_data_save(*, case: Case, actor: Any, values: dict[str, Any], family: list[Code]) -> SinbaChildData:
    """Record the SINBA data of the case's child (the lead social worker only)."""
    unknown = set(values) - set(SINBA_FIELDS)
    if unknown:
        raise ValueError(f"not SINBA data fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("child").get(pk=case.pk)
        if not is_case_lead(actor, locked):
            raise TransitionError(
                _("Solo l'assistente sociale referente può aggiornare i dati SINBA del minore.")
            )
        _sinba_data_validate(locked, values, family)
        data = SinbaChildData.objects.filter(case=locked).first()
        created = data is None
        if data is None:
            data = SinbaChildData(case=locked)
        changed = [name for name in SINBA_FIELDS if name in values and getattr(data, name) != values[name]]
        for name in SINBA_FIELDS:
            if name in values:
                setattr(data, name, values[name])
        data.updated_by = actor
        data.updated_at = timezone.now()
        data.full_clean(exclude=["case", "updated_by"])
        data.save()
        before = set(data.family_composition.values_list("pk", flat=True)) if not created else set()
        if before != {c.pk for c in family}:
            changed.append("family_composition")
        data.family_composition.set(family)
        case_event_record(
            case=locked,
            actor=actor,
            code="returns.sinba_data.saved",
            description=_("Dati per i debiti informativi (SINBA) aggiornati"),
        )
        # Which fields changed, never their values (health and court data).
        audit_record(
            actor=actor,
            action="returns.sinba_data.saved",
            obj=data,
            case_id=locked.pk,
            data={"created": created, "changed": changed},
        )
    return data


# --- batches ---------------------------------------------------------------------------------------------------


def return_batch_create(
    *,
    actor: Any,
    kind: str,
    municipality: Municipality,
    reference_date: dt.date | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> ReturnBatch:
    """Queue an export of the Comune's residents; it runs after the commit (thread) or by the command."""
    if kind not in ReturnKind.values:
        raise ValidationError({"kind": _("Flusso sconosciuto.")})
    export_parameters_check(
        kind=kind, reference_date=reference_date, period_from=period_from, period_to=period_to
    )
    territory = export_territory(actor, municipality)
    if territory is None:
        raise TransitionError(
            _("Non puoi avviare esportazioni per il Comune di %(name)s.") % {"name": municipality.name}
        )
    if reporting_body_for(territory, municipality) is None:
        raise ValidationError(
            _(
                "Nessun ente trasmittente configurato per il Comune di %(name)s né per l'ente gestore: "
                "chiedere all'amministratore di sistema di indicarlo (Amministrazione, Enti trasmittenti)."
            )
            % {"name": municipality.name}
        )
    with transaction.atomic():
        # A batch left running by a stopped process stops counting after a while (run_return_batch --restart).
        running_since = timezone.now() - RUNNING_STALE_AFTER
        busy = (
            ReturnBatch.objects.select_for_update()
            .filter(kind=kind, municipality=municipality)
            .filter(Q(state=BatchState.QUEUED) | Q(state=BatchState.RUNNING, started_at__gte=running_since))
        )
        if busy.exists():
            raise TransitionError(
                _("Un'esportazione dello stesso flusso per questo Comune è già in corso: attenderne la fine.")
            )
        batch = ReturnBatch.objects.create(
            kind=kind,
            territory=territory,
            municipality=municipality,
            reference_date=reference_date if kind == ReturnKind.SINBA else None,
            period_from=period_from if kind == ReturnKind.SIUSS_PS else None,
            period_to=period_to if kind == ReturnKind.SIUSS_PS else None,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="returns.batch.created",
            obj=batch,
            data={
                "kind": kind,
                "municipality": municipality.istat_code,
                "parameters": batch.parameters_label,
            },
        )
        if settings.TUTELA_RETURNS_RUNNER == "thread":
            transaction.on_commit(lambda: return_batch_start_thread(batch.pk))
    return batch


def return_batch_start_thread(batch_id: int) -> threading.Thread:
    """Run the batch in a thread of this process (the demo's runner); its connections close at the end."""

    def run() -> None:
        try:
            return_batch_run(batch_id=batch_id)
        except Exception:  # the batch row records the failure; a thread has nobody else to tell
            logger.exception("return batch %s failed", batch_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=f"return-batch-{batch_id}", daemon=True)
    thread.start()
    return thread


def _export_request(batch: ReturnBatch) -> ExportRequest:
    return ExportRequest(
        kind=batch.kind,
        territory=batch.territory,
        municipality=batch.municipality,
        reference_date=batch.reference_date,
        period_from=batch.period_from,
        period_to=batch.period_to,
    )


class _IssueWriter:
    """Collects the incomplete records of a running batch and writes them a few hundred at a time."""

    def __init__(self, batch: ReturnBatch) -> None:
        self.batch = batch
        self.pending: list[ReturnIssue] = []

    def __call__(self, row: IssueRow) -> None:
        self.pending.append(
            ReturnIssue(
                batch=self.batch,
                case_id=row.case_id,
                intervention_id=row.intervention_id,
                missing=row.missing,
            )
        )
        if len(self.pending) >= ISSUE_FLUSH:
            self.flush()

    def flush(self) -> None:
        ReturnIssue.objects.bulk_create(self.pending)
        self.pending = []


def _progress(batch_id: int) -> Any:
    def update(done: int, total: int) -> None:
        # A counter for the progress bar, not an act: no audit row.
        ReturnBatch.objects.filter(pk=batch_id).update(progress_done=done, progress_total=max(total, done))

    return update


def return_batch_run(*, batch_id: int) -> ReturnBatch:
    """Produce the batch's file: QUEUED -> RUNNING -> DONE (with its validation) or FAILED."""
    queued = ReturnBatch.objects.select_related("territory", "municipality", "created_by").get(pk=batch_id)
    actor = queued.created_by
    batch = batch_step(batch_id, "start", actor=actor, fields={"started_at": timezone.now()})
    ReturnIssue.objects.filter(batch=batch).delete()  # a batch run again starts from an empty list
    batch = ReturnBatch.objects.select_related("territory", "municipality").get(pk=batch_id)
    folder = Path(settings.MEDIA_ROOT) / "returns" / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".xml", delete=False) as handle:
        path = Path(handle.name)
    issues = _IssueWriter(batch)
    try:
        request = _export_request(batch)
        result = export_write(request, path, on_issue=issues, on_progress=_progress(batch_id))
        issues.flush()
        fields: dict[str, Any] = {
            "finished_at": timezone.now(),
            "records_count": result.records,
            "issues_count": result.issues,
            "progress_done": result.examined,
            "progress_total": result.examined,
            "validation": result.status,
            "validation_errors": "\n".join(result.validation.errors) if result.validation else "",
        }
        if result.records:
            fields.update(_store(batch, path, request))
        return batch_step(
            batch_id,
            "finish",
            actor=actor,
            fields=fields,
            data={"records": result.records, "issues": result.issues, "validation": result.status},
        )
    except ExportError as exc:
        return _fail(batch_id, actor, exc.message)
    except Exception:
        logger.exception("return batch %s failed", batch_id)
        return _fail(
            batch_id, actor, _("Errore imprevisto durante l'esportazione: vedere il registro del server.")
        )
    finally:
        path.unlink(missing_ok=True)


def _fail(batch_id: int, actor: Any, reason: str) -> ReturnBatch:
    return batch_step(
        batch_id, "fail", actor=actor, fields={"finished_at": timezone.now(), "failure_reason": reason[:300]}
    )


def _store(batch: ReturnBatch, path: Path, request: ExportRequest) -> dict[str, Any]:
    """Move the file under MEDIA (name never guessable) with its SHA-256; the download keeps the flow's name."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 16), b""):
            digest.update(block)
        source.seek(0)
        storage = ReturnBatch._meta.get_field("file").storage  # type: ignore[attr-defined]
        stored = storage.save(f"returns/{batch.created_at:%Y/%m}/{uuid.uuid4().hex}.xml", File(source))
    body = reporting_body_for(request.territory, request.municipality)
    assert body is not None  # export_write refused without one
    return {
        "file": stored,
        "file_name": f"{flow_header(request, body).name}.xml",
        "sha256": digest.hexdigest(),
        "size": path.stat().st_size,
    }


def return_batch_restart(*, batch: ReturnBatch, actor: Any) -> ReturnBatch:
    """Queue again a batch that failed or was left running by a stopped process."""
    return batch_step(batch.pk, "restart", actor=actor, fields={"failure_reason": "", "finished_at": None})


# --- joint verification and sending (seed 003) -----------------------------------------------------------------


def _verified(batch: ReturnBatch, body: str) -> bool:
    return (batch.body_verified_at if body == MANAGING_BODY else batch.municipality_verified_at) is not None


def batch_verify_refusal(batch: ReturnBatch, user: Any) -> str | None:
    """Why the user may not verify the batch for their body now, or None."""
    bodies = batch_bodies(user, batch)
    if not bodies:
        return _("Solo l'ente gestore e il Comune verificano le esportazioni.")
    if batch.state != BatchState.DONE or not batch.records_count:
        return _("Si verifica solo un'esportazione completata che ha prodotto un file.")
    if batch.validation == Validation.INVALID:
        return _("Il file non è valido secondo lo schema INPS: correggere i dati e ripetere l'esportazione.")
    if batch.sent_at is not None:
        return _("L'esportazione è già stata inviata a INPS.")
    pending = [
        body for body in (MANAGING_BODY, MUNICIPALITY) if body in bodies and not _verified(batch, body)
    ]
    if not pending:
        return _("La verifica del tuo ente è già registrata.")
    if _other_verifier(batch, pending[0]) == user.pk:
        return _("La verifica è congiunta: l'altro ente deve verificare con un'altra persona.")
    return None


def _other_verifier(batch: ReturnBatch, body: str) -> int | None:
    return batch.municipality_verified_by_id if body == MANAGING_BODY else batch.body_verified_by_id


def return_batch_verify(*, batch: ReturnBatch, actor: Any) -> ReturnBatch:
    """Record that the actor's body verified the truth and consistency of the data (seed 003)."""
    with transaction.atomic():
        locked = ReturnBatch.objects.select_for_update().get(pk=batch.pk)
        refusal = batch_verify_refusal(locked, actor)
        if refusal is not None:
            raise TransitionError(refusal)
        bodies = batch_bodies(actor, locked)
        body = next(b for b in (MANAGING_BODY, MUNICIPALITY) if b in bodies and not _verified(locked, b))
        now = timezone.now()
        if body == MANAGING_BODY:
            locked.body_verified_by, locked.body_verified_at = actor, now
            fields = ["body_verified_by", "body_verified_at"]
        else:
            locked.municipality_verified_by, locked.municipality_verified_at = actor, now
            fields = ["municipality_verified_by", "municipality_verified_at"]
        locked.save(update_fields=fields)
        audit_record(actor=actor, action="returns.batch.verified", obj=locked, data={"body": body})
    return locked


def batch_send_refusal(batch: ReturnBatch, user: Any) -> str | None:
    if not batch_bodies(user, batch):
        return _("Solo l'ente gestore e il Comune segnano l'invio delle esportazioni.")
    if batch.sent_at is not None:
        return _("L'esportazione è già stata segnata come inviata.")
    if batch.body_verified_at is None or batch.municipality_verified_at is None:
        return _(
            "Prima dell'invio l'esportazione va verificata da entrambi gli enti: l'ente gestore e il Comune."
        )
    return None


def return_batch_mark_sent(*, batch: ReturnBatch, actor: Any) -> ReturnBatch:
    """Record that the verified file was sent to INPS."""
    with transaction.atomic():
        locked = ReturnBatch.objects.select_for_update().get(pk=batch.pk)
        refusal = batch_send_refusal(locked, actor)
        if refusal is not None:
            raise TransitionError(refusal)
        locked.sent_by, locked.sent_at = actor, timezone.now()
        locked.save(update_fields=["sent_by", "sent_at"])
        audit_record(actor=actor, action="returns.batch.marked_sent", obj=locked)
    return locked


def return_batch_downloaded(*, batch: ReturnBatch, actor: Any) -> None:
    """The audit row of a download: which file and how many records, never the content."""
    audit_record(
        actor=actor,
        action="returns.batch.downloaded",
        obj=batch,
        data={"kind": batch.kind, "records": batch.records_count, "sha256": batch.sha256},
    )
