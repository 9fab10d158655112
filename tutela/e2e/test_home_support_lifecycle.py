"""Home educational support from authorisation to closure in a real browser (issue "Services", done-when): the
paying Comune takes note, the cooperative assigns its educator, the social worker starts the intervention, the
educator records the hours, the cooperative reports, the social worker suspends and resumes, the managing body
controls the delivery, the social worker closes the intervention and the Comune reads what it cost."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import formats, timezone
from playwright.sync_api import Page, expect

from tutela.services import delivery
from tutela.services.models import Intervention
from tutela.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]


def _success(page: Page, text: str) -> None:
    expect(page.locator(".tutela-messages .alert-success")).to_contain_text(text)


def _act(page: Page, intervention: Intervention, name: str) -> None:
    page.goto(f"/interventi/{intervention.pk}/")
    page.locator("#intervention-actions").get_by_role("link", name=name).click()


def test_home_support_from_authorisation_to_closure_and_its_cost(demo: Any, login: Login, page: Page) -> None:
    today = timezone.localdate()
    start = today - dt.timedelta(days=14)
    worked = start + dt.timedelta(days=1)
    # The child lives in Montemurlo, which pays: not the lead Comune (Prato), so it must take note first.
    intervention = factories.authorised_intervention(
        demo, delivery="educational", residence="Montemurlo", act_date=start - dt.timedelta(days=2)
    )
    provider = delivery.provider_of(intervention)
    assert provider is not None
    if delivery.rate_for(intervention, provider, start) is None:
        factories.contract_rate(demo, intervention.service_type, provider=provider)
    code = intervention.case.code

    # The social worker cannot start it yet: the Comune has not taken note, and the refusal says so.
    login("assistente")
    _act(page, intervention, "Avvia l'intervento")
    page.get_by_label(re.compile(r"^Data di avvio")).fill(start.isoformat())
    page.get_by_role("button", name="Conferma").click()
    expect(
        page.get_by_text("Il Comune di Montemurlo sostiene la spesa e non ha ancora preso atto").first
    ).to_be_visible()
    page.goto(f"/interventi/{intervention.pk}/")
    expect(page.locator("#intervention-state")).to_have_text("Programmato")
    expect(page.locator("#activation-blockers")).to_contain_text("Montemurlo")

    # The Comune's officer takes note (seed 003: the Comune is informed before activation because it pays).
    login("comune")
    _act(page, intervention, "Prendi atto")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Presa d'atto registrata")

    # The cooperative's coordinator assigns the educator.
    login("cooperativa")
    page.goto(f"/interventi/{intervention.pk}/educativa/")
    page.get_by_role("link", name="Assegna un educatore").click()
    page.get_by_label(re.compile(r"^Educatore")).select_option(label="Davide Pieri")
    page.get_by_label(re.compile(r"^Ore settimanali")).fill("4")
    page.get_by_label(re.compile(r"^Dal")).fill(start.isoformat())
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Educatore assegnato")

    # The social worker starts the intervention on the agreed day.
    login("assistente")
    _act(page, intervention, "Avvia l'intervento")
    page.get_by_label(re.compile(r"^Data di avvio")).fill(start.isoformat())
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Intervento avviato.")
    expect(page.locator("#intervention-state")).to_have_text("Attivo")

    # The educator records three hours of the day after.
    login("educatore")
    page.goto(f"/interventi/{intervention.pk}/educativa/")
    page.get_by_role("link", name="Registra le ore").click()
    page.get_by_label(re.compile(r"^Giorno")).fill(worked.isoformat())
    page.get_by_label(re.compile(r"^Ore erogate")).fill("3")
    page.get_by_label(re.compile(r"^Attività svolta")).fill("Compiti e gioco con il fratello")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Ore registrate.")

    # The cooperative sends a progress report.
    login("cooperativa")
    page.goto(f"/interventi/{intervention.pk}/educativa/nuova-relazione/")
    page.get_by_label(re.compile(r"^Periodo dal")).fill(start.isoformat())
    page.get_by_label(re.compile(r"^al")).fill(worked.isoformat())
    page.get_by_label(re.compile(r"^Andamento del progetto")).fill("Primo incontro positivo.")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Relazione inviata")

    # The social worker suspends it (the child is in hospital) and resumes it; a missing reason is refused.
    login("assistente")
    _act(page, intervention, "Sospendi")
    page.get_by_label(re.compile(r"^Sospeso dal")).fill((today - dt.timedelta(days=6)).isoformat())
    page.get_by_role("button", name="Conferma").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    page.get_by_label(re.compile(r"^Motivo della sospensione")).fill("Ricovero del minore")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Intervento sospeso.")
    expect(page.locator("#intervention-state")).to_have_text("Sospeso")
    _act(page, intervention, "Riprendi")
    page.get_by_label(re.compile(r"^Ripreso il")).fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Intervento ripreso.")
    expect(page.locator("#intervention-state")).to_have_text("Attivo")

    # The managing body controls the delivery.
    login("sds")
    page.goto(f"/interventi/{intervention.pk}/controlli/")
    page.get_by_role("link", name=re.compile("Registra un controllo")).first.click()
    page.get_by_label(re.compile(r"^Esito")).select_option(label="Regolare")
    page.get_by_label(re.compile(r"^Rilievi")).fill("Fogli presenza firmati e coerenti con il PEI.")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Controllo registrato.")

    # The social worker closes the intervention.
    login("assistente")
    _act(page, intervention, "Concludi l'intervento")
    page.get_by_label(re.compile(r"^Concluso il")).fill(today.isoformat())
    page.get_by_label(re.compile(r"^Motivo della conclusione")).fill("Obiettivi raggiunti")
    page.get_by_role("button", name="Conferma").click()
    _success(page, "Intervento concluso.")
    expect(page.locator("#intervention-state")).to_have_text("Concluso")

    # The Comune sees what the intervention cost: three hours at the contract's unit cost.
    unit_cost = Intervention.objects.get(pk=intervention.pk).unit_cost
    assert unit_cost is not None and unit_cost > 0
    expected = formats.localize(unit_cost * Decimal(3))
    login("comune")
    page.get_by_role("link", name="Costi").first.click()
    page.locator("#id_dal").fill(f"{start:%Y-%m}")
    page.locator("#id_al").fill(f"{today:%Y-%m}")
    page.get_by_role("button", name="Mostra").click()
    row = page.locator(f"#costo-intervento-{intervention.pk}")
    expect(row).to_contain_text(code)
    expect(row).to_contain_text("Concluso")
    expect(row).to_contain_text(f"€ {expected}")
    assert not page.problems  # type: ignore[attr-defined]
