"""The private calendar feed (ADR 0011): RFC 5545 written by hand and checked strictly; a revocable secret
stored only as a hash; no names and no free text; 404 for an unknown or revoked secret; audited; never cached."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.deadlines import ics
from tutela.deadlines.models import CalendarFeedToken, Deadline
from tutela.deadlines.services import (
    calendar_feed_token_issue,
    calendar_feed_token_revoke,
    deadline_complete,
    deadline_create,
    end_of_day,
)
from tutela.testing import factories

CONTENT_LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9-]*)(?P<params>(;[A-Z0-9-]+=[^;:\"]+)*):(?P<value>.*)$")
UTC_STAMP = re.compile(r"^\d{8}T\d{6}Z$")
DATE = re.compile(r"^\d{8}$")


def parse_strict(text: str) -> list[dict[str, list[tuple[str, str]]]]:
    """Check the format strictly and return the VEVENTs as {name: [(params, value)]} after unfolding."""
    assert text.endswith("\r\n"), "the stream must end with CRLF"
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line, f"bare line break in {line!r}"
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            assert logical, "a continuation line cannot come first"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[str] = []
    events: list[dict[str, list[tuple[str, str]]]] = []
    calendar: dict[str, list[tuple[str, str]]] = {}
    for line in logical:
        match = CONTENT_LINE.match(line)
        assert match, f"not a content line: {line!r}"
        name, params, value = match["name"], match["params"], match["value"]
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
            continue
        if name == "END":
            assert stack and stack.pop() == value, f"END:{value} does not close what was open"
            continue
        target = events[-1] if stack[-1:] == ["VEVENT"] else calendar
        target.setdefault(name, []).append((params, value))
    assert stack == [], "unclosed components"
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert calendar["VERSION"] == [("", "2.0")] and calendar["PRODID"]
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert len(event.get(required, [])) == 1, f"{required} must appear once"
        assert UTC_STAMP.match(event["DTSTAMP"][0][1])
        (start_params, start), (end_params, end) = event["DTSTART"][0], event["DTEND"][0]
        assert start_params == end_params == ";VALUE=DATE" and DATE.match(start) and DATE.match(end)
        assert end > start
        for _params, value in event["SUMMARY"]:
            assert not re.search(r"(?<!\\)[,;]", value), f"unescaped separator in {value!r}"
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


# --- the writer ----------------------------------------------------------------------------------------------


def test_text_is_escaped_and_long_lines_are_folded_without_splitting_characters():
    summary = "TM-2026-00001 — Relazione; all'autorità, giudiziaria\\ «urgente»\n" + "è" * 80
    text = ics.calendar_text(
        [ics.IcsEvent(uid="u-1@tutela", day=dt.date(2026, 12, 31), summary=summary)],
        name="Scadenze, Tutela",
        stamp=timezone.now(),
    )
    [event] = parse_strict(text)
    assert unescape(event["SUMMARY"][0][1]) == summary
    assert event["DTSTART"][0][1] == "20261231" and event["DTEND"][0][1] == "20270101"
    assert "X-WR-CALNAME:Scadenze\\, Tutela\r\n" in text
    text.encode("utf-8").decode("utf-8")  # every fold falls between characters


def test_fold_is_exact_at_75_octets():
    line = "SUMMARY:" + "x" * 67  # 75 octets: kept whole
    assert ics.fold(line) == line + "\r\n"
    folded = ics.fold(line + "y")
    assert folded == line + "\r\n y\r\n"


def test_control_characters_are_dropped():
    assert ics.escape_text("a\x00b\x07c\td") == "abc\td"


# --- the feed ------------------------------------------------------------------------------------------------


@pytest.fixture
def case(demo):
    return factories.in_care_case(demo)  # led by assistente


def _deadline(case, actor, kind=Deadline.Kind.COURT_REPORT, days=20):
    return deadline_create(
        case=case,
        kind=kind,
        description="Relazione sulla famiglia Bianchi, via Roma 3",
        due_at=end_of_day(timezone.localdate() + dt.timedelta(days=days)),
        actor=actor,
    )


def _url(token: str) -> str:
    return reverse("deadlines:feed", kwargs={"token": token})


def test_the_feed_needs_no_session_and_carries_codes_and_kinds_only(demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator)
    done = _deadline(case, coordinator, kind=Deadline.Kind.PLAN_REVIEW, days=-5)
    deadline_complete(deadline=done, actor=social_worker)
    token = calendar_feed_token_issue(actor=social_worker)

    response = Client().get(_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8")
    events = {e["UID"][0][1]: e for e in parse_strict(text)}
    # Its own two, and the take-in-charge deadline the assignment completed.
    assert set(events) == {
        f"tutela-scadenza-{d.pk}@tutela-minori" for d in Deadline.objects.filter(case=case)
    }
    assert len(events) == 3
    summary = unescape(events[f"tutela-scadenza-{deadline.pk}@tutela-minori"]["SUMMARY"][0][1])
    assert summary == f"{case.code} — Relazione all'autorità giudiziaria"
    assert unescape(events[f"tutela-scadenza-{done.pk}@tutela-minori"]["SUMMARY"][0][1]).endswith(
        "(completata)"
    )
    unfolded = text.replace("\r\n ", "")
    for secret in (case.child.surname, case.child.given_name, case.child.fiscal_code, "Bianchi", "via Roma"):
        assert secret not in unfolded
    audit = AuditEvent.objects.get(action="deadlines.calendar_feed.read")
    assert (audit.actor, audit.data) == (social_worker, {"cases": [case.pk], "deadlines": 3})
    assert CalendarFeedToken.objects.get(user=social_worker).last_used_at is not None

    # The same UID on the next download: calendar apps update the event instead of duplicating it.
    again = parse_strict(Client().get(_url(token)).content.decode())
    assert {e["UID"][0][1] for e in again} == set(events)


def test_the_feed_follows_the_calendar_scope(demo, case, coordinator, social_worker, other_social_worker):
    deadline = _deadline(case, coordinator)
    for user, expected in ((coordinator, True), (social_worker, True), (other_social_worker, False)):
        text = Client().get(_url(calendar_feed_token_issue(actor=user))).content.decode()
        assert (f"tutela-scadenza-{deadline.pk}@" in text) is expected, user


def test_only_the_hash_is_stored_and_a_new_link_revokes_the_old(demo, social_worker):
    first = calendar_feed_token_issue(actor=social_worker)
    stored = CalendarFeedToken.objects.get(user=social_worker)
    assert stored.token_hash == hashlib.sha256(first.encode()).hexdigest()
    assert not CalendarFeedToken.objects.filter(token_hash=first).exists()

    second = calendar_feed_token_issue(actor=social_worker)
    assert Client().get(_url(first)).status_code == 404
    assert Client().get(_url(second)).status_code == 200
    assert CalendarFeedToken.objects.filter(user=social_worker, revoked_at__isnull=True).count() == 1

    assert calendar_feed_token_revoke(actor=social_worker) == 1
    assert Client().get(_url(second)).status_code == 404
    actions = list(
        AuditEvent.objects.filter(action__startswith="deadlines.calendar_feed.")
        .exclude(action="deadlines.calendar_feed.read")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "deadlines.calendar_feed.issued",
        "deadlines.calendar_feed.revoked",
        "deadlines.calendar_feed.issued",
        "deadlines.calendar_feed.revoked",
    ]


@pytest.mark.parametrize("token", ["sconosciuto", "x" * 300, "a.b"])
def test_an_unknown_secret_is_404_and_leaves_no_audit_row(db, token):
    before = AuditEvent.objects.count()
    assert Client().get(_url(token)).status_code == 404
    assert AuditEvent.objects.count() == before


def test_a_disabled_user_loses_the_feed(demo, social_worker):
    token = calendar_feed_token_issue(actor=social_worker)
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    assert Client().get(_url(token)).status_code == 404


def test_the_feed_answers_only_get(demo, social_worker):
    token = calendar_feed_token_issue(actor=social_worker)
    assert Client().post(_url(token)).status_code in {403, 405}  # CSRF or method: never a feed


def test_the_settings_page_shows_the_link_once(client, demo, social_worker):
    client.force_login(social_worker)
    page = reverse("deadlines:feed_settings")
    response = client.get(page)
    assert response.status_code == 200 and "Nessun link attivo." in response.content.decode()

    response = client.post(page, {"azione": "genera"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = response.context["link"]
    assert link.startswith("http://testserver/scadenze/ics/") and link.endswith(".ics")
    assert link in response.content.decode()
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    assert Client().get(_url(token)).status_code == 200

    again = client.get(page).content.decode()
    assert token not in again and "Link attivo, generato il" in again

    client.post(page, {"azione": "genera"})
    assert Client().get(_url(token)).status_code == 404

    response = client.post(page, {"azione": "disattiva"}, follow=True)
    assert "Il link del calendario personale è stato disattivato." in response.content.decode()
    assert not CalendarFeedToken.objects.filter(user=social_worker, revoked_at__isnull=True).exists()
