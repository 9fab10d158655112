from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tutela.accounts.access import has_capability, organisations_with, territories_with
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.protocol.models import ProtocolEntry


def entry_list(request: HttpRequest) -> HttpResponse:
    """The protocol register of the user's office or territory. Subjects carry no names (DESIGN.md s. 5)."""
    if not has_capability(request.user, Cap.PROTOCOL_VIEW):
        raise Http404
    offices = organisations_with(request.user, Cap.PROTOCOL_VIEW)
    territories = territories_with(request.user, Cap.PROTOCOL_VIEW)
    entries = (
        (
            ProtocolEntry.objects.filter(register__organisation__territory__in=territories)
            | ProtocolEntry.objects.filter(register__organisation__in=offices)
        )
        .select_related("register", "registered_by", "correspondent_organisation")
        .order_by("-year", "-number")
    )
    page = Paginator(entries.distinct(), 30).get_page(request.GET.get("page"))
    # Correspondents may be private persons (a parent, a neighbour): reading them is audited like a case list.
    audit_record(
        actor=request.user,
        action="protocol.register.viewed",
        data={"page": page.number, "entries": [e.pk for e in page.object_list]},
    )
    return render(request, "protocol/entry_list.html", {"page_obj": page})
