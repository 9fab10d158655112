"""The single door to case data (DESIGN.md section 5): scopes, capabilities, confidential sections.

A case outside the user's scope answers 404, exactly like a missing one, so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tutela.accounts.roles import ROLE_CAPABILITIES, ROLE_SCOPE, Cap, Scope
from tutela.cases.models import Case, CaseMember, CaseState


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    territory_id: int | None
    municipality_id: int | None

    @property
    def capabilities(self) -> frozenset[str]:
        return ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def scope(self) -> str:
        return ROLE_SCOPE.get(self.role, Scope.NONE)


def grants_of(user: Any) -> list[Grant]:
    """The user's active roles, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_tutela_grants", None)
    if cached is None:
        cached = [
            Grant(m.role, m.organisation_id, m.organisation.territory_id, m.organisation.municipality_id)
            for m in user.memberships.filter(active=True, organisation__active=True).select_related(
                "organisation"
            )
        ]
        user._tutela_grants = cached
    return cached


def roles_of(user: Any) -> set[str]:
    return {g.role for g in grants_of(user)}


def has_role(user: Any, role: str) -> bool:
    return role in roles_of(user)


def has_capability(user: Any, capability: str, territory_id: int | None = None) -> bool:
    """True when one of the user's roles grants the capability (in that territory, when one is given)."""
    return any(
        capability in g.capabilities and (territory_id is None or g.territory_id == territory_id)
        for g in grants_of(user)
    )


def territories_with(user: Any, capability: str) -> set[int]:
    return {g.territory_id for g in grants_of(user) if capability in g.capabilities and g.territory_id}


def organisations_with(user: Any, capability: str) -> list[int]:
    return [g.organisation_id for g in grants_of(user) if capability in g.capabilities]


def _scope_filter(user: Any, grant: Grant) -> Q | None:
    if grant.scope == Scope.TERRITORY and grant.territory_id:
        return Q(territory_id=grant.territory_id)
    if grant.scope == Scope.ASSIGNED:
        member = CaseMember.objects.filter(case=OuterRef("pk"), user=user)
        return Q(lead_social_worker=user) | Q(Exists(member))
    if grant.scope == Scope.RESIDENCE and grant.municipality_id:
        return Q(child__residence_municipality_id=grant.municipality_id)
    if grant.scope == Scope.QUEUE:
        from tutela.intake.models import Referral

        recorded_here = Referral.objects.filter(
            case=OuterRef("pk"), registered_by_organisation_id=grant.organisation_id
        )
        return Q(state=CaseState.REFERRED) & Q(Exists(recorded_here))
    return None


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """Every case the user may see, by the union of the scopes of their roles."""
    condition: Q | None = None
    for grant in grants_of(user):
        part = _scope_filter(user, grant)
        if part is not None:
            condition = part if condition is None else condition | part
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition)


def get_case_for_user(user: Any, pk: int, capability: str | None = None) -> Case:
    """The case if the user may see it (and has the capability in its territory); 404 otherwise."""
    case = (
        cases_visible_to(user)
        .select_related("child", "territory", "lead_social_worker")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    if capability is not None and not has_capability_on_case(user, capability, case):
        raise Http404
    return case


def has_capability_on_case(user: Any, capability: str, case: Case) -> bool:
    """True when a role granting the capability in the case's territory reaches the case by its own scope.

    With two roles, one role's capability never rides on the other's scope: a social worker who is also a
    Comune's officer reads confidential sections and writes the journal only in the cases of the former.
    """
    for grant in grants_of(user):
        if capability not in grant.capabilities or grant.territory_id != case.territory_id:
            continue
        if grant.scope == Scope.TERRITORY:
            return True
        reach = _scope_filter(user, grant)
        if reach is not None and Case.objects.filter(reach, pk=case.pk).exists():
            return True
    return False


def can_view_confidential(user: Any, case: Case) -> bool:
    """Confidential sections need view_confidential on top of the scope; a Comune never sees them (its role
    lacks the capability, and no other role of the same user lends it to the residence scope)."""
    return has_capability_on_case(user, Cap.VIEW_CONFIDENTIAL, case)
