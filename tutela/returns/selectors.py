"""Who sees which export batches, and for which body one acts on them (DESIGN.md section 5, seed 003).

A batch belongs to a territory and a Comune. Roles with `returns.view` see the batches of their territory
(territory scope: managing body, manager) or of their Comune (residence scope: the Comune's officer); another
batch answers 404, exactly like a missing one. Acting (download, verify, mark as sent) needs `returns.export`
through one of those grants: the managing body acts for itself, the Comune's officer for the Comune.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tutela.accounts.access import Grant, grants_of
from tutela.accounts.models import Municipality, Territory
from tutela.accounts.roles import Cap, Role, Scope
from tutela.returns.models import ReturnBatch, ReturnIssue

MANAGING_BODY = "managing_body"
MUNICIPALITY = "municipality"
BODY_OF_ROLE: dict[str, str] = {Role.MANAGING_BODY: MANAGING_BODY, Role.MUNICIPALITY_OFFICER: MUNICIPALITY}


def _reach(grant: Grant) -> Q | None:
    """The batches one grant reaches, by its scope; None when it reaches none."""
    if grant.territory_id is None:
        return None
    if grant.scope == Scope.TERRITORY:
        return Q(territory_id=grant.territory_id)
    if grant.scope == Scope.RESIDENCE and grant.municipality_id is not None:
        return Q(territory_id=grant.territory_id, municipality_id=grant.municipality_id)
    return None


def _reaches(grant: Grant, batch: ReturnBatch) -> bool:
    if grant.territory_id is None or grant.territory_id != batch.territory_id:
        return False
    if grant.scope == Scope.TERRITORY:
        return True
    return grant.scope == Scope.RESIDENCE and grant.municipality_id == batch.municipality_id


def return_batches_visible_to(user: Any) -> QuerySet[ReturnBatch]:
    """Every batch the user may read."""
    condition: Q | None = None
    for grant in grants_of(user):
        if Cap.RETURNS_VIEW not in grant.capabilities:
            continue
        part = _reach(grant)
        if part is not None:
            condition = part if condition is None else condition | part
    if condition is None:
        return ReturnBatch.objects.none()
    return ReturnBatch.objects.filter(condition)


def return_batch_list(user: Any) -> QuerySet[ReturnBatch]:
    return return_batches_visible_to(user).select_related(
        "municipality", "created_by", "body_verified_by", "municipality_verified_by", "sent_by"
    )


def get_return_batch_for_user(user: Any, pk: int, *, export: bool = False) -> ReturnBatch:
    """The batch if the user may read it (and act on it, with `export`); 404 otherwise."""
    batch = return_batch_list(user).select_related("territory").filter(pk=pk).first()
    if batch is None or (export and not batch_bodies(user, batch)):
        raise Http404
    return batch


def batch_bodies(user: Any, batch: ReturnBatch) -> set[str]:
    """The bodies (managing body, Comune) the user acts for on this batch: roles with returns.export."""
    return {
        BODY_OF_ROLE[grant.role]
        for grant in grants_of(user)
        if Cap.RETURNS_EXPORT in grant.capabilities and grant.role in BODY_OF_ROLE and _reaches(grant, batch)
    }


def export_municipalities(user: Any) -> QuerySet[Municipality]:
    """The Comuni the user may start an export for: every Comune of the managing body's territory, the
    officer's own Comune."""
    condition: Q | None = None
    for grant in grants_of(user):
        if Cap.RETURNS_EXPORT not in grant.capabilities or grant.territory_id is None:
            continue
        if grant.scope == Scope.TERRITORY:
            part = Q(territories__id=grant.territory_id)
        elif grant.scope == Scope.RESIDENCE and grant.municipality_id is not None:
            part = Q(pk=grant.municipality_id, territories__id=grant.territory_id)
        else:
            continue
        condition = part if condition is None else condition | part
    if condition is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(condition).distinct().order_by("name")


def export_territory(user: Any, municipality: Municipality) -> Territory | None:
    """The territory in which the user may export for this Comune (None: they may not)."""
    for grant in grants_of(user):
        if Cap.RETURNS_EXPORT not in grant.capabilities or grant.territory_id is None:
            continue
        reaches = (
            grant.scope == Scope.TERRITORY
            or (grant.scope == Scope.RESIDENCE and grant.municipality_id == municipality.pk)
        ) and municipality.territories.filter(pk=grant.territory_id).exists()
        if reaches:
            return Territory.objects.get(pk=grant.territory_id)
    return None


def return_issue_list(batch: ReturnBatch) -> QuerySet[ReturnIssue]:
    return batch.issues.select_related("case__lead_social_worker", "intervention__service_type").only(
        "id",
        "missing",
        "case_id",
        "intervention_id",
        "case__code",
        "case__lead_social_worker__first_name",
        "case__lead_social_worker__last_name",
        "case__lead_social_worker__username",
        "intervention__service_type_id",
        "intervention__service_type__name",
    )
