"""The anti-violence network (seed 002): its set-up, partners, agreement and the autonomy paths it follows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of, has_capability
from tutela.accounts.models import Organisation, Territory
from tutela.accounts.roles import Cap, Role
from tutela.audit.services import audit_record
from tutela.meetings.models import AutonomyPath, Network, NetworkAgreement, NetworkPartner
from tutela.meetings.models.network import PathOutcome
from tutela.people.services import PersonData, person_resolve
from tutela.workflow import TransitionError


def _manager_check(actor: Any, territory_id: int) -> None:
    if not has_capability(actor, Cap.NETWORK_MANAGE, territory_id):
        raise TransitionError(_("Solo il coordinatore o l'ente gestore gestiscono la rete antiviolenza."))


def network_setup(*, territory: Territory, actor: Any, name: str, programme: str = "") -> Network:
    """Create the territory's network, or rename it."""
    _manager_check(actor, territory.pk)
    if not name.strip():
        raise ValidationError({"name": _("Indica la denominazione della rete.")})
    with transaction.atomic():
        network = Network.objects.select_for_update().filter(territory=territory).first()
        if network is None:
            network = Network.objects.create(
                territory=territory, name=name.strip(), programme=programme.strip(), created_by=actor
            )
            audit_record(actor=actor, action="meetings.network.created", obj=network)
        else:
            network.name, network.programme = name.strip(), programme.strip()
            network.save(update_fields=["name", "programme"])
            audit_record(actor=actor, action="meetings.network.updated", obj=network)
    return network


def network_partner_add(
    *,
    network: Network,
    actor: Any,
    organisation: Organisation,
    role: str = "",
    joined_on: dt.date | None = None,
) -> NetworkPartner:
    """An organisation joins the network (the anti-violence centre, a Comune, the health authority, ...)."""
    _manager_check(actor, network.territory_id)
    if NetworkPartner.objects.filter(network=network, organisation=organisation).exists():
        raise ValidationError({"organisation": _("L'ente fa già parte della rete.")})
    with transaction.atomic():
        partner = NetworkPartner.objects.create(
            network=network, organisation=organisation, role=role.strip(), joined_on=joined_on
        )
        audit_record(actor=actor, action="meetings.network_partner.added", obj=partner)
    return partner


def network_agreement_record(
    *, network: Network, actor: Any, title: str, approved_on: dt.date, act_reference: str
) -> NetworkAgreement:
    """Record the approval of the network agreement (seed 002: approved by 30 June)."""
    _manager_check(actor, network.territory_id)
    errors = {}
    if not title.strip():
        errors["title"] = _("Indica il titolo dell'accordo.")
    if not act_reference.strip():
        errors["act_reference"] = _("Indica l'atto di approvazione (es. «Delibera n. 12 del 20/05/2026»).")
    if approved_on > timezone.localdate():
        errors["approved_on"] = _("La data di approvazione non può essere nel futuro.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = NetworkAgreement.objects.create(
            network=network,
            title=title.strip(),
            approved_on=approved_on,
            act_reference=act_reference.strip(),
            recorded_by=actor,
        )
        audit_record(actor=actor, action="meetings.network_agreement.recorded", obj=agreement)
    return agreement


def _is_social_worker_in(user: Any, territory_id: int) -> bool:
    return any(g.role == Role.SOCIAL_WORKER and g.territory_id == territory_id for g in grants_of(user))


def autonomy_path_open(
    *,
    network: Network,
    actor: Any,
    woman: PersonData,
    children: Sequence[PersonData] = (),
    social_worker: Any,
    started_on: dt.date,
    referring_organisation: Organisation | None = None,
    notes: str = "",
) -> AutonomyPath:
    """Start following a woman's autonomy path (and her children's) within the network."""
    territory_id = network.territory_id
    if not (
        has_capability(actor, Cap.NETWORK_MANAGE, territory_id)
        or (has_capability(actor, Cap.NETWORK_VIEW, territory_id) and social_worker.pk == actor.pk)
    ):
        raise TransitionError(_("Puoi avviare solo i percorsi di cui sei referente."))
    if not _is_social_worker_in(social_worker, territory_id):
        raise ValidationError(
            {"social_worker": _("Il referente deve essere un'assistente sociale del territorio.")}
        )
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("La data di avvio non può essere nel futuro.")})
    with transaction.atomic():
        person, _created = person_resolve(data=woman, actor=actor)
        kids = [person_resolve(data=child, actor=actor, minor=True)[0] for child in children]
        path = AutonomyPath.objects.create(
            network=network,
            woman=person,
            referring_organisation=referring_organisation,
            social_worker=social_worker,
            started_on=started_on,
            notes=notes,
            created_by=actor,
        )
        path.children.set(kids)
        audit_record(
            actor=actor, action="meetings.autonomy_path.opened", obj=path, data={"children": len(kids)}
        )
    return path


def autonomy_path_close(
    *, path: AutonomyPath, actor: Any, ended_on: dt.date, outcome: str, notes: str = ""
) -> AutonomyPath:
    """Close a path with its outcome (autonomy reached, interrupted, transferred)."""
    if outcome not in PathOutcome.values:
        raise ValidationError({"outcome": _("Indica l'esito del percorso.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("La data di conclusione non può essere nel futuro.")})
    with transaction.atomic():
        locked = (
            AutonomyPath.objects.select_for_update(of=("self",)).select_related("network").get(pk=path.pk)
        )
        territory_id = locked.network.territory_id
        if not (
            has_capability(actor, Cap.NETWORK_MANAGE, territory_id)
            or (has_capability(actor, Cap.NETWORK_VIEW, territory_id) and locked.social_worker_id == actor.pk)
        ):
            raise TransitionError(
                _("Solo il referente, il coordinatore o l'ente gestore chiudono il percorso.")
            )
        if locked.ended_on is not None:
            raise TransitionError(_("Il percorso è già concluso."))
        if ended_on < locked.started_on:
            raise ValidationError({"ended_on": _("Il percorso non può concludersi prima di essere avviato.")})
        locked.ended_on, locked.outcome = ended_on, outcome
        changed = ["ended_on", "outcome"]
        if notes.strip():
            locked.notes = f"{locked.notes}\n\n{notes}".strip()
            changed.append("notes")
        locked.save(update_fields=changed)
        audit_record(
            actor=actor, action="meetings.autonomy_path.closed", obj=locked, data={"outcome": outcome}
        )
    return locked
