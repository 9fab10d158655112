"""The supervised visit's state machine: BOOKED -> HELD (recorded) or CANCELLED (with a reason)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.roles import Cap
from tutela.meetings.access import may_act_on_visit
from tutela.meetings.models import SupervisedVisit
from tutela.meetings.models import VisitState as S
from tutela.workflow import Transition, Workflow


def _may_act(visit: SupervisedVisit, user: Any) -> str | None:
    if not may_act_on_visit(user, visit):
        return _("Solo l'operatore dell'incontro o chi segue gli incontri protetti della pratica può farlo.")
    return None


def _started(visit: SupervisedVisit, user: Any) -> str | None:
    if visit.starts_at > timezone.now():
        return _("L'incontro non è ancora iniziato: si registra dopo il suo svolgimento.")
    return _may_act(visit, user)


VISIT_WORKFLOW = Workflow(
    model=SupervisedVisit,
    audit_entity="meetings.visit",
    case_of=lambda visit: visit.case,
    transitions=[
        Transition(
            "record",
            _l("Registra l'incontro"),
            (S.BOOKED,),
            S.HELD,
            Cap.VISIT_MANAGE,
            "recorded",
            _started,
            done=_l("Incontro protetto svolto e registrato"),
        ),
        Transition(
            "cancel",
            _l("Annulla l'incontro"),
            (S.BOOKED,),
            S.CANCELLED,
            Cap.VISIT_MANAGE,
            "cancelled",
            _may_act,
            style="outline-danger",
            done=_l("Incontro protetto annullato"),
        ),
    ],
)
