from typing import Any

from tutela.cases.models import Case, CaseEvent
from tutela.core.confidentiality import Secrecy


def case_event_record(
    *,
    case: Case,
    actor: Any,
    code: str,
    description: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    note_class: str = Secrecy.CONFIDENTIAL,
    protocol_entry: Any = None,
) -> CaseEvent:
    """Add one line to the case timeline (called inside the caller's transaction).

    A note is confidential unless its writer says it is ordinary (an administrative reason): the timeline shows
    it only to who may read its class (ADR 0017)."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        code=code,
        description=str(description)[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
        note_class=note_class,
        protocol_entry=protocol_entry,
    )
