from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from tutela.core.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "site_org_name": "Tutela Minori", "now": timezone.now()}
    return {**nav_items_for(request), "now": timezone.now()}
