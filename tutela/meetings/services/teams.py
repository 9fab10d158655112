"""Micro-équipes on complex cases and court investigations (seed 002, DD 10027/2018 "Modalità tecniche e
operative in materia di presa in carico di famiglie in situazione di vulnerabilità")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of
from tutela.accounts.models import Organisation
from tutela.audit.services import audit_record
from tutela.cases.models import Case, CaseMember
from tutela.cases.services.events import case_event_record
from tutela.cases.services.members import case_member_add
from tutela.meetings.access import may_edit_case_team, operates_in, reaches_case
from tutela.meetings.models import ComplexCase, MicroTeam, MicroTeamMember
from tutela.meetings.models.teams import ComplexityReason
from tutela.workflow import TransitionError

MIN_MEMBERS = 2


@dataclass(frozen=True)
class MemberData:
    """A professional of the micro-équipe: a Tutela user, or an external professional (name + organisation)."""

    profession: str = ""
    user: Any = None
    full_name: str = ""
    organisation: Organisation | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return str(self.user.get_full_name() or self.user.get_username())
        return self.full_name


def _editor_check(case: Case, actor: Any) -> None:
    if not case.is_open:
        raise TransitionError(_("La pratica è chiusa: l'équipe non si modifica più."))
    if not may_edit_case_team(actor, case):
        raise TransitionError(
            _("Solo l'assistente sociale referente o il coordinatore possono costituire la micro-équipe.")
        )


def _date_check(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("La data non può essere nel futuro.")})


def complex_case_record(*, case: Case, actor: Any, reason: str, recognised_on: dt.date) -> ComplexCase:
    """Recognise the case as complex, or under an investigation for the court: it enters the denominator of
    the micro-équipe indicator (seed 002)."""
    _editor_check(case, actor)
    if reason not in ComplexityReason.values:
        raise ValidationError({"reason": _("Motivo non valido.")})
    _date_check(recognised_on, "recognised_on")
    with transaction.atomic():
        Case.objects.select_for_update().only("pk").get(pk=case.pk)
        if ComplexCase.objects.filter(case=case, reason=reason, recognised_on=recognised_on).exists():
            raise ValidationError({"reason": _("Già registrato per questa data.")})
        mark = _complex_case_create(case, actor, reason, recognised_on)
    return mark


def _complex_case_create(case: Case, actor: Any, reason: str, recognised_on: dt.date) -> ComplexCase:
    mark = ComplexCase.objects.create(
        case=case, reason=reason, recognised_on=recognised_on, recognised_by=actor
    )
    case_event_record(
        case=case,
        actor=actor,
        code="meetings.complex_case.recorded",
        description=_("Riconosciuto: %(reason)s") % {"reason": mark.get_reason_display().lower()},
    )
    audit_record(actor=actor, action="meetings.complex_case.recorded", obj=mark, case_id=case.pk)
    return mark


def _member_validate(case: Case, member: MemberData) -> None:
    if not member.profession.strip():
        raise ValidationError({"members": _("Indica il profilo professionale di ogni componente.")})
    if member.user is None:
        if not member.full_name.strip() or member.organisation is None:
            raise ValidationError(
                {
                    "members": _(
                        "Per un professionista esterno indica nome e cognome e l'ente di appartenenza."
                    )
                }
            )
        return
    if not operates_in(member.user, case.territory_id):
        raise ValidationError(
            {"members": _("%(name)s non opera in questo territorio.") % {"name": member.label}}
        )


def _organisation_of(user: Any, case: Case) -> Organisation | None:
    ids = [g.organisation_id for g in grants_of(user) if g.territory_id == case.territory_id]
    return Organisation.objects.filter(pk__in=ids).order_by("pk").first()


def _member_create(team: MicroTeam, actor: Any, member: MemberData) -> MicroTeamMember:
    """Store the member; a user who does not reach the case yet joins the case team (CaseMember)."""
    joined = False
    if member.user is not None and not reaches_case(member.user, team.case):
        try:
            case_member_add(case=team.case, actor=actor, user=member.user, role_label=member.profession)
        except ValidationError as exc:
            raise ValidationError({"members": f"{member.label}: {' '.join(exc.messages)}"}) from exc
        joined = True
    return MicroTeamMember.objects.create(
        team=team,
        user=member.user,
        full_name="" if member.user is not None else member.full_name.strip(),
        profession=member.profession.strip(),
        organisation=member.organisation
        or (_organisation_of(member.user, team.case) if member.user else None),
        joined_case_team=joined,
    )


def micro_team_constitute(
    *,
    case: Case,
    actor: Any,
    reason: str,
    constituted_on: dt.date,
    members: Sequence[MemberData],
    purpose: str = "",
) -> MicroTeam:
    """Constitute a multi-professional micro-équipe on the case. Its Tutela users join the case team so that
    they reach the case; the constitution date is what the indicator counts (seed 002: 120 of 200)."""
    _editor_check(case, actor)
    if reason not in ComplexityReason.values:
        raise ValidationError({"reason": _("Motivo non valido.")})
    _date_check(constituted_on, "constituted_on")
    if len(members) < MIN_MEMBERS:
        raise ValidationError({"members": _("Una micro-équipe multiprofessionale ha almeno due componenti.")})
    users = [m.user.pk for m in members if m.user is not None]
    if len(users) != len(set(users)):
        raise ValidationError({"members": _("Lo stesso professionista compare due volte.")})
    for member in members:
        _member_validate(case, member)
    with transaction.atomic():
        Case.objects.select_for_update().only("pk").get(pk=case.pk)  # one constitution at a time per case
        if MicroTeam.objects.filter(case=case, dissolved_on__isnull=True).exists():
            raise TransitionError(
                _("La pratica ha già una micro-équipe attiva: va sciolta prima di costituirne un'altra.")
            )
        team = MicroTeam.objects.create(
            case=case,
            reason=reason,
            purpose=purpose.strip(),
            constituted_on=constituted_on,
            constituted_by=actor,
        )
        for member in members:
            _member_create(team, actor, member)
        if not ComplexCase.objects.filter(case=case, reason=reason, recognised_on=constituted_on).exists():
            _complex_case_create(case, actor, reason, constituted_on)
        case_event_record(
            case=case,
            actor=actor,
            code="meetings.micro_team.constituted",
            description=_("Micro-équipe costituita (%(reason)s) con %(count)d componenti")
            % {"reason": team.get_reason_display().lower(), "count": len(members)},
        )
        audit_record(
            actor=actor,
            action="meetings.micro_team.constituted",
            obj=team,
            case_id=case.pk,
            data={"members": len(members)},
        )
    return team


def _active_locked(team: MicroTeam) -> MicroTeam:
    locked = MicroTeam.objects.select_for_update(of=("self",)).select_related("case").get(pk=team.pk)
    if locked.dissolved_on is not None:
        raise TransitionError(_("La micro-équipe è già stata sciolta."))
    return locked


def micro_team_member_add(*, team: MicroTeam, actor: Any, member: MemberData) -> MicroTeamMember:
    """Add a professional to an active micro-équipe."""
    _editor_check(team.case, actor)
    _member_validate(team.case, member)
    with transaction.atomic():
        locked = _active_locked(team)
        if member.user is not None and locked.members.filter(user=member.user).exists():
            raise ValidationError(
                {"members": _("%(name)s fa già parte della micro-équipe.") % {"name": member.label}}
            )
        added = _member_create(locked, actor, member)
        case_event_record(
            case=locked.case,
            actor=actor,
            code="meetings.micro_team.member_added",
            description=_("%(name)s entra nella micro-équipe") % {"name": member.label},
        )
        audit_record(
            actor=actor, action="meetings.micro_team.member_added", obj=added, case_id=locked.case_id
        )
    return added


def micro_team_dissolve(*, team: MicroTeam, actor: Any, dissolved_on: dt.date) -> MicroTeam:
    """Dissolve the micro-équipe; the professionals who joined the case team only through it leave it."""
    _editor_check(team.case, actor)
    _date_check(dissolved_on, "dissolved_on")
    with transaction.atomic():
        locked = _active_locked(team)
        if dissolved_on < locked.constituted_on:
            raise ValidationError(
                {"dissolved_on": _("La micro-équipe non può essere sciolta prima della sua costituzione.")}
            )
        locked.dissolved_on = dissolved_on
        locked.save(update_fields=["dissolved_on"])
        left = _members_leave_case_team(locked, actor)
        case_event_record(
            case=locked.case,
            actor=actor,
            code="meetings.micro_team.dissolved",
            description=_("Micro-équipe sciolta"),
        )
        audit_record(
            actor=actor,
            action="meetings.micro_team.dissolved",
            obj=locked,
            case_id=locked.case_id,
            data={"left_case_team": left},
        )
    return locked


def _members_leave_case_team(team: MicroTeam, actor: Any) -> list[int]:
    from tutela.cases.services.members import case_member_remove

    left: list[int] = []
    for member in team.members.filter(joined_case_team=True, user__isnull=False).select_related("user"):
        if (
            member.user_id is not None
            and CaseMember.objects.filter(case=team.case, user=member.user).exists()
        ):
            case_member_remove(case=team.case, actor=actor, user=member.user)
            left.append(member.user_id)
    return left
