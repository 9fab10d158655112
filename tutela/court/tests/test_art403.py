"""The art. 403 c.c. clock with explicit times: each term counts from the step before, a late step is escalated
to the territory's coordinator once, however often the check runs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tutela.audit.models import AuditEvent
from tutela.court.models import (
    Art403Escalation,
    Art403Notice,
    Art403Step,
    EmergencyPlacement,
    PlacementOutcome,
    PlacementState,
    StepKind,
    StepOutcome,
)
from tutela.court.selectors import art403_rows
from tutela.court.services.emergency import (
    PlacementData,
    art403_acts_send,
    art403_step_record,
    emergency_placement_record,
)
from tutela.court.services.escalation import art403_check, art403_notice_seen
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.protocol.models import ProtocolEntry
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

ROME = ZoneInfo("Europe/Rome")
NOW = dt.datetime(2031, 4, 6, 12, 0, tzinfo=ROME)
PLACED = dt.datetime(2031, 3, 9, 20, 0, tzinfo=ROME)  # a Sunday evening
ORAL_NOTICE = dt.datetime(2031, 3, 9, 20, 15, tzinfo=ROME)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2031, month, day, hour, minute, tzinfo=ROME)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _placement(
    demo, case, authorities, *, oral_notice_at=ORAL_NOTICE, placed_at=PLACED
) -> EmergencyPlacement:
    return emergency_placement_record(
        case=case,
        actor=demo.users["assistente"],
        data=PlacementData(
            placed_at=placed_at,
            place_kind="community",
            place="Comunità di pronta accoglienza «Il Ponte»",
            placing_authority="police",
            placing_authority_detail="Squadra mobile",
            reasons="Minore trovato solo in casa di notte.",
            prosecutor=authorities["pm"],
            court=authorities["tm"],
            oral_notice_at=oral_notice_at,
            oral_notice_who="A.S. di turno al PM dott. Verdi" if oral_notice_at else "",
        ),
    )


def _step(placement: EmergencyPlacement, kind: str) -> Art403Step:
    return placement.steps.get(kind=kind)


def _due(step: Art403Step) -> dt.datetime:
    return step.due_at.astimezone(ROME)


def _record(demo, placement, kind, done_at, outcome=StepOutcome.DONE) -> Art403Step:
    return art403_step_record(
        step=_step(placement, kind), actor=demo.users["assistente"], done_at=done_at, outcome=outcome
    )


def test_each_term_counts_from_the_step_before(demo, case, authorities):
    placement = _placement(demo, case, authorities)
    notice, acts = _step(placement, StepKind.ORAL_NOTICE), _step(placement, StepKind.ACTS_TO_PM)
    assert (notice.done_at, notice.who) == (ORAL_NOTICE, "A.S. di turno al PM dott. Verdi")
    assert _due(acts) == at(10, 20)  # 24 hours from the placement
    assert deadlines_of_source(acts).get().kind == Deadline.Kind.ART403
    assert deadlines_of_source(notice).get().done_at is not None

    _record(demo, placement, StepKind.ACTS_TO_PM, at(10, 19))
    assert _due(_step(placement, StepKind.PM_REQUEST)) == at(13, 19)  # 72 hours from the acts
    _record(demo, placement, StepKind.PM_REQUEST, at(13, 18))
    assert _due(_step(placement, StepKind.VALIDATION)) == at(15, 18)  # 48 hours from the request
    _record(demo, placement, StepKind.VALIDATION, at(15, 12), StepOutcome.VALIDATED)
    placement.refresh_from_db()
    assert placement.state == PlacementState.VALIDATED
    # 15 days from the decree: 30 March 2031 is a Sunday, the term moves to Monday.
    assert _due(_step(placement, StepKind.HEARING)) == at(31, 23, 59).replace(second=59)
    _record(demo, placement, StepKind.HEARING, at(25, 10))
    assert _due(_step(placement, StepKind.DECISION)) == dt.datetime(2031, 4, 9, 23, 59, 59, tzinfo=ROME)
    _record(demo, placement, StepKind.DECISION, at(5, 11, month=4), StepOutcome.CONFIRMED)

    placement.refresh_from_db()
    assert (placement.state, placement.outcome) == (PlacementState.ENDED, PlacementOutcome.CONFIRMED)
    assert [r.status for r in art403_rows(placement, NOW)] == ["done"] * 6
    assert not Deadline.objects.pending().filter(case=case, kind=Deadline.Kind.ART403).exists()
    recorded = AuditEvent.objects.filter(action="court.art403_step.recorded", case_id=case.pk).count()
    assert recorded == 6


def test_a_late_step_is_escalated_once_to_the_coordinator(
    demo, case, authorities, django_capture_on_commit_callbacks
):
    placement = _placement(demo, case, authorities)
    assert art403_check(now=at(10, 19, 59)) == []  # the acts are due at 20:00

    with django_capture_on_commit_callbacks(execute=True):
        first = art403_check(now=at(10, 21))
    with django_capture_on_commit_callbacks(execute=True):
        second = art403_check(now=at(10, 23))
    call_command("check_art403")  # the cron: now is 6 April, the step is still late, and already escalated

    assert [e.step.kind for e in first] == [StepKind.ACTS_TO_PM] and second == []
    escalation = Art403Escalation.objects.get()
    assert escalation.escalated_at == at(10, 21)
    notice = Art403Notice.objects.get()
    assert notice.recipient == demo.users["coordinatore"] and notice.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [demo.users["coordinatore"].email]
    assert case.code in mail.outbox[0].subject and case.child.surname not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="court.art403_step.escalated", case_id=case.pk).count() == 1
    statuses = {r.kind: r.status for r in art403_rows(placement, at(10, 21))}
    assert statuses == {
        "oral_notice": "done",
        "acts_to_pm": "late",
        "pm_request": "waiting",
        "validation": "waiting",
        "hearing": "waiting",
        "decision": "waiting",
    }

    _record(demo, placement, StepKind.ACTS_TO_PM, at(10, 21, 30))  # done, late
    assert {r.kind: r.status for r in art403_rows(placement, at(10, 22))}["acts_to_pm"] == "done_late"
    assert _due(_step(placement, StepKind.PM_REQUEST)) == at(13, 21, 30)

    art403_notice_seen(notice=notice, actor=demo.users["coordinatore"])
    notice.refresh_from_db()
    assert notice.seen_at is not None


def test_an_oral_notice_not_logged_is_due_within_the_hour(demo, case, authorities):
    placement = _placement(demo, case, authorities, oral_notice_at=None)
    notice = _step(placement, StepKind.ORAL_NOTICE)
    assert notice.done_at is None and _due(notice) == at(9, 21)
    escalated = art403_check(now=at(9, 21, 5))
    assert [e.step for e in escalated] == [notice]


def test_the_prosecutor_revoking_ends_the_placement(demo, case, authorities):
    placement = _placement(demo, case, authorities)
    _record(demo, placement, StepKind.ACTS_TO_PM, at(10, 10))
    _record(demo, placement, StepKind.PM_REQUEST, at(11, 9), StepOutcome.PM_REVOKED)
    placement.refresh_from_db()
    assert (placement.state, placement.outcome) == (PlacementState.ENDED, PlacementOutcome.REVOKED_BY_PM)
    assert not placement.steps.filter(kind=StepKind.VALIDATION).exists()
    assert art403_check(now=NOW) == []
    assert [r.status for r in art403_rows(placement, NOW)][2:] == [
        "done",
        "cancelled",
        "cancelled",
        "cancelled",
    ]


def test_not_validated_ends_the_placement_and_cancels_nothing_else(demo, case, authorities):
    placement = _placement(demo, case, authorities)
    _record(demo, placement, StepKind.ACTS_TO_PM, at(10, 10))
    _record(demo, placement, StepKind.PM_REQUEST, at(11, 9))
    _record(demo, placement, StepKind.VALIDATION, at(12, 9), StepOutcome.NOT_VALIDATED)
    placement.refresh_from_db()
    assert placement.outcome == PlacementOutcome.NOT_VALIDATED and placement.ended_at is not None


def test_steps_in_the_wrong_order_or_time_are_refused(demo, case, authorities):
    placement = _placement(demo, case, authorities)
    steps = lambda: list(Art403Step.objects.values_list("kind", "done_at"))  # noqa: E731
    assert_refused(
        lambda: _record(demo, placement, StepKind.ACTS_TO_PM, at(9, 19)),
        steps,
        "Gli atti non possono essere trasmessi prima del collocamento.",
        ValidationError,
    )
    assert_refused(
        lambda: _record(demo, placement, StepKind.ACTS_TO_PM, at(7, 13, month=4)),
        steps,
        "Il passaggio non può essere registrato con un orario futuro.",
        ValidationError,
    )
    _record(demo, placement, StepKind.ACTS_TO_PM, at(10, 10))
    assert_refused(
        lambda: _record(demo, placement, StepKind.PM_REQUEST, at(10, 9)),
        steps,
        "Il passaggio non può precedere quello da cui decorre il termine (10/03/2031 10:00).",
        ValidationError,
    )
    assert_refused(
        lambda: _record(demo, placement, StepKind.ACTS_TO_PM, at(10, 11)),
        steps,
        "Questo passaggio è già stato registrato.",
    )
    assert_refused(
        lambda: _record(demo, placement, StepKind.PM_REQUEST, at(11, 9), StepOutcome.CONFIRMED),
        steps,
        "Esito non valido per questo passaggio.",
        ValidationError,
    )


def test_one_running_placement_per_case_and_the_notice_goes_to_a_prosecutor(demo, case, authorities):
    _placement(demo, case, authorities)
    with pytest.raises(TransitionError, match="già in corso un collocamento"):
        _placement(demo, case, authorities)
    data = PlacementData(
        placed_at=PLACED,
        place_kind="community",
        place="Comunità",
        placing_authority="police",
        reasons="",
        prosecutor=authorities["tm"],
    )
    assert_refused(
        lambda: emergency_placement_record(case=case, actor=demo.users["assistente"], data=data),
        lambda: EmergencyPlacement.objects.count(),
        "Indicare i motivi del collocamento: servono per la relazione al Pubblico Ministero. L'avviso va dato al "
        "Pubblico Ministero: scegliere una Procura della Repubblica.",
        ValidationError,
    )


def test_sending_the_acts_registers_outgoing_protocol_to_the_procura(demo, case, authorities):
    placement = _placement(demo, case, authorities, placed_at=at(6, 8, month=4))
    acts = _step(placement, StepKind.ACTS_TO_PM)

    art403_acts_send(step=acts, actor=demo.users["assistente"])

    acts.refresh_from_db()
    entry = acts.protocol_entry
    assert entry.direction == ProtocolEntry.Direction.OUTGOING
    assert entry.correspondents == authorities["pm"].name
    assert entry.correspondent_organisation == authorities["pm"].organisation
    assert case.child.surname not in entry.subject
    assert acts.done_at == entry.registered_at == NOW
    assert acts.document == entry.document and acts.document.confidential
    assert _due(_step(placement, StepKind.PM_REQUEST)) == at(9, 12, month=4)  # 72 hours from the sending
