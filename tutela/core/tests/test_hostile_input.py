"""Hostile text in every free-text field: stored as typed, shown as text (ADR 0010).

One case goes through the whole pathway through the real services with markup, template syntax, a spreadsheet
formula, every C0 control character but NUL, a right-to-left override and 10,000-character texts in every
free-text field; then the pages that show them, the letters that print them and the forms that take them are
read back. NUL is the one character refused (PostgreSQL cannot store it), by the forms, with an Italian message;
bidirectional controls, stored as typed by the services, are shown as "[U+202E]" (test_bidi_controls.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.assessments.models import Assessment, SocialReport
from tutela.assessments.services import AssessmentData, ReportData, social_report_file
from tutela.cases import forms as case_forms
from tutela.cases.models import Case, CaseEvent, CaseMember, JournalEntry
from tutela.cases.services.assignment import case_assign
from tutela.cases.services.closure import case_request_closure
from tutela.cases.services.journal import journal_entry_add
from tutela.cases.services.members import case_member_add
from tutela.core.bidi import BIDI_CONTROL_RE, bidi_escape
from tutela.core.demo.cases import SOURCES
from tutela.core.demo.territory import DemoTerritory
from tutela.core.forms import NUL_MESSAGE
from tutela.intake import forms as intake_forms
from tutela.intake.models import Referral
from tutela.intake.services import ReferralData, referral_record_direct, referral_register_indirect
from tutela.people.models import Person
from tutela.people.services import PersonData, relationship_add
from tutela.protocol.models import ProtocolEntry
from tutela.reference.models import Code, CodeList
from tutela.services import forms as proposal_forms
from tutela.services import services as proposals
from tutela.services.models import AdministrativeReview, ServiceProposal, ServiceType
from tutela.testing.html import PDF_ACTIVE_KEYS, active_content, page_text, pdf_structure

# --- the payloads ------------------------------------------------------------------------------------------

MARKUP = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "{% debug %}",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://x")',
)
RLO = "\u202e"  # right-to-left override: "x\u202efdp.exe" shows as "xexe.pdf"
CONTROLS = "".join(map(chr, range(1, 32)))  # every C0 control character but NUL, \t \n \r included
LONG = ("Lorem ipsum dolor sit amet. " * 360).strip()  # 10,079 characters


def hostile(label: str, *, long: bool = False) -> str:
    """Every payload in one text; inner control characters, so that no form or service trims them."""
    text = f"{label}: " + " ".join(MARKUP) + f" {RLO}fdp.exe [{CONTROLS}]"
    return text + " " + LONG if long else text


def short(label: str) -> str:
    """For fields of 80-120 characters: markup, template syntax, an ANSI escape and the override."""
    return f'{label} <img src=x onerror=alert(1)>"><svg onload=alert(1)>{{{{ 7*7 }}}}\x1b[31m\x07{RLO}'


ACT_NUMBER = f'"><script>alert(1)</script>{RLO}'  # 28 characters: the act number has 40


def _fits(model: type[models.Model], name: str, value: str) -> str:
    limit = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    assert limit is None or len(value) <= limit, f"{model.__name__}.{name}: payload longer than {limit}"
    return value


# --- the case ----------------------------------------------------------------------------------------------


@dataclass
class Hostile:
    case: Case
    typed: dict[str, tuple[models.Model, str, str]] = field(
        default_factory=dict
    )  # label: (object, field, text)
    letters: list[str] = field(default_factory=list)  # the HTML WeasyPrint was given
    pdfs: list[bytes] = field(default_factory=list)
    draft: ServiceProposal | None = None


def _code(code_list: str, code: str) -> Code:
    return Code.objects.get(code_list=code_list, code=code)


def _proposal(label: str) -> proposals.ProposalData:
    return proposals.ProposalData(
        service_type=ServiceType.objects.get(code="FM-A11"),
        motivation=hostile(label, long=True),
        hours_per_week=Decimal("4"),
        duration_months=6,
        provider=Organisation.objects.get(name="Cooperativa sociale Il Girasole"),
    )


def _report(case: Case, actor: Any, label: str, *, assessment: bool = False) -> ServiceProposal:
    report = social_report_file(
        case=case,
        actor=actor,
        assessment=AssessmentData(
            summary=hostile(f"{label} sintesi", long=True),
            child_problem=_code(CodeList.CHILD_PROBLEM, "2"),
            family_problem=_code(CodeList.FAMILY_PROBLEM, "2"),
        )
        if assessment
        else None,
        report=ReportData(
            kind="with_outcome",
            facts=hostile(f"{label} fatti", long=True),
            statements=hostile(f"{label} dichiarazioni"),
            evaluations=hostile(f"{label} valutazioni", long=True),
            proposals=hostile(f"{label} proposte"),
        ),
        proposal=_proposal(f"{label} motivazione"),
    )
    return ServiceProposal.objects.get(social_report=report)


def hostile_case_build(demo: DemoTerritory, monkeypatch: pytest.MonkeyPatch) -> Hostile:
    from tutela.documents import pdf

    u = demo.users
    today = timezone.localdate()
    letters: list[str] = []
    pdfs: list[bytes] = []
    render_html, render_pdf = pdf.render_to_string, pdf.pdf_render

    def capture_html(*args: Any, **kwargs: Any) -> str:
        letters.append(render_html(*args, **kwargs))
        return letters[-1]

    def capture_pdf(*args: Any, **kwargs: Any) -> bytes:
        pdfs.append(render_pdf(*args, **kwargs))
        return pdfs[-1]

    monkeypatch.setattr(pdf, "render_to_string", capture_html)
    monkeypatch.setattr("tutela.services.letters.pdf_render", capture_pdf)

    # The reporting school's address is printed in the approval letter (admin data, free text too).
    school = demo.organisations["school"]
    school.address = _fits(type(school), "address", hostile("indirizzo scuola"))
    school.save(update_fields=["address"])

    child = PersonData(
        surname=_fits(Person, "surname", short("cognome")),
        given_name=_fits(Person, "given_name", short("nome")),
        birth_date=today - dt.timedelta(days=9 * 365),
        birth_country=_fits(Person, "birth_country", short("stato")),
        citizenship=_fits(Person, "citizenship", short("cittadinanza")),
        residence_municipality=demo.municipalities["Prato"],
        residence_address=_fits(Person, "residence_address", hostile("via")),
    )
    direct = referral_record_direct(
        actor=u["segretariato"],
        desk=demo.organisations["pass_prato"],
        data=ReferralData(
            source=_code(CodeList.REFERRAL_SOURCE, "8"),
            received_on=today,
            subject=_fits(Referral, "subject", hostile("oggetto istanza")),
            narrative=hostile("sintesi istanza", long=True),
            applicant_name=_fits(Referral, "applicant_name", hostile("richiedente")),
            applicant_relationship=_fits(Referral, "applicant_relationship", short("relazione")),
        ),
        child_data=child,
    )
    case = direct.case
    indirect = referral_register_indirect(  # the same child: the report attaches to the open case
        actor=u["protocollo"],
        protocol_office=demo.organisations["protocol_office"],
        data=ReferralData(
            source=_code(CodeList.REFERRAL_SOURCE, SOURCES["school"]),
            received_on=today,
            subject=_fits(Referral, "subject", hostile("oggetto segnalazione")),
            narrative=hostile("sintesi segnalazione", long=True),
            sender_organisation=school,
            sender_reference=_fits(ProtocolEntry, "sender_reference", short("prot. scuola")),
        ),
        child_data=child,
    )
    assert indirect.case_id == case.pk
    case = case_assign(
        case=case, actor=u["segretariato"], social_worker=u["assistente"], note=hostile("nota assegnazione")
    )
    journal = journal_entry_add(
        case=case, actor=u["assistente"], kind="note", occurred_on=today, text=hostile("diario", long=True)
    )
    secret = journal_entry_add(
        case=case,
        actor=u["assistente"],
        kind="health_contact",
        occurred_on=today,
        text=hostile("diario riservato"),
        confidential=True,
    )
    returned = _report(case, u["assistente"], "R1", assessment=True)
    case = Case.objects.get(pk=case.pk)
    relative = relationship_add(
        child=case.child,
        relative_data=PersonData(
            surname=_fits(Person, "surname", short("cognome madre")),
            given_name=_fits(Person, "given_name", short("nome madre")),
            birth_date=today - dt.timedelta(days=38 * 365),
        ),
        kind="mother",
        cohabiting=True,
        actor=u["assistente"],
        case=case,
    ).relative
    member = case_member_add(
        case=case,
        actor=u["assistente"],
        user=u["educatore"],
        role_label=_fits(CaseMember, "role_label", short("ruolo")),
    )

    proposals.proposal_submit(proposal=returned, actor=u["assistente"])
    returned = proposals.proposal_return(
        proposal=returned, actor=u["coordinatore"], reason=hostile("restituzione", long=True)
    )
    rejected = _report(case, u["assistente"], "R2")
    proposals.proposal_submit(proposal=rejected, actor=u["assistente"])
    rejected = proposals.proposal_reject(
        proposal=rejected, actor=u["coordinatore"], reason=hostile("rigetto", long=True)
    )
    denied = _report(case, u["assistente"], "R3")
    proposals.proposal_submit(proposal=denied, actor=u["assistente"])
    proposals.proposal_approve(proposal=denied, actor=u["coordinatore"], note=hostile("nota approvazione"))
    proposals.review_start(proposal=denied, actor=u["amministrativo"])
    proposals.review_deny(proposal=denied, actor=u["amministrativo"], reason=hostile("diniego", long=True))
    authorised = _report(case, u["assistente"], "R4")
    proposals.proposal_submit(proposal=authorised, actor=u["assistente"])
    proposals.proposal_approve(proposal=authorised, actor=u["coordinatore"])
    proposals.review_start(proposal=authorised, actor=u["amministrativo"])
    proposals.review_authorise(  # paid by Montemurlo: a letter to that Comune, with the act number
        proposal=authorised,
        actor=u["amministrativo"],
        data=proposals.AuthorisationData(
            act_number=_fits(AdministrativeReview, "act_number", ACT_NUMBER),
            act_date=today,
            cost_estimate=Decimal("1200.00"),
            paying_municipality=demo.municipalities["Montemurlo"],
            checks=frozenset(proposals.REVIEW_CHECKS),
            commitment_number="IMP-2026-1",
        ),
        note=hostile("nota autorizzazione"),
    )
    case = case_request_closure(
        case=Case.objects.get(pk=case.pk),
        actor=u["assistente"],
        reason=_code(CodeList.CLOSURE_REASON, "4"),
        note=hostile("chiusura", long=True),
    )

    h = Hostile(case=case, letters=letters, pdfs=pdfs, draft=returned)
    typed = h.typed
    typed["child surname"] = (case.child, "surname", child.surname)
    typed["child given name"] = (case.child, "given_name", child.given_name)
    typed["child birth country"] = (case.child, "birth_country", child.birth_country)
    typed["child citizenship"] = (case.child, "citizenship", child.citizenship)
    typed["child address"] = (case.child, "residence_address", child.residence_address)
    for referral in (direct, indirect):
        typed[f"{referral.channel} subject"] = (referral, "subject", referral.subject)
        typed[f"{referral.channel} narrative"] = (referral, "narrative", referral.narrative)
    typed["applicant name"] = (direct, "applicant_name", hostile("richiedente"))
    typed["applicant relationship"] = (direct, "applicant_relationship", short("relazione"))
    typed["sender reference"] = (indirect.protocol_entry, "sender_reference", short("prot. scuola"))
    typed["protocol subject"] = (indirect.protocol_entry, "subject", hostile("oggetto segnalazione"))
    typed["journal"] = (journal, "text", hostile("diario", long=True))
    typed["confidential journal"] = (secret, "text", hostile("diario riservato"))
    typed["relative surname"] = (relative, "surname", short("cognome madre"))
    typed["relative given name"] = (relative, "given_name", short("nome madre"))
    typed["team role"] = (member, "role_label", short("ruolo"))
    assessment = Assessment.objects.get(case=case)
    typed["assessment summary"] = (assessment, "summary", hostile("R1 sintesi", long=True))
    # Looked up by order, never by their text: confidential texts are encrypted at rest (ADR 0009).
    for label, report in zip(
        ("R1", "R2", "R3", "R4"), SocialReport.objects.filter(case=case).order_by("pk"), strict=True
    ):
        typed[f"{label} facts"] = (report, "facts", hostile(f"{label} fatti", long=True))
        typed[f"{label} statements"] = (report, "statements", hostile(f"{label} dichiarazioni"))
        typed[f"{label} evaluations"] = (report, "evaluations", hostile(f"{label} valutazioni", long=True))
        typed[f"{label} proposals"] = (report, "proposals", hostile(f"{label} proposte"))
        proposal = ServiceProposal.objects.get(social_report=report)
        typed[f"{label} motivation"] = (proposal, "motivation", hostile(f"{label} motivazione", long=True))
    typed["return reason"] = (returned, "return_reason", hostile("restituzione", long=True))
    typed["rejection reason"] = (rejected, "rejection_reason", hostile("rigetto", long=True))
    typed["denial reason"] = (denied.review, "denial_reason", hostile("diniego", long=True))
    typed["act number"] = (authorised.review, "act_number", ACT_NUMBER)
    typed["closure note"] = (case, "closure_note", hostile("chiusura", long=True))
    events = list(CaseEvent.objects.filter(case=case))
    for label, long in (
        ("nota assegnazione", False),
        ("restituzione", True),
        ("rigetto", True),
        ("nota approvazione", False),
        ("diniego", True),
        ("nota autorizzazione", False),
        ("chiusura", True),
    ):
        found = [e for e in events if e.note.startswith(f"{label}:")]
        assert len(found) == 1, f"timeline note {label!r}: {len(found)} events"
        typed[f"timeline {label}"] = (found[0], "note", hostile(label, long=long))
    return h


@pytest.fixture
def hostile_case(demo: DemoTerritory, monkeypatch: pytest.MonkeyPatch) -> Hostile:
    return hostile_case_build(demo, monkeypatch)


# --- stored as typed ---------------------------------------------------------------------------------------


def test_every_free_text_is_stored_exactly_as_typed(hostile_case: Hostile) -> None:
    wrong = []
    for label, (obj, name, text) in hostile_case.typed.items():
        stored = getattr(type(obj).objects.get(pk=obj.pk), name)
        if stored != text:
            wrong.append(f"{label}: stored {stored[:80]!r}…, typed {text[:80]!r}…")
    assert not wrong, "\n".join(wrong)
    assert len(hostile_case.typed["journal"][2]) > 10_000


# --- shown as text -----------------------------------------------------------------------------------------

SHOWN_AS_TEXT = (*MARKUP, RLO)


def _inert(html: str, where: str, expected: list[str], *, with_script: bool = True) -> list[str]:
    """No active content; each expected text visible as text; markup only ever escaped in the source
    (`with_script`: the page shows a text holding the <script> payload, so its escaped form must be there)."""
    problems = [f"{where}: {p}" for p in active_content(html)]
    text = page_text(html)
    problems += [f"{where}: {e[:50]!r} not shown as text" for e in expected if bidi_escape(e) not in text]
    if BIDI_CONTROL_RE.search(html):
        problems.append(f"{where}: a raw bidirectional control in the HTML")
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        if raw in html:
            problems.append(f"{where}: raw {raw!r} in the HTML")
    if with_script and "&lt;script&gt;alert(1)&lt;/script&gt;" not in html:
        problems.append(f"{where}: the escaped <script> payload is missing")
    return problems


def test_pages_show_hostile_text_as_text(hostile_case: Hostile, client: Client, demo: DemoTerritory) -> None:
    case = hostile_case.case
    typed = hostile_case.typed
    u = demo.users
    problems: list[str] = []

    client.force_login(u["coordinatore"])
    detail = client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
    assert detail.status_code == 200
    on_case_page = [
        text.split("\n")[0].split("\r")[0]  # linebreaksbr turns line breaks into <br>: the first line
        for label, (_obj, _name, text) in typed.items()
        if label not in {"protocol subject", "sender reference"}
    ]
    problems += _inert(detail.content.decode(), "case page (coordinator)", on_case_page)
    assert "{{ 7*7 }}" in page_text(detail.content.decode())  # not 49: template syntax is never evaluated

    draft = hostile_case.draft
    assert draft is not None
    first_line = typed["protocol subject"][2].split("\n")[0]
    for name, url, user, expected, with_script in (
        ("worklist", reverse("worklists:home"), "coordinatore", [], False),
        ("case list", reverse("cases:list"), "coordinatore", [case.child.surname], False),
        ("case page (lead)", reverse("cases:detail", kwargs={"pk": case.pk}), "assistente", [], True),
        ("protocol register", reverse("protocol:list"), "protocollo", [first_line], True),
        (
            "proposal form",
            reverse("services:action", kwargs={"pk": draft.pk, "action": "modifica"}),
            "assistente",
            [typed["R1 motivation"][2].split("\n")[0]],
            True,
        ),
    ):
        client.force_login(u[user])
        response = client.get(url)
        assert response.status_code == 200, name
        problems += _inert(response.content.decode(), name, expected, with_script=with_script)
    assert not problems, "\n".join(problems)


def test_a_hostile_search_is_reflected_as_text(client: Client, demo: DemoTerritory) -> None:
    client.force_login(demo.users["coordinatore"])
    query = '"><script>alert(1)</script><img src=x onerror=alert(1)>{{ 7*7 }}'
    response = client.get(reverse("cases:list"), {"q": query})
    assert response.status_code == 200
    assert active_content(response.content.decode()) == []
    assert "<script>alert" not in response.content.decode()


def test_nul_in_a_search_is_dropped_not_an_error(client: Client, demo: DemoTerritory) -> None:
    """PostgreSQL refuses NUL even in a query parameter: the searches drop it rather than fail."""
    client.force_login(demo.users["coordinatore"])
    cases = client.get(reverse("cases:list"), {"q": "Ros\x00si"})
    comuni = client.get(reverse("core:municipality_search"), {"birth_place": "Mon\x00temurlo"})
    assert cases.status_code == 200
    assert comuni.status_code == 200
    assert "Montemurlo (PO)" in comuni.content.decode()


def test_the_audit_log_shows_hostile_reasons_as_text(client: Client, demo: DemoTerritory) -> None:
    """A stated reason (break-the-glass, annulment) reaches the DPO's pages: as text."""
    from django.urls import NoReverseMatch

    from tutela.audit.services import audit_record

    try:
        url = reverse("audit:event_list")
    except NoReverseMatch:
        pytest.skip("no audit pages")
    for _ in range(2):  # the page counts the events before recording its own read, which then tops the list
        audit_record(actor=demo.users["coordinatore"], action="cases.case.viewed", reason=hostile("motivo"))
    client.force_login(demo.users["dpo"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert _inert(html, "audit log", [hostile("motivo").split("\n")[0]]) == []


# --- printed as text ---------------------------------------------------------------------------------------


def test_letters_print_hostile_text_as_text(hostile_case: Hostile) -> None:
    """The HTML WeasyPrint is given has no markup of the user's, only escaped text; the PDFs it makes carry no
    script, link, launch action or embedded file."""
    letters, pdfs = hostile_case.letters, hostile_case.pdfs
    assert len(letters) == len(pdfs) == 3  # two approvals, one notice to the paying Comune
    problems: list[str] = []
    for number, html in enumerate(letters, start=1):
        problems += [f"letter {number}: {p}" for p in active_content(html)]
        for tag in ("<a ", "<img", "<svg", "<link", "<iframe", "<object"):
            if tag in html:
                problems.append(f"letter {number}: {tag} in the HTML")
    approval, _second_approval, notice = letters
    assert hostile("indirizzo scuola").split("\n")[0] in page_text(approval)  # the school's address, as text
    assert ACT_NUMBER in page_text(notice)
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in notice
    for number, pdf in enumerate(pdfs, start=1):
        assert pdf.startswith(b"%PDF-")
        structure = pdf_structure(pdf)
        problems += [f"PDF {number}: {key!r}" for key in PDF_ACTIVE_KEYS if key in structure]
    assert not problems, "\n".join(problems)


# --- typed into the forms ----------------------------------------------------------------------------------


def _forms(demo: DemoTerritory, case: Case, proposal: ServiceProposal) -> dict[str, Any]:
    """Every form with free text, built as its view builds it."""
    return {
        "IndirectReferralForm": lambda d: intake_forms.IndirectReferralForm(d),
        "DirectReferralForm": lambda d: intake_forms.DirectReferralForm(d),
        "NoteForm": lambda d: case_forms.NoteForm(d),
        "OptionalNoteForm": lambda d: case_forms.OptionalNoteForm(d),
        "AssignForm": lambda d: case_forms.AssignForm(d, case=case),
        "NoGroundsForm": lambda d: case_forms.NoGroundsForm(d),
        "SocialReportForm": lambda d: case_forms.SocialReportForm(d, with_assessment=True),
        "ClosureRequestForm": lambda d: case_forms.ClosureRequestForm(d),
        "JournalForm": lambda d: case_forms.JournalForm(d),
        "RelativeForm": lambda d: case_forms.RelativeForm(d),
        "MemberForm": lambda d: case_forms.MemberForm(d, case=case),
        "ReasonForm": lambda d: proposal_forms.ReasonForm(d),
        "ConfirmForm": lambda d: proposal_forms.ConfirmForm(d),
        "ProposalForm": lambda d: proposal_forms.ProposalForm(d, proposal=proposal),
        "AuthorisationForm": lambda d: proposal_forms.AuthorisationForm(d, proposal=proposal),
    }


def _text_fields(form: Any) -> list[str]:
    from django import forms

    return [
        name
        for name, f in form.fields.items()
        if isinstance(f, forms.CharField) and not isinstance(f, forms.ModelChoiceField)
    ]


def test_every_text_field_refuses_nul_with_an_italian_message(demo: DemoTerritory) -> None:
    from tutela.testing import factories

    proposal = factories.proposal_in(demo, "draft")
    wrong = []
    for name, build in _forms(demo, proposal.case, proposal).items():
        fields = _text_fields(build(None))
        assert fields, name
        form = build({f: "prima\x00dopo" for f in fields})
        form.is_valid()
        for f in fields:
            if NUL_MESSAGE not in form.errors.get(f, []):
                wrong.append(f"{name}.{f}: {form.errors.get(f)}")
    assert not wrong, "\n".join(wrong)
    assert str(NUL_MESSAGE).startswith("Il testo contiene un carattere nullo (NUL)")


def test_forms_keep_markup_and_control_characters_as_typed(demo: DemoTerritory) -> None:
    typed = hostile("diario", long=True)
    form = case_forms.JournalForm(
        {"kind": "note", "occurred_on": timezone.localdate().isoformat(), "text": typed}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["text"] == typed


def test_max_length_is_enforced_with_an_italian_message_and_long_texts_are_accepted(
    demo: DemoTerritory,
) -> None:
    form = intake_forms.DirectReferralForm(
        {"subject": "x" * 301, "surname": "x" * 101, "applicant_name": "x" * 201, "narrative": LONG * 3}
    )
    form.is_valid()
    assert form.errors["subject"] == [
        "Assicurati che questo valore non contenga più di 300 caratteri (ne ha 301)."
    ]
    assert form.errors["surname"] == [
        "Assicurati che questo valore non contenga più di 100 caratteri (ne ha 101)."
    ]
    assert form.errors["applicant_name"] == [
        "Assicurati che questo valore non contenga più di 200 caratteri (ne ha 201)."
    ]
    assert "narrative" not in form.errors  # a TextField: 30,000 characters are fine


def test_form_text_fields_are_no_longer_than_their_model_fields(demo: DemoTerritory) -> None:
    """A text longer than the column would fail in the database (PostgreSQL) instead of in the form."""
    pairs = [
        (intake_forms.DirectReferralForm, "subject", Referral, "subject"),
        (intake_forms.DirectReferralForm, "applicant_name", Referral, "applicant_name"),
        (intake_forms.DirectReferralForm, "applicant_relationship", Referral, "applicant_relationship"),
        (intake_forms.IndirectReferralForm, "sender_reference", ProtocolEntry, "sender_reference"),
        (intake_forms.ChildFields, "surname", Person, "surname"),
        (intake_forms.ChildFields, "given_name", Person, "given_name"),
        (intake_forms.ChildFields, "birth_country", Person, "birth_country"),
        (intake_forms.ChildFields, "citizenship", Person, "citizenship"),
        (intake_forms.ChildFields, "residence_address", Person, "residence_address"),
        (case_forms.MemberForm, "role_label", CaseMember, "role_label"),
        (proposal_forms.AuthorisationForm, "act_number", AdministrativeReview, "act_number"),
    ]
    for form_class, form_field, model, model_field in pairs:
        limit = model._meta.get_field(model_field).max_length
        declared = form_class.base_fields[form_field].max_length  # type: ignore[attr-defined]
        assert declared is not None and declared <= limit, f"{form_class.__name__}.{form_field}"


def test_the_journal_form_stores_hostile_text_and_refuses_nul(client: Client, demo: DemoTerritory) -> None:
    from tutela.testing import factories

    case = factories.in_care_case(demo)
    client.force_login(demo.users["assistente"])
    url = reverse("cases:journal_add", kwargs={"pk": case.pk})
    typed = hostile("diario via web", long=True)
    today = timezone.localdate().isoformat()

    refused = client.post(url, {"kind": "note", "occurred_on": today, "text": typed + "\x00"})
    assert refused.status_code == 200
    assert str(NUL_MESSAGE) in page_text(refused.content.decode())
    assert not [e for e in JournalEntry.objects.filter(case=case) if e.text.startswith("diario via web")]
    # The form comes back with what was typed, inside the textarea, as text.
    assert active_content(refused.content.decode()) == []

    stored = client.post(
        url, {"kind": "note", "occurred_on": today, "text": typed}, headers={"HX-Request": "true"}
    )
    assert stored.status_code == 200
    entry = JournalEntry.objects.filter(case=case).order_by("-pk").first()
    assert entry is not None and entry.text == typed
    assert active_content(stored.content.decode()) == []
    assert "<script>alert(1)</script>" in page_text(stored.content.decode())


def test_the_intake_form_echoes_hostile_input_as_text(client: Client, demo: DemoTerritory) -> None:
    """A refused form is shown again with what was typed in its inputs' value attributes: escaped."""
    client.force_login(demo.users["segretariato"])
    data = {
        "applicant_name": hostile("richiedente"),
        "applicant_relationship": short("rel"),
        "subject": hostile("oggetto"),
        "narrative": hostile("sintesi", long=True),
        "surname": short("cognome"),
        "given_name": short("nome"),
        "residence_address": hostile("via"),
        "urgency": "ordinary",
        "received_on": timezone.localdate().isoformat(),
        # no source: the form is refused and shown again
    }
    before = Referral.objects.count()
    response = client.post(reverse("intake:record_direct"), data)
    assert response.status_code == 200
    assert Referral.objects.count() == before
    html = response.content.decode()
    assert active_content(html) == []
    assert "<svg onload" not in html and "<script>alert" not in html
    assert short("cognome") in page_text(html) or 'value="cognome &lt;img' in html


# --- exported as text --------------------------------------------------------------------------------------

FORMULAS = ('=HYPERLINK("http://x")', "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1")


def test_exports_neutralise_formulas() -> None:
    exports = pytest.importorskip("tutela.core.exports")
    for value in FORMULAS:
        safe = exports.spreadsheet_safe(value)
        assert not str(safe).startswith(("=", "+", "-", "@", "\t", "\r")), value
        assert value in str(safe)  # neutralised, not altered
    for value in ("<script>alert(1)</script>", "{{ 7*7 }}", "Rossi", 42, None):
        assert exports.spreadsheet_safe(value) == value


def test_csv_and_xlsx_exports_hold_hostile_cells_as_text() -> None:
    exports = pytest.importorskip("tutela.core.exports")
    openpyxl = pytest.importorskip("openpyxl")
    rows = [[value, hostile("cella")] for value in FORMULAS]

    csv_response = exports.csv_response("prova", ["=intestazione", "testo"], rows)
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=exports.CSV_DELIMITER) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert csv_response["Content-Disposition"].startswith("attachment;")

    xlsx_response = exports.xlsx_response("prova", "Foglio", ["=intestazione", "testo"], rows)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content))).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in values if c.data_type == "f"]  # no cell is a formula
    assert not [c.value for c in values if str(c.value or "").startswith(("=", "+", "-", "@"))]
