from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import cases_visible_to, get_case_for_user, has_capability, has_capability_on_case
from tutela.accounts.roles import Cap
from tutela.assessments.services import case_close_no_grounds, social_report_file
from tutela.audit.services import audit_record
from tutela.cases import forms as case_forms
from tutela.cases.models import Case, CaseState
from tutela.cases.selectors import COUNT_LIMIT, case_list_page, case_near_matches, case_page
from tutela.cases.services.assignment import case_assign
from tutela.cases.services.closure import (
    case_confirm_closure,
    case_reject_closure,
    case_reopen,
    case_request_closure,
)
from tutela.cases.services.journal import journal_entry_add
from tutela.cases.services.members import case_member_add
from tutela.cases.workflow import CASE_WORKFLOW
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.court.selectors import court_section
from tutela.meetings.selectors import case_section as meetings_case_section
from tutela.people.services import relationship_add
from tutela.services.views import SLUG_OF as PROPOSAL_SLUGS
from tutela.services.workflow import PROPOSAL_WORKFLOW


def case_list_view(request: HttpRequest) -> HttpResponse:
    """Case search, scoped; the search itself is audited (it shows personal data)."""
    if not has_capability(request.user, Cap.CASE_VIEW):
        raise Http404
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # PostgreSQL refuses NUL
    state = request.GET.get("stato", "")
    if state not in CaseState.values:
        state = ""
    after = request.GET.get("dopo", "")[:80]
    page = case_list_page(request.user, query=query, state=state, after=after)
    near = case_near_matches(request.user, query=query, state=state) if query and not page.rows else []
    audit_record(
        actor=request.user,
        action="cases.case.searched",
        data={
            "q": query,
            "state": state,
            "after": after,
            "shown": [c.pk for c in page.rows],
            **({"near": [c.pk for c in near]} if near else {}),
        },
    )
    template = "cases/case_list_rows.html" if getattr(request, "htmx", False) else "cases/case_list.html"
    return render(
        request,
        template,
        {
            "page": page,
            "near": near,
            "count_limit": COUNT_LIMIT,
            "query": query,
            "state": state,
            "states": CaseState.choices,
        },
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    audit_record(actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk)
    context = case_page(request.user, case)
    proposals = list(context["proposals"])
    for proposal in proposals:
        proposal.case = case  # the guards read the case; it is already loaded
        proposal.buttons = [
            {"label": t.label, "slug": PROPOSAL_SLUGS[t.name], "style": t.style}
            for t in PROPOSAL_WORKFLOW.available(proposal, request.user)
        ]
        proposal.can_edit = proposal.state == "DRAFT" and case.lead_social_worker_id == request.user.pk
    context.update(
        case=case,
        proposals=proposals,
        actions=_case_buttons(case, request.user),
        can_write_journal=has_capability_on_case(request.user, Cap.JOURNAL_WRITE, case) and case.is_open,
        can_edit_family=_is_lead(request.user, case) and case.is_open,
        can_file_report=case.state == CaseState.IN_CARE and _is_lead(request.user, case),
        can_edit_team=_can_edit_team(request.user, case),
        members=case.members.select_related("user"),
        meetings_section=meetings_case_section(case, request.user),
        court=court_section(case, request.user),  # None for who may not read court data
        journal_form=case_forms.JournalForm(),
    )
    return render(request, "cases/case_detail.html", context)


def _case_buttons(case: Case, user: Any) -> list[dict[str, Any]]:
    return [
        {"label": t.label, "slug": TRANSITION_SLUGS[t.name], "style": t.style}
        for t in CASE_WORKFLOW.available(case, user)
    ]


def _can_edit_team(user: Any, case: Case) -> bool:
    return case.is_open and (
        _is_lead(user, case) or has_capability(user, Cap.CASE_ASSIGN_INDIRECT, case.territory_id)
    )


def _is_lead(user: Any, case: Case) -> bool:
    return case.lead_social_worker_id == user.pk and has_capability(user, Cap.CASE_ASSESS, case.territory_id)


@dataclass(frozen=True)
class CaseAction:
    title: str
    form: Callable[..., StyledForm]
    run: Callable[[Case, Any, Any], Any]
    success: str
    transition: str | None = None


def _report_form(case: Case, data: Any) -> StyledForm:
    return case_forms.SocialReportForm(data, with_assessment=case.state == CaseState.ASSESSMENT)


CASE_ACTIONS: dict[str, CaseAction] = {
    "assegna": CaseAction(
        _("Assegna la pratica"),
        lambda case, data: case_forms.AssignForm(data, case=case),
        lambda case, user, f: case_assign(
            case=case,
            actor=user,
            social_worker=f.cleaned_data["social_worker"],
            note=f.cleaned_data.get("note", ""),
        ),
        _("Pratica assegnata."),
        "assign_any",
    ),
    "chiudi-senza-presupposti": CaseAction(
        _("Chiudi la pratica: non sussistono i presupposti"),
        lambda case, data: case_forms.NoGroundsForm(data),
        lambda case, user, f: case_close_no_grounds(case=case, actor=user, assessment=f.assessment_data()),
        _("Pratica chiusa per assenza di presupposti."),
        "close_no_grounds",
    ),
    "relazione-sociale": CaseAction(
        _("Relazione sociale"),
        _report_form,
        lambda case, user, f: social_report_file(
            case=case,
            actor=user,
            report=f.report_data(),
            assessment=f.assessment_or_none(),
            proposal=f.proposal_data(),
        ),
        _("Relazione sociale depositata."),
        None,
    ),
    "proponi-chiusura": CaseAction(
        _("Proponi la chiusura della pratica"),
        lambda case, data: case_forms.ClosureRequestForm(data),
        lambda case, user, f: case_request_closure(
            case=case, actor=user, reason=f.cleaned_data["reason"], note=f.cleaned_data["note"]
        ),
        _("Chiusura proposta al coordinatore."),
        "request_closure",
    ),
    "conferma-chiusura": CaseAction(
        _("Conferma la chiusura"),
        lambda case, data: case_forms.OptionalNoteForm(data),
        lambda case, user, f: case_confirm_closure(
            case=case, actor=user, note=f.cleaned_data.get("note", "")
        ),
        _("Pratica chiusa."),
        "confirm_closure",
    ),
    "respingi-chiusura": CaseAction(
        _("Respingi la chiusura"),
        lambda case, data: case_forms.NoteForm(data),
        lambda case, user, f: case_reject_closure(case=case, actor=user, note=f.cleaned_data["note"]),
        _("Chiusura respinta: la pratica resta in carico."),
        "reject_closure",
    ),
    "riapri": CaseAction(
        _("Riapri la pratica"),
        lambda case, data: case_forms.NoteForm(data),
        lambda case, user, f: case_reopen(case=case, actor=user, note=f.cleaned_data["note"]),
        _("Pratica riaperta."),
        "reopen",
    ),
}

# URL slug of each case transition, for the buttons of the case page.
TRANSITION_SLUGS = {
    "assign_indirect": "assegna",
    "assign_direct": "assegna",
    "close_no_grounds": "chiudi-senza-presupposti",
    "take_in_charge": "relazione-sociale",
    "request_closure": "proponi-chiusura",
    "confirm_closure": "conferma-chiusura",
    "reject_closure": "respingi-chiusura",
    "reopen": "riapri",
}


def _action_allowed(action: CaseAction, case: Case, user: Any) -> bool:
    if action.transition == "assign_any":
        return any(t.name.startswith("assign") for t in CASE_WORKFLOW.available(case, user))
    if action.transition is None:  # a social report: in assessment it is the take-in-charge transition
        if case.state == CaseState.ASSESSMENT:
            return any(t.name == "take_in_charge" for t in CASE_WORKFLOW.available(case, user))
        return case.state == CaseState.IN_CARE and _is_lead(user, case)
    return any(t.name == action.transition for t in CASE_WORKFLOW.available(case, user))


@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One page per action on a case: the form, then the service; refusals come back as messages."""
    spec = CASE_ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = get_case_for_user(request.user, pk)
    if not _action_allowed(spec, case, request.user):
        messages.error(
            request, _("Questa azione non è disponibile per te su questa pratica in questo momento.")
        )
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": action}
    )
    form = spec.form(case, request.POST if request.method == "POST" else None)
    done = form_submitted(request, form, lambda: spec.run(case, request.user, form), success=spec.success)
    # The front office loses sight of a request once it is assigned (queue scope): back to its list.
    if done and not cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("worklists:home")
    if done is not None:
        return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/case_action.html", {"case": case, "form": form, "title": spec.title, "action": action}
    )


@require_http_methods(["POST"])
def journal_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, capability=Cap.JOURNAL_WRITE)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "journal"}
    )
    form = case_forms.JournalForm(request.POST)
    if form.is_valid():
        try:
            journal_entry_add(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            if getattr(request, "htmx", False):
                # The new entry in the swapped list is the feedback; a flash message would show on the next page.
                context = case_page(request.user, case)
                return render(
                    request,
                    "cases/_journal.html",
                    {
                        "case": case,
                        "journal": context["journal"],
                        "journal_form": case_forms.JournalForm(),
                        "can_write_journal": True,
                    },
                )
            messages.success(request, _("Annotazione aggiunta al diario."))
            return redirect("cases:detail", pk=case.pk)
    if getattr(request, "htmx", False):
        context = case_page(request.user, case)
        return render(
            request,
            "cases/_journal.html",
            {
                "case": case,
                "journal": context["journal"],
                "journal_form": form,
                "can_write_journal": True,
            },
        )
    return render(request, "cases/case_action.html", {"case": case, "form": form, "title": _("Diario")})


@require_http_methods(["GET", "POST"])
def family_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, capability=Cap.FAMILY_EDIT)
    if not (_is_lead(request.user, case) and case.is_open):
        messages.error(request, _("Solo l'assistente sociale referente può aggiornare il nucleo familiare."))
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "family_add"}
    )
    form = case_forms.RelativeForm(request.POST or None)

    def run() -> Any:
        return relationship_add(
            child=case.child,
            relative_data=form.person_data(),
            kind=form.cleaned_data["kind"],
            cohabiting=form.cleaned_data["cohabiting"],
            actor=request.user,
            case=case,
        )

    if form_submitted(request, form, run, success=_("Familiare aggiunto.")) is not None:
        return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/case_action.html",
        {
            "case": case,
            "form": form,
            "title": _("Aggiungi un familiare"),
            "municipality_list": True,
        },
    )


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a professional (educator, health professional, social worker) to the case team."""
    case = get_case_for_user(request.user, pk)
    if not _can_edit_team(request.user, case):
        messages.error(
            request, _("Solo l'assistente sociale referente o il coordinatore possono modificare l'équipe.")
        )
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "member_add"}
    )
    form = case_forms.MemberForm(request.POST or None, case=case)

    def run() -> Any:
        return case_member_add(
            case=case,
            actor=request.user,
            user=form.cleaned_data["user"],
            role_label=form.cleaned_data.get("role_label", ""),
        )

    if (
        form_submitted(request, form, run, success=_("Professionista aggiunto all'équipe del caso."))
        is not None
    ):
        return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/case_action.html",
        {"case": case, "form": form, "title": _("Aggiungi all'équipe del caso")},
    )
