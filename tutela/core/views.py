from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tutela.accounts.models import Municipality


@require_GET
def municipality_search(request: HttpRequest) -> HttpResponse:
    """Suggestions for a Comune field (htmx): reference data only, no personal data."""
    # htmx sends the input under its own field name (residence_municipality, birth_place, ...).
    values = (str(v).replace("\x00", "").strip() for v in request.GET.values())  # PostgreSQL refuses NUL
    query = next((v for v in values if v), "")
    results = Municipality.objects.filter(name__istartswith=query)[:15] if len(query) >= 2 else []
    return render(request, "core/municipality_options.html", {"results": results})
