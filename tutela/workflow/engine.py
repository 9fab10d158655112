from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.audit.services import audit_record
from tutela.core.confidentiality import Secrecy

Guard = Callable[[Any, Any], str | None]
Effect = Callable[[Any], Sequence[str]]


class TransitionError(Exception):
    """A refused transition; the message is for the user (Italian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    source: tuple[str, ...]
    target: (
        str | None
    )  # None: the state stays as it is (an act recorded on the object, e.g. an acknowledgement)
    capability: str
    past: str
    guard: Guard | None = None
    style: str = "primary"
    event: str = ""
    done: str | Promise = ""  # what the timeline says once it happened ("Proposta approvata")


@dataclass
class Workflow:
    """A state machine over one model. `case_of` returns the case an object belongs to."""

    model: type[models.Model]
    audit_entity: str
    transitions: Sequence[Transition]
    case_of: Callable[[Any], Any]
    state_field: str = "state"
    _by_name: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {t.name: t for t in self.transitions}

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise TransitionError(_("Azione sconosciuta.")) from None

    def refusal(self, obj: Any, transition: Transition, user: Any) -> str | None:
        """Why the user may not apply the transition now, or None when they may."""
        state = getattr(obj, self.state_field)
        if state not in transition.source:
            return _("L'azione «%(action)s» non è consentita nello stato «%(state)s».") % {
                "action": transition.label,
                "state": getattr(obj, f"get_{self.state_field}_display")(),
            }
        case = self.case_of(obj)
        if not has_capability(user, transition.capability, case.territory_id):
            return _("Il tuo ruolo non consente l'azione «%(action)s».") % {"action": transition.label}
        if transition.guard is not None:
            return transition.guard(obj, user)
        return None

    def available(self, obj: Any, user: Any) -> list[Transition]:
        return [t for t in self.transitions if self.refusal(obj, t, user) is None]

    def apply(
        self,
        obj: Any,
        name: str,
        *,
        actor: Any,
        effect: Effect | None = None,
        note: str = "",
        note_class: str = Secrecy.CONFIDENTIAL,
        protocol_entry: Any = None,
        description: str = "",
    ) -> Any:
        """Lock the row, check state, capability and guard, run the effect, set the state, record it."""
        from tutela.cases.services.events import case_event_record

        transition = self.get(name)
        with transaction.atomic():
            locked = type(obj).objects.select_for_update().get(pk=obj.pk)
            reason = self.refusal(locked, transition, actor)
            if reason is not None:
                raise TransitionError(reason)
            from_state = getattr(locked, self.state_field)
            changed = list(effect(locked)) if effect is not None else []
            target = transition.target or from_state
            setattr(locked, self.state_field, target)
            locked.save(update_fields=[self.state_field, *changed])
            case = self.case_of(locked)
            case_event_record(
                case=case,
                actor=actor,
                code=transition.event or f"{self.audit_entity}.{transition.name}",
                description=str(description or transition.done or transition.label),
                from_state=from_state,
                to_state=target,
                note=note,
                note_class=note_class,
                protocol_entry=protocol_entry(locked) if callable(protocol_entry) else protocol_entry,
            )
            audit_record(
                actor=actor,
                action=f"{self.audit_entity}.{transition.past}",
                obj=locked,
                case_id=case.pk,
                # The note is case content (kept encrypted in CaseEvent.note): the audit trail records the act,
                # not a clear-text copy of what was written.
                data={"from": from_state, "to": target},
            )
        return locked
