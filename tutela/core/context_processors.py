from typing import Any

from django.http import HttpRequest

from tutela.core.navigation import nav_items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "site_org_name": "Tutela Minori"}
    return nav_items_for(request)
