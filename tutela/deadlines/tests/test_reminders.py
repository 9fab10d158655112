"""Reminders (ADR 0011): N business days before the due date to who answers for the deadline, once per channel;
after the due date, once per deadline, to the territory's coordinators; e-mails without the child's name;
`send_reminders` idempotent, audited once per run, never stopped by one bad row."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.deadlines import reminders as reminders_module
from tutela.deadlines.models import Deadline, Reminder
from tutela.deadlines.reminders import (
    EMAIL_MAX_ATTEMPTS,
    reminder_due_on,
    reminders_mark_read,
    reminders_send,
)
from tutela.deadlines.services import deadline_complete, deadline_create, end_of_day
from tutela.testing import factories

ROME = ZoneInfo("Europe/Rome")
DUE = dt.date(2030, 6, 17)  # a Monday; 2 June 2030 is a Sunday


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=ROME)


def _deadline(case, actor, kind=Deadline.Kind.PLAN_REVIEW, due=DUE, owner=None):
    return deadline_create(
        case=case,
        kind=kind,
        description="Verifica del PEI con la famiglia Bianchi",  # free text: never in an e-mail
        due_at=end_of_day(due),
        actor=actor,
        owner=owner,
    )


def _rows(deadline, **filters):
    return sorted(
        Reminder.objects.filter(deadline=deadline, **filters).values_list(
            "kind", "channel", "recipient__username"
        )
    )


@pytest.fixture
def case(demo):
    return factories.in_care_case(demo)  # led by assistente; its take-in-charge deadline is done


# --- when ----------------------------------------------------------------------------------------------------


def test_reminder_day_by_kind():
    created = at(dt.date(2030, 5, 2))
    plan = Deadline(kind=Deadline.Kind.PLAN_REVIEW, due_at=end_of_day(DUE), created_at=created)
    court = Deadline(kind=Deadline.Kind.COURT_REPORT, due_at=end_of_day(DUE), created_at=created)
    expiry = Deadline(kind=Deadline.Kind.PLACEMENT_EXPIRY, due_at=end_of_day(DUE), created_at=created)
    assert reminder_due_on(plan) == dt.date(2030, 6, 12)  # 3 business days before
    assert reminder_due_on(court) == dt.date(2030, 6, 3)  # 10 business days before
    assert reminder_due_on(expiry) == dt.date(2030, 5, 2)  # already an early warning: at creation
    # Never before the deadline exists; over the weekend and the patron saint's day.
    late = Deadline(
        kind=Deadline.Kind.PLAN_REVIEW, due_at=end_of_day(DUE), created_at=at(dt.date(2030, 6, 14))
    )
    assert reminder_due_on(late) == dt.date(2030, 6, 14)
    florence = Deadline(
        kind=Deadline.Kind.PLAN_REVIEW, due_at=end_of_day(dt.date(2030, 6, 26)), created_at=created
    )
    assert reminder_due_on(florence) == dt.date(2030, 6, 21)
    assert reminder_due_on(florence, (6, 24)) == dt.date(2030, 6, 20)


# --- before the due date -------------------------------------------------------------------------------------


def test_the_lead_is_reminded_three_business_days_before_once_per_channel(demo, case, coordinator):
    deadline = _deadline(case, coordinator)

    assert reminders_send(now=at(dt.date(2030, 6, 11))).reminders == 0
    assert mail.outbox == []

    report = reminders_send(now=at(dt.date(2030, 6, 12)))
    assert (report.reminders, report.emails_sent, report.escalations, report.failed) == (1, 1, 0, 0)
    assert _rows(deadline) == [("before_due", "email", "assistente"), ("before_due", "in_app", "assistente")]
    [message] = mail.outbox
    assert message.to == [demo.users["assistente"].email]
    assert case.code in message.subject and "Verifica del progetto" in message.subject
    assert "12/06/2030" not in message.subject and "17/06/2030" in message.subject
    assert "Giorni lavorativi rimanenti: 3." in message.body

    # Again, and the next day: nothing twice.
    for day in (dt.date(2030, 6, 12), dt.date(2030, 6, 13)):
        report = reminders_send(now=at(day, 15))
        assert (report.reminders, report.emails_sent) == (0, 0)
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(deadline=deadline).count() == 2


def test_e_mails_carry_the_case_code_and_kind_never_the_child_nor_free_text(demo, case, coordinator):
    _deadline(case, coordinator, kind=Deadline.Kind.COURT_REPORT)
    reminders_send(now=at(dt.date(2030, 6, 3)), url_base="https://tutela.example.it/")
    reminders_send(now=at(dt.date(2030, 6, 18)))
    assert len(mail.outbox) == 2  # the reminder to the lead, the escalation to the coordinator
    child = case.child
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert case.code in text and "Relazione all'autorità giudiziaria" in text
        for secret in (child.surname, child.given_name, child.fiscal_code, "Bianchi", "PEI"):
            assert secret and secret not in text
    assert f"https://tutela.example.it/pratiche/{case.pk}/" in mail.outbox[0].body


def test_the_owner_is_reminded_instead_of_the_lead(demo, case, coordinator):
    deadline = _deadline(case, coordinator, owner=demo.users["educatore"])
    reminders_send(now=at(dt.date(2030, 6, 12)))
    assert {r[2] for r in _rows(deadline)} == {"educatore"}


def test_an_early_warning_is_sent_at_the_first_run(demo, case, coordinator):
    deadline = _deadline(case, coordinator, kind=Deadline.Kind.PLACEMENT_EXPIRY, due=dt.date(2030, 9, 30))
    reminders_send(now=timezone.now())
    assert _rows(deadline, kind="before_due", channel="in_app") == [("before_due", "in_app", "assistente")]


def test_without_a_lead_the_coordinators_are_reminded(demo, coordinator):
    case = factories.referred_case(demo, days_ago=8)
    deadline = Deadline.objects.get(case=case, kind=Deadline.Kind.TAKE_IN_CHARGE)
    now = timezone.localtime(deadline.due_at) - dt.timedelta(hours=1)
    reminders_send(now=now)
    assert _rows(deadline) == [
        ("before_due", "email", "coordinatore"),
        ("before_due", "in_app", "coordinatore"),
    ]


def test_done_and_cancelled_deadlines_are_not_reminded(demo, case, coordinator, social_worker):
    done = _deadline(case, coordinator)
    deadline_complete(deadline=done, actor=social_worker)
    reminders_send(now=at(dt.date(2030, 6, 20)))
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


# --- after the due date --------------------------------------------------------------------------------------


def test_the_coordinators_are_told_once_the_day_after(demo, case, coordinator):
    deadline = _deadline(case, coordinator)
    reminders_send(now=at(dt.date(2030, 6, 12)))
    mail.outbox.clear()

    report = reminders_send(now=at(dt.date(2030, 6, 17), 23))
    assert report.escalations == 0  # due at the end of the day

    report = reminders_send(now=at(dt.date(2030, 6, 18)))
    assert (report.escalations, report.emails_sent) == (1, 1)
    assert _rows(deadline, kind="overdue") == [
        ("overdue", "email", "coordinatore"),
        ("overdue", "in_app", "coordinatore"),
    ]
    [message] = mail.outbox
    assert message.subject.startswith("[Tutela] Sollecito")
    assert "Responsabile:" in message.body

    for day in (dt.date(2030, 6, 18), dt.date(2030, 6, 19), dt.date(2030, 7, 30)):
        assert reminders_send(now=at(day, 12)).escalations == 0
    assert len(mail.outbox) == 1


def test_escalation_is_once_per_deadline_even_if_the_coordinators_change(demo, case, coordinator):
    from tutela.accounts.models import Membership

    deadline = _deadline(case, coordinator)
    reminders_send(now=at(dt.date(2030, 6, 18)))
    membership = Membership.objects.get(user=coordinator, role="COORDINATOR")
    Membership.objects.create(
        user=demo.users["assistente2"], organisation=membership.organisation, role="COORDINATOR"
    )
    reminders_send(now=at(dt.date(2030, 6, 19)))
    assert {r[2] for r in _rows(deadline, kind="overdue")} == {"coordinatore"}


# --- failures ------------------------------------------------------------------------------------------------


def test_a_failed_e_mail_is_retried_by_the_next_run_and_the_command_fails(
    demo, case, coordinator, monkeypatch
):
    deadline = _deadline(case, coordinator)
    other = _deadline(case, coordinator, owner=demo.users["educatore"])
    original = reminders_module.EmailMessage.send

    def flaky(self, fail_silently=False):
        if self.to == [demo.users["assistente"].email]:
            raise ConnectionRefusedError("SMTP non raggiungibile")
        return original(self, fail_silently=fail_silently)

    monkeypatch.setattr(reminders_module.EmailMessage, "send", flaky)
    report = reminders_send(now=at(dt.date(2030, 6, 12)))
    assert (report.emails_sent, report.failed, report.reminders) == (1, 1, 2)
    failed = Reminder.objects.get(deadline=deadline, channel="email")
    assert (failed.sent_at, failed.error, failed.attempts) == (None, "SMTP non raggiungibile", 1)
    assert Reminder.objects.get(deadline=other, channel="email").sent_at is not None

    monkeypatch.setattr(reminders_module.EmailMessage, "send", original)
    report = reminders_send(now=at(dt.date(2030, 6, 12), 9))
    assert (report.emails_sent, report.failed, report.reminders) == (1, 0, 0)
    failed.refresh_from_db()
    assert (failed.sent_at is not None, failed.error, failed.attempts) == (True, "", 2)
    assert reminders_send(now=at(dt.date(2030, 6, 12), 10)).emails_sent == 0


def test_retries_stop_after_the_last_attempt(demo, case, coordinator, monkeypatch):
    deadline = _deadline(case, coordinator)

    def broken(self, fail_silently=False):
        raise OSError("rete assente")

    monkeypatch.setattr(reminders_module.EmailMessage, "send", broken)
    for hour in range(8, 8 + EMAIL_MAX_ATTEMPTS + 2):
        reminders_send(now=at(dt.date(2030, 6, 12), hour))
    row = Reminder.objects.get(deadline=deadline, channel="email")
    assert (row.attempts, row.sent_at) == (EMAIL_MAX_ATTEMPTS, None)


def test_a_user_without_e_mail_gets_the_in_app_notice_only(demo, case, coordinator):
    worker = demo.users["assistente"]
    worker.email = ""
    worker.save(update_fields=["email"])
    deadline = _deadline(case, coordinator)
    report = reminders_send(now=at(dt.date(2030, 6, 12)))
    assert (report.reminders, report.emails_without_address, report.failed) == (1, 1, 0)
    assert Reminder.objects.get(deadline=deadline, channel="email").error.startswith("Nessun indirizzo")
    assert reminders_send(now=at(dt.date(2030, 6, 13))).as_dict() == {
        "reminders": 0,
        "escalations": 0,
        "emails_sent": 0,
        "emails_without_address": 0,
        "failed": 0,
    }


def test_one_bad_deadline_does_not_stop_the_others(demo, case, coordinator, monkeypatch):
    bad = _deadline(case, coordinator, due=dt.date(2030, 6, 14))
    good = _deadline(case, coordinator)
    real = reminders_module._notices_due

    def notices(deadline, now, coordinators):
        if deadline.pk == bad.pk:
            raise RuntimeError("riga corrotta")
        return real(deadline, now, coordinators)

    monkeypatch.setattr(reminders_module, "_notices_due", notices)
    out, err = StringIO(), StringIO()
    with (
        time_machine.travel(at(dt.date(2030, 6, 12)), tick=False),
        pytest.raises(CommandError, match="1 promemoria non inviati"),
    ):
        call_command("send_reminders", stdout=out, stderr=err)
    assert "Promemoria: 1; solleciti ai coordinatori: 0; e-mail inviate: 1;" in out.getvalue()
    assert f"scadenza {bad.pk}: riga corrotta" in err.getvalue()
    assert _rows(good, channel="in_app") == [("before_due", "in_app", "assistente")]
    assert _rows(bad) == []
    run = AuditEvent.objects.get(action="deadlines.reminders.sent")
    assert run.data["failed"] == 1


def test_another_run_that_got_there_first_wins(demo, case, coordinator):
    """The claim is an insert on a unique key: when a concurrent run inserted the row after this run read the
    existing ones, get_or_create finds it and nothing is sent twice."""
    deadline = _deadline(case, coordinator)
    deadline = Deadline.objects.prefetch_related("reminders").select_related("case").get(pk=deadline.pk)
    list(deadline.reminders.all())  # this run's view: no reminders yet
    Reminder.objects.create(
        deadline=deadline, kind="before_due", channel="email", recipient=demo.users["assistente"], attempts=1
    )
    report = reminders_module.RunReport()
    emails = reminders_module._claim(
        deadline, [("before_due", demo.users["assistente"])], at(dt.date(2030, 6, 12)), report
    )
    assert emails == []
    assert report.reminders == 1  # the in-app row was still free
    assert Reminder.objects.filter(deadline=deadline).count() == 2


# --- the command ---------------------------------------------------------------------------------------------


def test_the_command_prints_counts_and_is_audited_once_per_run(demo, coordinator):
    factories.referred_case(demo, days_ago=40)  # its take-in-charge deadline is long overdue
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Promemoria: 1; solleciti ai coordinatori: 1; e-mail inviate: 2;" in out.getvalue()
    call_command("send_reminders", stdout=(second := StringIO()))
    assert "Promemoria: 0; solleciti ai coordinatori: 0; e-mail inviate: 0;" in second.getvalue()
    runs = AuditEvent.objects.filter(action="deadlines.reminders.sent").order_by("id")
    assert [r.data["emails_sent"] for r in runs] == [2, 0]
    assert all(r.actor is None for r in runs)


# --- in-app notices ------------------------------------------------------------------------------------------


def test_in_app_notices_are_marked_read_by_their_recipient_only(demo, case, coordinator, social_worker):
    _deadline(case, coordinator)
    reminders_send(now=at(dt.date(2030, 6, 12)))
    notice = Reminder.objects.get(channel="in_app")
    assert reminders_mark_read(actor=coordinator, reminder_id=notice.pk) == 0
    assert reminders_mark_read(actor=social_worker, reminder_id=notice.pk) == 1
    assert reminders_mark_read(actor=social_worker, reminder_id=notice.pk) == 0
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEvent.objects.filter(action="deadlines.reminder.read", actor=social_worker).count() == 1
