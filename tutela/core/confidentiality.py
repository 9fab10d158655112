"""The confidentiality class of every free text Tutela stores (DESIGN.md section 5; ADR 0017).

A text's class is decided by what it is, never by the page that happens to show it:

- ORDINARY: what everyone who reaches the case may read (names, subjects, administrative acts and their reasons,
  what the provider and the Comune write or must know to do their part);
- CONFIDENTIAL: the professional content of the file (assessments, social reports, referral narratives, meeting
  minutes, observations, the reasons of a coordinator's evaluation, notes of a transition);
- COURT: what reveals or quotes a judicial proceeding (orders, measures, reports to the court, art. 403);
- CLINICAL: health content (a confidential journal entry about a contact with the health services).

STRUCTURED marks a text column that is not free text at all (codes, hashes, identifiers, machine values): no class
applies and nothing is ever planted in it by the confidentiality test.

Every free-text column of every Tutela model must be listed in FIELD_CLASSES: a test reads the models and fails on
a column without a class, so a new field is classified when it is added. Where the class depends on the row (a
journal entry marked confidential, a timeline note quoting an assessment), ROW_CLASSES says how to read it.
Who may read which class on which case is the access helper's answer (accounts.access.can_read_class); pages
render non-ordinary text only through it (accounts.access.readable_text and the `readable` template tag).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Secrecy(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinario")
    CONFIDENTIAL = "confidential", _("Riservato")
    COURT = "court", _("Giudiziario")
    CLINICAL = "clinical", _("Sanitario")


STRUCTURED = "structured"

# Short names for the table below.
ORD, CONF, COURT, STRUCT = Secrecy.ORDINARY, Secrecy.CONFIDENTIAL, Secrecy.COURT, STRUCTURED

FIELD_CLASSES: dict[str, dict[str, str]] = {
    # Audit: read by the DPO; the reason is an access justification written for that review.
    "audit.AuditEvent": {
        "actor_roles": STRUCT,
        "action": STRUCT,
        "object_type": STRUCT,
        "object_id": STRUCT,
        "reason": ORD,
        "prev_hash": STRUCT,
        "hash": STRUCT,
    },
    "audit.AuditChainHead": {"last_hash": STRUCT},
    "reference.Code": {"code_list": STRUCT, "code": STRUCT, "label": ORD},
    "accounts.Municipality": {
        "istat_code": STRUCT,
        "belfiore_code": STRUCT,
        "name": ORD,
        "province_code": STRUCT,
        "province_abbr": STRUCT,
        "region_name": ORD,
    },
    "accounts.Organisation": {"name": ORD, "email": ORD, "address": ORD},
    "accounts.LoginLockout": {"key": STRUCT},
    "accounts.Territory": {"name": ORD, "case_code_prefix": STRUCT},
    "accounts.Team": {"name": ORD},
    "accounts.User": {
        "password": STRUCT,
        "username": STRUCT,
        "first_name": ORD,
        "last_name": ORD,
        "email": ORD,
        "profession": ORD,
    },
    # The emergency access's reason and review are written for the coordinator's and the DPO's review.
    "accounts.BreakGlassAccess": {"reason": ORD, "review_note": ORD},
    "people.Person": {
        "surname": ORD,
        "given_name": ORD,
        "fiscal_code": STRUCT,
        "birth_country": ORD,
        "citizenship": ORD,
        "residence_address": ORD,
        "domicile_address": ORD,
        "phone": ORD,
        "surname_key": STRUCT,
        "given_name_key": STRUCT,
    },
    # What the social worker notes about a family tie (violence, estrangement): confidential.
    "people.Relationship": {"note": CONF},
    "documents.Attachment": {"original_name": ORD, "content_type": STRUCT, "sha256": STRUCT, "title": ORD},
    "protocol.ProtocolRegister": {"code": STRUCT, "aoo_code": STRUCT, "name": ORD},
    # Protocol subjects never carry names nor the facts (DESIGN.md section 5): the register is ordinary.
    "protocol.ProtocolEntry": {
        "correspondents": ORD,
        "subject": ORD,
        "document_sha256": STRUCT,
        "sender_reference": ORD,
        "classification": STRUCT,
        "annulment_reason": ORD,
    },
    "cases.Case": {"code": STRUCT, "closure_note": CONF},
    "cases.CaseMember": {"role_label": ORD},
    # A timeline note quotes what its act carries (an assessment, a coordinator's reasons): its class is the
    # row's own (CaseEvent.note_class), set by the service that writes it.
    "cases.CaseEvent": {
        "code": STRUCT,
        "description": ORD,
        "from_state": STRUCT,
        "to_state": STRUCT,
        "note": CONF,
    },
    # The author marks a journal entry confidential (then clinical when it is about the health services).
    "cases.JournalEntry": {"text": ORD},
    # The subject is the ordinary summary the Comune and the desk read; the narrative holds the facts.
    "intake.Referral": {
        "applicant_name": ORD,
        "applicant_relationship": ORD,
        "subject": ORD,
        "narrative": CONF,
    },
    "assessments.Assessment": {"summary": CONF},
    "assessments.SocialReport": {"facts": CONF, "statements": CONF, "evaluations": CONF, "proposals": CONF},
    "services.ServiceType": {
        "code": STRUCT,
        "name": ORD,
        "macro_area": STRUCT,
        "siuss_code": STRUCT,
        "nomenclatore_code": STRUCT,
        "fnps_level": STRUCT,
    },
    "services.Contract": {"reference": ORD, "note": ORD},
    "services.Facility": {"name": ORD, "address": ORD},
    "services.FosterCarer": {"name": ORD, "address": ORD, "note": ORD},
    "services.DeclaredRelationship": {"relation": ORD},
    # The motivation is written for the administrative review and the paying Comune (the form says so); the
    # coordinator's reasons for returning or rejecting a proposal are a professional evaluation.
    "services.ServiceProposal": {"motivation": ORD, "return_reason": CONF, "rejection_reason": CONF},
    # The administrative office's acts and the reason of a denial (L. 241/1990 art. 3: an act's motivation is
    # communicated to whom it concerns).
    "services.AdministrativeReview": {
        "act_number": ORD,
        "commitment_number": ORD,
        "dsu_protocol": ORD,
        "denial_reason": ORD,
    },
    "services.Intervention": {"end_reason": CONF},
    "services.Suspension": {"reason": CONF},
    # What the provider writes for its work and the paying Comune: the educator's activity, the PEI, the
    # progress reports, the managing body's controls.
    "services.DeliveryRecord": {"activity": ORD},
    "services.EducationalProject": {"general_objective": ORD, "family_involvement": ORD},
    "services.ProjectGoal": {"description": ORD, "actions": ORD, "responsible": ORD},
    "services.ProgressReport": {"text": ORD},
    "services.MonitoringEntry": {"text": CONF},
    "services.DeliveryControl": {"findings": ORD, "follow_up": ORD, "provider_reply": ORD},
    "deadlines.Deadline": {"description": ORD},
    "deadlines.Reminder": {"error": STRUCT},
    "deadlines.CalendarFeedToken": {"token_hash": STRUCT},
    # Letters and e-mails go to their recipients outside the service: ordinary by construction.
    "notifications.Communication": {
        "recipient_email": ORD,
        "subject": ORD,
        "body": ORD,
        "send_error": STRUCT,
    },
    "meetings.MeetingSeries": {"title": ORD, "place": ORD},
    # The agenda and the minutes of a meeting about a case are confidential; those of a meeting of the territory
    # (coordination, the anti-violence network) are read by its participants (ROW_CLASSES). A decision says who
    # does what by when: the participants act on it, and it becomes their deadline.
    "meetings.Meeting": {
        "title": ORD,
        "place": ORD,
        "agenda": CONF,
        "minutes": CONF,
        "cancellation_reason": ORD,
    },
    "meetings.MeetingDecision": {"text": ORD},
    "meetings.Network": {"name": ORD, "programme": ORD},
    "meetings.NetworkPartner": {"role": ORD},
    "meetings.NetworkAgreement": {"title": ORD, "act_reference": ORD},
    "meetings.AutonomyPath": {"notes": CONF},
    "meetings.MicroTeam": {"purpose": ORD},
    "meetings.MicroTeamMember": {"full_name": ORD, "profession": ORD},
    "meetings.Room": {"name": ORD, "place": ORD},
    "meetings.VisitArrangement": {"frequency_note": ORD, "order_reference": COURT, "notes": CONF},
    # The supervising operator reads the observations they wrote (AUTHORS); why a visit did not take place is the
    # visit's own business, like a meeting's cancellation.
    "meetings.SupervisedVisit": {"observations": CONF, "cancellation_note": ORD},
    "returns.SinbaChildData": {"residence_country": STRUCT, "citizenship_code": STRUCT},
    "returns.ReportingBody": {"siuss_code": STRUCT, "name": ORD, "operator_fiscal_code": STRUCT},
    "returns.ReturnBatch": {
        "file_name": STRUCT,
        "sha256": STRUCT,
        "validation_errors": STRUCT,
        "failure_reason": STRUCT,
    },
    "court.JudicialAuthority": {"name": ORD, "seat": ORD},
    "court.CourtProceeding": {
        "rg_number": COURT,
        "judge_name": COURT,
        "guardian_name": COURT,
        "special_curator_name": COURT,
        "notes": COURT,
    },
    "court.CourtOrder": {"number": COURT, "prescriptions": COURT},
    "court.OrderMeasure": {"details": COURT},
    "court.CourtDuty": {"description": COURT, "details": COURT},
    "court.CourtMandate": {"details": COURT},
    "court.EmergencyPlacement": {"place": COURT, "placing_authority_detail": COURT, "reasons": COURT},
    "court.Art403Step": {"who": COURT, "note": COURT},
    "court.Art403Notice": {"email_error": STRUCT},
    "court.CourtReportSection": {"text": COURT, "redacted_text": COURT},
    # Objectives, indicators and surveys: the service's own planning, and anonymous answers.
    "indicators.Objective": {
        "code": STRUCT,
        "title": ORD,
        "description": ORD,
        "direction": ORD,
        "director": ORD,
        "service": ORD,
        "classification": ORD,
        "kind": ORD,
        "dup_strategic_line": ORD,
        "dup_strategic_objective": ORD,
        "peg_reference": ORD,
        "responsible": ORD,
    },
    "indicators.Phase": {"title": ORD, "responsible": ORD, "responsibility_centre": ORD, "note": ORD},
    "indicators.Indicator": {"description": ORD, "metric_key": STRUCT, "actual_note": ORD},
    "surveys.Questionnaire": {"title": ORD, "introduction": ORD},
    "surveys.Question": {"text": ORD},
    "surveys.AnswerToken": {"token_hash": STRUCT},
    "surveys.Answer": {"text": ORD},
}


def _journal_class(entry: Any) -> str:
    if not entry.confidential:
        return Secrecy.ORDINARY
    return Secrecy.CLINICAL if entry.kind == "health_contact" else Secrecy.CONFIDENTIAL


def _meeting_class(meeting: Any) -> str:
    return Secrecy.CONFIDENTIAL if meeting.case_id else Secrecy.ORDINARY


# Where a row says its own class: (model label, field) → the row's class.
ROW_CLASSES: dict[tuple[str, str], Callable[[Any], str]] = {
    ("cases.JournalEntry", "text"): _journal_class,
    ("cases.CaseEvent", "note"): lambda event: event.note_class,
    ("meetings.Meeting", "agenda"): _meeting_class,
    ("meetings.Meeting", "minutes"): _meeting_class,
}


# Who wrote a text always reads it: (model label, field) → the attribute holding its author's user id.
AUTHORS: dict[tuple[str, str], str] = {
    ("meetings.SupervisedVisit", "observations"): "supervisor_id",
}


def written_by(obj: Any, field: str, user: Any) -> bool:
    attribute = AUTHORS.get((obj._meta.label, field))
    return (
        attribute is not None and getattr(user, "pk", None) is not None and getattr(obj, attribute) == user.pk
    )


def is_free_text(field: Any) -> bool:
    """A text column a person may write: CharField and TextField (encrypted ones included) without choices."""
    return isinstance(field, models.CharField | models.TextField) and not field.choices and field.concrete


def secrecy_of(obj: Any, field: str) -> str:
    """The class of `obj.<field>`: the row's own where it has one, else the field's."""
    label = obj._meta.label
    by_row = ROW_CLASSES.get((label, field))
    if by_row is not None:
        return by_row(obj)
    try:
        return FIELD_CLASSES[label][field]
    except KeyError:
        raise LookupError(
            f"{label}.{field} has no confidentiality class (tutela/core/confidentiality.py)"
        ) from None
