"""Seed 000 step 5: the authorisation act creates the intervention; a paying Comune other than the lead one
is told (seed 003: the Comune pays, so it is informed)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.notifications.models import Communication
from tutela.protocol.models import ProtocolEntry
from tutela.services.models import AdministrativeReview, Intervention, InterventionState, ProposalState
from tutela.services.services import REVIEW_CHECKS, AuthorisationData, review_authorise
from tutela.testing import factories


@pytest.fixture
def under_review(demo):
    return factories.proposal_in(demo, "review")


def _data(demo, comune: str) -> AuthorisationData:
    return AuthorisationData(
        act_number="456/2026",
        act_date=timezone.localdate(),
        cost_estimate=Decimal("9100.50"),
        paying_municipality=demo.municipalities[comune],
        checks=frozenset(REVIEW_CHECKS),
        commitment_number="IMP-2026-118",
    )


def test_authorisation_creates_the_planned_intervention(
    under_review, admin_officer, demo, django_capture_on_commit_callbacks
):
    entries = ProtocolEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = review_authorise(proposal=under_review, actor=admin_officer, data=_data(demo, "Prato"))

    assert proposal.state == ProposalState.AUTHORISED
    intervention = Intervention.objects.get(proposal=under_review)
    assert intervention.state == InterventionState.PLANNED
    assert intervention.case == under_review.case
    assert intervention.service_type == under_review.service_type
    assert intervention.paying_municipality == demo.municipalities["Prato"]
    assert intervention.budget == Decimal("9100.50")
    assert intervention.hours_per_week == under_review.hours_per_week
    assert intervention.planned_start == under_review.proposed_start
    assert (
        AuditEvent.objects.filter(
            action="services.intervention.created", object_id=str(intervention.pk)
        ).count()
        == 1
    )
    review = AdministrativeReview.objects.get(proposal=under_review)
    assert (review.act_number, review.cost_estimate, review.paying_municipality) == (
        "456/2026",
        Decimal("9100.50"),
        demo.municipalities["Prato"],
    )
    # The lead Comune is not written to: nothing registered, nothing sent.
    assert not Communication.objects.filter(
        case=under_review.case, kind=Communication.Kind.MUNICIPALITY_NOTICE
    ).exists()
    assert ProtocolEntry.objects.count() == entries
    assert mail.outbox == []


def test_a_paying_comune_other_than_the_lead_one_is_notified(
    under_review, admin_officer, demo, django_capture_on_commit_callbacks
):
    montemurlo = demo.organisations["comune_montemurlo"]
    with django_capture_on_commit_callbacks(execute=True):
        review_authorise(proposal=under_review, actor=admin_officer, data=_data(demo, "Montemurlo"))

    assert (
        Intervention.objects.get(proposal=under_review).paying_municipality
        == demo.municipalities["Montemurlo"]
    )
    [notice] = Communication.objects.filter(
        case=under_review.case, kind=Communication.Kind.MUNICIPALITY_NOTICE
    )
    assert notice.recipient_organisation == montemurlo
    assert notice.recipient_municipality == demo.municipalities["Montemurlo"]
    assert notice.recipient_email == montemurlo.email
    entry = notice.protocol_entry
    assert entry.direction == ProtocolEntry.Direction.OUTGOING
    assert entry.correspondents == montemurlo.name
    child = under_review.case.child
    assert child.surname.casefold() not in entry.subject.casefold()
    assert notice.sent_at is not None

    [message] = mail.outbox
    assert message.to == [montemurlo.email]
    [attachment] = message.attachments
    assert attachment[1].startswith(b"%PDF")
    assert hashlib.sha256(attachment[1]).hexdigest() == entry.document_sha256


def test_a_paying_comune_with_no_office_on_record_gets_a_flagged_letter(
    demo, admin_officer, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from django.utils import timezone

    from tutela.accounts.models import Municipality
    from tutela.notifications.models import Communication
    from tutela.services.services import REVIEW_CHECKS, AuthorisationData, review_authorise
    from tutela.testing import factories

    proposal = factories.proposal_in(demo, "review")
    firenze = Municipality.objects.get(name="Firenze")
    with django_capture_on_commit_callbacks(execute=True):
        review_authorise(
            proposal=proposal,
            actor=admin_officer,
            data=AuthorisationData(
                act_number="9/2026",
                act_date=timezone.localdate(),
                cost_estimate=Decimal("100"),
                paying_municipality=firenze,
                checks=frozenset(REVIEW_CHECKS),
                commitment_number="IMP-2026-9",
            ),
        )
    notice = Communication.objects.get(case=proposal.case, kind=Communication.Kind.MUNICIPALITY_NOTICE)
    assert notice.recipient_municipality == firenze
    assert notice.protocol_entry is not None and notice.protocol_entry.correspondents == "Comune di Firenze"
    assert notice.sent_at is None
    assert notice.send_error.startswith("Nessun indirizzo e-mail")
