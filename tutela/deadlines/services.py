from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import cases_visible_to, grants_of
from tutela.accounts.roles import Role
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.core.confidentiality import Secrecy
from tutela.deadlines.calendar import add_business_days, add_calendar_days_rolling, patron_of
from tutela.deadlines.models import CalendarFeedToken, Deadline, DeadlineQuerySet
from tutela.workflow import TransitionError


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def due_in_business_days(start: dt.date, days: int, territory: Any) -> dt.datetime:
    """End of the `days`-th business day after `start` in the territory (service levels, reminders)."""
    return end_of_day(add_business_days(start, days, patron_of(territory)))


def due_in_calendar_days(start: dt.date, days: int, territory: Any) -> dt.datetime:
    """End of a legal term of `days` calendar days, moved to the next business day when it ends on a holiday
    or a weekend (court terms)."""
    return end_of_day(add_calendar_days_rolling(start, days, patron_of(territory)))


def deadline_create(
    *,
    case: Case,
    kind: str,
    description: str,
    due_at: dt.datetime,
    actor: Any,
    owner: Any = None,
    source: models.Model | None = None,
) -> Deadline:
    """Store a due date for the case (called inside the transaction of the act that causes it)."""
    deadline = Deadline.objects.create(
        case=case,
        kind=kind,
        description=description,
        due_at=due_at,
        owner=owner,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
    )
    audit_record(actor=actor, action="deadlines.deadline.created", obj=deadline, case_id=case.pk)
    return deadline


def deadline_complete_for_case(*, case: Case, kind: str, actor: Any) -> int:
    """Mark the case's pending deadlines of this kind as done; returns how many."""
    done = 0
    for deadline in Deadline.objects.pending().select_for_update().filter(case=case, kind=kind):
        deadline.done_at = timezone.now()
        deadline.done_by = actor
        deadline.save(update_fields=["done_at", "done_by"])
        audit_record(actor=actor, action="deadlines.deadline.completed", obj=deadline, case_id=case.pk)
        done += 1
    return done


def deadlines_of_source(source: models.Model) -> DeadlineQuerySet:
    return Deadline.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)


def deadline_cancel_for_source(*, source: models.Model, kind: str, actor: Any) -> int:
    """Cancel the pending deadlines of this kind that the object caused (e.g. a placement that ended)."""
    cancelled = 0
    for deadline in deadlines_of_source(source).pending().select_for_update().filter(kind=kind):
        deadline.cancelled_at = timezone.now()
        deadline.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor, action="deadlines.deadline.cancelled", obj=deadline, case_id=deadline.case_id
        )
        cancelled += 1
    return cancelled


def deadline_complete_for_source(*, source: models.Model, kind: str, actor: Any) -> int:
    """Mark the pending deadlines of this kind that the object caused as done (e.g. a control's follow-up)."""
    done = 0
    for deadline in deadlines_of_source(source).pending().select_for_update().filter(kind=kind):
        deadline.done_at = timezone.now()
        deadline.done_by = actor
        deadline.save(update_fields=["done_at", "done_by"])
        audit_record(
            actor=actor, action="deadlines.deadline.completed", obj=deadline, case_id=deadline.case_id
        )
        done += 1
    return done


# --- done and undone, by hand ---------------------------------------------------------------------------------


def deadline_responsible_id(deadline: Deadline) -> int | None:
    """Who answers for the deadline: its owner, or else the case's lead social worker."""
    return deadline.owner_id or deadline.case.lead_social_worker_id


def _is_territory_coordinator(user: Any, territory_id: int) -> bool:
    return any(g.role == Role.COORDINATOR and g.territory_id == territory_id for g in grants_of(user))


def deadline_refusal(user: Any, deadline: Deadline, *, check_scope: bool = True) -> str | None:
    """Why the user may not mark this deadline done or undone (Italian), or None when they may.
    `check_scope=False` for rows of a page already limited to the user's cases."""
    if deadline.cancelled_at is not None:
        return _("La scadenza è stata annullata: non si può più completare o riaprire.")
    if deadline.kind == Deadline.Kind.TAKE_IN_CHARGE:
        return _("La presa in carico si completa assegnando la pratica, non a mano.")
    if deadline.kind in Deadline.COURT_KINDS:
        return _(
            "Le scadenze dell'autorità giudiziaria si completano dalla pagina del tribunale, depositando la "
            "relazione o registrando il passaggio, non a mano."
        )
    responsible = deadline_responsible_id(deadline)
    if user.pk != responsible and not _is_territory_coordinator(user, deadline.case.territory_id):
        return _(
            "Solo il responsabile della scadenza o il coordinatore del territorio possono completarla o riaprirla."
        )
    if check_scope and not cases_visible_to(user).filter(pk=deadline.case_id).exists():
        return _("Non hai accesso a questa pratica.")
    return None


def _locked(deadline: Deadline) -> Deadline:
    return (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("case", "owner", "done_by")
        .get(pk=deadline.pk)
    )


def deadline_complete(*, deadline: Deadline, actor: Any) -> Deadline:
    """The responsible user (or the territory's coordinator) marks the deadline done: who and when."""
    with transaction.atomic():
        locked = _locked(deadline)
        refusal = deadline_refusal(actor, locked)
        if refusal:
            raise TransitionError(refusal)
        if locked.done_at is not None:
            raise TransitionError(
                _("La scadenza è già stata completata il %(date)s da %(user)s.")
                % {"date": formats.date_format(timezone.localtime(locked.done_at)), "user": locked.done_by}
            )
        locked.done_at = timezone.now()
        locked.done_by = actor
        locked.save(update_fields=["done_at", "done_by"])
        case_event_record(
            case=locked.case,
            actor=actor,
            code="deadlines.deadline.completed",
            description=_("Scadenza completata: %(kind)s del %(date)s")
            % {
                "kind": locked.get_kind_display(),
                "date": formats.date_format(timezone.localtime(locked.due_at)),
            },
        )
        audit_record(actor=actor, action="deadlines.deadline.completed", obj=locked, case_id=locked.case_id)
    return locked


def deadline_reopen(*, deadline: Deadline, actor: Any, reason: str) -> Deadline:
    """Undo a completion marked by mistake, with the reason (kept in the case timeline and the audit log)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indicare perché la scadenza torna da completare.")})
    with transaction.atomic():
        locked = _locked(deadline)
        refusal = deadline_refusal(actor, locked)
        if refusal:
            raise TransitionError(refusal)
        if locked.done_at is None:
            raise TransitionError(_("La scadenza non è completata: non c'è nulla da annullare."))
        previous = {
            "done_at": locked.done_at.isoformat(),
            "done_by": locked.done_by_id,
        }
        locked.done_at = None
        locked.done_by = None
        locked.save(update_fields=["done_at", "done_by"])
        case_event_record(
            case=locked.case,
            actor=actor,
            code="deadlines.deadline.reopened",
            description=_("Completamento annullato: %(kind)s del %(date)s")
            % {
                "kind": locked.get_kind_display(),
                "date": formats.date_format(timezone.localtime(locked.due_at)),
            },
            note=reason,
            note_class=Secrecy.ORDINARY,  # why a completion is undone: the deadline's own business
        )
        audit_record(
            actor=actor,
            action="deadlines.deadline.reopened",
            obj=locked,
            case_id=locked.case_id,
            reason=reason,
            data=previous,
        )
    return locked


# --- the private calendar feed ---------------------------------------------------------------------------------


def calendar_feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def calendar_feed_token_issue(*, actor: Any) -> str:
    """A new secret for the user's calendar feed; the previous one stops working. Returns the secret, which is
    not stored (only its hash is) and is shown once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # The user's row serialises two requests of the same user: one active link at a time.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        _calendar_feed_revoke_active(actor)
        feed = CalendarFeedToken.objects.create(user=actor, token_hash=calendar_feed_token_hash(token))
        audit_record(actor=actor, action="deadlines.calendar_feed.issued", obj=feed)
    return token


def _calendar_feed_revoke_active(actor: Any) -> int:
    revoked = 0
    for feed in CalendarFeedToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True):
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="deadlines.calendar_feed.revoked", obj=feed)
        revoked += 1
    return revoked


def calendar_feed_token_revoke(*, actor: Any) -> int:
    """Switch off the user's calendar link; returns how many were active (0 or 1)."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        return _calendar_feed_revoke_active(actor)


def calendar_feed_token_resolve(token: str) -> CalendarFeedToken | None:
    """The active link of an active user for this secret, or None (unknown, revoked, user disabled)."""
    if not token or len(token) > 200:
        return None
    return (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=calendar_feed_token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def calendar_feed_read(*, feed: CalendarFeedToken, deadlines: list[Deadline]) -> None:
    """Audit one download of the feed (it carries case codes) and note when the link was last used."""
    with transaction.atomic():
        feed.last_used_at = timezone.now()
        feed.save(update_fields=["last_used_at"])
        audit_record(
            actor=feed.user,
            action="deadlines.calendar_feed.read",
            obj=feed,
            data={"cases": sorted({d.case_id for d in deadlines}), "deadlines": len(deadlines)},
        )
