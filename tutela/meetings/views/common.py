"""Plumbing shared by the meetings views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tutela.accounts.access import territories_with
from tutela.accounts.models import Territory
from tutela.core.forms import StyledForm


def territory_for(request: HttpRequest, *capabilities: str) -> Territory:
    """The territory where the user holds one of the capabilities (the `territorio` parameter chooses among
    several); 404 when none."""
    ids: set[int] = set()
    for capability in capabilities:
        ids |= territories_with(request.user, capability)
    if not ids:
        raise Http404
    wanted = request.GET.get("territorio", "")
    pk = int(wanted) if wanted.isdigit() and int(wanted) in ids else min(ids)
    return Territory.objects.get(pk=pk)


def year_of(request: HttpRequest, today: dt.date) -> int:
    raw = request.GET.get("anno", "")
    if raw.isdigit() and 2000 <= int(raw) <= today.year + 2:
        return int(raw)
    return today.year


def form_page(
    request: HttpRequest,
    *,
    form: StyledForm | None,
    title: str,
    back_url: str,
    case: Any = None,
    intro: str = "",
    notice: str = "",
    template: str = "meetings/form_page.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page with one form (or only a notice when the act cannot start yet)."""
    context = {
        "form": form,
        "title": title,
        "back_url": back_url,
        "case": case,
        "intro": intro,
        "notice": notice,
        **(extra or {}),
    }
    return render(request, template, context)
