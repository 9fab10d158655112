"""Home educational support in a real browser (seed 003, seed 000 step 7): the cooperative's coordinator assigns
an educator from its home page, the educator records the hours of a day, the lead social worker writes the PEI
and reads the provider's report from "Da fare", the managing body records a control the coordinator answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tutela.services.models import InterventionState
from tutela.services.tests.educational_setup import days_ago, home_support

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]


def _success(page: Page, text: str) -> None:
    expect(page.locator(".tutela-messages .alert-success")).to_contain_text(text)


def test_home_support_from_assignment_to_control(demo: Any, login: Login, page: Page) -> None:
    intervention = home_support(demo, state=InterventionState.ACTIVE, started_days_ago=10)
    code = intervention.case.code

    # The coordinator finds the intervention on the cooperative's home and assigns the educator.
    login("cooperativa")
    page.get_by_role("link", name="Servizi dell'ente").click()
    page.locator("#provider-interventions").get_by_role("link", name=code).click()
    page.get_by_role("link", name="Assegna un educatore").click()
    page.get_by_label(re.compile(r"^Educatore")).select_option(label="Davide Pieri")
    page.get_by_label(re.compile(r"^Ore settimanali")).fill("7")
    page.get_by_label(re.compile(r"^Dal")).fill(days_ago(10).isoformat())
    page.get_by_role("button", name="Conferma").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("ne restano 6")
    page.get_by_label(re.compile(r"^Ore settimanali")).fill("4")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Educatore assegnato")
    expect(page.locator("#assignments")).to_contain_text("Davide Pieri")

    # The educator, now in the case team, records the hours of yesterday.
    login("educatore")
    page.goto(f"/interventi/{intervention.pk}/educativa/")
    page.get_by_role("link", name="Registra le ore").click()
    page.get_by_label(re.compile(r"^Giorno")).fill(days_ago(1).isoformat())
    page.get_by_label(re.compile(r"^Ore erogate")).fill("2.5")
    page.get_by_label(re.compile(r"^Attività svolta")).fill("Compiti e colloquio con la madre")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Ore registrate.")
    # The row of yesterday's month: on the 1st of a month that is not the last row (the current month).
    month_row = page.locator("#month-summary tbody tr").filter(
        has=page.locator(f'a[href="?mese={days_ago(1):%Y-%m}#hours"]')
    )
    expect(month_row).to_contain_text("2,5")

    # The cooperative sends a progress report; the lead social worker finds it in "Da fare" and writes the PEI.
    login("cooperativa")
    page.goto(f"/interventi/{intervention.pk}/educativa/nuova-relazione/")
    page.get_by_label(re.compile(r"^Periodo dal")).fill(days_ago(10).isoformat())
    page.get_by_label(re.compile(r"^al")).fill(days_ago(1).isoformat())
    page.get_by_label(re.compile(r"^Andamento del progetto")).fill("Il minore frequenta con regolarità.")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Relazione inviata")

    login("assistente")
    page.locator("#reports_to_read").get_by_role("link", name=code).click()
    expect(page.locator("#report-text")).to_contain_text("Il minore frequenta con regolarità.")
    expect(page.locator("#report-meta")).to_contain_text("letta dal servizio il")
    page.get_by_role("link", name="Torna all'educativa").click()
    page.get_by_role("link", name="Scrivi il PEI").click()
    page.get_by_label(re.compile(r"^Obiettivo generale")).fill("Sostenere il percorso scolastico.")
    page.get_by_label(re.compile(r"^Prossima verifica")).fill(days_ago(-60).isoformat())
    page.get_by_role("button", name="Conferma").click()
    _success(page, "PEI salvato.")
    expect(page.locator("#project-review")).to_have_text(f"{days_ago(-60):%d/%m/%Y}")

    # The managing body controls the delivery; the coordinator answers.
    login("sds")
    page.get_by_role("link", name="Controlli").first.click()
    page.locator("#to-control tr").filter(has_text=code).get_by_role(
        "link", name="Registra un controllo"
    ).click()
    page.get_by_label(re.compile(r"^Esito")).select_option(label="Irregolarità lievi")
    page.get_by_label(re.compile(r"^Rilievi")).fill("Foglio presenza senza firma.")
    page.get_by_label(re.compile(r"^Azioni conseguenti")).fill("Far firmare il foglio.")
    page.get_by_label(re.compile(r"^Azioni da concludere entro")).fill(days_ago(-10).isoformat())
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Controllo registrato.")

    login("cooperativa")
    page.locator("#controls_to_answer").get_by_role("link").first.click()
    page.get_by_role("link", name="Rispondi").click()
    page.get_by_label(re.compile(r"^Risposta")).fill("Foglio firmato e inviato.")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Risposta registrata.")
    assert not page.problems  # type: ignore[attr-defined]
