"""The submit step shared by every action page: validate the form, call the service, report the outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tutela.core.forms import StyledForm
from tutela.workflow import TransitionError


def form_submitted(
    request: HttpRequest, form: StyledForm, run: Callable[[], Any], *, success: str
) -> bool | None:
    """True when the act was done (success message queued); False when the service refused it now (error
    message queued, nothing changed); None when the form must be shown again with its errors."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        run()
    except ValidationError as exc:
        form.apply_errors(exc)
        return None
    except TransitionError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
