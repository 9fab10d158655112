"""The deadline pages: the calendar by month, done/undone from the case page and the calendar, the worklist's
deadlines and reminders, with their access, audit and constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.deadlines.models import Deadline, Reminder
from tutela.deadlines.reminders import reminders_send
from tutela.deadlines.services import deadline_complete, deadline_create, end_of_day
from tutela.testing import factories


@pytest.fixture
def case(demo):
    return factories.in_care_case(demo)  # led by assistente


def _deadline(case, actor, *, days, kind=Deadline.Kind.PLAN_REVIEW, owner=None):
    return deadline_create(
        case=case,
        kind=kind,
        description="Verifica del progetto quadro",
        due_at=end_of_day(timezone.localdate() + dt.timedelta(days=days)),
        actor=actor,
        owner=owner,
    )


def _month(day: dt.date) -> str:
    return reverse("deadlines:calendar") + f"?mese={day:%Y-%m}"


# --- calendar ------------------------------------------------------------------------------------------------


def test_the_calendar_shows_overdue_upcoming_and_the_month(client, demo, case, coordinator, social_worker):
    overdue = _deadline(case, coordinator, days=-3)
    soon = _deadline(case, coordinator, days=1, kind=Deadline.Kind.COURT_REPORT)
    client.force_login(social_worker)

    response = client.get(_month(timezone.localtime(soon.due_at).date()))

    assert response.status_code == 200
    month = response.context["month"]
    assert [d.pk for d in month.overdue.rows] == [overdue.pk]
    assert [d.pk for d in month.upcoming.rows] == [soon.pk]
    assert soon.pk in [d.pk for d in month.deadlines.rows]
    page = response.content.decode()
    assert page.count(case.code) >= 3
    assert 'class="deadline-overdue"' in page
    assert "Segna come completata" in page
    audit = AuditEvent.objects.filter(action="deadlines.calendar.viewed", actor=social_worker).get()
    assert audit.data["cases"] == [case.pk]


def test_each_user_sees_their_own_and_the_coordinator_the_territory(client, demo, case, coordinator):
    deadline = _deadline(case, coordinator, days=2)
    url = _month(timezone.localtime(deadline.due_at).date())
    for username, shown in (
        ("assistente", True),
        ("coordinatore", True),
        ("assistente2", False),
        ("sds", False),
    ):
        client.force_login(demo.users[username])
        month = client.get(url).context["month"]
        assert (deadline.pk in [d.pk for d in month.deadlines.rows]) is shown, username


def test_month_navigation_and_holidays(client, demo, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("deadlines:calendar") + "?mese=2030-12")
    page = response.content.decode()
    assert "dicembre 2030" in page
    assert "?mese=2030-11" in page and "?mese=2031-01" in page
    days = {day.date: day for week in response.context["month"].weeks for day in week}
    assert days[dt.date(2030, 12, 25)].holiday and days[dt.date(2030, 12, 26)].holiday
    assert not days[dt.date(2030, 12, 24)].holiday
    assert response.context["month"].weeks[0][0].date.weekday() == 0  # Monday first
    for bad in ("2030-13", "abc", "2030-00", ""):
        assert client.get(reverse("deadlines:calendar") + f"?mese={bad}").status_code == 200


def test_the_calendar_runs_a_constant_number_of_queries(client, demo, case, coordinator, social_worker):
    client.force_login(social_worker)
    url = _month(timezone.localdate() + dt.timedelta(days=2))

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _deadline(case, coordinator, days=-2)
    _deadline(case, coordinator, days=2)
    few = measure()
    for _ in range(5):
        _deadline(case, coordinator, days=-2)
        done = _deadline(case, coordinator, days=2)
        deadline_complete(deadline=done, actor=social_worker)
    assert measure() == few


# --- done and undone through the pages -----------------------------------------------------------------------


def test_the_case_page_offers_the_form_and_shows_who_completed_it(
    client, demo, case, coordinator, social_worker
):
    deadline = _deadline(case, coordinator, days=4)
    detail = reverse("cases:detail", kwargs={"pk": case.pk})
    complete = reverse("deadlines:complete", kwargs={"pk": deadline.pk})

    client.force_login(demo.users["sds"])
    assert complete not in client.get(detail).content.decode()
    client.force_login(social_worker)
    assert complete in client.get(detail).content.decode()

    response = client.post(complete, {"next": detail}, follow=True)

    assert response.redirect_chain == [(detail, 302)]
    page = response.content.decode()
    assert "completata" in page and str(social_worker) in page
    assert reverse("deadlines:reopen", kwargs={"pk": deadline.pk}) in page
    assert Deadline.objects.get(pk=deadline.pk).done_by == social_worker


def test_a_refusal_comes_back_as_a_message_and_changes_nothing(client, demo, case, coordinator):
    deadline = _deadline(case, coordinator, days=4)
    client.force_login(demo.users["sds"])
    response = client.post(reverse("deadlines:complete", kwargs={"pk": deadline.pk}), follow=True)
    assert "Solo il responsabile della scadenza o il coordinatore" in response.content.decode()
    assert Deadline.objects.get(pk=deadline.pk).done_at is None


def test_out_of_scope_is_404_like_a_missing_deadline(client, demo, case, coordinator):
    deadline = _deadline(case, coordinator, days=4)
    client.force_login(demo.users["assistente2"])
    before = AuditEvent.objects.count()
    for name in ("deadlines:complete", "deadlines:reopen"):
        out = client.post(reverse(name, kwargs={"pk": deadline.pk}))
        missing = client.post(reverse(name, kwargs={"pk": 987654321}))
        assert out.status_code == missing.status_code == 404
        assert out.content == missing.content
    assert AuditEvent.objects.count() == before
    assert Deadline.objects.get(pk=deadline.pk).done_at is None


def test_complete_is_post_only_and_an_outside_next_is_ignored(client, demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator, days=4)
    client.force_login(social_worker)
    url = reverse("deadlines:complete", kwargs={"pk": deadline.pk})
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://example.com/"})
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})


def test_undo_asks_for_the_reason(client, demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator, days=4)
    url = reverse("deadlines:reopen", kwargs={"pk": deadline.pk})
    client.force_login(social_worker)
    response = client.get(url, follow=True)
    assert "La scadenza non è completata" in response.content.decode()

    deadline_complete(deadline=deadline, actor=social_worker)
    response = client.get(url)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="cases.case.viewed", case_id=case.pk, data__page="deadline_reopen"
    ).exists()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Indicare perché la scadenza torna da completare." in response.content.decode()
    assert Deadline.objects.get(pk=deadline.pk).done_at is not None

    calendar = reverse("deadlines:calendar")
    response = client.post(url, {"reason": "Segnata per errore", "next": calendar})
    assert response["Location"] == calendar
    assert Deadline.objects.get(pk=deadline.pk).done_at is None


# --- worklist ------------------------------------------------------------------------------------------------


def _sections(client, user):
    client.force_login(user)
    response = client.get(reverse("worklists:home"))
    assert response.status_code == 200
    return {s.key: s for s in response.context["sections"]}, response.content.decode()


def test_the_worklist_shows_the_deadlines_the_user_answers_for(
    client, demo, case, coordinator, social_worker
):
    overdue = _deadline(case, coordinator, days=-1)
    soon = _deadline(case, coordinator, days=2)
    _deadline(case, coordinator, days=60)  # later than 7 business days
    done = _deadline(case, coordinator, days=1)
    deadline_complete(deadline=done, actor=social_worker)
    _deadline(case, coordinator, days=1, owner=demo.users["educatore"])  # someone else's

    sections, page = _sections(client, social_worker)
    assert [d.pk for d in sections["deadlines_overdue"].rows] == [overdue.pk]
    assert [d.pk for d in sections["deadlines_upcoming"].rows] == [soon.pk]
    assert (sections["deadlines_overdue"].count, sections["deadlines_upcoming"].count) == (1, 1)
    assert 'data-count="deadlines_overdue">1<' in page

    sections, _page = _sections(client, demo.users["assistente2"])
    assert "deadlines_overdue" not in sections and "deadlines_upcoming" not in sections


def test_reminders_appear_on_the_worklist_until_read(client, demo, case, coordinator, social_worker):
    _deadline(case, coordinator, days=1)
    reminders_send()
    sections, page = _sections(client, social_worker)
    [notice] = sections["reminders"].rows
    assert case.code in page and "Segna come letto" in page

    # Someone else cannot dismiss it; its recipient can.
    client.force_login(coordinator)
    assert client.post(reverse("deadlines:reminders"), {"promemoria": notice.pk}).status_code == 404
    assert client.post(reverse("deadlines:reminders"), {"promemoria": "x"}).status_code == 404
    client.force_login(social_worker)
    response = client.post(reverse("deadlines:reminders"), {"promemoria": notice.pk, "next": "/"})
    assert response["Location"] == "/"
    assert Reminder.objects.get(pk=notice.pk).read_at is not None
    sections, _page = _sections(client, social_worker)
    assert "reminders" not in sections


def test_the_reminders_page_lists_and_marks_all(client, demo, case, coordinator, social_worker):
    _deadline(case, coordinator, days=1)
    _deadline(case, coordinator, days=-1)
    reminders_send()
    client.force_login(social_worker)
    response = client.get(reverse("deadlines:reminders"))
    assert len(response.context["reminders"]) == 2
    client.post(reverse("deadlines:reminders"), {"tutti": "1"})
    assert client.get(reverse("deadlines:reminders")).context["reminders"] == []


def test_the_worklist_deadlines_run_constant_queries(client, demo, case, coordinator, social_worker):
    def measure():
        client.force_login(social_worker)
        client.get(reverse("worklists:home"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("worklists:home"))
        return len(queries)

    def one_of_each():
        _deadline(case, coordinator, days=-1)
        _deadline(case, coordinator, days=1)

    one_of_each()
    reminders_send()
    few = measure()
    for _ in range(5):
        one_of_each()
    reminders_send()
    sections, _page = _sections(client, social_worker)
    assert (sections["deadlines_overdue"].count, sections["deadlines_upcoming"].count) == (6, 6)
    assert sections["reminders"].count == 12
    assert measure() == few


def test_the_menu_shows_deadlines_to_case_readers_only(client, demo):
    client.force_login(demo.users["assistente"])
    assert reverse("deadlines:calendar") in client.get(reverse("worklists:home")).content.decode()
    client.force_login(demo.users["protocollo"])
    assert reverse("deadlines:calendar") not in client.get(reverse("worklists:home")).content.decode()
    assert client.get(reverse("deadlines:calendar")).status_code == 404
