"""Rooms, and the double-booking check that visits and meetings share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.models import Territory
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.meetings.models import Meeting, Room, SupervisedVisit, VisitState
from tutela.workflow import TransitionError


def slot_label(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("il %(day)s dalle %(start)s alle %(end)s") % {
        "day": date_format(start, "d/m/Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def room_conflict(
    room: Room,
    start: dt.datetime,
    end: dt.datetime,
) -> str | None:
    """Why the room is not free between start and end (a booked visit or a planned meeting), or None.

    Intervals are half-open: a booking that ends at 10:00 leaves the room free from 10:00. Call it with the room
    row locked (select_for_update): that lock serialises the bookings of the room on every database.
    """
    visit = (
        SupervisedVisit.objects.filter(room=room, starts_at__lt=end, ends_at__gt=start)
        .exclude(state=VisitState.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    if visit is not None:
        return _("La stanza «%(room)s» è già prenotata %(slot)s per un incontro protetto.") % {
            "room": room.name,
            "slot": slot_label(visit.starts_at, visit.ends_at),
        }
    meeting = (
        Meeting.objects.filter(room=room, starts_at__lt=end, ends_at__gt=start, cancelled_at__isnull=True)
        .order_by("starts_at")
        .first()
    )
    if meeting is not None:
        return _("La stanza «%(room)s» è già prenotata %(slot)s per una riunione.") % {
            "room": room.name,
            "slot": slot_label(meeting.starts_at, meeting.ends_at),
        }
    return None


def room_lock(room: Room) -> Room:
    """Lock the room's row: every booking of the room waits for the one in progress (see room_conflict)."""
    return Room.objects.select_for_update().get(pk=room.pk)


def _manager_check(actor: Any, territory_id: int) -> None:
    if not has_capability(actor, Cap.ROOM_MANAGE, territory_id):
        raise TransitionError(_("Il tuo ruolo non consente di gestire le stanze."))


def room_create(*, territory: Territory, actor: Any, name: str, place: str, capacity: int) -> Room:
    """Add a room of the service for supervised visits and meetings (seed 003: dedicated rooms)."""
    _manager_check(actor, territory.pk)
    errors = {}
    if not name.strip():
        errors["name"] = _("Il nome è obbligatorio.")
    if not place.strip():
        errors["place"] = _("Indica la sede.")
    if capacity < 2:
        errors["capacity"] = _("Una stanza per gli incontri accoglie almeno due persone.")
    if errors:
        raise ValidationError(errors)
    if Room.objects.filter(territory=territory, name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("Esiste già una stanza con questo nome.")})
    with transaction.atomic():
        room = Room.objects.create(
            territory=territory, name=name.strip(), place=place.strip(), capacity=capacity
        )
        audit_record(actor=actor, action="meetings.room.created", obj=room)
    return room


def room_set_active(*, room: Room, actor: Any, active: bool) -> Room:
    """Take a room out of use (no new bookings; those already made stay) or put it back."""
    _manager_check(actor, room.territory_id)
    with transaction.atomic():
        locked = room_lock(room)
        if locked.active == active:
            raise TransitionError(_("La stanza è già in questo stato."))
        locked.active = active
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="meetings.room.activated" if active else "meetings.room.deactivated",
            obj=locked,
        )
    return locked
