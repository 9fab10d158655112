from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tutela.accounts.access import cases_visible_to, has_capability
from tutela.accounts.models import Territory
from tutela.accounts.roles import Cap
from tutela.accounts.twofactor import second_factor_exempt
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.services.delivery import get_intervention_for_user
from tutela.services.models import Intervention
from tutela.surveys import forms
from tutela.surveys import services as survey_services
from tutela.surveys.models import Administration, Questionnaire
from tutela.surveys.selectors import (
    administration_counts,
    get_administration_for_user,
    get_questionnaire_for_user,
    survey_results,
    survey_territories,
)
from tutela.surveys.services import USED_MESSAGE, code_canonical, may_survey_intervention, token_find


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one, so that its errors show), None otherwise."""
    return request.POST if request.method == "POST" else None


# --- survey management ---------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    """The territory's questionnaires and desk surveys (coordinators and managers); for social workers, the
    interventions they follow, each with its questionnaires."""
    territories = survey_territories(request.user)
    follows = has_capability(request.user, Cap.INTERVENTION_MANAGE)
    if not territories and not follows:
        raise Http404
    questionnaires = Questionnaire.objects.filter(territory_id__in=territories).prefetch_related("questions")
    desks = administration_counts(
        Administration.objects.filter(
            questionnaire__territory_id__in=territories, phase=Administration.Phase.YEARLY
        ).select_related("questionnaire", "desk")
    )
    interventions = Intervention.objects.none()
    if follows:
        interventions = (
            Intervention.objects.filter(
                case__in=cases_visible_to(request.user), case__lead_social_worker=request.user
            )
            .select_related("case__child", "service_type")
            .order_by("case__code")
        )
        audit_record(
            actor=request.user,
            action="cases.case.searched",
            data={"page": "surveys", "shown": sorted({i.case_id for i in interventions})},
        )
    return render(
        request,
        "surveys/home.html",
        {
            "manages": bool(territories),
            "questionnaires": questionnaires,
            "desk_administrations": desks,
            "interventions": interventions,
        },
    )


def questionnaire_new(request: HttpRequest) -> HttpResponse:
    territory = Territory.objects.filter(pk__in=survey_territories(request.user)).order_by("name").first()
    if territory is None:
        raise Http404
    form = forms.QuestionnaireForm(_posted(request))
    created: list[Questionnaire] = []

    def run() -> None:
        data = form.cleaned_data
        created.append(
            survey_services.questionnaire_create(
                actor=request.user,
                territory=territory,
                title=data["title"],
                introduction=data["introduction"],
            )
        )

    if form_submitted(request, form, run, success=_("Questionario creato: aggiungere le domande.")):
        return redirect("surveys:questionnaire", pk=created[0].pk)
    return render(request, "surveys/questionnaire_new.html", {"form": form})


def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The questions (added here until the first administration) and the administrations so far."""
    questionnaire = get_questionnaire_for_user(request.user, pk)
    form = forms.QuestionForm(_posted(request))

    def run() -> None:
        data = form.cleaned_data
        survey_services.question_add(
            actor=request.user,
            questionnaire=questionnaire,
            text=data["text"],
            kind=data["kind"],
            required=data["required"],
        )

    if form_submitted(request, form, run, success=_("Domanda aggiunta.")) is not None:
        return redirect("surveys:questionnaire", pk=pk)
    administrations = administration_counts(
        questionnaire.administrations.select_related(
            "desk", "intervention__case", "intervention__service_type"
        )
    )
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "questions": questionnaire.questions.all(),
            "form": form,
            "administrations": administrations,
            "editable": not questionnaire.administrations.exists(),
        },
    )


def questionnaire_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a questionnaire from use (no new administrations), or put it back."""
    questionnaire = get_questionnaire_for_user(request.user, pk)
    form = forms.ConfirmForm(_posted(request))
    withdraw = questionnaire.active
    done = form_submitted(
        request,
        form,
        lambda: survey_services.questionnaire_set_active(
            actor=request.user, questionnaire=questionnaire, active=not withdraw
        ),
        success=_("Questionario ritirato dall'uso.") if withdraw else _("Questionario rimesso in uso."),
    )
    if done is not None:
        return redirect("surveys:questionnaire", pk=pk)
    return render(
        request, "surveys/questionnaire_toggle.html", {"questionnaire": questionnaire, "withdraw": withdraw}
    )


def desk_administration_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The yearly survey of a front-office desk (seed 001: "ogni sportello rileva ogni anno")."""
    questionnaire = get_questionnaire_for_user(request.user, pk)
    form = forms.DeskAdministrationForm(_posted(request), territory=questionnaire.territory)
    created: list[Administration] = []

    def run() -> None:
        data = form.cleaned_data
        created.append(
            survey_services.administration_for_desk(
                actor=request.user,
                questionnaire=questionnaire,
                desk=data["desk"],
                year=data["year"],
                closes_on=data["closes_on"],
            )
        )

    outcome = form_submitted(request, form, run, success=_("Rilevazione annuale aperta: generare i codici."))
    if outcome:
        return redirect("surveys:administration", pk=created[0].pk)
    if outcome is False:
        return redirect("surveys:questionnaire", pk=pk)
    return render(
        request, "surveys/desk_administration_new.html", {"form": form, "questionnaire": questionnaire}
    )


def intervention_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    """An intervention's questionnaires: at its start, during it and at its end (seed 004)."""
    intervention = get_intervention_for_user(request.user, pk)
    case = intervention.case
    if not may_survey_intervention(request.user, intervention):
        raise Http404
    form = forms.InterventionAdministrationForm(_posted(request), territory_id=case.territory_id)
    created: list[Administration] = []

    def run() -> None:
        data = form.cleaned_data
        created.append(
            survey_services.administration_for_intervention(
                actor=request.user,
                intervention=intervention,
                questionnaire=data["questionnaire"],
                phase=data["phase"],
                closes_on=data["closes_on"],
            )
        )

    outcome = form_submitted(request, form, run, success=_("Questionario aperto: generare i codici."))
    if outcome:
        return redirect("surveys:administration", pk=created[0].pk)
    if outcome is False:
        return redirect("surveys:intervention", pk=pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "surveys"}
    )
    administrations = administration_counts(
        intervention.survey_administrations.select_related("questionnaire")
    )
    return render(
        request,
        "surveys/intervention.html",
        {"intervention": intervention, "case": case, "form": form, "administrations": administrations},
    )


def administration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How many codes were issued and used; issuing more: the links or the printable codes are shown once."""
    administration = get_administration_for_user(request.user, pk)
    form = forms.TokensForm(_posted(request))
    issued: list[str] = []

    def run() -> None:
        data = form.cleaned_data
        issued.extend(
            survey_services.tokens_issue(
                actor=request.user,
                administration=administration,
                count=data["count"],
                printed=data["printed"],
            )
        )

    outcome = form_submitted(request, form, run, success=_("Codici generati."))
    if outcome:
        return _issued_page(request, administration, issued, form.cleaned_data["printed"])
    if outcome is False:
        return redirect("surveys:administration", pk=pk)
    if administration.intervention is not None:
        case = administration.intervention.case
        audit_record(
            actor=request.user,
            action="cases.case.viewed",
            obj=case,
            case_id=case.pk,
            data={"page": "surveys.administration"},
        )
    counted = administration_counts(Administration.objects.filter(pk=pk)).get()
    return render(
        request,
        "surveys/administration.html",
        {
            "administration": administration,
            "counts": counted,
            "form": form,
            "responses": counted.responses.count(),
        },
    )


def _issued_page(
    request: HttpRequest, administration: Administration, issued: list[str], printed: bool
) -> HttpResponse:
    answer_url = request.build_absolute_uri(reverse("surveys_public:code"))
    links = [
        request.build_absolute_uri(reverse("surveys_public:answer", kwargs={"token": t})) for t in issued
    ]
    template = "surveys/codes_print.html" if printed else "surveys/links.html"
    return render(
        request,
        template,
        {"administration": administration, "codes": issued, "links": links, "answer_url": answer_url},
    )


def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Aggregated answers; with 5 or fewer nothing is broken down (ADR 0013)."""
    questionnaire = get_questionnaire_for_user(request.user, pk, results=True)
    form = forms.ResultsFilterForm(request.GET or None, questionnaire=questionnaire)
    chosen: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    outcome = survey_results(
        questionnaire,
        phase=chosen.get("phase") or "",
        year=chosen.get("year"),
        desk_id=chosen["desk"].pk if chosen.get("desk") else None,
        service_type_id=chosen["service_type"].pk if chosen.get("service_type") else None,
    )
    audit_record(
        actor=request.user,
        action="surveys.results.viewed",
        obj=questionnaire,
        data={k: str(v) for k, v in chosen.items() if v},
    )
    return render(
        request,
        "surveys/results.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "results": outcome,
            "can_manage": has_capability(request.user, Cap.SURVEYS_MANAGE, questionnaire.territory_id),
        },
    )


# --- public answer pages (no login) --------------------------------------------------------------------------


@login_not_required
@second_factor_exempt
@never_cache
def code_entry(request: HttpRequest) -> HttpResponse:
    """Where a printed code is typed; it leads to the questionnaire (the code is the only key)."""
    form = forms.CodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        code = code_canonical(form.cleaned_data["code"])
        if token_find(code) is not None:
            return redirect("surveys_public:answer", token=code)
        form.add_error("code", _("Codice non valido: controllare di averlo scritto come sul foglio."))
    return render(request, "surveys/public_code.html", {"form": form})


@login_not_required
@second_factor_exempt
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire behind a link or a code: no personal data shown, one submission per token."""
    found = token_find(token)
    if found is None:
        return render(request, "surveys/public_invalid.html", status=404)
    administration = found.administration
    questionnaire = administration.questionnaire
    context: dict[str, Any] = {"questionnaire": questionnaire, "administration": administration}
    refused = 409 if request.method == "POST" else 200
    if found.used_on is not None:
        return render(
            request, "surveys/public_done.html", {**context, "refusal": USED_MESSAGE}, status=refused
        )
    if administration.closes_on < timezone.localdate():
        closed = _("La rilevazione si è chiusa il %(day)s: non si raccolgono più risposte.") % {
            "day": administration.closes_on.strftime("%d/%m/%Y")
        }
        return render(request, "surveys/public_done.html", {**context, "refusal": closed}, status=refused)
    questions = list(questionnaire.questions.all())
    form = forms.AnswerForm(_posted(request), questions=questions)
    outcome = form_submitted(
        request,
        form,
        lambda: survey_services.response_submit(raw_token=token, answers=form.answers()),
        success=_("Grazie: le risposte sono state registrate."),
    )
    if outcome:
        return render(request, "surveys/public_done.html", context)
    return render(
        request,
        "surveys/public_answer.html",
        {**context, "form": form},
        status=409 if outcome is False else 200,
    )
