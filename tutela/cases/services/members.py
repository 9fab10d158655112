from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of, has_capability
from tutela.accounts.roles import Cap, Role
from tutela.audit.services import audit_record
from tutela.cases.models import Case, CaseMember
from tutela.cases.services.events import case_event_record

# Professionals who may join a case team besides its lead social worker.
TEAM_ROLES = {Role.SOCIAL_WORKER, Role.EDUCATOR, Role.HEALTH_PROFESSIONAL}


def case_member_add(*, case: Case, actor: Any, user: Any, role_label: str = "") -> CaseMember:
    """Add a professional to the case team: they see the case from now on (assigned/team scope)."""
    if not (
        case.lead_social_worker_id == actor.pk
        or has_capability(actor, Cap.CASE_ASSIGN_INDIRECT, case.territory_id)
    ):
        raise ValidationError(
            _("Solo l'assistente sociale referente o il coordinatore possono modificare l'équipe.")
        )
    if not case.is_open:
        raise ValidationError(_("La pratica è chiusa."))
    if not any(g.role in TEAM_ROLES and g.territory_id == case.territory_id for g in grants_of(user)):
        raise ValidationError(
            {"user": _("La persona scelta non opera in questo territorio come professionista del caso.")}
        )
    if user.pk == case.lead_social_worker_id or CaseMember.objects.filter(case=case, user=user).exists():
        raise ValidationError({"user": _("La persona fa già parte dell'équipe del caso.")})
    with transaction.atomic():
        member = CaseMember.objects.create(case=case, user=user, role_label=role_label or user.profession)
        case_event_record(
            case=case,
            actor=actor,
            code="cases.member.added",
            description=_("%(name)s aggiunto/a all'équipe del caso") % {"name": user.get_full_name()},
        )
        audit_record(actor=actor, action="cases.member.added", obj=member, case_id=case.pk)
    return member
