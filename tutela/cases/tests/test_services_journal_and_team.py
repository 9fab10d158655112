"""The case journal (diario) and the case team (micro-équipe): audited writes with Italian refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.accounts.access import cases_visible_to
from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent, CaseMember, JournalEntry
from tutela.cases.services.journal import journal_entry_add
from tutela.cases.services.members import case_member_add
from tutela.testing import factories


def _journal_counts() -> tuple[int, int]:
    return JournalEntry.objects.count(), AuditEvent.objects.count()


def test_the_social_worker_writes_in_the_journal(demo, social_worker):
    case = factories.assessment_case(demo)
    entry = journal_entry_add(
        case=case,
        actor=social_worker,
        kind="home_visit",
        occurred_on=timezone.localdate(),
        text="Visita domiciliare: casa in ordine.",
        confidential=True,
    )
    assert (entry.author, entry.kind, entry.confidential) == (social_worker, "home_visit", True)
    assert (
        AuditEvent.objects.get(action="cases.journal_entry.created", object_id=str(entry.pk)).case_id
        == case.pk
    )


@pytest.mark.parametrize(
    ("persona", "kind", "days", "text", "message"),
    [
        ("admin_officer", "note", 0, "x", "Il tuo ruolo non consente di scrivere nel diario."),
        ("municipality_officer", "note", 0, "x", "Il tuo ruolo non consente di scrivere nel diario."),
        ("other_social_worker", "note", 0, "x", "Il tuo ruolo non consente di scrivere nel diario."),
        ("social_worker", "gossip", 0, "x", "Tipo di annotazione non valido."),
        ("social_worker", "note", -1, "x", "La data non può essere nel futuro."),
        ("social_worker", "note", 0, "  ", "Il testo è obbligatorio."),
    ],
)
def test_bad_journal_entries_change_nothing(demo, request, persona, kind, days, text, message):
    case = factories.assessment_case(demo)
    before = _journal_counts()
    with pytest.raises(ValidationError) as excinfo:
        journal_entry_add(
            case=case,
            actor=request.getfixturevalue(persona),
            kind=kind,
            occurred_on=timezone.localdate() - dt.timedelta(days=days),
            text=text,
        )
    assert excinfo.value.messages == [message]
    assert _journal_counts() == before


def test_a_closed_case_takes_no_journal_entries(demo, social_worker):
    case = factories.closed_case(demo)
    before = _journal_counts()
    with pytest.raises(ValidationError) as excinfo:
        journal_entry_add(
            case=case, actor=social_worker, kind="note", occurred_on=timezone.localdate(), text="x"
        )
    assert excinfo.value.messages == ["La pratica è chiusa: il diario non accetta nuove annotazioni."]
    assert _journal_counts() == before


def test_the_lead_adds_a_colleague_who_then_sees_the_case(demo, social_worker, other_social_worker):
    case = factories.assessment_case(demo)
    assert not cases_visible_to(other_social_worker).filter(pk=case.pk).exists()

    member = case_member_add(case=case, actor=social_worker, user=other_social_worker)

    assert member.role_label == other_social_worker.profession
    assert cases_visible_to(other_social_worker).filter(pk=case.pk).exists()
    event = CaseEvent.objects.get(case=case, code="cases.member.added")
    assert event.actor == social_worker
    assert AuditEvent.objects.filter(action="cases.member.added", object_id=str(member.pk)).count() == 1


def test_the_coordinator_adds_an_educator(demo, coordinator):
    case = factories.in_care_case(demo)
    member = case_member_add(
        case=case, actor=coordinator, user=demo.users["educatore"], role_label="Educatore ADM"
    )
    assert member.role_label == "Educatore ADM"


def _member_refused(case, actor, user, message) -> None:
    before = (CaseMember.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        case_member_add(case=case, actor=actor, user=user)
    assert excinfo.value.messages == [message]
    assert (CaseMember.objects.count(), CaseEvent.objects.count(), AuditEvent.objects.count()) == before


def test_case_team_refusals(demo, social_worker, other_social_worker, admin_officer, coordinator):
    case = factories.assessment_case(demo)
    _member_refused(
        case,
        other_social_worker,
        demo.users["educatore"],
        "Solo l'assistente sociale referente o il coordinatore possono modificare l'équipe.",
    )
    _member_refused(
        case,
        social_worker,
        admin_officer,
        "La persona scelta non opera in questo territorio come professionista del caso.",
    )
    _member_refused(case, social_worker, social_worker, "La persona fa già parte dell'équipe del caso.")
    case_member_add(case=case, actor=social_worker, user=other_social_worker)
    _member_refused(case, coordinator, other_social_worker, "La persona fa già parte dell'équipe del caso.")


def test_no_team_changes_on_a_closed_case(demo, coordinator, other_social_worker):
    case = factories.closed_case(demo)
    _member_refused(case, coordinator, other_social_worker, "La pratica è chiusa.")
