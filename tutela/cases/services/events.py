from typing import Any

from tutela.cases.models import Case, CaseEvent


def case_event_record(
    *,
    case: Case,
    actor: Any,
    code: str,
    description: str,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    protocol_entry: Any = None,
) -> CaseEvent:
    """Add one line to the case timeline (called inside the caller's transaction)."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        code=code,
        description=str(description)[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
        protocol_entry=protocol_entry,
    )
