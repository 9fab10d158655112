from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import Territory
from tutela.cases.models import Case
from tutela.cases.workflow import CASE_WORKFLOW
from tutela.reference.models import Code, CodeList
from tutela.workflow import TransitionError


def _reason_check(reason: Code | None) -> None:
    if reason is None or reason.code_list != CodeList.CLOSURE_REASON:
        raise ValidationError({"reason": _("Indicare il motivo di chiusura.")})


def case_request_closure(*, case: Case, actor: Any, reason: Code | None, note: str) -> Case:
    """The social worker proposes to close a case in care; the coordinator confirms (DESIGN.md section 2)."""
    _reason_check(reason)
    if not note.strip():
        raise ValidationError({"note": _("Motivare la proposta di chiusura.")})

    def effect(locked: Case) -> Sequence[str]:
        locked.closure_reason = reason
        locked.closure_note = note.strip()
        return ["closure_reason", "closure_note"]

    return CASE_WORKFLOW.apply(case, "request_closure", actor=actor, effect=effect, note=note)


def case_confirm_closure(*, case: Case, actor: Any, note: str = "") -> Case:
    def effect(locked: Case) -> Sequence[str]:
        locked.closed_at = timezone.now()
        return ["closed_at"]

    return CASE_WORKFLOW.apply(case, "confirm_closure", actor=actor, effect=effect, note=note)


def case_reject_closure(*, case: Case, actor: Any, note: str) -> Case:
    if not note.strip():
        raise ValidationError({"note": _("Indicare perché la chiusura non è confermata.")})

    def effect(locked: Case) -> Sequence[str]:
        locked.closure_reason = None
        locked.closure_note = ""
        return ["closure_reason", "closure_note"]

    return CASE_WORKFLOW.apply(case, "reject_closure", actor=actor, effect=effect, note=note)


def case_reopen(*, case: Case, actor: Any, note: str) -> Case:
    if not note.strip():
        raise ValidationError({"note": _("Indicare perché la pratica viene riaperta.")})

    def effect(locked: Case) -> Sequence[str]:
        # One open file per child: the territory lock is the one case_open_or_attach takes.
        Territory.objects.select_for_update().get(pk=locked.territory_id)
        other = Case.objects.open().filter(child_id=locked.child_id, territory_id=locked.territory_id).first()
        if other is not None:
            raise TransitionError(_("Il minore ha già una pratica aperta (%(code)s).") % {"code": other.code})
        locked.closed_at = None
        locked.closure_reason = None
        locked.closure_note = ""
        return ["closed_at", "closure_reason", "closure_note"]

    return CASE_WORKFLOW.apply(case, "reopen", actor=actor, effect=effect, note=note)
