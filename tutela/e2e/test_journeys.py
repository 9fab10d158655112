"""Whole journeys in a real browser (seed 000), each user logging in at their turn and seeing what waits for them.

1. A school's report through the Protocol Office, to the acknowledged authorisation of a service.
2. A family's request at the front office, closed because there are no grounds.
3. The front office refuses a child resident in another Comune of the territory.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from codicefiscale import codicefiscale
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tutela.cases.models import Case
from tutela.intake.models import Referral
from tutela.people.models import Person
from tutela.protocol.models import ProtocolEntry
from tutela.services.models import ServiceType
from tutela.testing.documents import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]
SCREENSHOT = "/tmp/e2e-case.png"
PROTOCOL_NUMBER = re.compile(r"\b(\d{7})/(\d{4})\b")


def _child_born(years: int) -> dt.date:
    today = timezone.localdate()
    return dt.date(today.year - years, 3, 14)


# ------------------------------------------------------------------------------------------------ what users see


def worklist_count(page: Page, key: str) -> Locator:
    """The badge next to a worklist section's name in the "Da fare" summary."""
    return page.locator(f'[data-count="{key}"]')


def worklist_section(page: Page, key: str) -> Locator:
    return page.locator(f"section#{key}")


def field(scope: Page | Locator, label: str) -> Locator:
    """The control whose label reads exactly `label` (a required field's label ends with " *")."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def success(page: Page) -> Locator:
    return page.locator(".tutela-messages .alert-success")


def case_state(page: Page) -> Locator:
    return page.locator("#case-state")


def timeline_entry(page: Page, text: str | re.Pattern[str]) -> Locator:
    return page.locator("#timeline li").filter(has_text=text)


def open_case_from_worklist(page: Page, key: str, code: str) -> None:
    worklist_section(page, key).get_by_role("link", name=code).click()
    expect(page.get_by_text(f"Pratica {code}", exact=False).first).to_be_visible()


def nav(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Navigazione principale").get_by_role("link", name=label).click()


def confirm(page: Page) -> None:
    page.get_by_role("button", name="Conferma").click()


def assert_page_healthy(page: Page) -> None:
    """No JavaScript error, no CSP violation, no missing asset on the pages the journey went through."""
    problems: list[str] = page.problems  # type: ignore[attr-defined]
    assert problems == []


def assert_styled_by_bootstrap_italia(page: Page) -> None:
    """The vendored CSS, fonts and scripts are served and applied (CSP allows them)."""
    loaded = page.evaluate(
        """async () => {
            await document.fonts.ready;
            return {
                fonts: [...document.fonts].filter(f => f.status === "loaded").map(f => f.family),
                body: getComputedStyle(document.body).fontFamily,
                header: getComputedStyle(document.querySelector(".it-header-center-wrapper")).backgroundColor,
                scripts: [typeof window.bootstrap, typeof window.htmx],
            };
        }"""
    )
    assert "Titillium Web" in loaded["fonts"]
    assert loaded["body"].startswith('"Titillium Web"')
    assert loaded["header"] == "rgb(0, 102, 204)"  # Bootstrap Italia's primary blue, #0066CC
    assert loaded["scripts"] == ["object", "object"]


def fill_child(
    page: Page,
    *,
    surname: str,
    given_name: str,
    birth: dt.date,
    sex: str,
    residence: str,
    fiscal_code: str = "",
) -> None:
    field(page, "Cognome del minore").fill(surname)
    field(page, "Nome del minore").fill(given_name)
    if fiscal_code:
        field(page, "Codice fiscale").fill(fiscal_code)
    field(page, "Data di nascita").fill(birth.isoformat())
    field(page, "Sesso").select_option(label=sex)
    if residence:
        field(page, "Comune di residenza").fill(residence)
    field(page, "Indirizzo di residenza").fill("Via del Serraglio 12")


# ---------------------------------------------------------------------------------------------------- journeys


def test_school_report_to_acknowledged_authorisation(demo: Any, login: Login, page: Page) -> None:
    school = demo.organisations["school"]
    birth = _child_born(9)
    fiscal_code = codicefiscale.encode(
        lastname="Ferretti",
        firstname="Tommaso",
        gender="M",
        birthdate=birth.strftime("%d/%m/%Y"),
        birthplace="Prato",
    )
    service = ServiceType.objects.get(name__startswith="Sostegno socio-educativo territoriale o domiciliare")

    # The Protocol Office registers the school's report; the subject names no child.
    login("protocollo")
    expect(worklist_count(page, "registered_today")).to_have_text("0")
    nav(page, "Registra segnalazione")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registra una segnalazione da ente terzo")
    field(page, "Ente segnalante").select_option(label=school.name)
    field(page, "Protocollo e data del documento ricevuto").fill("prot. 4821 del giorno precedente")
    field(page, "Fonte della segnalazione (SINBA)").select_option(label="scuola")
    expect(field(page, "Data di ricezione")).to_have_value(timezone.localdate().isoformat())
    field(page, "Oggetto").fill("Segnalazione di disagio scolastico di un alunno della scuola primaria")
    field(page, "Descrizione dei fatti").fill(
        "Assenze ripetute e segni di trascuratezza riferiti dalle insegnanti."
    )
    field(page, "Documento (PDF o immagine)").set_input_files(
        files=[{"name": "segnalazione-scuola.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    fill_child(
        page,
        surname="Ferretti",
        given_name="Tommaso",
        birth=birth,
        sex="Maschio",
        residence="Prato (PO)",
        fiscal_code=fiscal_code,
    )
    field(page, "Comune di nascita").fill("Prato (PO)")
    page.get_by_role("button", name="Registra").click()

    expect(success(page)).to_contain_text("Segnalazione registrata al protocollo n.")
    message = success(page).inner_text()
    number = PROTOCOL_NUMBER.search(message)
    assert number is not None, message
    case = Case.objects.get()
    incoming = ProtocolEntry.objects.get(direction=ProtocolEntry.Direction.INCOMING)
    assert number.group(0) == incoming.display_number
    assert f"pratica {case.code}" in message
    expect(worklist_count(page, "registered_today")).to_have_text("1")
    row = worklist_section(page, "registered_today").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(incoming.display_number)
    expect(row).to_contain_text(school.name)
    expect(row).not_to_contain_text("Ferretti")

    # The coordinator assigns it to Anna Ricci.
    login("coordinatore")
    expect(worklist_count(page, "to_assign_indirect")).to_have_text("1")
    expect(worklist_section(page, "to_assign_indirect").locator("tbody tr")).to_contain_text(
        "Ferretti Tommaso"
    )
    open_case_from_worklist(page, "to_assign_indirect", case.code)
    expect(case_state(page)).to_have_text("Da assegnare")
    expect(page.locator("#h-referrals + ul")).to_contain_text(f"prot. {incoming.display_number}")
    expect(page.locator("#h-docs + ul")).to_contain_text("Segnalazione di disagio scolastico")
    page.get_by_role("link", name="Assegna all'assistente sociale").click()
    field(page, "Assistente sociale").select_option(label="Anna Ricci")
    field(page, "Nota per l'assistente sociale").fill("Contattare la scuola entro la settimana.")
    confirm(page)
    expect(success(page)).to_have_text("Pratica assegnata.")
    expect(case_state(page)).to_have_text("In valutazione")
    expect(page.get_by_text("Assistente sociale: Anna Ricci")).to_be_visible()
    expect(timeline_entry(page, re.compile(r"assegnata all.assistente sociale Anna Ricci"))).to_have_count(1)

    # The social worker meets the family, files the report with outcome and sends the proposal.
    login("assistente")
    expect(worklist_count(page, "to_assess")).to_have_text("1")
    open_case_from_worklist(page, "to_assess", case.code)
    journal = page.locator("#journal")
    journal.get_by_text("Nuova annotazione").click()
    field(journal, "Tipo").select_option(label="Colloquio")
    field(journal, "Testo").fill("Colloquio con la madre: disponibile a un sostegno educativo.")
    with page.expect_response(
        lambda r: "/diario/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        journal.get_by_role("button", name="Aggiungi al diario").click()  # htmx swaps the journal in place
    expect(page.locator("#journal .journal-list li")).to_have_count(1)
    expect(page.locator("#journal .journal-list")).to_contain_text("Colloquio")
    expect(page.locator("#journal .journal-list")).to_contain_text("disponibile a un sostegno educativo")

    page.get_by_role("link", name="Redigi la relazione sociale e prendi in carico").click()
    expect(page.locator(".tutela-messages")).to_have_count(0)  # nothing left over from the journal
    field(page, "Sintesi della valutazione").fill("Trascuratezza lieve, famiglia collaborante.")
    # Bootstrap Italia draws the radio button on its label, which is what a user clicks.
    page.locator("label", has_text="Con esito verso un servizio").click()
    expect(field(page, "Con esito verso un servizio")).to_be_checked()
    field(page, "Fatti osservati").fill("Assenze scolastiche frequenti nel primo quadrimestre.")
    field(page, "Valutazioni professionali").fill("Serve un sostegno educativo a domicilio.")
    field(page, "Servizio proposto").select_option(label=service.name)
    field(page, "Motivazione della proposta").fill("Sostenere la madre nella cura quotidiana del figlio.")
    field(page, "Ore settimanali").fill("6")
    field(page, "Durata prevista (mesi)").fill("6")
    confirm(page)
    expect(success(page)).to_contain_text("Relazione sociale depositata.")
    expect(case_state(page)).to_have_text("In carico")
    proposal_card = page.locator("[id^=proposta-]")
    expect(proposal_card).to_have_count(1)
    expect(proposal_card.locator("[data-proposal-state]")).to_have_text("Bozza")
    expect(timeline_entry(page, "Minore preso in carico")).to_have_count(1)

    # Home support needs the provider that will deliver it before the proposal can go to the coordinator.
    proposal_card.get_by_role("link", name="Modifica").click()
    field(page, "Ente erogatore").select_option(label="Cooperativa sociale Il Girasole")
    confirm(page)
    expect(success(page)).to_have_text("Proposta aggiornata.")
    proposal_card.get_by_role("link", name="Invia al coordinatore").click()
    confirm(page)
    expect(success(page)).to_have_text("Proposta inviata al coordinatore.")
    expect(proposal_card.locator("[data-proposal-state]")).to_have_text("Inviata al coordinatore")

    # The coordinator approves: the approval is registered in the protocol and the school is told.
    login("coordinatore")
    expect(worklist_count(page, "to_evaluate")).to_have_text("1")
    expect(worklist_section(page, "to_evaluate").locator("tbody tr")).to_contain_text(service.name)
    open_case_from_worklist(page, "to_evaluate", case.code)
    proposal_card.get_by_role("link", name="Approva la proposta").click()
    confirm(page)
    expect(success(page)).to_contain_text("Proposta approvata, protocollata e notificata")
    expect(proposal_card.locator("[data-proposal-state]")).to_have_text("Approvata")
    outgoing = ProtocolEntry.objects.get(direction=ProtocolEntry.Direction.OUTGOING)
    approval = timeline_entry(page, "Proposta approvata")
    expect(approval).to_have_count(1)
    expect(approval).to_contain_text(f"prot. {outgoing.display_number}")
    assert PROTOCOL_NUMBER.fullmatch(outgoing.display_number)
    expect(page.locator("#h-comms + ul")).to_contain_text(school.name)

    to_school = [m for m in mail.outbox if school.email in m.to]
    assert len(to_school) == 1
    assert case.code in to_school[0].subject
    assert outgoing.display_number in to_school[0].body
    assert "Ferretti" not in to_school[0].subject
    pdfs = [a for a in to_school[0].attachments if a[2] == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0][1].startswith(b"%PDF")

    # The administrative office reviews and authorises, with the Comune of Prato paying.
    login("amministrativo")
    expect(worklist_count(page, "to_review")).to_have_text("1")
    open_case_from_worklist(page, "to_review", case.code)
    proposal_card.get_by_role("link", name="Avvia l'istruttoria").click()
    confirm(page)
    expect(success(page)).to_have_text("Istruttoria avviata.")
    expect(proposal_card.locator("[data-proposal-state]")).to_have_text("In istruttoria")
    proposal_card.get_by_role("link", name="Autorizza", exact=True).click()
    field(page, "Numero dell'atto (determina)").fill("DD-2026/118")
    field(page, "Spesa prevista (€)").fill("2400.00")
    field(page, "Comune che sostiene la spesa").fill("Prato (PO)")
    confirm(page)  # the review's checklist is not ticked: refused, and the form says what is missing
    expect(page.get_by_text("numero dell'impegno di spesa").first).to_be_visible()
    checklist = page.get_by_label(re.compile(r"^Verificato: "))
    expect(checklist).to_have_count(5)
    for label in page.locator("label", has_text="Verificato: ").all():
        label.click()  # Bootstrap Italia draws the checkbox on its label
    for box in checklist.all():
        expect(box).to_be_checked()
    field(page, "Impegno di spesa n.").fill("IMP-2026/77")
    confirm(page)
    expect(success(page)).to_contain_text("Intervento autorizzato")
    expect(proposal_card.locator("[data-proposal-state]")).to_have_text("Autorizzata")
    expect(proposal_card).to_contain_text("atto n. DD-2026/118")
    expect(timeline_entry(page, "Autorizzata con atto n. DD-2026/118")).to_have_count(1)
    login("amministrativo")
    expect(worklist_count(page, "to_review")).to_have_text("0")
    expect(worklist_count(page, "under_review")).to_have_text("0")

    # The social worker takes note of the outcome: the service is planned.
    login("assistente")
    expect(worklist_count(page, "to_acknowledge")).to_have_text("1")
    open_case_from_worklist(page, "to_acknowledge", case.code)
    proposal_card.get_by_role("link", name="Prendi atto dell'esito").click()
    confirm(page)
    expect(success(page)).to_have_text("Esito acquisito.")
    intervention = page.locator("[id^=intervento-]")
    expect(intervention).to_have_count(1)
    expect(intervention).to_contain_text(service.name)
    expect(intervention.locator("[data-intervention-state]")).to_have_text("Programmato")
    expect(intervention).to_contain_text("a carico di Prato")
    expect(case_state(page)).to_have_text("In carico")
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert_styled_by_bootstrap_italia(page)
    assert_page_healthy(page)


def test_family_request_closed_for_no_grounds(demo: Any, login: Login, page: Page) -> None:
    login("segretariato")
    expect(worklist_count(page, "to_assign_direct")).to_have_text("0")
    nav(page, "Nuova istanza")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova istanza di accesso diretto")
    field(page, "Richiedente (nome e cognome)").fill("Laura Bini")
    field(page, "Relazione con il minore").fill("madre")
    field(page, "Fonte della segnalazione (SINBA)").select_option(
        label="genitori/fratelli/altri familiari conviventi"
    )
    field(page, "Oggetto").fill("Richiesta di sostegno per difficoltà nella gestione dei figli")
    fill_child(
        page,
        surname="Bini",
        given_name="Giulia",
        birth=_child_born(12),
        sex="Femmina",
        residence="Prato (PO)",
    )
    page.get_by_role("button", name="Registra").click()

    expect(success(page)).to_contain_text("Istanza registrata")
    case = Case.objects.get()
    expect(success(page)).to_have_text(f"Istanza registrata: pratica {case.code}, da assegnare.")
    expect(worklist_count(page, "to_assign_direct")).to_have_text("1")
    open_case_from_worklist(page, "to_assign_direct", case.code)
    expect(case_state(page)).to_have_text("Da assegnare")
    case_url = page.url
    page.get_by_role("link", name="Assegna all'assistente sociale").click()
    field(page, "Assistente sociale").select_option(label="Anna Ricci")
    confirm(page)
    # Assigned, the request leaves the front office's queue: back to its list, the case out of sight.
    expect(success(page)).to_have_text("Pratica assegnata.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Da fare")
    expect(worklist_count(page, "to_assign_direct")).to_have_text("0")
    assert page.goto(case_url).status == 404  # type: ignore[union-attr]

    login("assistente")
    expect(worklist_count(page, "to_assess")).to_have_text("1")
    open_case_from_worklist(page, "to_assess", case.code)
    expect(case_state(page)).to_have_text("In valutazione")
    page.get_by_role("link", name="Chiudi: nessun presupposto").click()
    field(page, "Sintesi della valutazione").fill(
        "Difficoltà educative ordinarie: nessun pregiudizio per la minore."
    )
    confirm(page)
    expect(success(page)).to_have_text("Pratica chiusa per assenza di presupposti.")
    expect(case_state(page)).to_have_text("Chiusa")
    expect(timeline_entry(page, "non sussistono i presupposti")).to_have_count(1)
    expect(page.locator("#h-assessment ~ div").first).to_contain_text("nessun presupposto")
    expect(page.locator("#case-actions a")).to_have_count(0)
    login("assistente")
    expect(worklist_count(page, "to_assess")).to_have_text("0")

    login("segretariato")
    expect(worklist_count(page, "to_assign_direct")).to_have_text("0")
    expect(worklist_section(page, "to_assign_direct")).not_to_contain_text(case.code)
    assert page.goto(case_url).status == 404  # type: ignore[union-attr]
    assert_page_healthy(page)


def test_front_office_refuses_a_child_of_another_comune(demo: Any, login: Login, page: Page) -> None:
    login("segretariato")
    nav(page, "Nuova istanza")
    field(page, "Richiedente (nome e cognome)").fill("Marco Lari")
    field(page, "Relazione con il minore").fill("padre")
    field(page, "Fonte della segnalazione (SINBA)").select_option(
        label="genitori/fratelli/altri familiari conviventi"
    )
    field(page, "Oggetto").fill("Richiesta di informazioni sui servizi educativi")
    fill_child(page, surname="Lari", given_name="Pietro", birth=_child_born(7), sex="Maschio", residence="")
    # The Comune is picked from the suggestions htmx fetches while typing.
    field(page, "Comune di residenza").press_sequentially("Montemu")
    expect(page.locator('#comuni-list option[value="Montemurlo (PO)"]')).to_have_count(1)
    field(page, "Comune di residenza").fill("Montemurlo (PO)")
    page.get_by_role("button", name="Registra").click()

    residence = field(page, "Comune di residenza")
    expect(residence).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_residence_municipality_error")).to_have_text(
        "Il minore risiede a Montemurlo: l'istanza va raccolta dal Segretariato sociale di quel Comune."
    )
    expect(residence).to_have_value("Montemurlo (PO)")
    expect(success(page)).to_have_count(0)
    assert not Case.objects.exists()
    assert not Referral.objects.exists()
    assert not Person.objects.exists()
    nav(page, "Da fare")
    expect(worklist_count(page, "to_assign_direct")).to_have_text("0")
    assert_page_healthy(page)
