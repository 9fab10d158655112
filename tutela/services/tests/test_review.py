"""Seed 000 step 5: the administrative review records its checklist, the act, the budget commitment, the cost
estimate and its shares, the means test; the paying Comune defaults to the child's residence."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tutela.assessments.services import ReportData, social_report_file
from tutela.services.demo import seed_services
from tutela.services.forms import AuthorisationForm
from tutela.services.models import (
    AdministrativeReview,
    Intervention,
    ProposalState,
    ServiceProposal,
    ServiceType,
)
from tutela.services.services import (
    REVIEW_CHECKS,
    AuthorisationData,
    ProposalData,
    proposal_approve,
    proposal_submit,
    review_authorise,
    review_start,
)
from tutela.testing import factories
from tutela.testing.asserts import assert_refused

ALL_CHECKS = frozenset(REVIEW_CHECKS)


@pytest.fixture
def under_review(demo):
    seed_services(demo)
    return factories.proposal_in(demo, "review")


def _data(demo, **changes) -> AuthorisationData:
    values = {
        "act_number": "77/2026",
        "act_date": timezone.localdate(),
        "cost_estimate": Decimal("9000.00"),
        "paying_municipality": demo.municipalities["Prato"],
        "checks": ALL_CHECKS,
        "commitment_number": "IMP-2026-301",
    }
    values.update(changes)
    return AuthorisationData(**values)


def _snapshot(proposal: ServiceProposal):
    return lambda: (
        ServiceProposal.objects.filter(pk=proposal.pk).values().get(),
        AdministrativeReview.objects.filter(proposal=proposal).values().get(),
        Intervention.objects.filter(proposal=proposal).exists(),
    )


def test_the_paying_comune_defaults_to_the_childs_residence(demo, social_worker, coordinator, admin_officer):
    case = factories.in_care_case(demo, residence="Montemurlo")
    social_report_file(
        case=case,
        actor=social_worker,
        report=ReportData(kind="with_outcome", facts="Colloqui.", evaluations="Serve uno spazio neutro."),
        proposal=ProposalData(service_type=ServiceType.objects.get(code="FM-A08"), motivation="Incontri."),
    )
    proposal = ServiceProposal.objects.get(case=case)
    proposal_submit(proposal=proposal, actor=social_worker)
    proposal_approve(proposal=proposal, actor=coordinator)
    review_start(proposal=proposal, actor=admin_officer)

    review = AdministrativeReview.objects.get(proposal=proposal)
    assert review.paying_municipality == demo.municipalities["Montemurlo"]
    form = AuthorisationForm(proposal=ServiceProposal.objects.get(pk=proposal.pk))
    assert form.initial["paying_municipality"] == demo.municipalities["Montemurlo"]


def test_authorisation_needs_the_whole_checklist_and_the_commitment(under_review, admin_officer, demo):
    assert_refused(
        lambda: review_authorise(
            proposal=under_review,
            actor=admin_officer,
            data=_data(
                demo, checks=ALL_CHECKS - {"check_budget", "check_family_share"}, commitment_number=""
            ),
        ),
        _snapshot(under_review),
        "Per autorizzare completare l'istruttoria: copertura di bilancio verificata; compartecipazione della "
        "famiglia valutata (ISEE); numero dell'impegno di spesa.",
    )


def test_the_shares_must_sum_to_the_estimate(under_review, admin_officer, demo):
    assert_refused(
        lambda: review_authorise(
            proposal=under_review,
            actor=admin_officer,
            data=_data(demo, share_municipality=Decimal("6000"), share_family=Decimal("1000")),
        ),
        _snapshot(under_review),
        "La somma delle quote (Comune € 6000,00 + famiglia € 1000,00 + servizio sanitario € 0,00 = € 7000,00) "
        "deve essere uguale alla spesa prevista (€ 9000,00).",
        ValidationError,
    )
    assert_refused(
        lambda: review_authorise(
            proposal=under_review,
            actor=admin_officer,
            data=_data(demo, share_municipality=Decimal("9500"), share_family=Decimal("-500")),
        ),
        _snapshot(under_review),
        "Le quote non possono essere negative.",
        ValidationError,
    )


def test_a_means_test_needs_the_dsu_protocol(under_review, admin_officer, demo):
    assert_refused(
        lambda: review_authorise(
            proposal=under_review, actor=admin_officer, data=_data(demo, means_tested=True)
        ),
        _snapshot(under_review),
        "Con la prova dei mezzi indicare il protocollo della DSU (ISEE).",
        ValidationError,
    )


def test_the_authorisation_records_the_review(under_review, admin_officer, demo):
    review_authorise(
        proposal=under_review,
        actor=admin_officer,
        data=_data(
            demo,
            share_municipality=Decimal("6300.00"),
            share_family=Decimal("900.00"),
            share_health=Decimal("1800.00"),
            means_tested=True,
            dsu_protocol=" INPS-ISEE-2026-00012345-A ",
        ),
    )

    review = AdministrativeReview.objects.get(proposal=under_review)
    assert all(getattr(review, name) for name in REVIEW_CHECKS)
    assert (
        review.commitment_number,
        review.share_municipality,
        review.share_family,
        review.share_health,
    ) == (
        "IMP-2026-301",
        Decimal("6300.00"),
        Decimal("900.00"),
        Decimal("1800.00"),
    )
    assert (review.means_tested, review.dsu_protocol) == (True, "INPS-ISEE-2026-00012345-A")
    assert ServiceProposal.objects.get(pk=under_review.pk).state == ProposalState.AUTHORISED


def test_without_shares_the_comune_bears_the_whole_estimate(under_review, admin_officer, demo):
    review_authorise(proposal=under_review, actor=admin_officer, data=_data(demo))
    review = AdministrativeReview.objects.get(proposal=under_review)
    assert (review.share_municipality, review.share_family, review.share_health) == (
        Decimal("9000.00"),
        Decimal("0"),
        Decimal("0"),
    )


def test_the_intervention_gets_the_provider_and_its_contract_rate(demo, admin_officer):
    seeded = seed_services(demo)
    intervention = factories.authorised_intervention(demo, delivery="educational")
    assert intervention.provider == seeded.providers["provider"]
    assert intervention.contract_rate is not None
    assert intervention.contract_rate.contract == seeded.contracts["provider"]
    assert intervention.unit_cost == Decimal("24.50")


def test_the_form_lists_what_the_review_still_lacks(client, under_review, admin_officer):
    client.force_login(admin_officer)
    url = reverse("services:action", kwargs={"pk": under_review.pk, "action": "autorizza"})
    page = client.get(url).content.decode()
    assert "Verificato: relazione sociale e proposta complete" in page

    before = _snapshot(under_review)()
    response = client.post(
        url,
        {
            "act_number": "88/2026",
            "act_date": timezone.localdate().isoformat(),
            "cost_estimate": "1200.00",
            "paying_municipality": "Prato (PO)",
            "check_report": "on",
            "check_residence": "on",
        },
    )
    assert response.status_code == 200
    assert (
        "Per autorizzare completare l&#x27;istruttoria: copertura di bilancio verificata; ente erogatore con "
        "contratto valido; compartecipazione della famiglia valutata (ISEE); numero dell&#x27;impegno di spesa."
    ) in response.content.decode()
    assert _snapshot(under_review)() == before

    response = client.post(
        url,
        {
            "act_number": "88/2026",
            "act_date": timezone.localdate().isoformat(),
            "cost_estimate": "1200.00",
            "commitment_number": "IMP-88",
            "share_municipality": "1000.00",
            "share_family": "200.00",
            "paying_municipality": "Prato (PO)",
            **dict.fromkeys(REVIEW_CHECKS, "on"),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"pk": under_review.case_id})).content.decode()
    assert "impegno di spesa n. IMP-88" in page
    assert "Comune € 1000,00 · famiglia € 200,00 · servizio sanitario € 0,00" in page
    assert page.count("verificato:") >= len(REVIEW_CHECKS)
