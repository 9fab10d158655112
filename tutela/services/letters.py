"""Outgoing letters of the pathway: registered in the protocol with their PDF, then e-mailed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tutela.accounts.models import Organisation
from tutela.documents.pdf import pdf_render
from tutela.documents.services import attachment_store
from tutela.notifications.models import Communication
from tutela.notifications.services import communication_create
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_register


def _reporting_referral(case: Any) -> Any:
    return (
        case.referrals.filter(sender_organisation__isnull=False)
        .select_related("sender_organisation", "protocol_entry")
        .order_by("registered_at")
        .first()
    )


def _municipality_office(municipality: Any) -> Organisation | None:
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality=municipality, active=True
    ).first()


def letter_register_and_send(*, proposal: Any, actor: Any, purpose: str) -> ProtocolEntry:
    """Register the letter as outgoing protocol (its PDF hashed in the entry) and queue its e-mails."""
    case = proposal.case
    territory = case.territory
    child = case.child
    paying = None
    if purpose == "approval":
        referral = _reporting_referral(case)
        recipients = (
            [(Communication.Kind.THIRD_PARTY_NOTICE, referral.sender_organisation)] if referral else []
        )
        recipients.append((Communication.Kind.ADMIN_OFFICE_NOTICE, territory.admin_office))
        template = "services/letters/proposal_approved.html"
        subject = _("Pratica %(code)s: proposta di intervento approvata") % {"code": case.code}
    else:
        referral = None
        paying = proposal.review.paying_municipality
        office = _municipality_office(paying)
        recipients = [(Communication.Kind.MUNICIPALITY_NOTICE, office)]
        template = "services/letters/municipality_notice.html"
        subject = _("Pratica %(code)s: intervento autorizzato a carico del Comune") % {"code": case.code}
    named = [(kind, org) for kind, org in recipients if org is not None]
    correspondents = "; ".join(org.name for _kind, org in named) or (
        _("Comune di %(name)s") % {"name": paying.name}
        if paying is not None
        else _("Destinatario da individuare")
    )

    def render(entry: ProtocolEntry) -> Any:
        context = {
            "entry": entry,
            "case": case,
            "proposal": proposal,
            "territory": territory,
            "child": child,
            "referral": referral,
            "recipients": [org for _kind, org in named],
            "subject": subject,
        }
        content = pdf_render(template, context)
        return attachment_store(
            content=content,
            original_name=f"{case.code}-{entry.year}-{entry.number:07d}.pdf",
            actor=actor,
            case=case,
            title=subject,
        )

    entry = protocol_entry_register(
        register=territory.protocol_register,
        direction=ProtocolEntry.Direction.OUTGOING,
        actor=actor,
        correspondents=correspondents,
        subject=subject,
        render_document=render,
        correspondent_organisation=named[0][1] if named else None,
        forbidden_names=[child.surname, child.given_name],
    )
    body = _(
        "Si trasmette in allegato la comunicazione prot. n. %(number)s relativa alla pratica %(code)s.\n"
        "Per i dettagli consultare la pratica in Tutela o contattare il servizio sociale.\n\n%(territory)s"
    ) % {"number": entry.display_number, "code": case.code, "territory": territory.name}
    if paying is not None and not named:
        # No office of that Comune is on record: the letter is registered and flagged for sending by other means.
        communication_create(
            case=case,
            kind=Communication.Kind.MUNICIPALITY_NOTICE,
            actor=actor,
            subject=subject,
            body=body,
            recipient_email="",
            recipient_municipality=paying,
            document=entry.document,
            protocol_entry=entry,
        )
    for kind, org in named:
        communication_create(
            case=case,
            kind=kind,
            actor=actor,
            subject=subject,
            body=body,
            recipient_email=org.email,
            recipient_organisation=org,
            recipient_municipality=org.municipality
            if kind == Communication.Kind.MUNICIPALITY_NOTICE
            else None,
            document=entry.document,
            protocol_entry=entry,
        )
    return entry
