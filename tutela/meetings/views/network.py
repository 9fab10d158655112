"""The anti-violence network (seed 002): its page, set-up, partners, agreement and autonomy paths."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import has_capability
from tutela.accounts.models import Territory
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.meetings import forms as meeting_forms
from tutela.meetings.access import paths_visible_to
from tutela.meetings.models import Network
from tutela.meetings.selectors import network_overview
from tutela.meetings.services import network as network_services
from tutela.meetings.views.common import form_page, territory_for, year_of

NOT_CONFIGURED = _(
    "La rete antiviolenza del territorio non è ancora configurata: il coordinatore o l'ente gestore la configurano."
)


def _network(territory: Territory) -> Network | None:
    return Network.objects.filter(territory=territory).first()


def network_page(request: HttpRequest) -> HttpResponse:
    territory = territory_for(request, Cap.NETWORK_VIEW)
    network = _network(territory)
    year = year_of(request, timezone.localdate())
    overview = network_overview(network, request.user, year) if network is not None else {}
    paths = list(overview.get("paths", []))
    audit_record(
        actor=request.user,
        action="meetings.network.viewed",
        obj=network,
        data={"year": year, "paths": [p.pk for p in paths]},
    )
    return render(
        request,
        "meetings/network.html",
        {
            **overview,
            "paths": paths,
            "network": network,
            "territory": territory,
            "year": year,
            "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
            "can_manage": has_capability(request.user, Cap.NETWORK_MANAGE, territory.pk),
            "can_plan": has_capability(request.user, Cap.MEETING_MANAGE, territory.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def network_edit(request: HttpRequest) -> HttpResponse:
    territory = territory_for(request, Cap.NETWORK_MANAGE)
    network = _network(territory)
    initial = {"name": network.name, "programme": network.programme} if network else {}
    form = meeting_forms.NetworkForm(request.POST or None, initial=initial)
    done = form_submitted(
        request,
        form,
        lambda: network_services.network_setup(
            territory=territory,
            actor=request.user,
            name=form.cleaned_data["name"],
            programme=form.cleaned_data.get("programme", ""),
        ),
        success=_("Rete antiviolenza aggiornata."),
    )
    if done is not None:
        return redirect("meetings:network")
    return form_page(
        request, form=form, title=_("Configura la rete antiviolenza"), back_url=reverse("meetings:network")
    )


@require_http_methods(["GET", "POST"])
def partner_add(request: HttpRequest) -> HttpResponse:
    territory = territory_for(request, Cap.NETWORK_MANAGE)
    network = _network(territory)
    title, back = _("Aggiungi un ente alla rete"), reverse("meetings:network")
    if network is None:
        return form_page(request, form=None, title=title, back_url=back, notice=NOT_CONFIGURED)
    form = meeting_forms.PartnerForm(request.POST or None, territory=territory)
    done = form_submitted(
        request,
        form,
        lambda: network_services.network_partner_add(
            network=network,
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data.get("role", ""),
            joined_on=form.cleaned_data.get("joined_on"),
        ),
        success=_("Ente aggiunto alla rete."),
    )
    if done is not None:
        return redirect("meetings:network")
    return form_page(request, form=form, title=title, back_url=back)


@require_http_methods(["GET", "POST"])
def agreement_add(request: HttpRequest) -> HttpResponse:
    territory = territory_for(request, Cap.NETWORK_MANAGE)
    network = _network(territory)
    title, back = _("Registra l'accordo di rete"), reverse("meetings:network")
    if network is None:
        return form_page(request, form=None, title=title, back_url=back, notice=NOT_CONFIGURED)
    form = meeting_forms.AgreementForm(request.POST or None)
    done = form_submitted(
        request,
        form,
        lambda: network_services.network_agreement_record(
            network=network, actor=request.user, **form.cleaned_data
        ),
        success=_("Accordo di rete registrato."),
    )
    if done is not None:
        return redirect("meetings:network")
    return form_page(request, form=form, title=title, back_url=back)


@require_http_methods(["GET", "POST"])
def path_create(request: HttpRequest) -> HttpResponse:
    territory = territory_for(request, Cap.NETWORK_VIEW)
    network = _network(territory)
    title, back = _("Avvia un percorso di autonomia"), reverse("meetings:network")
    if network is None:
        return form_page(request, form=None, title=title, back_url=back, notice=NOT_CONFIGURED)
    form = meeting_forms.PathForm(request.POST or None, territory=territory, user=request.user)
    done = form_submitted(
        request,
        form,
        lambda: network_services.autonomy_path_open(
            network=network,
            actor=request.user,
            woman=form.woman(),
            children=form.children(),
            social_worker=form.cleaned_data["social_worker"],
            started_on=form.cleaned_data["started_on"],
            referring_organisation=form.cleaned_data.get("referring_organisation"),
            notes=form.cleaned_data.get("notes", ""),
        ),
        success=_("Percorso di autonomia avviato."),
    )
    if done is not None:
        return redirect("meetings:network")
    return form_page(
        request,
        form=form,
        title=title,
        back_url=back,
        intro=_(
            "Dati riservati: li vedono solo il coordinatore, l'ente gestore e l'assistente sociale referente."
        ),
    )


@require_http_methods(["GET", "POST"])
def path_close(request: HttpRequest) -> HttpResponse:
    """Close one of the autonomy paths the user follows (the `percorso` parameter preselects it)."""
    territory = territory_for(request, Cap.NETWORK_VIEW)
    paths = (
        paths_visible_to(request.user)
        .filter(network__territory=territory, ended_on__isnull=True)
        .select_related("woman")
        .order_by("-started_on")
    )
    title, back = _("Concludi un percorso di autonomia"), reverse("meetings:network")
    shown = [p.pk for p in paths]
    audit_record(actor=request.user, action="meetings.autonomy_path.listed", data={"shown": shown})
    if not shown:
        return form_page(
            request,
            form=None,
            title=title,
            back_url=back,
            notice=_("Nessun percorso in corso tra quelli che segui."),
        )
    wanted = request.GET.get("percorso", "")
    initial = {"path": int(wanted)} if wanted.isdigit() and int(wanted) in shown else {}
    form = meeting_forms.PathCloseForm(request.POST or None, paths=paths, initial=initial)
    done = form_submitted(
        request,
        form,
        lambda: network_services.autonomy_path_close(
            path=form.cleaned_data["path"],
            actor=request.user,
            ended_on=form.cleaned_data["ended_on"],
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data.get("notes", ""),
        ),
        success=_("Percorso concluso."),
    )
    if done is not None:
        return redirect("meetings:network")
    return form_page(request, form=form, title=title, back_url=back)
