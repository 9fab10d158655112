"""Reports to the judicial authority: four separate sections, filed as outgoing protocol to the authority, the
next periodic deadline, and the parties' copy without what is not disclosable (art. 473-bis.27 c.p.c.)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import ValidationError

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.court.models import CourtReport, Disclosure, MandateKind, ReportMethod, ReportPurpose, ReportState
from tutela.court.services.orders import MandateData
from tutela.court.services.reports import (
    ReportContent,
    SectionData,
    court_report_create,
    court_report_file,
    court_report_update,
    report_document_html,
)
from tutela.court.tests.conftest import register
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.protocol.models import ProtocolEntry
from tutela.testing.asserts import assert_refused

ROME = ZoneInfo("Europe/Rome")
TODAY = dt.datetime(2031, 3, 11, 10, 0, tzinfo=ROME)

FACTS = "Il 3 marzo il minore è arrivato a scuola senza merenda e con abiti inadeguati."
STATEMENTS = "La madre dichiara di lavorare su turni notturni."
STATEMENTS_REDACTED = "Un genitore riferisce difficoltà organizzative legate al lavoro."
EVALUATIONS = "Si valuta una fragilità genitoriale con risorse attivabili."
SECRET_METHOD = "Test proiettivo somministrato dalla psicologa del consultorio il 5 marzo."


def _content(**changes: SectionData) -> ReportContent:
    sections = {
        "facts": SectionData(text=FACTS),
        "statements": SectionData(
            text=STATEMENTS, disclosure=Disclosure.REDACTED, redacted_text=STATEMENTS_REDACTED
        ),
        "evaluations": SectionData(text=EVALUATIONS),
        "methods": SectionData(text=SECRET_METHOD, disclosure=Disclosure.WITHHELD),
    }
    sections.update(changes)
    return ReportContent(sections=sections, methods=(ReportMethod.INTERVIEWS, ReportMethod.HOME_VISITS))


def _periodic_order(demo, proceeding):
    return register(
        proceeding,
        demo.users["assistente"],
        order_date=dt.date(2031, 3, 3),
        deposited_on=dt.date(2031, 3, 3),
        received_on=dt.date(2031, 3, 5),
        report_every_months=6,
        first_report_due=dt.date(2031, 4, 15),
    )


def _draft(demo, order, content: ReportContent | None = None) -> CourtReport:
    worker = demo.users["assistente"]
    report = court_report_create(order=order, actor=worker, purpose=ReportPurpose.PERIODIC)
    return court_report_update(report=report, actor=worker, content=content or _content())


@time_machine.travel(TODAY, tick=False)
def test_filing_registers_outgoing_protocol_to_the_authority_and_sets_the_next_report_six_months_on(
    demo, proceeding
):
    order = _periodic_order(demo, proceeding)
    report = _draft(demo, order)

    filed = court_report_file(report=report, actor=demo.users["assistente"])

    assert filed.state == ReportState.FILED
    entry = filed.protocol_entry
    assert entry.direction == ProtocolEntry.Direction.OUTGOING
    assert entry.correspondents == "Tribunale per i minorenni di Firenze"
    assert entry.correspondent_organisation == demo.organisations["court_tm"]
    assert entry.document == filed.document and entry.document_sha256 == filed.document.sha256
    assert filed.document.content_type == "application/pdf" and filed.document.confidential
    assert filed.disclosable_document is not None and filed.disclosable_document != filed.document
    child = order.case.child
    assert child.surname not in entry.subject and order.case.code in entry.subject
    rows = list(deadlines_of_source(order).order_by("due_at"))
    assert [(r.due_at.astimezone(ROME).date(), r.done_at is not None) for r in rows] == [
        (dt.date(2031, 4, 15), True),
        (dt.date(2031, 10, 15), False),
    ]
    assert rows[1].kind == Deadline.Kind.COURT_REPORT and rows[1].owner == demo.users["assistente"]
    event = CaseEvent.objects.get(case=order.case, code="court.report.file")
    assert event.protocol_entry == entry
    assert AuditEvent.objects.filter(action="court.report.filed", object_id=str(report.pk)).exists()


@time_machine.travel(TODAY, tick=False)
def test_the_schedule_does_not_slide_when_a_report_is_late(demo, proceeding):
    order = _periodic_order(demo, proceeding)
    court_report_file(report=_draft(demo, order), actor=demo.users["assistente"])
    with time_machine.travel(dt.datetime(2031, 11, 20, 9, 0, tzinfo=ROME), tick=False):
        court_report_file(report=_draft(demo, order), actor=demo.users["assistente"])
    dues = [d.due_at.astimezone(ROME).date() for d in deadlines_of_source(order).order_by("due_at")]
    assert dues == [dt.date(2031, 4, 15), dt.date(2031, 10, 15), dt.date(2032, 4, 15)]


def test_the_parties_copy_leaves_out_what_is_not_disclosable(demo, proceeding):
    order = register(proceeding, demo.users["assistente"], report_every_months=6)
    report = court_report_file(report=_draft(demo, order), actor=demo.users["assistente"])

    full = report_document_html(report, disclosable=False)
    parties = report_document_html(report, disclosable=True)

    for text in (FACTS, STATEMENTS, EVALUATIONS, SECRET_METHOD, "Colloqui"):
        assert text in full
    assert FACTS in parties and EVALUATIONS in parties
    assert STATEMENTS_REDACTED in parties and STATEMENTS not in parties
    assert SECRET_METHOD not in parties and "Metodologia" not in parties and "Colloqui" not in parties
    assert "Copia per le parti" in parties and report.protocol_entry.display_number in parties
    assert report.disclosable_document.size > 0 and report.disclosable_document.title.endswith(
        "copia per le parti"
    )


def test_a_report_without_facts_or_evaluations_is_not_filed(demo, proceeding):
    order = register(proceeding, demo.users["assistente"], report_every_months=6)
    report = _draft(demo, order, _content(facts=SectionData(text=" "), evaluations=SectionData(text="")))
    assert_refused(
        lambda: court_report_file(report=report, actor=demo.users["assistente"]),
        lambda: (CourtReport.objects.get(pk=report.pk).state, ProtocolEntry.objects.count()),
        "La relazione non può essere depositata: la sezione «Fatti osservati» è vuota; la sezione «Valutazioni "
        "professionali» è vuota.",
    )


def test_a_redacted_section_needs_its_redacted_text_and_methods_are_required(demo, proceeding):
    order = register(proceeding, demo.users["assistente"], report_every_months=6)
    content = ReportContent(
        sections={
            "facts": SectionData(text=FACTS, disclosure=Disclosure.REDACTED),
            "evaluations": SectionData(text=EVALUATIONS),
        },
        methods=(),
    )
    report = _draft(demo, order, content)
    assert_refused(
        lambda: court_report_file(report=report, actor=demo.users["assistente"]),
        lambda: ProtocolEntry.objects.count(),
        "La relazione non può essere depositata: non sono indicati i metodi utilizzati (colloqui, visite "
        "domiciliari, test, …); per la sezione «Fatti osservati» manca il testo ridotto destinato alle parti.",
    )


def test_a_filed_report_cannot_be_changed_or_filed_again(demo, proceeding):
    worker = demo.users["assistente"]
    order = register(proceeding, worker, report_every_months=6)
    report = court_report_file(report=_draft(demo, order), actor=worker)
    assert_refused(
        lambda: court_report_update(report=report, actor=worker, content=_content()),
        lambda: CourtReport.objects.get(pk=report.pk).updated_at,
        "La relazione è già depositata: non si può più modificare.",
    )
    assert_refused(
        lambda: court_report_file(report=report, actor=worker),
        lambda: ProtocolEntry.objects.count(),
        "L'azione «Deposita e protocolla» non è consentita nello stato «Depositata».",
    )


def test_a_mandate_report_completes_the_mandate(demo, proceeding):
    worker = demo.users["assistente"]
    order = register(
        proceeding,
        worker,
        mandates=(MandateData(kind=MandateKind.PSYCHOSOCIAL_INVESTIGATION, due_on=dt.date(2031, 5, 20)),),
    )
    mandate = order.mandates.get()
    report = court_report_create(order=order, actor=worker, purpose=ReportPurpose.MANDATE, mandate=mandate)
    court_report_update(report=report, actor=worker, content=_content())
    court_report_file(report=report, actor=worker)
    mandate.refresh_from_db()
    assert mandate.completed_at is not None
    assert deadlines_of_source(mandate).get().done_at is not None
    assert_refused(
        lambda: court_report_create(
            order=order, actor=worker, purpose=ReportPurpose.MANDATE, mandate=mandate
        ),
        lambda: CourtReport.objects.count(),
        "Scegliere un incarico aperto di questo provvedimento.",
        ValidationError,
    )


def test_a_periodic_report_needs_an_order_that_asks_for_them(demo, proceeding):
    order = register(proceeding, demo.users["assistente"])
    assert_refused(
        lambda: court_report_create(
            order=order, actor=demo.users["assistente"], purpose=ReportPurpose.PERIODIC
        ),
        lambda: CourtReport.objects.count(),
        "Il provvedimento non prevede relazioni periodiche.",
        ValidationError,
    )
