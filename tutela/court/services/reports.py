"""Reports to the judicial authority: drafted in four separate sections, filed as an outgoing protocol
registration addressed to the authority with the PDF, and copied for the parties without what the author marks
as not disclosable (art. 473-bis.27 c.p.c.: the parties may read the reports and take copies)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.court.models import (
    SECTION_ORDER,
    CourtDuty,
    CourtMandate,
    CourtOrder,
    CourtReport,
    CourtReportSection,
    Disclosure,
    ReportMethod,
    ReportPurpose,
    ReportState,
    SectionKind,
)
from tutela.court.services.common import court_write_check, protocol_register_of, refuse
from tutela.court.services.orders import duty_report_filed, mandate_report_filed, periodic_report_filed
from tutela.court.workflow import REPORT_WORKFLOW
from tutela.documents.pdf import pdf_render
from tutela.documents.services import attachment_store
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_register
from tutela.workflow import TransitionError

REPORT_TEMPLATE = "court/letters/report.html"


@dataclass(frozen=True)
class SectionData:
    text: str = ""
    disclosure: str = Disclosure.FULL
    redacted_text: str = ""


@dataclass(frozen=True)
class ReportContent:
    sections: Mapping[str, SectionData]
    methods: Sequence[str] = field(default_factory=tuple)


def court_report_create(
    *,
    order: CourtOrder,
    actor: Any,
    purpose: str,
    mandate: CourtMandate | None = None,
    duty: CourtDuty | None = None,
) -> CourtReport:
    """Open a draft report answering the order's periodic term, a mandate or a duty."""
    _purpose_validate(order, purpose, mandate, duty)
    with transaction.atomic():
        case = court_write_check(actor, order.case)
        report = CourtReport.objects.create(
            case=case,
            order=order,
            purpose=purpose,
            mandate=mandate if purpose == ReportPurpose.MANDATE else None,
            duty=duty if purpose == ReportPurpose.DUTY else None,
            author=actor,
        )
        for kind in SectionKind.values:
            CourtReportSection.objects.create(report=report, kind=kind)
        audit_record(actor=actor, action="court.report.created", obj=report, case_id=case.pk)
    return report


def _purpose_validate(
    order: CourtOrder, purpose: str, mandate: CourtMandate | None, duty: CourtDuty | None
) -> None:
    errors: dict[str, str] = {}
    if purpose not in ReportPurpose.values:
        errors["purpose"] = _("Tipo di relazione non valido.")
    elif purpose == ReportPurpose.PERIODIC and order.first_report_due is None:
        errors["purpose"] = _("Il provvedimento non prevede relazioni periodiche.")
    elif purpose == ReportPurpose.MANDATE and (
        mandate is None or mandate.order_id != order.pk or not mandate.is_open
    ):
        errors["mandate"] = _("Scegliere un incarico aperto di questo provvedimento.")
    elif purpose == ReportPurpose.DUTY and (duty is None or duty.order_id != order.pk or not duty.is_open):
        errors["duty"] = _("Scegliere un adempimento aperto di questo provvedimento.")
    refuse(errors)


def court_report_update(*, report: CourtReport, actor: Any, content: ReportContent) -> CourtReport:
    """Save the draft: the four sections, what the parties' copy shows of each, the methods used."""
    errors: dict[str, str] = {}
    if any(m not in ReportMethod.values for m in content.methods):
        errors["methods"] = _("Metodo non valido.")
    for kind, data in content.sections.items():
        if kind not in SectionKind.values:
            errors["__all__"] = _("Sezione della relazione non valida.")
        elif data.disclosure not in Disclosure.values:
            errors[f"{kind}_disclosure"] = _("Scelta non valida per la copia destinata alle parti.")
    refuse(errors)
    with transaction.atomic():
        court_write_check(actor, report.case)
        report = CourtReport.objects.select_for_update().get(pk=report.pk)
        if report.state != ReportState.DRAFT:
            raise TransitionError(_("La relazione è già depositata: non si può più modificare."))
        report.methods = list(dict.fromkeys(content.methods))
        report.save(update_fields=["methods", "updated_at"])
        for section in report.sections.all():
            given = content.sections.get(section.kind)
            if given is None:
                continue
            section.text = given.text.strip()
            section.disclosure = given.disclosure
            section.redacted_text = (
                given.redacted_text.strip() if given.disclosure == Disclosure.REDACTED else ""
            )
            section.save(update_fields=["text", "disclosure", "redacted_text"])
        audit_record(actor=actor, action="court.report.updated", obj=report, case_id=report.case_id)
    return report


def report_sections(report: CourtReport) -> list[CourtReportSection]:
    return sorted(report.sections.all(), key=lambda s: SECTION_ORDER[s.kind])


def report_file_refusal(report: CourtReport) -> str | None:
    """Why the draft cannot be filed yet (a report without facts, without evaluations, …), or None."""
    sections = {s.kind: s for s in report.sections.all()}
    problems = []
    for kind in (SectionKind.FACTS, SectionKind.EVALUATIONS):
        if not sections[kind].text.strip():
            problems.append(_("la sezione «%(section)s» è vuota") % {"section": SectionKind(kind).label})
    if not report.methods and not sections[SectionKind.METHODS].text.strip():
        problems.append(_("non sono indicati i metodi utilizzati (colloqui, visite domiciliari, test, …)"))
    for section in report_sections(report):
        if section.disclosure == Disclosure.REDACTED and not section.redacted_text.strip():
            problems.append(
                _("per la sezione «%(section)s» manca il testo ridotto destinato alle parti")
                % {"section": section.get_kind_display()}
            )
    if not problems:
        return None
    return _("La relazione non può essere depositata: %(problems)s.") % {"problems": "; ".join(problems)}


def court_report_file(*, report: CourtReport, actor: Any) -> CourtReport:
    """File the report: outgoing protocol registration addressed to the authority with the PDF, a separate PDF
    for the parties, and the deadline it answers done (a periodic report gets the next one)."""
    reason = report_file_refusal(report)
    if reason is not None:
        raise TransitionError(reason)
    register = protocol_register_of(report.case)

    def effect(locked: CourtReport) -> list[str]:
        reason = report_file_refusal(locked)  # the draft may have changed since the check above
        if reason is not None:
            raise TransitionError(reason)
        entry = _register(locked, register, actor)
        locked.protocol_entry = entry
        locked.document = entry.document
        locked.disclosable_document = _disclosable_store(locked, entry, actor)
        locked.filed_at = timezone.now()
        locked.filed_by = actor
        _deadlines_answered(locked, actor)
        return ["protocol_entry", "document", "disclosable_document", "filed_at", "filed_by"]

    return REPORT_WORKFLOW.apply(
        report, "file", actor=actor, effect=effect, protocol_entry=lambda r: r.protocol_entry
    )


def _deadlines_answered(report: CourtReport, actor: Any) -> None:
    if report.purpose == ReportPurpose.PERIODIC:
        periodic_report_filed(order=report.order, actor=actor)
    elif report.purpose == ReportPurpose.MANDATE and report.mandate is not None:
        mandate = CourtMandate.objects.select_for_update().get(pk=report.mandate.pk)
        if mandate.is_open:
            mandate_report_filed(mandate=mandate, actor=actor)
    elif report.purpose == ReportPurpose.DUTY and report.duty is not None:
        duty = (
            CourtDuty.objects.select_for_update(of=("self",)).select_related("order").get(pk=report.duty.pk)
        )
        if duty.is_open:
            duty_report_filed(duty=duty, actor=actor)


def report_subject(report: CourtReport) -> str:
    proceeding = report.order.proceeding
    return _("Pratica %(code)s: %(purpose)s — RG %(rg)s") % {
        "code": report.case.code,
        "purpose": report.get_purpose_display().lower(),
        "rg": proceeding.rg_label,
    }


def _register(report: CourtReport, register: Any, actor: Any) -> ProtocolEntry:
    authority = report.order.proceeding.authority
    child = report.case.child
    subject = report_subject(report)

    def render(entry: ProtocolEntry) -> Any:
        content = pdf_render(REPORT_TEMPLATE, report_document_context(report, entry, disclosable=False))
        return attachment_store(
            content=content,
            original_name=f"{report.case.code}-relazione-{entry.year}-{entry.number:07d}.pdf",
            actor=actor,
            case=report.case,
            title=subject,
            confidential=True,
        )

    return protocol_entry_register(
        register=register,
        direction=ProtocolEntry.Direction.OUTGOING,
        actor=actor,
        correspondents=authority.name,
        correspondent_organisation=authority.organisation,
        subject=subject,
        render_document=render,
        forbidden_names=[child.surname, child.given_name],
    )


def _disclosable_store(report: CourtReport, entry: ProtocolEntry, actor: Any) -> Any:
    content = pdf_render(REPORT_TEMPLATE, report_document_context(report, entry, disclosable=True))
    return attachment_store(
        content=content,
        original_name=f"{report.case.code}-relazione-{entry.year}-{entry.number:07d}-copia-parti.pdf",
        actor=actor,
        case=report.case,
        title=_("%(subject)s — copia per le parti") % {"subject": report_subject(report)},
        confidential=True,
    )


def report_document_context(report: CourtReport, entry: ProtocolEntry | None, *, disclosable: bool) -> dict:
    """What the PDF shows. The parties' copy has, for each section, the text, the redacted text or nothing."""
    sections = []
    for section in report_sections(report):
        text = section.disclosed_text if disclosable else section.text
        methods = report.method_labels if section.kind == SectionKind.METHODS else []
        if text is None or not (text or methods):
            continue
        sections.append(
            {
                "label": section.get_kind_display(),
                "text": text,
                "redacted": disclosable and section.disclosure == Disclosure.REDACTED,
                "methods": methods,
            }
        )
    order = report.order
    authority = order.proceeding.authority
    return {
        "report": report,
        "entry": entry,
        "case": report.case,
        "child": report.case.child,
        "territory": report.case.territory,
        "order": order,
        "proceeding": order.proceeding,
        "authority": authority,
        "organisation": authority.organisation,
        "sections": sections,
        "withheld": disclosable and any(s.disclosure != Disclosure.FULL for s in report.sections.all()),
        "disclosable": disclosable,
        "subject": report_subject(report),
        "author": report.author,
    }


def report_document_html(report: CourtReport, *, disclosable: bool) -> str:
    """The HTML the PDF is rendered from (the preview of a draft, and what the tests read)."""
    return render_to_string(
        REPORT_TEMPLATE, report_document_context(report, report.protocol_entry, disclosable=disclosable)
    )
