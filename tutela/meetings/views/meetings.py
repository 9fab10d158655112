"""Meetings: list, planning (single, on a case, series), the meeting page and its acts, planned vs held."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import can_read_class, get_case_for_user, has_capability
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.confidentiality import secrecy_of
from tutela.core.forms import StyledForm
from tutela.meetings import forms as meeting_forms
from tutela.meetings.access import get_meeting_for_user, may_manage_meeting
from tutela.meetings.models import Meeting, MeetingKind
from tutela.meetings.models.meetings import MeetingStatus
from tutela.meetings.selectors import meeting_detail, meeting_list, meetings_summary, micro_team_share
from tutela.meetings.services import meetings as meeting_services
from tutela.meetings.services.series import series_create
from tutela.meetings.views.common import form_page, territory_for, year_of


def meeting_list_view(request: HttpRequest) -> HttpResponse:
    """The meetings the user organises, is invited to or oversees; upcoming or past."""
    if not has_capability(request.user, Cap.MEETING_VIEW):
        raise Http404
    when = "past" if request.GET.get("periodo") == "passate" else "upcoming"
    kind = request.GET.get("tipo", "")
    if kind not in MeetingKind.values:
        kind = ""
    page = Paginator(meeting_list(request.user, when=when, kind=kind), 25).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action="meetings.meeting.listed",
        data={"when": when, "kind": kind, "shown": [m.pk for m in page.object_list]},
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page_obj": page,
            "when": when,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "can_plan": has_capability(request.user, Cap.MEETING_MANAGE),
            "can_oversee": has_capability(request.user, Cap.MEETING_OVERSEE),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    territory = territory_for(request, Cap.MEETING_MANAGE)
    form = meeting_forms.MeetingForm(request.POST or None, territory=territory)
    created: dict[str, Meeting] = {}

    def run() -> None:
        created["meeting"] = meeting_services.meeting_plan(
            actor=request.user, territory=territory, data=form.meeting_data()
        )

    done = form_submitted(
        request, form, run, success=_("Riunione pianificata: gli invitati la trovano tra le loro riunioni.")
    )
    if done:
        return redirect("meetings:detail", pk=created["meeting"].pk)
    if done is False:
        return redirect("meetings:list")
    return form_page(request, form=form, title=_("Pianifica una riunione"), back_url=reverse("meetings:list"))


@require_http_methods(["GET", "POST"])
def case_meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A multi-professional meeting on the case (seed 004: integrated plans)."""
    case = get_case_for_user(request.user, pk, capability=Cap.MEETING_MANAGE)
    if not case.is_open:
        messages.error(request, _("La pratica è chiusa: non si pianificano nuove riunioni."))
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=case,
        case_id=case.pk,
        data={"page": "meeting_create"},
    )
    form = meeting_forms.MeetingForm(request.POST or None, territory=case.territory, case=case)
    created: dict[str, Meeting] = {}

    def run() -> None:
        created["meeting"] = meeting_services.meeting_plan(
            actor=request.user, territory=case.territory, data=form.meeting_data(), case=case
        )

    done = form_submitted(request, form, run, success=_("Riunione sul caso pianificata."))
    if done:
        return redirect("meetings:detail", pk=created["meeting"].pk)
    if done is False:
        return redirect("cases:detail", pk=case.pk)
    return form_page(
        request,
        form=form,
        title=_("Pianifica una riunione multiprofessionale sul caso"),
        back_url=reverse("cases:detail", kwargs={"pk": case.pk}),
        case=case,
    )


@require_http_methods(["GET", "POST"])
def series_create_view(request: HttpRequest) -> HttpResponse:
    """A recurring meeting: its meetings are planned at once for the period."""
    territory = territory_for(request, Cap.MEETING_MANAGE)
    form = meeting_forms.SeriesForm(request.POST or None, territory=territory)
    created: dict[str, Any] = {}

    def run() -> None:
        created["series"], created["meetings"] = series_create(
            actor=request.user, territory=territory, data=form.series_data()
        )

    done = form_submitted(request, form, run, success=_("Serie creata: riunioni pianificate."))
    if done:
        messages.info(
            request,
            _("%(count)d riunioni pianificate per «%(title)s».")
            % {"count": len(created["meetings"]), "title": created["series"].title},
        )
        return redirect("meetings:list")
    if done is False:
        return redirect("meetings:list")
    return form_page(
        request,
        form=form,
        title=_("Crea una serie di riunioni"),
        back_url=reverse("meetings:list"),
        intro=_(
            "Le riunioni che cadono in un giorno festivo (compreso il patrono) o nel fine settimana sono spostate "
            "al primo giorno lavorativo successivo."
        ),
    )


def _back(meeting: Meeting) -> str:
    if meeting.case_id is not None:
        return reverse("cases:detail", kwargs={"pk": meeting.case_id})
    return reverse("meetings:detail", kwargs={"pk": meeting.pk})


def meeting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    audit_record(actor=request.user, action="meetings.meeting.viewed", obj=meeting, case_id=meeting.case_id)
    details = meeting_detail(meeting)
    decisions = list(details["decisions"])
    for decision in decisions:
        decision.has_deadline = meeting_services.decision_has_deadline(decision)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "case": meeting.case,
            "participants": details["participants"],
            "decisions": decisions,
            "minutes_visible": can_read_class(request.user, meeting.case, secrecy_of(meeting, "minutes")),
            "actions": [
                (slug, spec) for slug, spec in ACTIONS.items() if spec.available(meeting, request.user)
            ],
        },
    )


def _open_decisions(meeting: Meeting) -> Any:
    return meeting.decisions.exclude(case__isnull=False, due_on__isnull=False).order_by("id")


@dataclass(frozen=True)
class MeetingAction:
    title: str
    available: Callable[[Meeting, Any], bool]
    form: Callable[[Meeting, Any, Any], StyledForm]
    run: Callable[[Meeting, Any, Any], Any]
    success: str
    style: str = "primary"


def _manage(status: str) -> Callable[[Meeting, Any], bool]:
    return lambda meeting, user: meeting.status == status and may_manage_meeting(user, meeting)


def _recordable(meeting: Meeting, user: Any) -> bool:
    started = timezone.localtime(meeting.starts_at).date() <= timezone.localdate()
    return started and _manage(MeetingStatus.PLANNED)(meeting, user)


def _decisions_done(meeting: Meeting, user: Any, form: Any) -> None:
    chosen = {d.pk for d in form.cleaned_data.get("done") or []}
    for decision in _open_decisions(meeting):
        decision.meeting = meeting
        meeting_services.decision_set_done(decision=decision, actor=user, done=decision.pk in chosen)


ACTIONS: dict[str, MeetingAction] = {
    "registra": MeetingAction(
        _("Registra la riunione come svolta"),
        _recordable,
        lambda m, u, d: meeting_forms.RecordMeetingForm(d, meeting=m),
        lambda m, u, f: meeting_services.meeting_record_held(
            meeting=m,
            actor=u,
            held_on=f.cleaned_data["held_on"],
            attendance=f.attendance(),
            minutes=f.cleaned_data.get("minutes", ""),
        ),
        _("Riunione registrata come svolta."),
    ),
    "annulla": MeetingAction(
        _("Annulla la riunione"),
        _manage(MeetingStatus.PLANNED),
        lambda m, u, d: meeting_forms.ReasonForm(d),
        lambda m, u, f: meeting_services.meeting_cancel(meeting=m, actor=u, reason=f.cleaned_data["reason"]),
        _("Riunione annullata."),
        "outline-danger",
    ),
    "decisione": MeetingAction(
        _("Registra una decisione"),
        _manage(MeetingStatus.HELD),
        lambda m, u, d: meeting_forms.DecisionForm(d, meeting=m, user=u),
        lambda m, u, f: meeting_services.decision_add(meeting=m, actor=u, **f.decision_data()),
        _("Decisione registrata."),
        "outline-primary",
    ),
    "decisioni": MeetingAction(
        _("Aggiorna le decisioni eseguite"),
        lambda m, u: _manage(MeetingStatus.HELD)(m, u) and _open_decisions(m).exists(),
        lambda m, u, d: meeting_forms.DecisionsDoneForm(d, decisions=_open_decisions(m)),
        _decisions_done,
        _("Decisioni aggiornate."),
        "outline-primary",
    ),
}


@require_http_methods(["GET", "POST"])
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    meeting = get_meeting_for_user(request.user, pk)
    if not spec.available(meeting, request.user):
        messages.error(
            request, _("Questa azione non è disponibile per te su questa riunione in questo momento.")
        )
        return redirect(_back(meeting))
    audit_record(
        actor=request.user,
        action="meetings.meeting.viewed",
        obj=meeting,
        case_id=meeting.case_id,
        data={"page": action},
    )
    form = spec.form(meeting, request.user, request.POST if request.method == "POST" else None)
    done = form_submitted(request, form, lambda: spec.run(meeting, request.user, form), success=spec.success)
    if done is not None:
        return redirect("meetings:detail", pk=meeting.pk)
    return form_page(
        request,
        form=form,
        title=spec.title,
        back_url=reverse("meetings:detail", kwargs={"pk": meeting.pk}),
        case=meeting.case,
        extra={"meeting": meeting},
    )


def meeting_report(request: HttpRequest) -> HttpResponse:
    """Planned vs held per kind for a year, with the micro-équipe share (seed 002 indicators)."""
    territory = territory_for(request, Cap.MEETING_OVERSEE)
    year = year_of(request, timezone.localdate())
    period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    audit_record(
        actor=request.user, action="meetings.report.viewed", data={"territory": territory.pk, "year": year}
    )
    with_team, complex_cases = micro_team_share(territory, period)
    return render(
        request,
        "meetings/meeting_report.html",
        {
            "territory": territory,
            "year": year,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
            "rows": meetings_summary(territory, period),
            "with_team": with_team,
            "complex_cases": complex_cases,
        },
    )
