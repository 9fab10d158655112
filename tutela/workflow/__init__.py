"""The transition engine (DESIGN.md section 4): the only code that changes a state."""

from tutela.workflow.engine import Transition, TransitionError, Workflow

__all__ = ["Transition", "TransitionError", "Workflow"]
