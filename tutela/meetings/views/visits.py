"""Supervised visits: a case's visits and arrangement, booking, the visit page and its acts, rooms and the room
agenda (seed 003)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import can_view_confidential, get_case_for_user, has_capability
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.meetings import forms as meeting_forms
from tutela.meetings.access import get_visit_for_user, may_manage_visits, may_read_observations
from tutela.meetings.models import Room, SupervisedVisit
from tutela.meetings.selectors import arrangements_of_case, room_week, shown_visit_ids, visits_of_case
from tutela.meetings.services import rooms as room_services
from tutela.meetings.services import visits as visit_services
from tutela.meetings.views.common import form_page, territory_for
from tutela.meetings.workflow import VISIT_WORKFLOW
from tutela.workflow import TransitionError


def case_visits(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's supervised visits and arrangements; observations only to whom may read them."""
    case = get_case_for_user(request.user, pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "visits"}
    )
    confidential = can_view_confidential(request.user, case)
    visits = list(visits_of_case(case))
    for visit in visits:
        visit.case = case
        cast(Any, visit).observations_visible = confidential or visit.supervisor_id == request.user.pk
    today = timezone.localdate()
    arrangements = list(arrangements_of_case(case))
    return render(
        request,
        "meetings/case_visits.html",
        {
            "case": case,
            "visits": visits,
            "arrangements": arrangements,
            "arrangement": next((a for a in arrangements if a.covers(today)), None),
            "notes_visible": confidential,
            "can_manage": case.is_open and may_manage_visits(request.user, case),
        },
    )


@require_http_methods(["GET", "POST"])
def arrangement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Who may meet the child, how often, on which order."""
    case = get_case_for_user(request.user, pk, capability=Cap.VISIT_MANAGE)
    if not case.is_open:
        messages.error(request, _("La pratica è chiusa."))
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=case,
        case_id=case.pk,
        data={"page": "visit_arrangement"},
    )
    form = meeting_forms.ArrangementForm(request.POST or None, case=case, user=request.user)
    done = form_submitted(
        request,
        form,
        lambda: visit_services.arrangement_set(case=case, actor=request.user, data=form.arrangement_data()),
        success=_("Disposizione sugli incontri protetti registrata."),
    )
    if done is not None:
        return redirect("meetings:case_visits", pk=case.pk)
    notice = (
        ""
        if meeting_forms.family_of(case).exists()
        else _(
            "Nessun familiare registrato: aggiungi prima i familiari del minore dalla pagina della pratica."
        )
    )
    return form_page(
        request,
        form=form,
        title=_("Disposizione sugli incontri protetti"),
        back_url=reverse("meetings:case_visits", kwargs={"pk": case.pk}),
        case=case,
        notice=notice,
    )


@require_http_methods(["GET", "POST"])
def visit_book(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, capability=Cap.VISIT_MANAGE)
    if not case.is_open:
        messages.error(request, _("La pratica è chiusa."))
        return redirect("cases:detail", pk=case.pk)
    audit_record(
        actor=request.user, action="cases.case.viewed", obj=case, case_id=case.pk, data={"page": "visit_book"}
    )
    back = reverse("meetings:case_visits", kwargs={"pk": case.pk})
    arrangement = visit_services.active_arrangement(case)
    if arrangement is None:
        return form_page(
            request,
            form=None,
            title=_("Prenota un incontro protetto"),
            back_url=back,
            case=case,
            notice=_(
                "Nessuna disposizione in vigore: registra prima chi può incontrare il minore e con quale cadenza."
            ),
        )
    form = meeting_forms.BookingForm(request.POST or None, case=case)
    created: dict[str, SupervisedVisit] = {}

    def run() -> None:
        created["visit"] = visit_services.visit_book(case=case, actor=request.user, data=form.booking_data())

    done = form_submitted(request, form, run, success=_("Incontro protetto prenotato."))
    if done:
        return redirect("meetings:visit_detail", pk=created["visit"].pk)
    if done is False:
        return redirect("meetings:case_visits", pk=case.pk)
    return form_page(
        request,
        form=form,
        title=_("Prenota un incontro protetto"),
        back_url=back,
        case=case,
        extra={"arrangement": arrangement},
        template="meetings/visit_book.html",
    )


def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    audit_record(actor=request.user, action="meetings.visit.viewed", obj=visit, case_id=visit.case_id)
    return render(
        request,
        "meetings/visit_detail.html",
        {
            "visit": visit,
            "case": visit.case,
            "attendees": visit.attendees.select_related("person"),
            "observations_visible": may_read_observations(request.user, visit),
            "buttons": [
                {"slug": VISIT_SLUGS[t.name], "label": t.label, "style": t.style}
                for t in VISIT_WORKFLOW.available(visit, request.user)
            ],
        },
    )


VISIT_SLUGS = {"record": "registra", "cancel": "annulla"}
VISIT_ACTIONS = {
    "registra": (
        "record",
        _("Registra l'incontro protetto"),
        lambda visit, data: meeting_forms.VisitRecordForm(data, visit=visit),
        lambda visit, user, f: visit_services.visit_record(visit=visit, actor=user, **f.record_data()),
        _("Incontro registrato."),
    ),
    "annulla": (
        "cancel",
        _("Annulla l'incontro protetto"),
        lambda visit, data: meeting_forms.VisitCancelForm(data),
        lambda visit, user, f: visit_services.visit_cancel(
            visit=visit, actor=user, reason=f.cleaned_data["reason"], note=f.cleaned_data.get("note", "")
        ),
        _("Incontro annullato."),
    ),
}


@require_http_methods(["GET", "POST"])
def visit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = VISIT_ACTIONS.get(action)
    if spec is None:
        raise Http404
    transition, title, make_form, run, success = spec
    visit = get_visit_for_user(request.user, pk)
    refusal = VISIT_WORKFLOW.refusal(visit, VISIT_WORKFLOW.get(transition), request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("cases:detail", pk=visit.case_id)
    audit_record(
        actor=request.user,
        action="meetings.visit.viewed",
        obj=visit,
        case_id=visit.case_id,
        data={"page": action},
    )
    form = make_form(visit, request.POST if request.method == "POST" else None)
    if form_submitted(request, form, lambda: run(visit, request.user, form), success=success) is not None:
        return redirect("meetings:visit_detail", pk=visit.pk)
    return form_page(
        request,
        form=form,
        title=title,
        back_url=reverse("meetings:visit_detail", kwargs={"pk": visit.pk}),
        case=visit.case,
        extra={"visit": visit},
    )


def _monday(raw: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def room_agenda(request: HttpRequest) -> HttpResponse:
    """The week of a room: visits and meetings booked in it (details only of what the user may read)."""
    territory = territory_for(request, Cap.VISIT_MANAGE, Cap.ROOM_MANAGE)
    rooms = list(Room.objects.filter(territory=territory).order_by("-active", "name"))
    wanted = request.GET.get("stanza", "")
    room = next((r for r in rooms if str(r.pk) == wanted), None) or next((r for r in rooms if r.active), None)
    monday = _monday(request.GET.get("settimana", ""))
    days = room_week(room, monday, request.user) if room is not None else []
    audit_record(
        actor=request.user,
        action="meetings.room.viewed",
        obj=room,
        data={"week": monday.isoformat(), "visits": shown_visit_ids(days)},
    )
    return render(
        request,
        "meetings/room_agenda.html",
        {
            "rooms": rooms,
            "room": room,
            "days": days,
            "monday": monday,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "can_manage_rooms": has_capability(request.user, Cap.ROOM_MANAGE, territory.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def rooms_view(request: HttpRequest) -> HttpResponse:
    """The rooms of the territory: add one, take one out of use or back."""
    territory = territory_for(request, Cap.ROOM_MANAGE)
    form = meeting_forms.RoomForm(request.POST if request.POST.get("azione") == "crea" else None)
    if request.method == "POST" and request.POST.get("azione") in {"disattiva", "riattiva"}:
        _room_toggle(request, territory.pk)
        return redirect("meetings:rooms")
    done = form_submitted(
        request,
        form,
        lambda: room_services.room_create(
            territory=territory,
            actor=request.user,
            name=form.cleaned_data["name"],
            place=form.cleaned_data["place"],
            capacity=form.cleaned_data["capacity"],
        ),
        success=_("Stanza aggiunta."),
    )
    if done is not None:
        return redirect("meetings:rooms")
    return render(
        request,
        "meetings/rooms.html",
        {"rooms": Room.objects.filter(territory=territory).order_by("-active", "name"), "form": form},
    )


def _room_toggle(request: HttpRequest, territory_id: int) -> None:
    raw = request.POST.get("stanza", "")
    room = Room.objects.filter(pk=int(raw), territory_id=territory_id).first() if raw.isdigit() else None
    if room is None:
        raise Http404
    active = request.POST["azione"] == "riattiva"
    try:
        room_services.room_set_active(room=room, actor=request.user, active=active)
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stanza rimessa in uso.") if active else _("Stanza tolta dall'uso."))
