"""The pages: forms through the services, refusals shown in Italian, scoping answered with 404, reads audited,
no active content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseMember
from tutela.core.demo.territory import DemoTerritory
from tutela.meetings.models import Meeting, MeetingKind, MicroTeam, SupervisedVisit, VisitState
from tutela.meetings.services.meetings import MeetingData, meeting_plan, meeting_record_held
from tutela.meetings.tests.conftest import VisitWorld, at, book
from tutela.testing import factories
from tutela.testing.html import active_content, page_text

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)
YESTERDAY = TODAY - dt.timedelta(days=1)


def _get(client: Client, user: Any, url: str) -> Any:
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 200:
        assert active_content(response.content.decode()) == [], url
    return response


def test_every_page_renders_inert_for_the_coordinator(
    client: Client, demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    case = visit_world.case
    visit = book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    urls = [
        reverse("meetings:list"),
        reverse("meetings:create"),
        reverse("meetings:series_create"),
        reverse("meetings:report"),
        reverse("meetings:micro_team_list"),
        reverse("meetings:micro_team", kwargs={"pk": case.pk}),
        reverse("meetings:micro_team_action", kwargs={"pk": case.pk, "action": "costituisci"}),
        reverse("meetings:case_meeting_create", kwargs={"pk": case.pk}),
        reverse("meetings:case_visits", kwargs={"pk": case.pk}),
        reverse("meetings:arrangement", kwargs={"pk": case.pk}),
        reverse("meetings:visit_book", kwargs={"pk": case.pk}),
        reverse("meetings:visit_detail", kwargs={"pk": visit.pk}),
        reverse("meetings:visit_action", kwargs={"pk": visit.pk, "action": "annulla"}),
        reverse("meetings:rooms"),
        reverse("meetings:room_agenda") + f"?settimana={TOMORROW.isoformat()}",
        reverse("meetings:network"),
        reverse("meetings:network_edit"),
        reverse("meetings:partner_add"),
        reverse("meetings:path_create"),
        reverse("meetings:path_close"),
        reverse("cases:detail", kwargs={"pk": case.pk}),
    ]
    for url in urls:
        assert _get(client, u["coordinatore"], url).status_code == 200, url
    agenda = _get(client, u["coordinatore"], urls[14]).content.decode()
    assert case.code in agenda


def test_booking_in_the_browser_form_refuses_a_double_booking_in_italian(
    client: Client, demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    client.force_login(u["assistente"])
    url = reverse("meetings:visit_book", kwargs={"pk": visit_world.case.pk})
    form = {
        "day": TOMORROW.isoformat(),
        "start_time": "10:30",
        "end_time": "11:30",
        "room": visit_world.room.pk,
        "supervisor": u["assistente"].pk,
        "visitors": [visit_world.mother.pk],
    }

    refused = client.post(url, form)
    assert refused.status_code == 200
    text = page_text(refused.content.decode())
    assert (
        f"La stanza «Stanza Arcobaleno» è già prenotata il {TOMORROW:%d/%m/%Y} dalle 10:00 alle 11:00" in text
    )
    assert SupervisedVisit.objects.count() == 1

    booked = client.post(url, {**form, "start_time": "11:00", "end_time": "12:00"})
    visit = SupervisedVisit.objects.order_by("-pk").first()
    assert visit is not None and booked.status_code == 302
    assert booked["Location"] == reverse("meetings:visit_detail", kwargs={"pk": visit.pk})


def test_constituting_a_micro_team_from_its_page(client: Client, demo: DemoTerritory) -> None:
    u, o = demo.users, demo.organisations
    case = factories.in_care_case(demo)
    client.force_login(u["assistente"])
    url = reverse("meetings:micro_team_action", kwargs={"pk": case.pk, "action": "costituisci"})

    response = client.post(
        url,
        {
            "reason": "complex_case",
            "constituted_on": TODAY.isoformat(),
            "users": [u["psicologa"].pk, u["educatore"].pk],
            "external_1_name": "Dott. Piero Sala",
            "external_1_profession": "Neuropsichiatra infantile",
            "external_1_organisation": o["ausl"].pk,
        },
    )

    assert response.status_code == 302
    team = MicroTeam.objects.get(case=case)
    assert team.members.count() == 3
    assert set(CaseMember.objects.filter(case=case).values_list("user__username", flat=True)) == {
        "psicologa",
        "educatore",
    }
    page = _get(client, u["psicologa"], reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "Dott. Piero Sala" in page


def test_recording_a_meeting_from_its_page(client: Client, demo: DemoTerritory) -> None:
    u = demo.users
    meeting = meeting_plan(
        actor=u["coordinatore"],
        territory=demo.territory,
        data=MeetingData(
            kind=MeetingKind.TEAM_WEEKLY,
            title="Équipe",
            starts_at=at(YESTERDAY, 9),
            ends_at=at(YESTERDAY, 10),
            place="Sala",
            users=[u["assistente"]],
        ),
    )
    client.force_login(u["coordinatore"])
    url = reverse("meetings:action", kwargs={"pk": meeting.pk, "action": "registra"})
    participants = list(meeting.participants.all())
    form = {"held_on": YESTERDAY.isoformat(), "minutes": "Discussi tre casi."}

    incomplete = client.post(url, form)
    assert "Questo campo è obbligatorio" in page_text(incomplete.content.decode())
    done = client.post(url, form | {f"attendance_{p.pk}": "present" for p in participants})

    assert done.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).held_on == YESTERDAY
    detail = _get(client, u["assistente"], reverse("meetings:detail", kwargs={"pk": meeting.pk}))
    assert "Discussi tre casi." in detail.content.decode()
    assert AuditEvent.objects.filter(action="meetings.meeting.viewed", actor=u["assistente"]).exists()


def test_case_pages_answer_404_out_of_scope_like_a_missing_case(
    client: Client, demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    case = visit_world.case  # led by assistente, resident in Prato
    visit = book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    case_meeting = meeting_plan(
        actor=u["assistente"],
        territory=demo.territory,
        case=case,
        data=MeetingData(
            kind=MeetingKind.CASE_MEETING,
            title="Verifica",
            starts_at=at(TOMORROW, 14),
            ends_at=at(TOMORROW, 15),
            place="Sala",
        ),
    )
    urls = [
        reverse("meetings:micro_team", kwargs={"pk": case.pk}),
        reverse("meetings:case_visits", kwargs={"pk": case.pk}),
        reverse("meetings:visit_detail", kwargs={"pk": visit.pk}),
        reverse("meetings:visit_action", kwargs={"pk": visit.pk, "action": "annulla"}),
        reverse("meetings:detail", kwargs={"pk": case_meeting.pk}),
        reverse("meetings:action", kwargs={"pk": case_meeting.pk, "action": "annulla"}),
    ]
    for name in ("assistente2", "comune", "cooperativa", "segretariato"):
        for url in urls:
            before = AuditEvent.objects.count()
            assert _get(client, u[name], url).status_code == 404, (name, url)
            assert AuditEvent.objects.count() == before
    for url in urls[:3] + urls[4:5]:
        assert _get(client, u["psicologa"], url).status_code == 404  # not in this case's team
        assert _get(client, u["educatore"], url).status_code == 200


def test_a_non_case_meeting_is_read_by_its_participants_and_overseers_only(
    client: Client, demo: DemoTerritory
) -> None:
    u = demo.users
    meeting = meeting_plan(
        actor=u["assistente"],
        territory=demo.territory,
        data=MeetingData(
            kind=MeetingKind.COORDINATION_BIMONTHLY,
            title="Coordinamento operativo",
            starts_at=at(YESTERDAY, 9),
            ends_at=at(YESTERDAY, 10),
            place="Comune di Montemurlo",
            users=[u["comune"], u["educatore"]],
        ),
    )
    meeting_record_held(
        meeting=meeting,
        actor=u["assistente"],
        held_on=YESTERDAY,
        attendance=dict.fromkeys(meeting.participants.values_list("pk", flat=True), "present"),
        minutes="Programmazione concertata degli interventi.",
    )
    url = reverse("meetings:detail", kwargs={"pk": meeting.pk})
    answers = {name: _get(client, user, url).status_code for name, user in u.items()}

    readers = {name for name, status in answers.items() if status == 200}
    assert readers == {"assistente", "comune", "educatore", "coordinatore", "sds", "dirigente"}
    assert set(answers.values()) == {200, 404}
    listed = _get(client, u["comune"], reverse("meetings:list") + "?periodo=passate").content.decode()
    assert "Coordinamento operativo" in listed


def test_a_cancelled_visit_keeps_its_reason_on_the_page(
    client: Client, demo: DemoTerritory, visit_world: VisitWorld
) -> None:
    u = demo.users
    visit = book(visit_world, u["assistente"], at(TOMORROW, 10), at(TOMORROW, 11), supervisor=u["educatore"])
    client.force_login(u["educatore"])
    url = reverse("meetings:visit_action", kwargs={"pk": visit.pk, "action": "annulla"})

    missing = client.post(url, {"note": "niente"})
    assert "Questo campo è obbligatorio" in page_text(missing.content.decode())
    assert SupervisedVisit.objects.get(pk=visit.pk).state == VisitState.BOOKED
    client.post(url, {"reason": "child_unwell"})
    page = _get(
        client, u["assistente"], reverse("meetings:visit_detail", kwargs={"pk": visit.pk})
    ).content.decode()

    assert "Minore indisposto" in page
    assert SupervisedVisit.objects.get(pk=visit.pk).state == VisitState.CANCELLED
