"""Deadline pages: the user's calendar, done/undone, the in-app reminders and the private calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tutela.accounts.access import get_case_for_user, has_capability
from tutela.accounts.roles import Cap
from tutela.accounts.twofactor import second_factor_exempt
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.deadlines import ics, selectors
from tutela.deadlines.forms import ReopenForm
from tutela.deadlines.models import CalendarFeedToken, Deadline
from tutela.deadlines.reminders import reminders_mark_read
from tutela.deadlines.selectors import calendar_month, feed_deadlines, unread_reminders
from tutela.deadlines.services import (
    calendar_feed_read,
    calendar_feed_token_issue,
    calendar_feed_token_resolve,
    calendar_feed_token_revoke,
    deadline_complete,
    deadline_refusal,
    deadline_reopen,
)
from tutela.workflow import TransitionError

MONTHS = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
]


def _require_case_reader(request: HttpRequest) -> None:
    """Deadlines are case data: the pages are for roles that read cases; the others get 404."""
    if not has_capability(request.user, Cap.CASE_VIEW):
        raise Http404


def _deadline_for_user(user: Any, pk: int) -> Deadline:
    """The deadline, through its case's access: 404 when missing or when the case is out of the user's scope."""
    case_id = Deadline.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise Http404
    case = get_case_for_user(user, case_id)
    deadline = Deadline.objects.select_related("owner", "done_by").get(pk=pk)
    deadline.case = case
    return deadline


def _next_url(request: HttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _month_from(value: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """The user's deadlines by month (the coordinator's: the territory's), overdue in red, the next ones; each
    list a page at a time (`dopo`, `scadute`: the cursors of the month's and of the overdue list)."""
    _require_case_reader(request)
    now = timezone.now()
    first = _month_from(request.GET.get("mese", ""), timezone.localdate(now))
    # The cursors of the month list and of the overdue list (selectors._after reads them or ignores them).
    after = request.GET.get("dopo", "")[:80]
    overdue_after = request.GET.get("scadute", "")[:80]
    month = calendar_month(request.user, first, now, after=after, overdue_after=overdue_after)
    audit_record(
        actor=request.user,
        action="deadlines.calendar.viewed",
        data={"month": first.strftime("%Y-%m"), "cases": sorted({d.case_id for d in month.shown})},
    )
    return render(
        request,
        "deadlines/calendar.html",
        {
            "month": month,
            "month_label": f"{MONTHS[first.month - 1]} {first.year}",
            "weekdays": ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
            "now": now,
            "here": request.get_full_path(),
            "page_size": selectors.CALENDAR_PAGE,
            "count_limit": selectors.CALENDAR_COUNT_LIMIT,
        },
    )


@require_POST
def complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a deadline done (the small form of the case page and of the calendar)."""
    deadline = _deadline_for_user(request.user, pk)
    target = _next_url(request, reverse("cases:detail", kwargs={"pk": deadline.case_id}))
    try:
        deadline_complete(deadline=deadline, actor=request.user)
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Scadenza «%(kind)s» della pratica %(code)s completata.")
            % {"kind": deadline.get_kind_display(), "code": deadline.case.code},
        )
    return redirect(target)


@require_http_methods(["GET", "POST"])
def reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a completion, with the reason."""
    deadline = _deadline_for_user(request.user, pk)
    back = _next_url(request, reverse("cases:detail", kwargs={"pk": deadline.case_id}))
    refusal = deadline_refusal(request.user, deadline, check_scope=False)
    if refusal is None and deadline.done_at is None:
        refusal = _("La scadenza non è completata: non c'è nulla da annullare.")
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    audit_record(
        actor=request.user,
        action="cases.case.viewed",
        obj=deadline.case,
        case_id=deadline.case_id,
        data={"page": "deadline_reopen", "deadline": deadline.pk},
    )
    form = ReopenForm(request.POST if request.method == "POST" else None)
    done = form_submitted(
        request,
        form,
        lambda: deadline_reopen(deadline=deadline, actor=request.user, reason=form.cleaned_data["reason"]),
        success=_("La scadenza torna da completare."),
    )
    if done is not None:
        return redirect(back)
    return render(
        request,
        "deadlines/reopen.html",
        {"case": deadline.case, "deadline": deadline, "form": form, "next": back},
    )


@require_http_methods(["GET", "POST"])
def reminders_view(request: HttpRequest) -> HttpResponse:
    """The user's unread in-app reminders; POST marks one (or all) as read."""
    _require_case_reader(request)
    if request.method == "POST":
        if request.POST.get("tutti"):
            reminders_mark_read(actor=request.user)
        else:
            chosen = request.POST.get("promemoria", "")
            # Someone else's notice, or one already read, is not found: the same 404 as a missing one.
            if not chosen.isdigit() or not reminders_mark_read(actor=request.user, reminder_id=int(chosen)):
                raise Http404
        return redirect(_next_url(request, reverse("deadlines:reminders")))
    rows = list(unread_reminders(request.user)[:200])
    if rows:
        audit_record(
            actor=request.user,
            action="deadlines.reminders.viewed",
            data={"cases": sorted({r.case_id for r in rows})},
        )
    return render(request, "deadlines/reminders.html", {"reminders": rows, "now": timezone.now()})


@require_http_methods(["GET", "POST"])
def feed_settings_view(request: HttpRequest) -> HttpResponse:
    """ "Calendario personale": the private link for a calendar app, shown once when generated."""
    _require_case_reader(request)
    link = ""
    if request.method == "POST":
        if request.POST.get("azione") == "disattiva":
            if calendar_feed_token_revoke(actor=request.user):
                messages.success(request, _("Il link del calendario personale è stato disattivato."))
            return redirect("deadlines:feed_settings")
        token = calendar_feed_token_issue(actor=request.user)
        link = request.build_absolute_uri(reverse("deadlines:feed", kwargs={"token": token}))
    user: Any = request.user
    active = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()
    response = render(request, "deadlines/feed_settings.html", {"link": link, "active": active})
    response["Cache-Control"] = "no-store"  # the link is a secret: never kept by a cache
    return response


@login_not_required
@second_factor_exempt
@require_GET
def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The private ICS feed: authenticated by its secret, no session. Titles carry the case code and the kind
    of deadline only: no names, no free text."""
    feed = calendar_feed_token_resolve(token)
    if feed is None:
        raise Http404
    now = timezone.now()
    deadlines = feed_deadlines(feed.user, now)
    events = [
        ics.IcsEvent(
            uid=f"tutela-scadenza-{d.pk}@tutela-minori",
            day=timezone.localdate(d.due_at),
            summary=f"{d.case.code} — {d.get_kind_display()}"
            + (f" ({_('completata')})" if d.done_at else ""),
            url=request.build_absolute_uri(reverse("cases:detail", kwargs={"pk": d.case_id})),
            categories=_("Scadenze Tutela"),
        )
        for d in deadlines
    ]
    body = ics.calendar_text(events, name=_("Scadenze Tutela"), stamp=now)
    calendar_feed_read(feed=feed, deadlines=deadlines)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="tutela-scadenze.ics"'
    return response
