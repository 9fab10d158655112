from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of, has_capability, has_capability_on_case
from tutela.accounts.roles import Cap, Role
from tutela.audit.services import audit_record
from tutela.cases.models import Case, CaseMember
from tutela.cases.services.events import case_event_record

# Professionals who may join a case team besides its lead social worker.
TEAM_ROLES = {Role.SOCIAL_WORKER, Role.EDUCATOR, Role.HEALTH_PROFESSIONAL}


def case_member_add(*, case: Case, actor: Any, user: Any, role_label: str = "") -> CaseMember:
    """Add a professional to the case team: they see the case from now on (assigned/team scope)."""
    _team_edit_check(case=case, actor=actor, user=user)
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


def _provider_brings_own_educator(case: Case, actor: Any, user: Any) -> bool:
    """Seed 003: the provider's coordinator brings its own educators into the team of a case it delivers to."""
    own = {
        g.organisation_id
        for g in grants_of(actor)
        if Cap.EDUCATORS_ASSIGN in g.capabilities and g.territory_id == case.territory_id
    }
    if not own or not any(g.role == Role.EDUCATOR and g.organisation_id in own for g in grants_of(user)):
        return False
    return has_capability_on_case(actor, Cap.EDUCATORS_ASSIGN, case)


def _team_edit_check(*, case: Case, actor: Any, user: Any) -> None:
    if not (
        case.lead_social_worker_id == actor.pk
        or has_capability(actor, Cap.CASE_ASSIGN_INDIRECT, case.territory_id)
        or _provider_brings_own_educator(case, actor, user)
    ):
        raise ValidationError(
            _("Solo l'assistente sociale referente o il coordinatore possono modificare l'équipe.")
        )


def case_member_remove(*, case: Case, actor: Any, user: Any) -> None:
    """Take a professional out of the case team: from now on they no longer see the case through it."""
    _team_edit_check(case=case, actor=actor, user=user)
    with transaction.atomic():
        member = CaseMember.objects.select_for_update().filter(case=case, user=user).first()
        if member is None:
            raise ValidationError({"user": _("La persona non fa parte dell'équipe del caso.")})
        member_pk = member.pk
        member.delete()
        case_event_record(
            case=case,
            actor=actor,
            code="cases.member.removed",
            description=_("%(name)s uscito/a dall'équipe del caso") % {"name": user.get_full_name()},
        )
        member.pk = member_pk  # deleted: the audit row still names the membership that was removed
        audit_record(
            actor=actor, action="cases.member.removed", obj=member, case_id=case.pk, data={"user": user.pk}
        )
