"""What the deadline rows of a page may offer the user: complete, undo, or nothing."""

from __future__ import annotations

from typing import Any

from django import template

from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_refusal

register = template.Library()


@register.simple_tag
def deadline_actions(deadline: Deadline, user: Any, case: Any = None) -> dict[str, bool]:
    """{"complete": bool, "reopen": bool} for a deadline of a page already scoped to the user's cases (the
    scope is not checked again: no query per row)."""
    if case:  # an undefined template variable arrives as ""
        deadline.case = case
    allowed = deadline_refusal(user, deadline, check_scope=False) is None
    return {
        "complete": allowed and deadline.done_at is None,
        "reopen": allowed and deadline.done_at is not None,
    }
