"""Recurring meetings: a series plans its meetings for a period (seed 001 weekly team meeting and monthly heads
meeting; seed 003 quarterly and bimonthly coordination)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.models import Organisation, Territory
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.deadlines.calendar import next_business_day, patron_of
from tutela.meetings.models import Frequency, Meeting, MeetingKind, MeetingSeries, Room
from tutela.meetings.services.meetings import MeetingData, meeting_plan
from tutela.workflow import TransitionError

MAX_SPAN_DAYS = 731  # two years of meetings at most in one go
MONTHS = {Frequency.MONTHLY: 1, Frequency.BIMONTHLY: 2, Frequency.QUARTERLY: 3}


@dataclass(frozen=True)
class SeriesData:
    kind: str
    title: str
    frequency: str
    first_on: dt.date
    until_on: dt.date
    start_time: dt.time
    end_time: dt.time
    place: str = ""
    room: Room | None = None
    users: Sequence[Any] = field(default_factory=tuple)
    organisations: Sequence[Organisation] = field(default_factory=tuple)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def series_dates(frequency: str, first_on: dt.date, until_on: dt.date, patron: Any = None) -> list[dt.date]:
    """The meeting days of a series: every step from the first day; a day that is not a business day (a
    holiday, the patron saint, a weekend) moves to the next business day, inside the period."""
    days: list[dt.date] = []
    step = 0
    while True:
        if frequency == Frequency.WEEKLY:
            nominal = first_on + dt.timedelta(weeks=step)
        else:
            nominal = _add_months(first_on, MONTHS[Frequency(frequency)] * step)
        if nominal > until_on:
            return days
        day = next_business_day(nominal, patron)
        if day <= until_on and (not days or day > days[-1]):
            days.append(day)
        step += 1


def _validate(data: SeriesData) -> None:
    errors: dict[str, str] = {}
    if data.kind == MeetingKind.CASE_MEETING:
        errors["kind"] = _("Le riunioni sul caso non si ripetono in serie: si pianificano dalla pratica.")
    if data.frequency not in Frequency.values:
        errors["frequency"] = _("Cadenza non valida.")
    if data.until_on < data.first_on:
        errors["until_on"] = _("La fine del periodo deve seguire la prima riunione.")
    elif (data.until_on - data.first_on).days > MAX_SPAN_DAYS:
        errors["until_on"] = _("Una serie copre al massimo due anni.")
    if data.end_time <= data.start_time:
        errors["end_time"] = _("L'ora di fine deve seguire l'ora di inizio.")
    if errors:
        raise ValidationError(errors)


def series_create(
    *, actor: Any, territory: Territory, data: SeriesData
) -> tuple[MeetingSeries, list[Meeting]]:
    """Create the series and plan each of its meetings (invitations, room); all or nothing."""
    if not has_capability(actor, Cap.MEETING_MANAGE, territory.pk):
        raise TransitionError(_("Il tuo ruolo non consente di pianificare riunioni."))
    _validate(data)
    days = series_dates(data.frequency, data.first_on, data.until_on, patron_of(territory))
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            territory=territory,
            kind=data.kind,
            title=data.title.strip(),
            frequency=data.frequency,
            first_on=data.first_on,
            until_on=data.until_on,
            start_time=data.start_time,
            end_time=data.end_time,
            place=data.place.strip(),
            room=data.room,
            network=getattr(territory, "antiviolence_network", None)
            if data.kind == MeetingKind.NETWORK
            else None,
            organiser=actor,
            created_by=actor,
        )
        meetings = [_plan_one(series, day, data, actor, territory) for day in days]
        audit_record(
            actor=actor, action="meetings.series.created", obj=series, data={"meetings": len(meetings)}
        )
    return series, meetings


def _plan_one(
    series: MeetingSeries, day: dt.date, data: SeriesData, actor: Any, territory: Territory
) -> Meeting:
    moment = dt.datetime.combine
    meeting_data = MeetingData(
        kind=data.kind,
        title=data.title,
        starts_at=timezone.make_aware(moment(day, data.start_time)),
        ends_at=timezone.make_aware(moment(day, data.end_time)),
        place=data.place,
        room=data.room,
        users=data.users,
        organisations=data.organisations,
    )
    try:
        return meeting_plan(actor=actor, territory=territory, data=meeting_data, series=series)
    except ValidationError as exc:
        label = date_format(day, "d/m/Y")
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {
                    name: [f"{label}: {message}" for message in messages]
                    for name, messages in exc.message_dict.items()
                }
            ) from exc
        raise ValidationError([f"{label}: {message}" for message in exc.messages]) from exc
