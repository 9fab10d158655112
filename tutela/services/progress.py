"""The provider's update reports on the educational project (seed 003): they reach the paying Comune's
officer and the service in charge; one meant for the court follows the court-reporting path, through the
service, which registers it in the protocol and sends it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of, has_capability_on_case
from tutela.accounts.models import Organisation
from tutela.accounts.roles import Cap, Role
from tutela.audit.services import audit_record
from tutela.cases.services.events import case_event_record
from tutela.documents.pdf import pdf_render
from tutela.documents.services import attachment_store
from tutela.notifications.models import Communication
from tutela.notifications.services import communication_create
from tutela.protocol.models import ProtocolEntry
from tutela.protocol.services import protocol_entry_register
from tutela.services.educational import LEAD_ONLY, is_educational, is_lead, may_read_project, works_on
from tutela.services.models import Intervention, InterventionState, ProgressReport
from tutela.workflow import TransitionError


@dataclass(frozen=True)
class ProgressReportData:
    period_from: dt.date
    period_to: dt.date
    text: str
    for_court: bool = False


def may_read_reports(user: Any, intervention: Intervention) -> bool:
    """The reports go to the service (confidential readers of the case), stay with those who work on the
    intervention and reach the officer of the Comune that pays for it (seed 003)."""
    if may_read_project(user, intervention):
        return True
    return any(
        g.role == Role.MUNICIPALITY_OFFICER and g.municipality_id == intervention.paying_municipality_id
        for g in grants_of(user)
    )


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _report_validate(intervention: Intervention, data: ProgressReportData) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if data.period_to > today:
        errors["period_to"] = _("Il periodo non può terminare nel futuro.")
    if data.period_from > data.period_to:
        errors["period_from"] = _("L'inizio del periodo non può seguirne la fine.")
    elif intervention.started_on and data.period_from < intervention.started_on:
        errors["period_from"] = _(
            "Il periodo non può iniziare prima dell'avvio dell'intervento (%(day)s)."
        ) % {"day": _d(intervention.started_on)}
    if not data.text.strip():
        errors["text"] = _("Scrivere l'andamento del progetto nel periodo.")
    if errors:
        raise ValidationError(errors)


def _paying_office(intervention: Intervention) -> Organisation | None:
    return Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, municipality=intervention.paying_municipality, active=True
    ).first()


def _municipality_notice(report: ProgressReport, actor: Any) -> Communication:
    """Tell the paying Comune's office that the report is in Tutela; the text itself is not e-mailed."""
    intervention = report.intervention
    case = intervention.case
    office = _paying_office(intervention)
    subject = _("Pratica %(code)s: relazione di aggiornamento dell'ente erogatore") % {"code": case.code}
    body = _(
        "%(provider)s ha inviato la relazione di aggiornamento sul progetto educativo della pratica %(code)s "
        "per il periodo dal %(from)s al %(to)s.\n"
        "La relazione è consultabile in Tutela dagli operatori abilitati del Comune.\n\n%(territory)s"
    ) % {
        "provider": intervention.provider or _("L'ente erogatore"),
        "code": case.code,
        "from": _d(report.period_from),
        "to": _d(report.period_to),
        "territory": case.territory.name,
    }
    return communication_create(
        case=case,
        kind=Communication.Kind.PROGRESS_REPORT_NOTICE,
        actor=actor,
        subject=subject,
        body=body,
        recipient_email=office.email if office else "",
        recipient_organisation=office,
        recipient_municipality=intervention.paying_municipality,
    )


def progress_report_submit(
    *, intervention: Intervention, actor: Any, data: ProgressReportData
) -> ProgressReport:
    """Seed 003: the provider (its coordinator or an assigned educator) reports on a period of the project."""
    with transaction.atomic():
        locked = (
            Intervention.objects.select_for_update(of=("self",))
            .select_related("case__territory", "service_type", "provider", "paying_municipality")
            .get(pk=intervention.pk)
        )
        if not (
            is_educational(locked)
            and works_on(actor, locked)
            and has_capability_on_case(actor, Cap.PROGRESS_REPORT_WRITE, locked.case)
        ):
            raise TransitionError(
                _(
                    "Solo il coordinatore dell'ente erogatore o un educatore assegnato possono inviare relazioni."
                )
            )
        if locked.state == InterventionState.PLANNED:
            raise TransitionError(
                _("L'intervento non è ancora stato avviato: non c'è un periodo da relazionare.")
            )
        _report_validate(locked, data)
        report = ProgressReport.objects.create(
            intervention=locked,
            author=actor,
            period_from=data.period_from,
            period_to=data.period_to,
            text=data.text.strip(),
            for_court=data.for_court,
        )
        _municipality_notice(report, actor)
        case_event_record(
            case=locked.case,
            actor=actor,
            code="services.progress_report.submitted",
            description=_("Relazione di aggiornamento dell'ente erogatore (%(from)s - %(to)s)%(court)s")
            % {
                "from": _d(data.period_from),
                "to": _d(data.period_to),
                "court": _(", destinata all'autorità giudiziaria") if data.for_court else "",
            },
        )
        audit_record(
            actor=actor,
            action="services.progress_report.submitted",
            obj=report,
            case_id=locked.case_id,
            data={"for_court": data.for_court},
        )
    return report


def progress_report_mark_read(*, report: ProgressReport, actor: Any) -> ProgressReport:
    """The lead social worker opening the report marks it read by the service (once)."""
    case = report.intervention.case
    if report.read_by_service_at is not None or not is_lead(actor, case):
        return report
    with transaction.atomic():
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if locked.read_by_service_at is None:
            locked.read_by_service_at = timezone.now()
            locked.save(update_fields=["read_by_service_at"])
            audit_record(actor=actor, action="services.progress_report.read", obj=locked, case_id=case.pk)
    report.read_by_service_at = locked.read_by_service_at
    return report


def court_organisations() -> Any:
    return Organisation.objects.filter(kind=Organisation.Kind.COURT, active=True).order_by("name")


def _court_letter(report: ProgressReport, actor: Any, court: Organisation, subject: str) -> Any:
    intervention = report.intervention
    case = intervention.case

    def render(entry: ProtocolEntry) -> Any:
        context = {
            "entry": entry,
            "case": case,
            "child": case.child,
            "territory": case.territory,
            "report": report,
            "intervention": intervention,
            "recipients": [court],
            "subject": subject,
            "signatory": actor,
        }
        content = pdf_render("services/letters/progress_report_court.html", context)
        return attachment_store(
            content=content,
            original_name=f"{case.code}-{entry.year}-{entry.number:07d}.pdf",
            actor=actor,
            case=case,
            title=subject,
            confidential=True,  # the report's text: the case's confidential readers only
        )

    return render


def progress_report_transmit(*, report: ProgressReport, actor: Any, court: Organisation) -> ProgressReport:
    """Seed 003: a report for the court goes the way of every communication to the court: the lead social
    worker transmits it, registered as outgoing protocol with its PDF, and it is sent to the court."""
    with transaction.atomic():
        locked = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related(
                "intervention__case__territory",
                "intervention__case__child",
                "intervention__provider",
                "author",
            )
            .get(pk=report.pk)
        )
        case = locked.intervention.case
        if not is_lead(actor, case):
            raise TransitionError(str(LEAD_ONLY))
        if not locked.for_court:
            raise TransitionError(_("La relazione non è destinata all'autorità giudiziaria."))
        if locked.court_protocol_id is not None:
            raise TransitionError(_("La relazione è già stata trasmessa all'autorità giudiziaria."))
        if court.kind != Organisation.Kind.COURT or not court.active:
            raise ValidationError({"court": _("Scegliere un'autorità giudiziaria.")})
        register = case.territory.protocol_register
        if register is None:
            raise TransitionError(_("Il territorio non ha un registro di protocollo configurato."))
        subject = _("Pratica %(code)s: relazione di aggiornamento sul progetto educativo") % {
            "code": case.code
        }
        entry = protocol_entry_register(
            register=register,
            direction=ProtocolEntry.Direction.OUTGOING,
            actor=actor,
            correspondents=court.name,
            subject=subject,
            render_document=_court_letter(locked, actor, court, subject),
            correspondent_organisation=court,
            forbidden_names=[case.child.surname, case.child.given_name],
        )
        locked.court_protocol = entry
        locked.transmitted_by = actor
        locked.save(update_fields=["court_protocol", "transmitted_by"])
        communication_create(
            case=case,
            kind=Communication.Kind.COURT_TRANSMISSION,
            actor=actor,
            subject=subject,
            body=_(
                "Si trasmette in allegato la relazione di aggiornamento prot. n. %(number)s relativa alla pratica "
                "%(code)s.\n\n%(territory)s"
            )
            % {"number": entry.display_number, "code": case.code, "territory": case.territory.name},
            recipient_email=court.email,
            recipient_organisation=court,
            document=entry.document,
            protocol_entry=entry,
        )
        case_event_record(
            case=case,
            actor=actor,
            code="services.progress_report.transmitted",
            description=_("Relazione di aggiornamento trasmessa a %(court)s") % {"court": court.name},
            protocol_entry=entry,
        )
        audit_record(
            actor=actor,
            action="services.progress_report.transmitted",
            obj=locked,
            case_id=case.pk,
            data={"court": court.pk, "protocol": entry.display_number},
        )
    return locked
