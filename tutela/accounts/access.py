"""The single door to case data (DESIGN.md section 5): scopes, capabilities, confidential sections.

A case outside the user's scope answers 404, exactly like a missing one, so its existence is not revealed.
Break-the-glass (ADR 0007) is the one way past the scope: an unexpired BreakGlassAccess of the user, on a case of
a territory where one of their roles holds `case.break_glass`, opens that case for reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from tutela.accounts.models import BreakGlassAccess
from tutela.accounts.roles import ROLE_CAPABILITIES, ROLE_SCOPE, Cap, Scope
from tutela.cases.models import Case, CaseMember, CaseState
from tutela.core.confidentiality import Secrecy, secrecy_of, written_by


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
        # The cases of the user's teams as a list of ids: with the lead's index the database reads only those
        # rows (an OR with EXISTS would be a filter over every case of the database).
        return Q(lead_social_worker=user) | Q(pk__in=_member_case_ids(user))
    if grant.scope == Scope.RESIDENCE and grant.municipality_id:
        return Q(child__residence_municipality_id=grant.municipality_id)
    if grant.scope == Scope.PROVIDER:
        from tutela.services.models import Intervention

        delivered_here = Intervention.objects.filter(case=OuterRef("pk"), provider_id=grant.organisation_id)
        return Q(Exists(delivered_here))
    if grant.scope == Scope.QUEUE:
        from tutela.intake.models import Referral

        recorded_here = Referral.objects.filter(
            case=OuterRef("pk"), registered_by_organisation_id=grant.organisation_id
        )
        return Q(state=CaseState.REFERRED) & Q(Exists(recorded_here))
    return None


# What an emergency access lends a role on top of its own capabilities: reading the case, and its confidential
# sections when the role may read them. Writing stays with the case's own team.
BREAK_GLASS_CAPABILITIES = frozenset({Cap.CASE_VIEW, Cap.VIEW_CONFIDENTIAL})


def _member_case_ids(user: Any) -> list[int]:
    """The cases of the user's teams (a short list, read at each call: a member added a moment ago counts)."""
    return list(CaseMember.objects.filter(user=user).values_list("case_id", flat=True))


def _emergency_case_ids(user: Any) -> list[int]:
    """The cases of the user's unexpired emergency accesses outside what their territory roles already see."""
    emergency = _break_glass_accesses(user)
    if emergency is None:
        return []
    whole = {g.territory_id for g in grants_of(user) if g.scope == Scope.TERRITORY and g.territory_id}
    return list(emergency.exclude(case__territory_id__in=whole).values_list("case_id", flat=True))


def cases_visible_to(user: Any) -> QuerySet[Case]:
    """Every case the user may see, by the union of the scopes of their roles and their emergency accesses.

    Each part is a condition an index serves (territory, lead, a short list of ids), so that the database never
    filters every case of a multi-territory installation through a subquery."""
    condition: Q | None = None
    for grant in grants_of(user):
        part = _scope_filter(user, grant)
        if part is not None:
            condition = part if condition is None else condition | part
    emergency_ids = _emergency_case_ids(user)
    if emergency_ids:
        part = Q(pk__in=emergency_ids)
        condition = part if condition is None else condition | part
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition)


def get_case_for_user(user: Any, pk: int, capability: str | None = None) -> Case:
    """The case if the user may see it (and has the capability in its territory); 404 otherwise.

    `case.break_glass` is the emergency access the user is reading it under, or None.
    """
    cases = cases_visible_to(user).select_related("child", "territory", "lead_social_worker")
    emergency = _break_glass_accesses(user)
    if emergency is not None:
        latest = emergency.filter(case=OuterRef("pk")).order_by("-expires_at").values("pk")[:1]
        cases = cases.annotate(break_glass_access_id=Subquery(latest))
    case = cases.filter(pk=pk).first()
    if case is None:
        raise Http404
    access_id = getattr(case, "break_glass_access_id", None)
    access = BreakGlassAccess.objects.filter(pk=access_id).first() if access_id else None
    cast(Any, case).break_glass = access  # the case page's banner
    _break_glass_seen(user)[case.pk] = access
    if capability is not None and not has_capability_on_case(user, capability, case):
        raise Http404
    return case


def _break_glass_accesses(user: Any) -> QuerySet[BreakGlassAccess] | None:
    """The user's unexpired emergency accesses in the territories where a role of theirs may break the glass;
    None when no role may (most users: no subquery at all)."""
    territories = territories_with(user, Cap.BREAK_GLASS)
    if not territories:
        return None
    return BreakGlassAccess.objects.filter(
        user=user, expires_at__gt=timezone.now(), case__territory_id__in=territories
    )


def _break_glass_seen(user: Any) -> dict[int, BreakGlassAccess | None]:
    """The emergency access (or None) of each case read in this request, kept on the user like the grants."""
    seen = getattr(user, "_tutela_break_glass", None)
    if seen is None:
        seen = {}
        if getattr(user, "is_authenticated", False):
            user._tutela_break_glass = seen
    return seen


def active_break_glass(user: Any, case: Case) -> BreakGlassAccess | None:
    """The user's unexpired emergency access to the case (DESIGN.md section 5), or None."""
    seen = _break_glass_seen(user)
    if case.pk in seen:
        access = seen[case.pk]
    else:
        emergency = _break_glass_accesses(user)
        access = None
        if emergency is not None:
            access = emergency.filter(case_id=case.pk).order_by("-expires_at").first()
        seen[case.pk] = access
    if access is not None and access.expires_at <= timezone.now():
        return None
    return access


def break_glass_audit_data(actor: Any, case_id: int | None) -> dict[str, int]:
    """{"break_glass": <access id>} for an audit row about a case the actor reads under an emergency access."""
    seen = getattr(actor, "_tutela_break_glass", None)
    access = seen.get(case_id) if seen and case_id is not None else None
    return {"break_glass": access.pk} if access is not None else {}


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
    return capability in BREAK_GLASS_CAPABILITIES and _break_glass_lends(user, capability, case)


def _break_glass_lends(user: Any, capability: str, case: Case) -> bool:
    """Under an emergency access a role reads with its own capabilities only: the role that may break the glass
    in the case's territory must also hold the capability (a manager does not read confidential sections)."""
    if not any(
        capability in g.capabilities
        and Cap.BREAK_GLASS in g.capabilities
        and g.territory_id == case.territory_id
        for g in grants_of(user)
    ):
        return False
    return active_break_glass(user, case) is not None


def can_view_confidential(user: Any, case: Case) -> bool:
    """Confidential sections need view_confidential on top of the scope; a Comune never sees them (its role
    lacks the capability, and no other role of the same user lends it to the residence scope).

    Read once per case and request (kept on the user like the grants): a timeline asks it for every line."""
    seen = getattr(user, "_tutela_confidential", None)
    if seen is None:
        seen = {}
        if getattr(user, "is_authenticated", False):
            user._tutela_confidential = seen
    if case.pk not in seen:
        seen[case.pk] = has_capability_on_case(user, Cap.VIEW_CONFIDENTIAL, case)
    return seen[case.pk]


def can_read_class(user: Any, case: Case | None, secrecy: str) -> bool:
    """Whether the user, who reached the case through its scope, may read a text of that class on it (ADR 0017).

    Ordinary text goes with the case. Confidential, court and clinical text needs view_confidential on the case
    (the professionals of the service and of the health authority who work on it, the coordinator, an emergency
    access); a text of no case (a meeting of the territory) needs the capability in one of the user's roles."""
    if secrecy == Secrecy.ORDINARY:
        return True
    if case is None:
        return has_capability(user, Cap.VIEW_CONFIDENTIAL)
    return can_view_confidential(user, case)


def readable_text(user: Any, case: Case | None, obj: Any, field: str) -> str:
    """`obj.<field>` when the user may read its class on the case, else "": the one way a page, a PDF, an e-mail
    or an export renders a text that is not ordinary. Readers without the right see the act, not its text."""
    text = getattr(obj, field) or ""
    if not text or can_read_class(user, case, secrecy_of(obj, field)) or written_by(obj, field, user):
        return text
    return ""
