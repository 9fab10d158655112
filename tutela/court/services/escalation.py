"""Late steps of the art. 403 c.c. clock: escalated to the territory's coordinators (a record, an in-app notice
and an e-mail each), once per step however often the check runs (cron `check_art403`, and the clock page)."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import Membership
from tutela.accounts.roles import Role
from tutela.audit.services import audit_record
from tutela.court.models import Art403Escalation, Art403Notice, Art403Step, EmergencyPlacement
from tutela.workflow import TransitionError

logger = logging.getLogger(__name__)


def territory_coordinators(territory_id: int) -> list[Any]:
    memberships = Membership.objects.filter(
        role=Role.COORDINATOR,
        active=True,
        organisation__active=True,
        organisation__territory_id=territory_id,
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def art403_check(
    *, now: dt.datetime | None = None, placement: EmergencyPlacement | None = None
) -> list[Art403Escalation]:
    """Escalate every late step (past due, not done) of a running placement to the territory's coordinators:
    an escalation record, an in-app notice and an e-mail each, once per step however often it runs."""
    now = now or timezone.now()
    late = Art403Step.objects.filter(
        done_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__lt=now,
        escalation__isnull=True,
        placement__ended_at__isnull=True,
    )
    if placement is not None:
        late = late.filter(placement=placement)
    escalations = []
    for step_id in late.values_list("pk", flat=True):
        escalation = _escalate(step_id, now)
        if escalation is not None:
            escalations.append(escalation)
    return escalations


def _escalate(step_id: int, now: dt.datetime) -> Art403Escalation | None:
    with transaction.atomic():
        # The step's row lock serialises two checks running at once; the one-to-one is the last defence.
        step = (
            Art403Step.objects.select_for_update(of=("self",))
            .select_related("placement__case__territory")
            .get(pk=step_id)
        )
        if not step.is_pending or Art403Escalation.objects.filter(step=step).exists():
            return None
        case = step.placement.case
        escalation = Art403Escalation.objects.create(step=step, escalated_at=now)
        audit_record(
            actor=None,
            action="court.art403_step.escalated",
            obj=escalation,
            case_id=case.pk,
            data={"step": step.kind, "due_at": step.due_at.isoformat()},
        )
        for coordinator in territory_coordinators(case.territory_id):
            notice = Art403Notice.objects.create(escalation=escalation, recipient=coordinator)
            transaction.on_commit(partial(art403_notice_email, notice_id=notice.pk))
    return escalation


def art403_notice_email(*, notice_id: int) -> Art403Notice:
    """E-mail a coordinator about a late step: the case code and the step, never the child's name."""
    notice = Art403Notice.objects.select_related("recipient", "escalation__step__placement__case").get(
        pk=notice_id
    )
    if notice.emailed_at is not None:
        return notice
    step = notice.escalation.step
    case = step.placement.case
    if not notice.recipient.email:
        notice.email_error = _("Nessun indirizzo e-mail per il coordinatore.")
        notice.save(update_fields=["email_error"])
        return notice
    message = EmailMessage(
        subject=_("Pratica %(code)s: termine dell'art. 403 c.c. superato") % {"code": case.code},
        body=_(
            "Il passaggio «%(step)s» del collocamento d'urgenza della pratica %(code)s doveva avvenire entro "
            "il %(due)s e non risulta registrato.\nAprire la pratica in Tutela, sezione Autorità giudiziaria."
        )
        % {
            "step": step.get_kind_display(),
            "code": case.code,
            "due": timezone.localtime(step.due_at).strftime("%d/%m/%Y %H:%M"),
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient.email],
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the notice stays in the worklist; the error is kept for the operator
        logger.exception("E-mail for art. 403 notice %s failed", notice.pk)
        notice.email_error = str(exc)[:300]
        notice.save(update_fields=["email_error"])
        return notice
    with transaction.atomic():
        notice.emailed_at = timezone.now()
        notice.email_error = ""
        notice.save(update_fields=["emailed_at", "email_error"])
        audit_record(
            actor=None,
            action="court.art403_notice.emailed",
            obj=notice,
            case_id=case.pk,
            data={"recipient": notice.recipient.email},
        )
    return notice


def art403_notice_seen(*, notice: Art403Notice, actor: Any) -> Art403Notice:
    """The coordinator has seen the notice: it leaves their worklist."""
    with transaction.atomic():
        notice = Art403Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.recipient_id != actor.pk:
            raise TransitionError(_("L'avviso è indirizzato a un altro coordinatore."))
        if notice.seen_at is None:
            notice.seen_at = timezone.now()
            notice.save(update_fields=["seen_at"])
            audit_record(
                actor=actor,
                action="court.art403_notice.seen",
                obj=notice,
                case_id=notice.escalation.step.placement.case_id,
            )
    return notice
