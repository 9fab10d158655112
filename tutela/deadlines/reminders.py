"""Reminders about deadlines (DESIGN.md section 6, ADR 0011), sent by `manage.py send_reminders` from cron.

- Before the due date, to whoever answers for the deadline (its owner, else the case's lead social worker, else
  the territory's coordinators): N business days before it (REMINDER_BUSINESS_DAYS), or as soon as the
  deadline exists for the kinds that are themselves an early warning.
- After the due date, once per deadline, to the coordinators of the case's territory (escalation).

Each notice goes on two channels, an in-app notice on the recipient's worklist and an e-mail. A notice is
claimed by inserting its `Reminder` row, unique per (deadline, kind, channel, recipient): a second run, or a
concurrent one, finds the row and sends nothing again. E-mails leave after the claim is committed; a failed one
is retried by later runs (at most EMAIL_MAX_ATTEMPTS), a claim left without an outcome for STALE_CLAIM (a
crash between the commit and the send) is retried too.

Subjects and bodies carry the case code and the kind of deadline only: never the child's name nor any free
text (an e-mail leaves the system).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import User
from tutela.accounts.roles import Role
from tutela.audit.services import audit_record
from tutela.deadlines.calendar import business_days_between, patron_of, subtract_business_days
from tutela.deadlines.models import Deadline, Reminder
from tutela.deadlines.services import end_of_day

logger = logging.getLogger(__name__)

REMINDER_BUSINESS_DAYS_DEFAULT = 3
# Business days before the due date; None: remind as soon as the deadline exists (it is an early warning
# already, or its clock runs in hours).
REMINDER_BUSINESS_DAYS: dict[str, int | None] = {
    Deadline.Kind.COURT_REPORT: 10,
    Deadline.Kind.PLACEMENT_EXPIRY: None,
    Deadline.Kind.ART403: None,
}
AT_CREATION_KINDS = frozenset(k for k, days in REMINDER_BUSINESS_DAYS.items() if days is None)
# Calendar days that hold the longest lead in business days, whatever the holidays in between.
_HORIZON = dt.timedelta(days=2 * max(d for d in REMINDER_BUSINESS_DAYS.values() if d is not None) + 14)

EMAIL_MAX_ATTEMPTS = 3
STALE_CLAIM = dt.timedelta(hours=1)
NO_EMAIL = "Nessun indirizzo e-mail per l'utente."


def reminder_business_days(kind: str) -> int | None:
    return REMINDER_BUSINESS_DAYS.get(kind, REMINDER_BUSINESS_DAYS_DEFAULT)


def reminder_due_on(deadline: Deadline, patron: Any = None) -> dt.date:
    """The day the reminder before the due date is due (never later than the deadline's creation day)."""
    created = timezone.localdate(deadline.created_at)
    days = reminder_business_days(deadline.kind)
    if days is None:
        return created
    return max(created, subtract_business_days(timezone.localdate(deadline.due_at), days, patron))


@dataclass
class RunReport:
    """What one run did; printed by the command and kept in the run's audit row."""

    reminders: int = 0  # in-app notices before the due date
    escalations: int = 0  # in-app notices to coordinators after the due date
    emails_sent: int = 0
    emails_without_address: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reminders": self.reminders,
            "escalations": self.escalations,
            "emails_sent": self.emails_sent,
            "emails_without_address": self.emails_without_address,
            "failed": self.failed,
        }


class _Coordinators:
    """The active coordinators of each territory, read once per run."""

    def __init__(self) -> None:
        self._by_territory: dict[int, list[User]] = {}

    def of(self, territory_id: int) -> list[User]:
        if territory_id not in self._by_territory:
            self._by_territory[territory_id] = list(
                User.objects.filter(
                    is_active=True,
                    memberships__active=True,
                    memberships__role=Role.COORDINATOR,
                    memberships__organisation__active=True,
                    memberships__organisation__territory_id=territory_id,
                )
                .distinct()
                .order_by("pk")
            )
        return self._by_territory[territory_id]


def _responsible(deadline: Deadline, coordinators: _Coordinators) -> list[User]:
    for user in (deadline.owner, deadline.case.lead_social_worker):
        if user is not None and user.is_active:
            return [user]
    return coordinators.of(deadline.case.territory_id)


def _notices_due(deadline: Deadline, now: dt.datetime, coordinators: _Coordinators) -> list[tuple[str, User]]:
    today = timezone.localdate(now)
    notices: list[tuple[str, User]] = []
    if today >= reminder_due_on(deadline, patron_of(deadline.case.territory)):
        notices += [(Reminder.Kind.BEFORE_DUE, user) for user in _responsible(deadline, coordinators)]
    # Once per deadline: whoever the coordinators are at the first run after the due date.
    if deadline.due_at < now and not getattr(deadline, "escalated", False):
        notices += [(Reminder.Kind.OVERDUE, user) for user in coordinators.of(deadline.case.territory_id)]
    return notices


def _claim(
    deadline: Deadline, notices: Iterable[tuple[str, User]], now: dt.datetime, report: RunReport
) -> list[int]:
    """Insert the rows of the notices not sent yet (in-app notices are delivered by their row); returns the
    e-mails to send once this transaction has committed."""
    existing = {(r.kind, r.channel, r.recipient_id) for r in deadline.reminders.all()}
    emails: list[int] = []
    with transaction.atomic():
        for kind, user in notices:
            for channel in (Reminder.Channel.IN_APP, Reminder.Channel.EMAIL):
                if (kind, channel, user.pk) in existing:
                    continue
                in_app = channel == Reminder.Channel.IN_APP
                reminder, created = Reminder.objects.get_or_create(
                    deadline=deadline,
                    kind=kind,
                    channel=channel,
                    recipient=user,
                    defaults={
                        "created_at": now,
                        "claimed_at": now,
                        "attempts": 1,
                        "sent_at": now if in_app else None,
                        "error": "" if in_app or user.email else NO_EMAIL,
                    },
                )
                if not created:  # another run got there first
                    continue
                if in_app:
                    if kind == Reminder.Kind.BEFORE_DUE:
                        report.reminders += 1
                    else:
                        report.escalations += 1
                elif not user.email:
                    report.emails_without_address += 1
                else:
                    emails.append(reminder.pk)
    return emails


def _retries(now: dt.datetime) -> list[int]:
    """Claim again the e-mails that failed, or whose claim was left without an outcome, on pending deadlines."""
    retry = Q(error__gt="") | Q(claimed_at__lt=now - STALE_CLAIM)
    candidates = (
        Reminder.objects.filter(
            retry,
            channel=Reminder.Channel.EMAIL,
            sent_at__isnull=True,
            attempts__lt=EMAIL_MAX_ATTEMPTS,
            deadline__done_at__isnull=True,
            deadline__cancelled_at__isnull=True,
        )
        .exclude(error=NO_EMAIL)
        .values_list("pk", flat=True)
    )
    claimed = []
    for pk in list(candidates):
        with transaction.atomic():
            # Locked and checked again: a concurrent run that claimed it first has cleared the error.
            row = (
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(retry, pk=pk, sent_at__isnull=True, attempts__lt=EMAIL_MAX_ATTEMPTS)
                .first()
            )
            if row is None:
                continue
            row.attempts += 1
            row.claimed_at = now
            row.error = ""
            row.save(update_fields=["attempts", "claimed_at", "error"])
            claimed.append(pk)
    return claimed


def reminder_email_text(
    reminder: Reminder, url_base: str = "", today: dt.date | None = None
) -> tuple[str, str]:
    """Subject and body: the case code, the kind and the date; never a name of the child nor free text."""
    deadline = reminder.deadline
    case = deadline.case
    kind = deadline.get_kind_display()
    due = formats.date_format(timezone.localtime(deadline.due_at), "d/m/Y")
    if reminder.kind == Reminder.Kind.OVERDUE:
        subject = _("[Tutela] Sollecito: scadenza superata — pratica %(code)s — %(kind)s del %(due)s") % {
            "code": case.code,
            "kind": kind,
            "due": due,
        }
        responsible = deadline.owner or case.lead_social_worker
        lines = [
            _(
                "La scadenza «%(kind)s» della pratica %(code)s è superata dal %(due)s e non risulta completata."
            )
            % {"kind": kind, "code": case.code, "due": due},
            _("Responsabile: %(name)s.") % {"name": responsible or _("non assegnato")},
        ]
    else:
        subject = _("[Tutela] Promemoria: %(kind)s — pratica %(code)s — entro il %(due)s") % {
            "code": case.code,
            "kind": kind,
            "due": due,
        }
        left = business_days_between(
            today or timezone.localdate(), timezone.localdate(deadline.due_at), patron_of(case.territory)
        )
        lines = [
            _("La scadenza «%(kind)s» della pratica %(code)s cade il %(due)s.")
            % {"kind": kind, "code": case.code, "due": due},
            _("Giorni lavorativi rimanenti: %(left)s.") % {"left": left},
        ]
    path = reverse("cases:detail", kwargs={"pk": case.pk})
    if url_base:
        lines.append(_("Apri la pratica: %(url)s") % {"url": f"{url_base.rstrip('/')}{path}"})
    else:
        lines.append(_("Apri la pratica %(code)s in Tutela per i dettagli.") % {"code": case.code})
    lines += [
        "",
        _(
            "Messaggio automatico di Tutela: per riservatezza non contiene dati del minore. "
            "Non rispondere a questo indirizzo."
        ),
    ]
    return subject, "\n".join(lines) + "\n"


def reminder_email_send(*, reminder_id: int, url_base: str = "", now: dt.datetime | None = None) -> bool:
    """Send one claimed e-mail (after the claim committed); a failure stays on the row for the next run."""
    reminder = Reminder.objects.select_related(
        "recipient", "deadline__case__territory", "deadline__case__lead_social_worker", "deadline__owner"
    ).get(pk=reminder_id)
    if reminder.sent_at is not None:
        return True
    now = now or timezone.now()
    subject, body = reminder_email_text(reminder, url_base, timezone.localdate(now))
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[reminder.recipient.email]
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # kept on the row; the next run retries
        logger.exception("Reminder e-mail %s failed", reminder.pk)
        reminder.error = (str(exc) or exc.__class__.__name__)[:300]
        reminder.save(update_fields=["error"])
        return False
    reminder.sent_at = timezone.now()
    reminder.error = ""
    reminder.save(update_fields=["sent_at", "error"])
    return True


def reminders_send(*, now: dt.datetime | None = None, url_base: str = "") -> RunReport:
    """Send every reminder and escalation due now; safe to run again and concurrently. One bad deadline is
    logged and counted, and the others go on. One audit row per run."""
    now = now or timezone.now()
    report = RunReport()
    coordinators = _Coordinators()
    horizon = end_of_day(timezone.localdate(now) + _HORIZON)
    escalated = Reminder.objects.filter(deadline=OuterRef("pk"), kind=Reminder.Kind.OVERDUE)
    candidates = (
        Deadline.objects.pending()
        .filter(Q(due_at__lte=horizon) | Q(kind__in=AT_CREATION_KINDS))
        .annotate(escalated=Exists(escalated))
        # Once escalated, an overdue deadline has nothing more to send: the scan stays bounded over the years.
        .exclude(due_at__lt=now, escalated=True)
        .select_related("case__territory", "case__lead_social_worker", "owner")
        .prefetch_related("reminders")
        .order_by("due_at", "pk")
    )
    emails: list[int] = []
    for deadline in candidates.iterator(chunk_size=500):
        try:
            notices = _notices_due(deadline, now, coordinators)
            if notices:
                emails += _claim(deadline, notices, now, report)
        except Exception as exc:
            logger.exception("Reminders for deadline %s failed", deadline.pk)
            report.failed += 1
            report.errors.append(f"scadenza {deadline.pk}: {exc}")
    try:
        emails += _retries(now)
    except Exception as exc:
        logger.exception("Claiming the e-mails to retry failed")
        report.failed += 1
        report.errors.append(f"nuovi tentativi: {exc}")
    for reminder_id in emails:
        try:
            sent = reminder_email_send(reminder_id=reminder_id, url_base=url_base, now=now)
        except Exception:  # left claimed: retried once the claim is stale
            logger.exception("Reminder e-mail %s failed", reminder_id)
            sent = False
        if sent:
            report.emails_sent += 1
        else:
            report.failed += 1
            report.errors.append(f"promemoria {reminder_id}: e-mail non inviata")
    audit_record(actor=None, action="deadlines.reminders.sent", data=report.as_dict())
    return report


def reminders_mark_read(*, actor: Any, reminder_id: int | None = None) -> int:
    """The recipient marks one in-app notice (or, with no id, all of them) as read: it leaves the worklist."""
    with transaction.atomic():
        unread = Reminder.objects.select_for_update().filter(
            recipient=actor, channel=Reminder.Channel.IN_APP, read_at__isnull=True
        )
        if reminder_id is not None:
            unread = unread.filter(pk=reminder_id)
        marked = []
        for reminder in unread.order_by("pk"):
            reminder.read_at = timezone.now()
            reminder.save(update_fields=["read_at"])
            marked.append(reminder.pk)
        if marked:
            audit_record(actor=actor, action="deadlines.reminder.read", data={"reminders": marked})
    return len(marked)
