"""What every act on an intervention shares: the access door, month arithmetic, the date checks."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import get_case_for_user
from tutela.services.models import Intervention, Placement, ServiceType

FOSTER_MAX_MONTHS = 24  # L. 184/1983 art. 4 c. 4: the presumable duration cannot exceed 24 months
OUTCOME_LISTS = {
    Placement.Kind.FOSTER: "EsitoAffidoType",
    Placement.Kind.RESIDENTIAL: "EsitoInserimentoStrutturaType",
}
PLACEMENT_KINDS = {
    ServiceType.Delivery.FOSTER: Placement.Kind.FOSTER,
    ServiceType.Delivery.RESIDENTIAL: Placement.Kind.RESIDENTIAL,
}


def get_intervention_for_user(user: Any, pk: int, capability: str | None = None) -> Intervention:
    """The intervention, if its case is in the user's scope (with the capability on it); 404 otherwise."""
    intervention = (
        Intervention.objects.select_related(
            "service_type", "paying_municipality", "provider", "contract_rate__contract", "proposal__review"
        )
        .filter(pk=pk)
        .first()
    )
    if intervention is None:
        raise Http404
    intervention.case = get_case_for_user(user, intervention.case_id, capability=capability)
    return intervention


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def date_check(day: dt.date, field: str, *, not_before: dt.date | None, after_what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("La data non può essere nel futuro.")})
    if not_before is not None and day < not_before:
        raise ValidationError(
            {
                field: _("La data non può precedere %(what)s (%(day)s).")
                % {"what": after_what, "day": not_before.strftime("%d/%m/%Y")}
            }
        )


def last_event(intervention: Intervention) -> dt.date | None:
    """The latest date of the intervention's life so far: start, suspensions and resumptions."""
    days = [intervention.started_on] if intervention.started_on else []
    for starts_on, ends_on in intervention.suspensions.values_list("starts_on", "ends_on"):
        days += [starts_on] + ([ends_on] if ends_on else [])
    return max(days, default=None)
