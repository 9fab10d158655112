"""What every ModelAdmin of Tutela shares (core registers no model of its own)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.options import BaseModelAdmin
from django.db import models
from django.http import HttpRequest

from tutela.core.bidi import validate_no_bidi_controls
from tutela.core.forms import refuses_bidi_controls


class BidiSafeAdminMixin(BaseModelAdmin):
    """The admin's forms refuse bidirectional controls in single-line text, as every StyledForm does: user,
    organisation and service names are typed here (ADR 0010). A test holds every ModelAdmin to it."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and refuses_bidi_controls(field):
            field.validators.append(validate_no_bidi_controls)
        return field
