"""Break-the-glass (DESIGN.md section 5, ADR 0007): an emergency access to a case outside the user's scope,
within their territory, after a stated reason and a fresh re-authentication; time-limited, audited, reviewed
by the coordinator of the case's territory or by the DPO.

Reading under the access goes through accounts.access like any other read: this module opens, refuses and
reviews the accesses and lists them for review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import cases_visible_to, grants_of, has_capability, has_role, territories_with
from tutela.accounts.models import BreakGlassAccess
from tutela.accounts.roles import Cap, Role
from tutela.audit.services import audit_record
from tutela.cases.models import Case

REASON_MIN_LENGTH = 20
NOTE_MAX_LENGTH = 2000


def break_glass_duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.TUTELA_BREAK_GLASS_MINUTES)


def break_glass_case(user: Any, code: str) -> Case | None:
    """The case with exactly this code in a territory where the user may break the glass; no partial match."""
    territories = territories_with(user, Cap.BREAK_GLASS)
    code = code.strip()
    if not territories or not code:
        return None
    return Case.objects.filter(code__iexact=code, territory_id__in=territories).first()


def break_glass_refuse(*, actor: Any, code: str, reason: str) -> None:
    """Record a request that named no case the user may open (the user is told only "pratica non trovata")."""
    audit_record(
        actor=actor,
        action="accounts.break_glass.refused",
        reason=reason,
        data={"code": code[:40], "why": "not_found"},
    )


@transaction.atomic
def break_glass_open(*, actor: Any, case: Case, reason: str) -> BreakGlassAccess:
    """Open a time-limited emergency access to a case outside the actor's scope, in their territory."""
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Spiega il motivo dell'accesso (almeno %(n)d caratteri).")
                % {"n": REASON_MIN_LENGTH}
            }
        )
    if not has_capability(actor, Cap.BREAK_GLASS, case.territory_id):
        raise ValidationError(_("Il tuo ruolo non consente l'accesso di emergenza a questa pratica."))
    if cases_visible_to(actor).filter(pk=case.pk).exists():
        raise ValidationError(_("La pratica è già tra quelle che puoi consultare."))
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        user=actor, case=case, reason=reason, opened_at=now, expires_at=now + break_glass_duration()
    )
    audit_record(
        actor=actor,
        action="accounts.break_glass.opened",
        obj=access,
        case_id=case.pk,
        reason=reason,
        data={"break_glass": access.pk, "case": case.pk, "expires_at": access.expires_at.isoformat()},
    )
    return access


def may_review_break_glass(user: Any) -> bool:
    return has_role(user, Role.PRIVACY_OFFICER) or has_role(user, Role.COORDINATOR)


def break_glass_review_list(user: Any) -> QuerySet[BreakGlassAccess]:
    """The accesses the user may judge: every one for the DPO, those on cases of their territory for a
    coordinator; never their own."""
    accesses = BreakGlassAccess.objects.select_related("user", "case", "case__territory", "reviewed_by")
    if not has_role(user, Role.PRIVACY_OFFICER):
        territories = {
            g.territory_id for g in grants_of(user) if g.role == Role.COORDINATOR and g.territory_id
        }
        if not territories:
            return BreakGlassAccess.objects.none()
        accesses = accesses.filter(case__territory_id__in=territories)
    return accesses.exclude(user=user)


def break_glass_to_review_count(user: Any) -> int:
    if not may_review_break_glass(user):
        return 0
    return break_glass_review_list(user).filter(reviewed_at__isnull=True).count()


@transaction.atomic
def break_glass_review(
    *, access: BreakGlassAccess, reviewer: Any, outcome: str, note: str = ""
) -> BreakGlassAccess:
    """Judge an emergency access; one judged not justified ends at once if still running."""
    locked = break_glass_review_list(reviewer).select_for_update(of=("self",)).filter(pk=access.pk).first()
    if locked is None:
        raise ValidationError(_("Accesso di emergenza non trovato tra quelli che puoi verificare."))
    if locked.reviewed_at is not None:
        raise ValidationError(_("Questo accesso è già stato verificato."))
    if outcome not in BreakGlassAccess.Outcome.values:
        raise ValidationError({"outcome": _("Scegli l'esito della verifica.")})
    note = note.strip()
    if outcome == BreakGlassAccess.Outcome.NOT_JUSTIFIED and not note:
        raise ValidationError({"note": _("Spiega perché l'accesso non è giustificato.")})
    now = timezone.now()
    locked.reviewed_by, locked.reviewed_at = reviewer, now
    locked.review_outcome, locked.review_note = outcome, note[:NOTE_MAX_LENGTH]
    fields = ["reviewed_by", "reviewed_at", "review_outcome", "review_note"]
    ended = outcome == BreakGlassAccess.Outcome.NOT_JUSTIFIED and locked.expires_at > now
    if ended:
        locked.expires_at = now
        fields.append("expires_at")
    locked.save(update_fields=fields)
    audit_record(
        actor=reviewer,
        action="accounts.break_glass.reviewed",
        obj=locked,
        case_id=locked.case_id,
        reason=note,
        data={"break_glass": locked.pk, "outcome": outcome, "ended": ended},
    )
    return locked
