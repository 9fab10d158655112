"""A supervised visit in a real browser (seed 003): the social worker books it from the case, is refused a double
booking of the room in Italian, and the educator records it (who came, observations); the Comune's officer sees
the visit but not the observations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tutela.meetings.models import SupervisedVisit, VisitState
from tutela.meetings.tests.conftest import visit_world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]
OBSERVATIONS = "La madre arriva puntuale e porta un libro; il bambino la accoglie sorridendo."


def field(page: Page, label: str) -> Any:
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def tick(page: Page, label: str) -> None:
    """Tick a checkbox as a user does, on its label (Bootstrap Italia draws the box over the input)."""
    page.locator("label").filter(has_text=re.compile(rf"^{re.escape(label)}$")).click()
    expect(page.get_by_label(label)).to_be_checked()


def test_book_refuse_a_double_booking_and_record_a_supervised_visit(
    demo: Any, login: Login, page: Page
) -> None:
    world = visit_world_build(demo)
    world.case.child.residence_municipality = demo.municipalities[
        "Montemurlo"
    ]  # the Comune follows the child
    world.case.child.save(update_fields=["residence_municipality"])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    day = yesterday.strftime("%d/%m/%Y")

    # The social worker books a visit of the mother from the case page.
    login("assistente")
    page.goto(f"/pratiche/{world.case.pk}/")
    page.get_by_role("link", name="Gestisci gli incontri protetti").click()
    expect(page.locator("#h-arrangement + div")).to_contain_text("Bianchi Laura")
    page.get_by_role("link", name="Prenota un incontro").click()
    expect(page.get_by_role("heading", level=2, name="Prenota un incontro protetto")).to_be_visible()

    def fill_booking(start: str, end: str, supervisor: str) -> None:
        field(page, "Data").fill(yesterday.isoformat())
        field(page, "Ora di inizio").fill(start)
        field(page, "Ora di fine").fill(end)
        field(page, "Stanza").select_option(label="Stanza Arcobaleno — Via Roma 101")
        field(page, "Operatore che osserva l'incontro").select_option(label=supervisor)
        tick(page, "Bianchi Laura")
        page.get_by_role("button", name="Conferma").click()

    fill_booking("10:00", "11:00", "Davide Pieri — Educatore professionale")
    expect(page.locator(".tutela-messages .alert-success")).to_have_text("Incontro protetto prenotato.")
    expect(page.locator("[data-visit-state]")).to_have_text("Prenotato")
    visit = SupervisedVisit.objects.get()

    # The same room half an hour later is refused, with the reason, and nothing is booked.
    page.goto(f"/riunioni/pratica/{world.case.pk}/incontri-protetti/nuovo/")
    fill_booking("10:30", "11:30", "Anna Ricci — Assistente sociale")
    expect(
        page.get_by_text(f"La stanza «Stanza Arcobaleno» è già prenotata il {day} dalle 10:00 alle 11:00")
    ).to_be_visible()
    assert SupervisedVisit.objects.count() == 1

    # The educator records it: the child and the mother came; the observations are his.
    login("educatore")
    page.goto(f"/riunioni/incontri-protetti/{visit.pk}/")
    page.get_by_role("link", name="Registra l'incontro").click()
    tick(page, "Il minore era presente")
    tick(page, "Bianchi Laura")
    field(page, "Osservazioni dell'operatore (riservate)").fill(OBSERVATIONS)
    page.get_by_role("button", name="Conferma").click()
    expect(page.locator(".tutela-messages .alert-success")).to_have_text("Incontro registrato.")
    expect(page.locator("[data-visit-state]")).to_have_text("Svolto")
    expect(page.locator("#observations")).to_have_text(OBSERVATIONS)
    expect(page.locator("#visit-attendance")).to_contain_text("Bianchi Laura presente")
    visit.refresh_from_db()
    assert visit.state == VisitState.HELD and visit.child_attended is True

    # The Comune's officer follows the child: the visit yes, the observations no.
    login("comune")
    page.goto(f"/riunioni/incontri-protetti/{visit.pk}/")
    expect(page.locator("[data-visit-state]")).to_have_text("Svolto")
    expect(page.locator("#observations-hidden")).to_be_visible()
    expect(page.get_by_text(OBSERVATIONS)).to_have_count(0)
    assert page.problems == []  # type: ignore[attr-defined]
