"""Foster care in a real browser (seed 000 step 8, L. 184/1983 art. 4 c. 4): the social worker starts an
authorised foster placement on the intervention page; the deadline to alert the prosecutor before the 24 months
end appears on the case page and in "Da fare", and shows as overdue once the placement is close to its end."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tutela.deadlines.models import Deadline
from tutela.services.delivery import add_months
from tutela.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]
SCREENSHOT = "/tmp/e2e-intervention.png"


def _deadline_line(page: Page, expiry: dt.date) -> Locator:
    return page.locator("section[aria-labelledby=h-deadlines] li").filter(
        has_text=f"Affidamento in scadenza il {expiry:%d/%m/%Y}"
    )


def _worklist_badge(page: Page, code: str) -> Locator:
    row = page.locator("section#in_care tbody tr").filter(has=page.get_by_role("link", name=code))
    return row.locator(".badge[title^='Affidamento in scadenza']")


def test_foster_placement_start_and_expiry_deadline(demo: Any, login: Login, page: Page) -> None:
    today = timezone.localdate()
    notice = dt.timedelta(days=demo.territory.foster_expiry_notice_days)
    planned = factories.authorised_intervention(demo, delivery="foster", duration_months=24)
    case = planned.case
    carer = planned.proposal.foster_carer
    assert carer is not None

    # The social worker opens the authorised foster care from the case page and starts it today.
    login("assistente")
    page.goto(f"/pratiche/{case.pk}/")
    page.locator(f"#intervento-{planned.pk}").get_by_role(
        "link", name="Servizio per l'affidamento dei minori"
    ).click()
    expect(page.locator("#intervention-state")).to_have_text("Programmato")
    page.locator("#intervention-actions").get_by_role("link", name="Avvia l'intervento").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Avvia l'intervento")
    expect(page.get_by_label(re.compile(r"^Data di avvio"))).to_have_value(today.isoformat())
    page.get_by_role("button", name="Conferma").click()

    expect(page.locator(".tutela-messages .alert-success")).to_contain_text("Intervento avviato.")
    expect(page.locator("#intervention-state")).to_have_text("Attivo")
    expiry = add_months(today, 24)
    due = expiry - notice
    placement = page.locator("#placement")
    expect(placement).to_contain_text(carer.name)
    expect(placement).to_contain_text("Giudiziario · Eterofamiliare · Tempo pieno")
    expect(page.locator("#placement-expiry")).to_contain_text(f"{expiry:%d/%m/%Y}")
    expect(page.locator("#placement-expiry")).to_contain_text(f"Segnalazione al PM entro il {due:%d/%m/%Y}")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # The case page lists the deadline, not yet due; "Da fare" shows it on the case's row.
    page.get_by_role("link", name="Torna alla pratica").click()
    line = _deadline_line(page, expiry)
    expect(line).to_contain_text("segnalare al PM presso il Tribunale per i minorenni")
    expect(line).to_contain_text(f"{due:%d/%m/%Y}")
    expect(line.locator(".deadline-overdue")).to_have_count(0)
    page.get_by_role("link", name="Da fare").first.click()
    badge = _worklist_badge(page, case.code)
    expect(badge).to_have_text(f"Entro il {due:%d/%m/%Y}")

    # A foster placement started about 22 months ago: the alert to the prosecutor is overdue.
    started = add_months(today, -22)
    old = factories.intervention_in(demo, "active", delivery="foster", duration_months=24, started_on=started)
    old_expiry = add_months(started, 24)
    old_due = old_expiry - notice
    assert old_due < today
    deadline = Deadline.objects.get(case=old.case, kind=Deadline.Kind.PLACEMENT_EXPIRY)
    assert timezone.localtime(deadline.due_at).date() == old_due

    page.reload()
    expect(_worklist_badge(page, old.case.code)).to_have_text(f"Scaduta il {old_due:%d/%m/%Y}")
    # The social worker owns the deadline: it is among their overdue ones, the first is not (not yet due).
    overdue = page.locator("section#deadlines_overdue tbody tr").filter(has_text="Affidamento in scadenza")
    expect(overdue).to_have_count(1)
    expect(overdue).to_contain_text(old.case.code)
    expect(overdue).to_contain_text(f"{old_due:%d/%m/%Y}")
    expect(page.locator("section#in_care tbody tr").filter(has_text=old.case.code)).to_have_class(
        re.compile(r"row-overdue")
    )
    page.locator("section#in_care").get_by_role("link", name=old.case.code).click()
    old_line = _deadline_line(page, old_expiry)
    expect(old_line.locator(".deadline-overdue")).to_have_text("scaduta")
    page.locator(f"#intervento-{old.pk}").get_by_role("link").click()
    expect(page.locator("#placement-expiry")).to_contain_text(f"{old_expiry:%d/%m/%Y}")
    expect(page.locator("#placement-expiry .deadline-overdue")).to_have_text("scaduta")

    problems: list[str] = page.problems  # type: ignore[attr-defined]
    assert problems == []
