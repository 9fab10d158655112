"""Meetings (seeds 001, 003, 004): planning, held with attendance, cancelled with a reason, decisions that become
deadlines, planned vs held, recurring series, and who reads which meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.deadlines.calendar import patron_of
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.meetings.access import get_meeting_for_user, meetings_visible_to
from tutela.meetings.models import Frequency, Meeting, MeetingDecision, MeetingKind, MeetingParticipant
from tutela.meetings.selectors import meetings_planned_vs_held, meetings_summary
from tutela.meetings.services.meetings import (
    MeetingData,
    decision_add,
    decision_set_done,
    meeting_cancel,
    meeting_plan,
    meeting_record_held,
)
from tutela.meetings.services.network import network_setup
from tutela.meetings.services.rooms import room_create
from tutela.meetings.services.series import SeriesData, series_create, series_dates
from tutela.meetings.tests.conftest import at
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def _plan(
    demo: DemoTerritory, actor: str = "coordinatore", day: dt.date = YESTERDAY, **kwargs: Any
) -> Meeting:
    u = demo.users
    data = MeetingData(
        kind=kwargs.pop("kind", MeetingKind.TEAM_WEEKLY),
        title=kwargs.pop("title", "Riunione d'équipe"),
        starts_at=at(day, 9),
        ends_at=at(day, 11),
        place=kwargs.pop("place", "Sala riunioni, Via Roma 101"),
        users=kwargs.pop("users", [u["assistente"], u["assistente2"]]),
        organisations=kwargs.pop("organisations", []),
        agenda=kwargs.pop("agenda", "Programmazione degli interventi"),
        room=kwargs.pop("room", None),
    )
    return meeting_plan(actor=u[actor], territory=demo.territory, data=data, **kwargs)


def _all_present(meeting: Meeting) -> dict[int, str]:
    return dict.fromkeys(meeting.participants.values_list("pk", flat=True), "present")


def _meetings() -> list[tuple[Any, ...]]:
    return list(Meeting.objects.order_by("pk").values_list("pk", "held_on", "cancelled_at"))


def test_planning_invites_the_organiser_users_and_organisations(demo: DemoTerritory) -> None:
    u, o = demo.users, demo.organisations
    meeting = _plan(
        demo,
        kind=MeetingKind.COORDINATION_QUARTERLY,
        organisations=[o["comune_montemurlo"], o["provider"]],
    )

    invited = {(p.user_id, p.organisation_id) for p in meeting.participants.all()}
    assert invited == {
        (u["coordinatore"].pk, None),
        (u["assistente"].pk, None),
        (u["assistente2"].pk, None),
        (None, o["comune_montemurlo"].pk),
        (None, o["provider"].pk),
    }
    assert meeting.get_status_display() == "Prevista"
    assert AuditEvent.objects.filter(action="meetings.meeting.planned", object_id=str(meeting.pk)).exists()


def test_planning_is_for_meeting_managers_and_checks_the_input(demo: DemoTerritory) -> None:
    u = demo.users
    for name in ("educatore", "comune", "dirigente"):
        assert_refused(
            lambda name=name: _plan(demo, actor=name),
            _meetings,
            "Il tuo ruolo non consente di pianificare riunioni.",
        )
    assert_refused(
        lambda: _plan(demo, users=[u["dpo"]]),
        _meetings,
        "Stefano Moretti non partecipa alle riunioni di questo territorio.",
        ValidationError,
    )
    assert_refused(
        lambda: _plan(demo, kind=MeetingKind.CASE_MEETING),
        _meetings,
        "Una riunione sul caso si pianifica dalla pagina della pratica.",
        ValidationError,
    )
    assert_refused(
        lambda: _plan(demo, kind=MeetingKind.NETWORK),
        _meetings,
        "La rete antiviolenza del territorio non è ancora configurata.",
        ValidationError,
    )


def test_a_room_is_not_double_booked_by_meetings(demo: DemoTerritory) -> None:
    room = room_create(
        territory=demo.territory,
        actor=demo.users["sds"],
        name="Sala grande",
        place="Via Roma 101",
        capacity=20,
    )
    _plan(demo, room=room, day=TODAY)
    day = TODAY.strftime("%d/%m/%Y")

    assert_refused(
        lambda: _plan(demo, room=room, day=TODAY, actor="assistente"),
        _meetings,
        f"La stanza «Sala grande» è già prenotata il {day} dalle 09:00 alle 11:00 per una riunione.",
        ValidationError,
    )


def test_recording_a_meeting_as_held_keeps_attendance_and_minutes(demo: DemoTerritory) -> None:
    u = demo.users
    meeting = _plan(demo)
    participants = {p.user.username: p.pk for p in meeting.participants.select_related("user")}
    attendance = dict.fromkeys(participants.values(), "present") | {participants["assistente2"]: "absent"}

    held = meeting_record_held(
        meeting=meeting, actor=u["coordinatore"], held_on=YESTERDAY, attendance=attendance, minutes="Verbale."
    )

    assert held.held_on == YESTERDAY and held.minutes == "Verbale."
    assert dict(meeting.participants.values_list("user__username", "attendance")) == {
        "coordinatore": "present",
        "assistente": "present",
        "assistente2": "absent",
    }
    assert_refused(
        lambda: meeting_cancel(meeting=held, actor=u["coordinatore"], reason="Errore"),
        _meetings,
        "La riunione è già stata registrata come svolta.",
    )


def test_a_meeting_is_recorded_with_every_attendance_and_by_who_may(demo: DemoTerritory) -> None:
    u = demo.users
    meeting = _plan(demo)
    first = meeting.participants.first()
    assert first is not None

    assert_refused(
        lambda: meeting_record_held(
            meeting=meeting, actor=u["coordinatore"], held_on=YESTERDAY, attendance={first.pk: "present"}
        ),
        _meetings,
        "Indica per ogni partecipante se era presente o assente.",
        ValidationError,
    )
    absent = dict.fromkeys(meeting.participants.values_list("pk", flat=True), "absent")
    assert_refused(
        lambda: meeting_record_held(
            meeting=meeting, actor=u["coordinatore"], held_on=YESTERDAY, attendance=absent
        ),
        _meetings,
        "Nessun partecipante presente: la riunione va annullata, non registrata.",
        ValidationError,
    )
    # An invited social worker is not its organiser and does not oversee the territory's meetings.
    assert_refused(
        lambda: meeting_record_held(
            meeting=meeting, actor=u["assistente"], held_on=YESTERDAY, attendance=_all_present(meeting)
        ),
        _meetings,
        "Solo l'organizzatore o chi coordina le riunioni del territorio può aggiornare la riunione.",
    )
    # The managing body oversees them.
    meeting_record_held(meeting=meeting, actor=u["sds"], held_on=YESTERDAY, attendance=_all_present(meeting))


def test_cancelling_needs_a_reason(demo: DemoTerritory) -> None:
    u = demo.users
    meeting = _plan(demo)

    assert_refused(
        lambda: meeting_cancel(meeting=meeting, actor=u["coordinatore"], reason="   "),
        _meetings,
        "Indica il motivo dell'annullamento.",
        ValidationError,
    )
    cancelled = meeting_cancel(meeting=meeting, actor=u["coordinatore"], reason="Sciopero dei trasporti")

    assert cancelled.get_status_display() == "Annullata"
    assert (
        cancelled.cancellation_reason == "Sciopero dei trasporti"
        and cancelled.cancelled_by == u["coordinatore"]
    )


def test_a_decision_on_a_case_with_owner_and_due_date_becomes_a_deadline(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)
    meeting = _plan(demo)
    meeting_record_held(
        meeting=meeting, actor=u["coordinatore"], held_on=YESTERDAY, attendance=_all_present(meeting)
    )
    due = TODAY + dt.timedelta(days=20)

    decision = decision_add(
        meeting=meeting,
        actor=u["coordinatore"],
        text="Richiedere la relazione della neuropsichiatria infantile",
        case=case,
        owner=u["assistente"],
        due_on=due,
    )

    deadline = deadlines_of_source(decision).get()
    assert deadline.case == case and deadline.kind == Deadline.Kind.MEETING_DECISION
    assert deadline.owner == u["assistente"]
    assert timezone.localtime(deadline.due_at).date() == due
    assert deadline.description == "Richiedere la relazione della neuropsichiatria infantile"
    assert CaseEvent.objects.filter(case=case, code="meetings.decision.recorded").exists()
    assert_refused(
        lambda: decision_set_done(decision=decision, actor=u["coordinatore"], done=True),
        lambda: list(MeetingDecision.objects.values_list("pk", "done_at")),
        "Questa decisione è una scadenza della pratica: si segue tra le scadenze.",
    )


def test_decision_rules(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)  # led by assistente: assistente2 does not reach it
    planned = _plan(demo)
    decisions = lambda: list(MeetingDecision.objects.values_list("pk"))  # noqa: E731
    assert_refused(
        lambda: decision_add(meeting=planned, actor=u["coordinatore"], text="Decisione"),
        decisions,
        "Le decisioni si registrano sulle riunioni svolte.",
    )
    meeting_record_held(
        meeting=planned, actor=u["coordinatore"], held_on=YESTERDAY, attendance=_all_present(planned)
    )
    later = TODAY + dt.timedelta(days=5)
    for kwargs, message in (
        ({"owner": u["assistente"]}, "Indica sia il responsabile sia la scadenza, oppure nessuno dei due."),
        (
            {"case": case, "owner": u["assistente2"], "due_on": later},
            "Il responsabile scelto non ha accesso alla pratica.",
        ),
        (
            {"due_on": YESTERDAY - dt.timedelta(days=3), "owner": u["assistente"]},
            "La scadenza non può precedere la riunione.",
        ),
    ):
        assert_refused(
            lambda kwargs=kwargs: decision_add(
                meeting=planned, actor=u["coordinatore"], text="Decisione", **kwargs
            ),
            decisions,
            message,
            ValidationError,
        )
    # The organiser of another meeting cannot put a decision on a case they do not read.
    own = _plan(demo, actor="assistente2", users=[])
    meeting_record_held(meeting=own, actor=u["assistente2"], held_on=YESTERDAY, attendance=_all_present(own))
    assert_refused(
        lambda: decision_add(meeting=own, actor=u["assistente2"], text="Decisione", case=case),
        decisions,
        "Pratica non trovata tra quelle che puoi consultare.",
        ValidationError,
    )
    assert_refused(
        lambda: decision_add(meeting=own, actor=u["assistente"], text="Decisione"),
        decisions,
        "Solo l'organizzatore o chi coordina le riunioni può registrare decisioni.",
    )


def test_decisions_off_any_case_are_tracked_on_the_meeting(demo: DemoTerritory) -> None:
    u = demo.users
    meeting = _plan(demo)
    meeting_record_held(
        meeting=meeting, actor=u["coordinatore"], held_on=YESTERDAY, attendance=_all_present(meeting)
    )
    decision = decision_add(
        meeting=meeting,
        actor=u["coordinatore"],
        text="Aggiornare la modulistica",
        owner=u["assistente"],
        due_on=TODAY,
    )

    assert not Deadline.objects.exists()
    done = decision_set_done(decision=decision, actor=u["assistente"], done=True)  # its owner
    assert done.done_at is not None and done.done_by == u["assistente"]
    undone = decision_set_done(decision=decision, actor=u["coordinatore"], done=False)
    assert undone.done_at is None
    with pytest.raises(TransitionError):
        decision_set_done(decision=decision, actor=u["assistente2"], done=True)


def test_case_meetings_follow_the_case_and_others_their_participants(demo: DemoTerritory) -> None:
    u = demo.users
    case = factories.in_care_case(demo)  # led by assistente
    case_meeting = _plan(
        demo,
        actor="assistente",
        kind=MeetingKind.CASE_MEETING,
        users=[],
        title="Verifica del progetto",
        case=case,
    )
    team_meeting = _plan(demo, users=[u["assistente"]])

    def readers(meeting: Meeting) -> set[str]:
        return {name for name, user in u.items() if meetings_visible_to(user).filter(pk=meeting.pk).exists()}

    assert readers(case_meeting) == {"assistente", "coordinatore", "sds", "dirigente", "amministrativo"}
    assert readers(team_meeting) == {"assistente", "coordinatore", "sds", "dirigente"}
    from django.http import Http404

    with pytest.raises(Http404):
        get_meeting_for_user(u["assistente2"], team_meeting.pk)
    with pytest.raises(Http404):
        get_meeting_for_user(u["assistente2"], case_meeting.pk)
    assert get_meeting_for_user(u["assistente"], case_meeting.pk).case == case
    # A user who cannot read the case is not invited to its meeting.
    assert_refused(
        lambda: _plan(
            demo, actor="assistente", kind=MeetingKind.CASE_MEETING, users=[u["psicologa"]], case=case
        ),
        _meetings,
        "Chiara Santini non ha accesso alla pratica: va prima aggiunto/a all'équipe del caso.",
        ValidationError,
    )


def test_planned_vs_held_per_kind_and_period(demo: DemoTerritory) -> None:
    """Seed 002: "riunioni effettuate/previste" (6/6); a cancelled meeting was planned and not held."""
    u = demo.users
    network_setup(territory=demo.territory, actor=u["coordinatore"], name="Rete antiviolenza")
    monitoring = [
        _plan(demo, kind=MeetingKind.NETWORK, day=YESTERDAY - dt.timedelta(days=n)) for n in range(3)
    ]
    for meeting in monitoring[:2]:
        meeting_record_held(
            meeting=meeting, actor=u["coordinatore"], held_on=YESTERDAY, attendance=_all_present(meeting)
        )
    meeting_cancel(meeting=monitoring[2], actor=u["coordinatore"], reason="Assenza del centro antiviolenza")
    _plan(demo, kind=MeetingKind.TEAM_WEEKLY)
    period = (YESTERDAY - dt.timedelta(days=10), TODAY)

    assert meetings_planned_vs_held(demo.territory, MeetingKind.NETWORK, period) == (3, 2)
    assert meetings_planned_vs_held(demo.territory, None, period) == (4, 2)
    assert meetings_planned_vs_held(demo.territory, MeetingKind.NETWORK, (TODAY, TODAY)) == (0, 0)
    summary = {
        row.kind: (row.planned, row.held, row.cancelled, row.pending)
        for row in meetings_summary(demo.territory, period)
    }
    assert summary[MeetingKind.NETWORK] == (3, 2, 1, 0)
    assert summary[MeetingKind.TEAM_WEEKLY] == (1, 0, 0, 1)
    assert summary[MeetingKind.HEADS_MONTHLY] == (0, 0, 0, 0)


def test_series_dates_step_and_move_off_holidays() -> None:
    # Weekly on Mondays from 30 March 2026: Easter Monday (6 April) moves to Tuesday 7 April.
    weekly = series_dates(Frequency.WEEKLY, dt.date(2026, 3, 30), dt.date(2026, 4, 20))
    assert weekly == [dt.date(2026, 3, 30), dt.date(2026, 4, 7), dt.date(2026, 4, 13), dt.date(2026, 4, 20)]
    # Monthly on the 30th: 28 February is a Saturday (moved to Monday 2 March); 30 May would move to 1 June,
    # beyond the period, so it is not planned.
    monthly = series_dates(Frequency.MONTHLY, dt.date(2026, 1, 30), dt.date(2026, 5, 31))
    assert monthly == [dt.date(2026, 1, 30), dt.date(2026, 3, 2), dt.date(2026, 3, 30), dt.date(2026, 4, 30)]
    quarterly = series_dates(Frequency.QUARTERLY, dt.date(2026, 1, 15), dt.date(2026, 12, 31))
    assert quarterly == [
        dt.date(2026, 1, 15),
        dt.date(2026, 4, 15),
        dt.date(2026, 7, 15),
        dt.date(2026, 10, 15),
    ]
    bimonthly = series_dates(Frequency.BIMONTHLY, dt.date(2026, 2, 10), dt.date(2026, 12, 31))
    assert len(bimonthly) == 6 and bimonthly[-1] == dt.date(2026, 12, 10)
    # The patron saint's day of the territory is a holiday too (here 8 September).
    assert series_dates(Frequency.WEEKLY, dt.date(2026, 9, 1), dt.date(2026, 9, 10), (9, 8)) == [
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 9),
    ]


def test_a_series_plans_its_meetings_for_the_period(demo: DemoTerritory) -> None:
    u, o = demo.users, demo.organisations
    monday = TODAY + dt.timedelta(days=7 - TODAY.weekday())
    # Up to the eighth week's Friday: a Monday holiday moves its meeting later in that week, never out of the period.
    until = monday + dt.timedelta(weeks=7, days=4)
    data = SeriesData(
        kind=MeetingKind.TEAM_WEEKLY,
        title="Riunione settimanale d'équipe",
        frequency=Frequency.WEEKLY,
        first_on=monday,
        until_on=until,
        start_time=dt.time(9),
        end_time=dt.time(11),
        place="Sala riunioni",
        users=[u["assistente"], u["assistente2"], u["segretariato"]],
        organisations=[o["comune_prato"]],
    )

    series, meetings = series_create(actor=u["coordinatore"], territory=demo.territory, data=data)

    expected = series_dates(Frequency.WEEKLY, monday, until, patron_of(demo.territory))
    assert [timezone.localtime(m.starts_at).date() for m in meetings] == expected
    assert len(meetings) == 8 and all(m.series == series for m in meetings)
    assert all(m.participants.count() == 5 for m in meetings)
    assert AuditEvent.objects.filter(
        action="meetings.series.created", object_id=str(series.pk)
    ).get().data == {"meetings": 8}


def test_a_series_is_all_or_nothing(demo: DemoTerritory) -> None:
    u = demo.users
    room = room_create(
        territory=demo.territory, actor=u["coordinatore"], name="Sala", place="Via Roma", capacity=10
    )
    first = TODAY + dt.timedelta(days=7 - TODAY.weekday())
    until = first + dt.timedelta(weeks=4)
    # The series' third meeting: the third Monday, or the next business day when that Monday is a holiday.
    blocker = series_dates(Frequency.WEEKLY, first, until, patron_of(demo.territory))[2]
    meeting_plan(
        actor=u["sds"],
        territory=demo.territory,
        data=MeetingData(
            kind=MeetingKind.INTEGRATION_CHECK,
            title="Verifica",
            starts_at=at(blocker, 10),
            ends_at=at(blocker, 12),
            room=room,
        ),
    )
    data = SeriesData(
        kind=MeetingKind.TEAM_WEEKLY,
        title="Équipe",
        frequency=Frequency.WEEKLY,
        first_on=first,
        until_on=until,
        start_time=dt.time(9),
        end_time=dt.time(11),
        room=room,
    )
    label = blocker.strftime("%d/%m/%Y")

    assert_refused(
        lambda: series_create(actor=u["coordinatore"], territory=demo.territory, data=data),
        _meetings,
        f"{label}: La stanza «Sala» è già prenotata il {label} dalle 10:00 alle 12:00 per una riunione.",
        ValidationError,
    )
    too_long = SeriesData(
        **{**data.__dict__, "room": None, "place": "Sala", "until_on": first + dt.timedelta(days=800)}
    )
    assert_refused(
        lambda: series_create(actor=u["coordinatore"], territory=demo.territory, data=too_long),
        _meetings,
        "Una serie copre al massimo due anni.",
        ValidationError,
    )


def test_participants_are_unique_per_meeting(demo: DemoTerritory) -> None:
    u = demo.users
    meeting = _plan(demo, users=[u["assistente"], u["assistente"], u["coordinatore"]])

    assert MeetingParticipant.objects.filter(meeting=meeting).count() == 2
