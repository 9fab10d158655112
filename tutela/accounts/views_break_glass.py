"""Break-the-glass pages (ADR 0007): the request (case code and reason), the confirmation after a fresh
re-authentication, and the review queue of coordinators and DPO.

Until the reason is stated and the identity confirmed again, nothing tells whether the code exists: a code of
no case, of a case in another territory and of a case the user may open go through the same pages, and only
the last step answers "pratica non trovata".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import cases_visible_to, has_capability
from tutela.accounts.break_glass import (
    NOTE_MAX_LENGTH,
    REASON_MIN_LENGTH,
    break_glass_case,
    break_glass_duration,
    break_glass_open,
    break_glass_refuse,
    break_glass_review,
    break_glass_review_list,
    may_review_break_glass,
)
from tutela.accounts.models import BreakGlassAccess
from tutela.accounts.reauth import require_reauth
from tutela.accounts.roles import Cap
from tutela.accounts.twofactor import has_second_factor
from tutela.audit.services import audit_record
from tutela.core.forms import StyledForm

PENDING_KEY = "tutela_break_glass_request"
REVIEWED_SHOWN = 20


class BreakGlassForm(StyledForm):
    code = forms.CharField(
        label=_l("Codice pratica"),
        max_length=30,
        help_text=_l("Il codice esatto, ad esempio TM-2026-00012: non si cercano nomi."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label=_l("Motivo dell'accesso"),
        min_length=REASON_MIN_LENGTH,
        max_length=2000,
        help_text=_l("Perché devi consultare ora questa pratica (almeno %(n)d caratteri).")
        % {"n": REASON_MIN_LENGTH},
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class ReviewForm(StyledForm):
    access = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_l("Esito"), choices=BreakGlassAccess.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_l("Nota"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_l("Obbligatoria se l'accesso non è giustificato."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, access: BreakGlassAccess | None = None, **kwargs: Any) -> None:
        if access is not None:
            kwargs.setdefault("initial", {"access": access.pk})
            kwargs.setdefault("prefix", f"verifica-{access.pk}")
        super().__init__(*args, **kwargs)


def _may_break_glass_or_404(user: Any) -> None:
    if not has_capability(user, Cap.BREAK_GLASS):
        raise Http404


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("user") != request.user.pk:
        return None
    return pending


def _pending_since(request: HttpRequest) -> dt.datetime | None:
    pending = _pending(request)
    return dt.datetime.fromtimestamp(pending["at"], tz=dt.UTC) if pending else None


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    """Step 1: the case code and the reason; kept in the session until the identity is confirmed."""
    _may_break_glass_or_404(request.user)
    second_factor = has_second_factor(request.user)
    form = BreakGlassForm(request.POST if request.method == "POST" and second_factor else None)
    if form.is_bound and form.is_valid():
        request.session[PENDING_KEY] = {
            "user": request.user.pk,
            "code": form.cleaned_data["code"],
            "reason": form.cleaned_data["reason"].strip(),
            "at": timezone.now().timestamp(),
        }
        return redirect("accounts:break_glass_confirm")
    return render(
        request,
        "accounts/break_glass_form.html",
        {"form": form, "second_factor": second_factor, "minutes": _minutes()},
    )


@require_http_methods(["GET", "POST"])
def break_glass_confirm(request: HttpRequest) -> HttpResponse:
    """Steps 2 and 3: a re-authentication given after the reason, then the access is opened by a POST."""
    _may_break_glass_or_404(request.user)
    pending = _pending(request)
    if pending is None or not has_second_factor(request.user):
        return render(request, "accounts/break_glass_confirm.html", {"pending": None})
    return _confirm(request, pending)


@require_reauth(since=_pending_since)
def _confirm(request: HttpRequest, pending: dict[str, Any]) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "accounts/break_glass_confirm.html", {"pending": pending, "minutes": _minutes()}
        )
    del request.session[PENDING_KEY]  # one request, one access: a second one states its reason again
    case = break_glass_case(request.user, pending["code"])
    if case is None:
        break_glass_refuse(actor=request.user, code=pending["code"], reason=pending["reason"])
        messages.error(request, _("Pratica non trovata: controlla il codice."))
        return redirect("accounts:break_glass")
    if cases_visible_to(request.user).filter(pk=case.pk).exists():
        messages.info(request, _("La pratica è già tra quelle che puoi consultare: nessun accesso aperto."))
        return redirect("cases:detail", pk=case.pk)
    try:
        access = break_glass_open(actor=request.user, case=case, reason=pending["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:break_glass")
    expires = time_format(timezone.localtime(access.expires_at), "H:i")
    messages.warning(
        request,
        _("Accesso di emergenza aperto fino alle %(time)s: è registrato e sarà verificato.")
        % {"time": expires},
    )
    return redirect("cases:detail", pk=case.pk)


def _minutes() -> int:
    return int(break_glass_duration().total_seconds() // 60)


@require_http_methods(["GET", "POST"])
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    """The review queue: emergency accesses waiting for the judgement of a coordinator or of the DPO."""
    if not may_review_break_glass(request.user):
        raise Http404
    bound: ReviewForm | None = None
    if request.method == "POST":
        bound = ReviewForm(request.POST, prefix=_posted_prefix(request))
        if bound.is_valid() and _review(request, bound):
            return redirect("accounts:break_glass_reviews")
    accesses = break_glass_review_list(request.user)
    rows = []
    for access in accesses.filter(reviewed_at__isnull=True).order_by("opened_at", "id"):
        same = bound is not None and bound.prefix == f"verifica-{access.pk}"
        rows.append((access, bound if same and bound is not None else ReviewForm(access=access)))
    if bound is not None and not any(form is bound for _access, form in rows):
        errors = [str(error) for error in bound.non_field_errors()]
        problem = " ".join(errors) or _("l'accesso non è tra quelli da verificare.")
        messages.error(request, _("Verifica non registrata: %(problem)s") % {"problem": problem})
    reviewed = list(
        accesses.filter(reviewed_at__isnull=False).order_by("-reviewed_at", "-id")[:REVIEWED_SHOWN]
    )
    # The queue shows reasons that may name a child: reading it is itself audited.
    audit_record(
        actor=request.user,
        action="accounts.break_glass.queue_viewed",
        data={
            "pending": [access.pk for access, _form in rows],
            "reviewed": [access.pk for access in reviewed],
        },
    )
    return render(
        request,
        "accounts/break_glass_reviews.html",
        {"rows": rows, "reviewed": reviewed, "now": timezone.now()},
    )


def _posted_prefix(request: HttpRequest) -> str:
    """Each row has its own form (prefix verifica-<id>), so that errors show next to the right access."""
    names = [key.removesuffix("-access") for key in request.POST if key.endswith("-access")]
    return names[0] if len(names) == 1 else "verifica"


def _review(request: HttpRequest, form: ReviewForm) -> bool:
    access = break_glass_review_list(request.user).filter(pk=form.cleaned_data["access"]).first()
    if access is None:
        return False  # the page says it: not among those the user may review
    try:
        break_glass_review(
            access=access,
            reviewer=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        form.apply_errors(exc)
        return False
    messages.success(request, _("Verifica registrata."))
    return True
