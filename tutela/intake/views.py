from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tutela.accounts.access import organisations_with
from tutela.accounts.models import Organisation
from tutela.accounts.roles import Cap
from tutela.intake.forms import DirectReferralForm, IndirectReferralForm
from tutela.intake.services import referral_record_direct, referral_register_indirect


def _own_office(request: HttpRequest, capability: str) -> Organisation:
    ids = organisations_with(request.user, capability)
    if not ids:
        raise Http404
    return Organisation.objects.select_related("territory").get(pk=ids[0])


def register_indirect(request: HttpRequest) -> HttpResponse:
    """Protocol Office: register a third party's report and route it (seed 000 step 1)."""
    office = _own_office(request, Cap.REFERRAL_REGISTER_INDIRECT)
    form = IndirectReferralForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_register_indirect(
                actor=request.user,
                protocol_office=office,
                data=form.referral_data(),
                child_data=form.person_data(),
                document_file=form.cleaned_data.get("document"),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            entry = referral.protocol_entry
            assert entry is not None  # an indirect referral is always registered
            messages.success(
                request,
                _(
                    "Segnalazione registrata al protocollo n. %(number)s del %(date)s e smistata all'ente gestore "
                    "e ai servizi sociali (pratica %(case)s)."
                )
                % {
                    "number": entry.display_number,
                    "date": entry.registered_at.strftime("%d/%m/%Y"),
                    "case": referral.case.code,
                },
            )
            return redirect("worklists:home")
    return render(
        request,
        "intake/referral_form.html",
        {
            "form": form,
            "title": _("Registra una segnalazione da ente terzo"),
            "office": office,
        },
    )


def record_direct(request: HttpRequest) -> HttpResponse:
    """Front office: record a family's request (istanza) without the Protocol Office (seed 000 step 1)."""
    desk = _own_office(request, Cap.REFERRAL_RECORD_DIRECT)
    form = DirectReferralForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_record_direct(
                actor=request.user,
                desk=desk,
                data=form.referral_data(),
                child_data=form.person_data(),
                document_file=form.cleaned_data.get("document"),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(
                request,
                _("Istanza registrata: pratica %(case)s, da assegnare.") % {"case": referral.case.code},
            )
            return redirect("worklists:home")
    return render(
        request,
        "intake/referral_form.html",
        {
            "form": form,
            "title": _("Nuova istanza di accesso diretto"),
            "office": desk,
        },
    )
