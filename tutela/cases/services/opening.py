from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import Territory
from tutela.audit.services import audit_record
from tutela.cases.models import Case, CaseState
from tutela.cases.services.events import case_event_record
from tutela.people.models import Person


def _next_code(territory: Territory, year: int) -> str:
    prefix = f"{territory.case_code_prefix}-{year}-"
    # Numbering reads codes only, under the territory lock; no case data reaches a user here. Past 99,999
    # cases in a year a number has six digits: the longest code is the highest, not the greatest as text.
    last = (
        Case.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def case_open_or_attach(
    *, child: Person, territory: Territory, channel: str, actor: Any
) -> tuple[Case, bool]:
    """The child's open case in the territory, or a new one in REFERRED: one open file per child."""
    with transaction.atomic():
        # The territory row lock serialises case numbering and the one-open-file check.
        locked_territory = Territory.objects.select_for_update().get(pk=territory.pk)
        existing = Case.objects.open().filter(child=child, territory=locked_territory).first()
        if existing is not None:
            return existing, False
        now = timezone.now()
        case = Case.objects.create(
            code=_next_code(locked_territory, timezone.localtime(now).year),
            child=child,
            territory=locked_territory,
            channel=channel,
            opened_at=now,
            created_by=actor,
            paying_municipality=child.residence_municipality,
        )
        case_event_record(
            case=case,
            actor=actor,
            code="cases.case.opened",
            description=_("Pratica aperta"),
            to_state=CaseState.REFERRED,
        )
        audit_record(actor=actor, action="cases.case.opened", obj=case, case_id=case.pk)
    return case, True
