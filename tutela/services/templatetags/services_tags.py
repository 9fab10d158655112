"""What the proposal card of the case page shows besides the proposal's own fields."""

from __future__ import annotations

from typing import Any

from django import template

from tutela.services.proposal_details import proposal_missing_details
from tutela.services.services import REVIEW_CHECKS, review_check_label

register = template.Library()


@register.filter
def missing_details(proposal: Any) -> list[str]:
    """What a draft still has to say before it can be sent (no query: the ids are on the row)."""
    return proposal_missing_details(proposal)


@register.filter
def review_checklist(review: Any) -> list[tuple[str, bool]]:
    """(item, verified) for each item of the review's checklist."""
    return [(review_check_label(name), bool(getattr(review, name))) for name in REVIEW_CHECKS]
