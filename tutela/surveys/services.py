"""Writes of the satisfaction surveys: questionnaires, administrations, single-use tokens, anonymous answers."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.access import get_case_for_user, has_capability, has_capability_on_case
from tutela.accounts.models import Organisation, Territory
from tutela.accounts.roles import Cap, Role
from tutela.audit.context import current_ip
from tutela.audit.services import audit_record
from tutela.services.models import Intervention, InterventionState
from tutela.surveys.models import Administration, Answer, AnswerToken, Question, Questionnaire, Response
from tutela.workflow import TransitionError

MAX_TOKENS = 200
LINK_TOKEN_BYTES = 18  # 24 characters in the address, 144 random bits
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
CODE_LENGTH = 12  # 60 random bits: guessing one among 200 codes takes about 2^52 tries
USED_MESSAGE = _l(
    "Questo questionario è già stato compilato con questo codice: ogni codice vale una sola volta."
)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def code_canonical(typed: str) -> str:
    """A printed code as typed ("abcd-efgh-jk1o") in its canonical form ("ABCDEFGHJK10")."""
    text = "".join(ch for ch in typed.upper() if ch not in " -")
    return text.translate(str.maketrans("OIL", "011"))


def code_display(canonical: str) -> str:
    return "-".join(canonical[i : i + 4] for i in range(0, len(canonical), 4))


def _require_survey_manager(actor: Any, territory_id: int) -> None:
    if not has_capability(actor, Cap.SURVEYS_MANAGE, territory_id):
        raise TransitionError(_("Il tuo ruolo non consente di gestire i questionari di gradimento."))


# --- questionnaires ------------------------------------------------------------------------------------------


def questionnaire_create(
    *, actor: Any, territory: Territory, title: str, introduction: str = ""
) -> Questionnaire:
    """A new questionnaire template of the territory (questions are added next)."""
    _require_survey_manager(actor, territory.pk)
    if not title.strip():
        raise ValidationError({"title": _("Indicare il titolo del questionario.")})
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(
            territory=territory, title=title.strip(), introduction=introduction.strip(), created_by=actor
        )
        audit_record(actor=actor, action="surveys.questionnaire.created", obj=questionnaire)
    return questionnaire


def question_add(
    *, actor: Any, questionnaire: Questionnaire, text: str, kind: str, required: bool
) -> Question:
    """Add a question at the end; only before the first administration, so that every answer of a
    questionnaire answers the same questions."""
    _require_survey_manager(actor, questionnaire.territory_id)
    if not text.strip():
        raise ValidationError({"text": _("Scrivere la domanda.")})
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": _("Tipo di risposta sconosciuto.")})
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if locked.administrations.exists():
            raise TransitionError(
                _("Il questionario è già stato somministrato: per cambiare le domande crearne uno nuovo.")
            )
        position = (locked.questions.aggregate(last=Max("position"))["last"] or 0) + 1
        question = Question.objects.create(
            questionnaire=locked, position=position, text=text.strip(), kind=kind, required=required
        )
        audit_record(actor=actor, action="surveys.question.created", obj=question)
    return question


def questionnaire_set_active(*, actor: Any, questionnaire: Questionnaire, active: bool) -> Questionnaire:
    """Put a questionnaire in use, or withdraw it (no new administrations; answers keep coming to open ones)."""
    _require_survey_manager(actor, questionnaire.territory_id)
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        locked.active = active
        locked.save(update_fields=["active"])
        audit_record(actor=actor, action="surveys.questionnaire.updated", obj=locked, data={"active": active})
    return locked


# --- administrations ---------------------------------------------------------------------------------------

# Which intervention states each moment of the survey fits (seed 004: at the start, during, at the end).
PHASE_STATES: dict[str, set[str]] = {
    Administration.Phase.START: {InterventionState.PLANNED, InterventionState.ACTIVE},
    Administration.Phase.DURING: {InterventionState.ACTIVE, InterventionState.SUSPENDED},
    Administration.Phase.END: {
        InterventionState.ACTIVE,
        InterventionState.SUSPENDED,
        InterventionState.ENDED,
    },
}


def may_survey_intervention(user: Any, intervention: Intervention) -> bool:
    """The lead social worker (who manages the intervention) or a survey manager of the territory."""
    case = intervention.case
    return has_capability(user, Cap.SURVEYS_MANAGE, case.territory_id) or has_capability_on_case(
        user, Cap.INTERVENTION_MANAGE, case
    )


def _check_questionnaire(questionnaire: Questionnaire, territory_id: int, closes_on: dt.date) -> None:
    if questionnaire.territory_id != territory_id:
        raise ValidationError({"questionnaire": _("Il questionario è di un altro territorio.")})
    if not questionnaire.active:
        raise ValidationError({"questionnaire": _("Il questionario non è più in uso.")})
    if not questionnaire.questions.exists():
        raise ValidationError({"questionnaire": _("Il questionario non ha ancora domande.")})
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("La data di chiusura non può essere già passata.")})


def administration_for_intervention(
    *, actor: Any, intervention: Intervention, questionnaire: Questionnaire, phase: str, closes_on: dt.date
) -> Administration:
    """Administer a questionnaire to the family of an intervention, at its start, during it or at its end."""
    case = get_case_for_user(actor, intervention.case_id)
    intervention.case = case
    if not may_survey_intervention(actor, intervention):
        raise TransitionError(
            _("Solo l'assistente sociale referente o chi gestisce i questionari può farlo.")
        )
    if phase not in PHASE_STATES:
        raise ValidationError({"phase": _("Scegliere l'avvio, l'itinere o la conclusione dell'intervento.")})
    _check_questionnaire(questionnaire, case.territory_id, closes_on)
    with transaction.atomic():
        locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
        if locked.state not in PHASE_STATES[phase]:
            raise TransitionError(
                _("Un questionario «%(phase)s» non si somministra a un intervento nello stato «%(state)s».")
                % {"phase": Administration.Phase(phase).label, "state": locked.get_state_display()}
            )
        today = timezone.localdate()
        administration = Administration.objects.create(
            questionnaire=questionnaire,
            phase=phase,
            intervention=locked,
            year=today.year,
            opened_on=today,
            closes_on=closes_on,
            created_by=actor,
        )
        audit_record(
            actor=actor, action="surveys.administration.created", obj=administration, case_id=case.pk
        )
    return administration


def survey_desks(territory: Territory) -> Any:
    """The territory's front-office desks (seed 001: each desk surveys its users every year)."""
    return Organisation.objects.filter(
        territory=territory, memberships__role=Role.FRONT_OFFICE, memberships__active=True
    ).distinct()


def administration_for_desk(
    *, actor: Any, questionnaire: Questionnaire, desk: Organisation, year: int, closes_on: dt.date
) -> Administration:
    """The yearly survey of a front-office desk (one per questionnaire, desk and year)."""
    _require_survey_manager(actor, questionnaire.territory_id)
    _check_questionnaire(questionnaire, questionnaire.territory_id, closes_on)
    if not survey_desks(questionnaire.territory).filter(pk=desk.pk).exists():
        raise ValidationError({"desk": _("Lo sportello non è un segretariato sociale del territorio.")})
    with transaction.atomic():
        if Administration.objects.filter(questionnaire=questionnaire, desk=desk, year=year).exists():
            raise ValidationError(
                {
                    "year": _(
                        "Per questo sportello la rilevazione di quell'anno con questo questionario esiste già."
                    )
                }
            )
        administration = Administration.objects.create(
            questionnaire=questionnaire,
            phase=Administration.Phase.YEARLY,
            desk=desk,
            year=year,
            opened_on=timezone.localdate(),
            closes_on=closes_on,
            created_by=actor,
        )
        audit_record(actor=actor, action="surveys.administration.created", obj=administration)
    return administration


def tokens_issue(*, actor: Any, administration: Administration, count: int, printed: bool) -> list[str]:
    """Create `count` single-use links or printed codes; the values are returned once and stored only hashed."""
    if not 1 <= count <= MAX_TOKENS:
        raise ValidationError(
            {"count": _("Si possono generare da 1 a %(max)d codici per volta.") % {"max": MAX_TOKENS}}
        )
    if administration.closes_on < timezone.localdate():
        raise TransitionError(_("La somministrazione è chiusa: non si generano altri codici."))
    raw = [_new_code() if printed else secrets.token_urlsafe(LINK_TOKEN_BYTES) for _ in range(count)]
    with transaction.atomic():
        for value in raw:
            AnswerToken.objects.create(
                administration=administration, token_hash=token_hash(value), printed=printed
            )
        case_id = administration.intervention.case_id if administration.intervention_id else None  # type: ignore[union-attr]
        audit_record(
            actor=actor,
            action="surveys.tokens.issued",
            obj=administration,
            case_id=case_id,
            data={"count": count, "printed": printed},
        )
    return [code_display(value) for value in raw] if printed else raw


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- answers -----------------------------------------------------------------------------------------------


def token_find(raw: str) -> AnswerToken | None:
    """The token of a link or of a printed code (typed in any case, with or without dashes)."""
    found = AnswerToken.objects.select_related("administration__questionnaire__territory").filter(
        token_hash__in={token_hash(raw), token_hash(code_canonical(raw))}
    )
    return found.first()


@contextmanager
def _no_client_address() -> Iterator[None]:
    """Anonymous answers: the audit row of a submission does not keep the respondent's address."""
    reset = current_ip.set(None)
    try:
        yield
    finally:
        current_ip.reset(reset)


def response_submit(*, raw_token: str, answers: dict[int, Any]) -> Response:
    """Store one anonymous set of answers and spend the token (single use, refused the second time)."""
    with transaction.atomic():
        token = (
            AnswerToken.objects.select_for_update()
            .filter(token_hash__in={token_hash(raw_token), token_hash(code_canonical(raw_token))})
            .first()
        )
        if token is None:
            raise TransitionError(_("Codice non valido: controllare il link o il codice ricevuto."))
        if token.used_on is not None:
            raise TransitionError(str(USED_MESSAGE))
        administration = Administration.objects.select_related("questionnaire").get(
            pk=token.administration_id
        )
        today = timezone.localdate()
        if administration.closes_on < today:
            raise TransitionError(_("La rilevazione è chiusa: non si raccolgono più risposte."))
        questions = list(administration.questionnaire.questions.all())
        _check_answers(questions, answers)
        token.used_on = today
        token.save(update_fields=["used_on"])
        response = Response.objects.create(administration=administration, submitted_on=today)
        for question in questions:
            value = answers.get(question.pk)
            if value in (None, ""):
                continue
            Answer.objects.create(response=response, question=question, **_answer_fields(question, value))
        with _no_client_address():
            audit_record(actor=None, action="surveys.response.submitted", obj=administration)
    return response


def _check_answers(questions: list[Question], answers: dict[int, Any]) -> None:
    errors = {}
    for question in questions:
        value = answers.get(question.pk)
        if value in (None, ""):
            if question.required:
                errors[f"q{question.pk}"] = _("Rispondere a questa domanda.")
        elif question.kind == Question.Kind.SCALE and value not in {1, 2, 3, 4, 5}:
            errors[f"q{question.pk}"] = _("Scegliere un valore da 1 a 5.")
        elif question.kind == Question.Kind.YES_NO and not isinstance(value, bool):
            errors[f"q{question.pk}"] = _("Rispondere sì o no.")
    if errors:
        raise ValidationError(errors)


def _answer_fields(question: Question, value: Any) -> dict[str, Any]:
    if question.kind == Question.Kind.SCALE:
        return {"scale_value": value}
    if question.kind == Question.Kind.YES_NO:
        return {"yes_no": value}
    return {"text": str(value).strip()}
