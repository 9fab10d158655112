from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of
from tutela.accounts.roles import Role
from tutela.cases.models import Case, Channel
from tutela.cases.workflow import CASE_WORKFLOW
from tutela.workflow import TransitionError


def social_worker_check(*, social_worker: Any, territory_id: int) -> None:
    if not any(
        g.role == Role.SOCIAL_WORKER and g.territory_id == territory_id for g in grants_of(social_worker)
    ):
        raise TransitionError(_("La persona scelta non è un'assistente sociale di questo territorio."))


def case_assign(*, case: Case, actor: Any, social_worker: Any, note: str = "") -> Case:
    """Assign the case to a social worker (seed 000 step 2): closes the take-in-charge deadline."""
    from tutela.deadlines.services import deadline_complete_for_case

    social_worker_check(social_worker=social_worker, territory_id=case.territory_id)

    def effect(locked: Case) -> Sequence[str]:
        locked.lead_social_worker = social_worker
        locked.assigned_at = timezone.now()
        deadline_complete_for_case(case=locked, kind="take_in_charge", actor=actor)
        return ["lead_social_worker", "assigned_at"]

    name = "assign_direct" if case.channel == Channel.DIRECT else "assign_indirect"
    return CASE_WORKFLOW.apply(
        case,
        name,
        actor=actor,
        effect=effect,
        note=note,
        description=_("Pratica assegnata all'assistente sociale %(name)s")
        % {"name": social_worker.get_full_name() or social_worker.username},
    )
