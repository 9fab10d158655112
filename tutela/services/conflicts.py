"""Who may not receive a child because of a tie with the professionals of the case (L. 184/1983 art. 2).

Art. 2 c. 1.1 and 2-bis (as amended by D.Lgs. 149/2022): a child may not be placed with foster carers who are
relatives or in-laws of the social workers of the proceedings, nor in a community where they hold offices or
have relationships. The product knows these ties through the staff's own declarations (DeclaredRelationship);
the check reads the declarations of the case's lead social worker and of every member of its case team.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tutela.cases.models import Case, CaseMember
from tutela.services.models import DeclaredRelationship, Facility, FosterCarer


def _team(case: Case) -> dict[int, str]:
    """The case's professionals and how the refusal names their part in the case."""
    team: dict[int, str] = {}
    for member in CaseMember.objects.filter(case=case).only("user_id", "role_label"):
        label = member.role_label or _("professionista")
        team[member.user_id] = _("componente dell'équipe del caso (%(role)s)") % {"role": label}
    if case.lead_social_worker_id is not None:
        team[case.lead_social_worker_id] = _("assistente sociale referente del caso")
    return team


def placement_conflict(
    case: Case, *, foster_carer: FosterCarer | None = None, facility: Facility | None = None
) -> str | None:
    """Why the foster carer or the facility cannot be chosen for the case (L. 184/1983 art. 2 c. 1.1 and
    2-bis), naming the professional and the tie they declared; None when no declaration stands in the way."""
    team = _team(case)
    if not team or (foster_carer is None and facility is None):
        return None
    targets = Q(pk__in=[])
    if foster_carer is not None:
        targets |= Q(person__in=foster_carer.persons.all())
    if facility is not None:
        targets |= Q(organisation_id=facility.provider_id)
    declaration = (
        DeclaredRelationship.objects.filter(targets, user_id__in=team)
        .select_related("user", "person", "organisation")
        .order_by("declared_at", "pk")
        .first()
    )
    if declaration is None:
        return None
    return _message(declaration, team[declaration.user_id], foster_carer, facility)


def _message(
    declaration: DeclaredRelationship,
    part: str,
    foster_carer: FosterCarer | None,
    facility: Facility | None,
) -> str:
    values: dict[str, Any] = {
        "worker": declaration.user.get_full_name() or declaration.user.username,
        "part": part,
        "relation": declaration.relation,
    }
    if declaration.person_id is not None and foster_carer is not None:
        values.update(
            carer=foster_carer.name, person=declaration.person.full_name if declaration.person else ""
        )
        return (
            _(
                "Non si possono scegliere gli affidatari «%(carer)s»: %(worker)s, %(part)s, ha dichiarato un "
                "rapporto con %(person)s («%(relation)s»). L. 184/1983, art. 2 c. 1.1 e 2-bis."
            )
            % values
        )
    values.update(
        facility=facility.name if facility else "",
        provider=declaration.organisation.name if declaration.organisation else "",
    )
    return (
        _(
            "Non si può scegliere la struttura «%(facility)s»: %(worker)s, %(part)s, ha dichiarato un rapporto "
            "con l'ente gestore %(provider)s («%(relation)s»). L. 184/1983, art. 2 c. 1.1 e 2-bis."
        )
        % values
    )
