"""Both access channels of seed 000 step 1: a third party's report through the Protocol Office, or a
family's request at the front office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of
from tutela.accounts.models import Organisation, Territory
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Channel
from tutela.cases.services.events import case_event_record
from tutela.cases.services.opening import case_open_or_attach
from tutela.deadlines.services import deadline_create, due_in_business_days
from tutela.documents.services import attachment_store_upload
from tutela.intake.models import Referral
from tutela.people.services import PersonData, person_resolve
from tutela.protocol.models import ProtocolEntry, ProtocolRegister
from tutela.protocol.services import protocol_entry_register, protocol_subject_check
from tutela.reference.models import Code, CodeList


@dataclass(frozen=True)
class ReferralData:
    source: Code
    received_on: dt.date
    subject: str
    narrative: str = ""
    urgency: str = Referral.Urgency.ORDINARY
    sender_organisation: Organisation | None = None
    sender_reference: str = ""
    applicant_name: str = ""
    applicant_relationship: str = ""


def _referral_validate(data: ReferralData) -> None:
    errors: dict[str, str] = {}
    if data.source.code_list != CodeList.REFERRAL_SOURCE:
        errors["source"] = _("Fonte della segnalazione non valida.")
    if data.received_on > timezone.localdate():
        errors["received_on"] = _("La data di ricezione non può essere nel futuro.")
    if not data.subject.strip():
        errors["subject"] = _("L'oggetto è obbligatorio.")
    if errors:
        raise ValidationError(errors)


def _grant_for(actor: Any, capability: str, organisation: Organisation) -> None:
    if not any(
        capability in g.capabilities and g.organisation_id == organisation.pk for g in grants_of(actor)
    ):
        raise ValidationError(
            _("Il tuo ruolo non consente questa registrazione per %(org)s.") % {"org": organisation}
        )


def _referral_create(
    *,
    data: ReferralData,
    channel: str,
    territory: Territory,
    actor: Any,
    organisation: Organisation,
    child: Any,
    document_file: Any = None,
    protocol_entry: ProtocolEntry | None = None,
) -> Referral:
    case, opened = case_open_or_attach(child=child, territory=territory, channel=channel, actor=actor)
    document = (
        attachment_store_upload(uploaded=document_file, actor=actor, case=case, title=data.subject)
        if document_file
        else None
    )
    referral = Referral.objects.create(
        case=case,
        channel=channel,
        territory=territory,
        source=data.source,
        sender_organisation=data.sender_organisation,
        applicant_name=data.applicant_name.strip(),
        applicant_relationship=data.applicant_relationship.strip(),
        received_on=data.received_on,
        subject=data.subject.strip(),
        narrative=data.narrative,
        urgency=data.urgency,
        protocol_entry=protocol_entry,
        document=document,
        registered_by=actor,
        registered_by_organisation=organisation,
        registered_at=timezone.now(),
    )
    description = (
        _("Segnalazione registrata da %(org)s") % {"org": data.sender_organisation}
        if channel == Channel.INDIRECT
        else _("Istanza raccolta da %(org)s") % {"org": organisation}
    )
    case_event_record(
        case=case,
        actor=actor,
        code="intake.referral.registered",
        description=description,
        protocol_entry=protocol_entry,
    )
    audit_record(actor=actor, action="intake.referral.registered", obj=referral, case_id=case.pk)
    if opened:
        days = territory.take_in_charge_days
        deadline_create(
            case=case,
            kind="take_in_charge",
            actor=actor,
            description=_("Presa in carico entro %(days)s giorni lavorativi dalla ricezione")
            % {"days": days},
            # Working days (ADR 0011): weekends, national holidays and the patron saint's day do not count.
            due_at=due_in_business_days(data.received_on, days, territory),
        )
    return referral


def referral_register_indirect(
    *,
    actor: Any,
    protocol_office: Organisation,
    data: ReferralData,
    child_data: PersonData,
    document_file: Any = None,
) -> Referral:
    """The Protocol Office registers a third party's report (incoming protocol) and routes it to the managing
    body and the social services of the territory (seed 000 step 1)."""
    _grant_for(actor, Cap.REFERRAL_REGISTER_INDIRECT, protocol_office)
    _referral_validate(data)
    if data.sender_organisation is None:
        raise ValidationError({"sender_organisation": _("Indicare l'ente che ha inviato la segnalazione.")})
    # Checked before anything is stored, so a refused subject leaves no file behind.
    protocol_subject_check(data.subject, [child_data.surname, child_data.given_name])
    register = ProtocolRegister.objects.filter(organisation=protocol_office).first()
    territory = protocol_office.territory
    if register is None or territory is None:
        raise ValidationError(
            _("Il tuo ufficio non ha un registro di protocollo o un territorio configurato.")
        )
    with transaction.atomic():
        # The register before anything that audits: an audit row holds the chain head until commit, and every
        # protocol registration takes the register then the head (ADR 0008); the other order could deadlock.
        ProtocolRegister.objects.select_for_update().get(pk=register.pk)
        child, _created = person_resolve(data=child_data, actor=actor, minor=True)
        stored = (
            attachment_store_upload(uploaded=document_file, actor=actor, title=data.subject)
            if document_file
            else None
        )
        entry = protocol_entry_register(
            register=register,
            direction=ProtocolEntry.Direction.INCOMING,
            actor=actor,
            correspondents=data.sender_organisation.name,
            correspondent_organisation=data.sender_organisation,
            subject=data.subject,
            document=stored,
            sender_reference=data.sender_reference,
            classification="07.02",
            forbidden_names=[child.surname, child.given_name],
        )
        referral = _referral_create(
            data=data,
            channel=Channel.INDIRECT,
            territory=territory,
            actor=actor,
            organisation=protocol_office,
            protocol_entry=entry,
            child=child,
        )
        if stored is not None:
            stored.case = referral.case
            stored.save(update_fields=["case"])
            referral.document = stored
            referral.save(update_fields=["document"])
    return referral


def referral_record_direct(
    *, actor: Any, desk: Organisation, data: ReferralData, child_data: PersonData, document_file: Any = None
) -> Referral:
    """The front office records a family's request without going through the Protocol Office; a resident of
    another Comune of the territory goes to that Comune's front office (seed 000 step 1)."""
    _grant_for(actor, Cap.REFERRAL_RECORD_DIRECT, desk)
    _referral_validate(data)
    territory = desk.territory
    if territory is None:
        raise ValidationError(_("Il tuo sportello non ha un territorio configurato."))
    residence = child_data.residence_municipality
    if residence is None:
        raise ValidationError({"residence_municipality": _("Indicare il Comune di residenza del minore.")})
    if (
        desk.municipality_id
        and residence.pk != desk.municipality_id
        and territory.municipalities.filter(pk=residence.pk).exists()
    ):
        raise ValidationError(
            {
                "residence_municipality": _(
                    "Il minore risiede a %(comune)s: l'istanza va raccolta dal Segretariato sociale di quel Comune."
                )
                % {"comune": residence.name}
            }
        )
    with transaction.atomic():
        child, _created = person_resolve(data=child_data, actor=actor, minor=True)
        return _referral_create(
            data=data,
            channel=Channel.DIRECT,
            territory=territory,
            actor=actor,
            organisation=desk,
            document_file=document_file,
            child=child,
        )
