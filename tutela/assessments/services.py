from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.roles import Cap
from tutela.assessments.models import Assessment, SocialReport
from tutela.audit.services import audit_record
from tutela.cases.models import Case, CaseState
from tutela.cases.services.events import case_event_record
from tutela.cases.workflow import CASE_WORKFLOW
from tutela.reference.models import Code, CodeList
from tutela.workflow import TransitionError


@dataclass(frozen=True)
class AssessmentData:
    summary: str
    child_problem: Code | None = None
    family_problem: Code | None = None


@dataclass(frozen=True)
class ReportData:
    kind: str
    facts: str
    evaluations: str
    statements: str = ""
    proposals: str = ""


def _assessment_validate(data: AssessmentData) -> None:
    errors: dict[str, str] = {}
    if not data.summary.strip():
        errors["summary"] = _("La sintesi della valutazione è obbligatoria.")
    if data.child_problem is not None and data.child_problem.code_list != CodeList.CHILD_PROBLEM:
        errors["child_problem"] = _("Problematica del minore non valida.")
    if data.family_problem is not None and data.family_problem.code_list != CodeList.FAMILY_PROBLEM:
        errors["family_problem"] = _("Problematica della famiglia non valida.")
    if errors:
        raise ValidationError(errors)


def _assessment_create(case: Case, actor: Any, data: AssessmentData, grounds: bool) -> Assessment:
    assessment = Assessment.objects.create(
        case=case,
        grounds=grounds,
        child_problem=data.child_problem,
        family_problem=data.family_problem,
        summary=data.summary.strip(),
        assessed_by=actor,
        assessed_at=timezone.now(),
    )
    audit_record(actor=actor, action="assessments.assessment.created", obj=assessment, case_id=case.pk)
    return assessment


def case_close_no_grounds(*, case: Case, actor: Any, assessment: AssessmentData) -> Case:
    """Seed 000 step 3, "presupposti: no": record the assessment and close the case with its reason."""
    _assessment_validate(assessment)

    def effect(locked: Case) -> Sequence[str]:
        _assessment_create(locked, actor, assessment, grounds=False)
        locked.closed_at = timezone.now()
        locked.closure_note = assessment.summary.strip()
        return ["closed_at", "closure_note"]

    return CASE_WORKFLOW.apply(case, "close_no_grounds", actor=actor, effect=effect, note=assessment.summary)


def _report_validate(report: ReportData, proposal: Any) -> None:
    errors: dict[str, str] = {}
    if report.kind not in SocialReport.Kind.values:
        errors["kind"] = _("Tipo di relazione non valido.")
    if not report.facts.strip():
        errors["facts"] = _("Descrivere i fatti osservati.")
    if not report.evaluations.strip():
        errors["evaluations"] = _("Le valutazioni professionali sono obbligatorie.")
    if report.kind == SocialReport.Kind.WITH_OUTCOME and proposal is None:
        errors["service_type"] = _("Una relazione con esito deve proporre un servizio.")
    if report.kind == SocialReport.Kind.PROFESSIONAL and proposal is not None:
        errors["service_type"] = _("Una relazione di sola attività professionale non propone servizi.")
    if errors:
        raise ValidationError(errors)


def social_report_file(
    *,
    case: Case,
    actor: Any,
    report: ReportData,
    assessment: AssessmentData | None = None,
    proposal: Any = None,
) -> SocialReport:
    """File a social report (seed 000 step 3). In assessment it takes the case in charge; with an outcome it
    opens a draft proposal for the coordinator (`proposal` is a services.ProposalData)."""
    from tutela.services.services import proposal_create_draft

    _report_validate(report, proposal)
    if case.state == CaseState.ASSESSMENT:
        if assessment is None:
            raise ValidationError({"summary": _("La sintesi della valutazione è obbligatoria.")})
        _assessment_validate(assessment)
    elif case.state != CaseState.IN_CARE:
        raise TransitionError(
            _("Una relazione sociale si deposita solo su pratiche in valutazione o in carico.")
        )
    with transaction.atomic():
        created: dict[str, SocialReport] = {}

        def effect(locked: Case) -> Sequence[str]:
            linked = _assessment_create(locked, actor, assessment, grounds=True) if assessment else None
            created["report"] = _report_create(locked, actor, report, linked)
            if locked.state == CaseState.ASSESSMENT and locked.in_care_since is None:
                locked.in_care_since = timezone.now()  # a reopened case keeps its first time
                return ["in_care_since"]
            return []

        if case.state == CaseState.ASSESSMENT:
            case = CASE_WORKFLOW.apply(case, "take_in_charge", actor=actor, effect=effect)
        else:
            _lead_check(case, actor)
            effect(case)
        social_report = created["report"]
        if proposal is not None:
            proposal_create_draft(case=case, actor=actor, social_report=social_report, data=proposal)
    return social_report


def _lead_check(case: Case, actor: Any) -> None:
    """A report on a case in care: only its lead social worker, with the assessing capability."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    allowed = (
        locked.state == CaseState.IN_CARE
        and locked.lead_social_worker_id == actor.pk
        and has_capability(actor, Cap.CASE_ASSESS, locked.territory_id)
    )
    if not allowed:
        raise TransitionError(
            _("Solo l'assistente sociale referente può depositare relazioni su questa pratica.")
        )


def _report_create(case: Case, actor: Any, report: ReportData, assessment: Assessment | None) -> SocialReport:
    social_report = SocialReport.objects.create(
        case=case,
        assessment=assessment,
        kind=report.kind,
        facts=report.facts.strip(),
        statements=report.statements.strip(),
        evaluations=report.evaluations.strip(),
        proposals=report.proposals.strip(),
        author=actor,
        filed_at=timezone.now(),
    )
    case_event_record(
        case=case,
        actor=actor,
        code="assessments.social_report.filed",
        description=_("Relazione sociale depositata (%(kind)s)")
        % {"kind": social_report.get_kind_display().lower()},
    )
    audit_record(actor=actor, action="assessments.social_report.filed", obj=social_report, case_id=case.pk)
    return social_report
