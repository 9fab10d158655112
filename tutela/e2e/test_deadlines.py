"""The deadline journey in a real browser: the worklist's overdue deadline, the calendar from the menu, done from
the calendar, undone with a reason from the case page, the private calendar link and its feed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tutela.deadlines.models import CalendarFeedToken, Deadline
from tutela.deadlines.services import deadline_create, end_of_day
from tutela.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deadline_from_the_worklist_to_done_undone_and_the_private_feed(
    demo: Any, login: Callable[[str], Page], page: Page
) -> None:
    case = factories.in_care_case(demo)  # led by assistente
    deadline = deadline_create(
        case=case,
        kind=Deadline.Kind.PLAN_REVIEW,
        description="Verifica del progetto con la famiglia",
        due_at=end_of_day(timezone.localdate() - dt.timedelta(days=1)),
        actor=demo.users["coordinatore"],
    )

    login("assistente")
    overdue = page.locator("section#deadlines_overdue")
    expect(overdue).to_contain_text(case.code)
    expect(overdue).to_contain_text("Verifica del progetto")

    page.get_by_role("link", name="Scadenze", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scadenze")
    expect(page.locator("#overdue")).to_contain_text(case.code)
    page.locator("#overdue").get_by_role("button", name=re.compile("Segna come completata")).click()
    expect(page.locator(".tutela-messages .alert-success")).to_contain_text("completata")
    expect(page.locator("#overdue")).to_have_count(0)
    assert Deadline.objects.get(pk=deadline.pk).done_by == demo.users["assistente"]

    page.goto(f"/pratiche/{case.pk}/")
    item = page.locator(f"#scadenza-{deadline.pk}")
    expect(item).to_contain_text("completata")
    expect(item).to_contain_text("Anna Ricci")
    item.get_by_role("link", name=re.compile("Annulla completamento")).click()
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_text("Indicare perché la scadenza torna da completare.").first).to_be_visible()
    page.get_by_label("Motivo").fill("Relazione non ancora firmata")
    page.get_by_role("button", name="Conferma").click()
    expect(page.locator(".tutela-messages .alert-success")).to_contain_text("torna da completare")
    expect(page.locator(f"#scadenza-{deadline.pk}")).to_contain_text("scaduta")

    page.goto("/scadenze/calendario/")
    page.get_by_role("link", name="Calendario personale").click()
    page.get_by_role("button", name="Genera nuovo link").click()
    link = page.locator("#feed-url").input_value()
    assert (
        CalendarFeedToken.objects.filter(user=demo.users["assistente"], revoked_at__isnull=True).count() == 1
    )
    feed = page.context.request.get(link)
    assert feed.status == 200
    body = feed.text()
    assert f"SUMMARY:{case.code} — Verifica del progetto" in body.replace("\r\n ", "")
    assert case.child.surname not in body

    page.get_by_role("button", name="Disattiva il link").click()
    assert page.context.request.get(link).status == 404
    assert page.problems == []  # type: ignore[attr-defined]
