"""The life of an export batch: QUEUED -> RUNNING -> DONE / FAILED, and back to QUEUED to run it again.

A batch is not a case's: the transition engine (tutela/workflow) records every change on a case's timeline, so
this table-driven machine follows the same steps on its own object: lock the row, check the source state, set
the target with the fields of the step, save, and write one audit row. Nothing else changes a batch's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.returns.models import BatchState, ReturnBatch
from tutela.workflow import TransitionError

STATE_FIELD = "state"


@dataclass(frozen=True)
class BatchStep:
    name: str
    source: tuple[str, ...]
    target: str
    past: str  # audit code: returns.batch.<past>


STEPS = {
    step.name: step
    for step in (
        BatchStep("start", (BatchState.QUEUED,), BatchState.RUNNING, "started"),
        BatchStep("finish", (BatchState.RUNNING,), BatchState.DONE, "exported"),
        BatchStep("fail", (BatchState.QUEUED, BatchState.RUNNING), BatchState.FAILED, "failed"),
        # A batch left RUNNING by a stopped process, or FAILED, runs again (run_return_batch --restart).
        BatchStep("restart", (BatchState.RUNNING, BatchState.FAILED), BatchState.QUEUED, "restarted"),
    )
}


def batch_step(
    batch_id: int,
    name: str,
    *,
    actor: Any,
    fields: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> ReturnBatch:
    """Apply step `name` to the batch: refused (TransitionError) when the batch is not in a source state."""
    step = STEPS[name]
    fields = fields or {}
    with transaction.atomic():
        locked = ReturnBatch.objects.select_for_update().get(pk=batch_id)
        current = getattr(locked, STATE_FIELD)
        if current not in step.source:
            raise TransitionError(
                _("L'esportazione è nello stato «%(state)s»: l'operazione non è possibile.")
                % {"state": locked.get_state_display()}
            )
        for name_, value in fields.items():
            setattr(locked, name_, value)
        setattr(locked, STATE_FIELD, step.target)
        locked.save(update_fields=[STATE_FIELD, *fields])
        audit_record(
            actor=actor,
            action=f"returns.batch.{step.past}",
            obj=locked,
            data={"from": current, "to": step.target, **(data or {})},
        )
    return locked
